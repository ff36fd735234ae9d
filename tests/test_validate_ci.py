"""axiskg validate as CI runs it: standard SHACL for other people's shapes, a file and a line
for every result, errors as reports in every format, a summary that says whether the run passes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import rdflib
from conftest import run_cli, run_main

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _shapes(tmp_path):
    shapes = tmp_path / "s.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:S> a sh:NodeShape ; sh:targetSubjectsOf <http://www.w3.org/2000/01/rdf-schema#label> ;\n"
        "    sh:property [ sh:path <urn:q> ; sh:minCount 1 ] .\n"
    )
    return shapes


def test_someone_elses_shapes_give_their_results_only(project, tmp_path):
    """With --shapes the data graph is the PATHs alone (the project's ontology, whose classes
    have labels, is not mixed in) and the ill-typed literal is not axiskg's to report; with
    --well-typed it is."""
    data = tmp_path / "d.ttl"
    data.write_text(
        f'<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "a" ; <urn:q> "x"^^<{XSD}integer> .\n'
        '<urn:b> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n'
    )
    proc = run_main("validate", "--shapes", str(_shapes(tmp_path)), str(data), "-o", "turtle", root=project)
    assert proc.returncode == 1, proc.stderr
    g = rdflib.Graph().parse(data=proc.stdout, format="turtle")
    assert {str(g.value(r, SH.focusNode)) for r in g.subjects(rdflib.RDF.type, SH.ValidationResult)} == {"urn:b"}
    both = run_main(
        "validate", "--shapes", str(_shapes(tmp_path)), "--well-typed", str(data), "-o", "json", root=project
    )
    shapes = sorted(r["sourceShape"] for r in json.loads(both.stdout)["results"])
    assert shapes == ["https://w3id.org/axiskg/shapes#WellTypedLiteralShape", "urn:S sh:property [ sh:path urn:q ]"]


def test_the_projects_own_shapes_include_the_literal_check(project, tmp_path):
    data = tmp_path / "d.ttl"
    data.write_text(f'<urn:a> <urn:q> "x"^^<{XSD}integer> .\n')
    proc = run_main("validate", str(data), "-o", "json", root=project)
    assert proc.returncode == 1
    (result,) = [r for r in json.loads(proc.stdout)["results"] if "WellTyped" in r["sourceShape"]]
    assert result["value"] == '"x"^^xsd:integer'


# --------------------------------------------------------------------------- errors are reports

REFUSED_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://e/> .

ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql ex:C .
ex:C
  sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }" .
"""


def _bad(kind, tmp_path):
    """(arguments, file, line, column, words of the message) of each kind of unusable input."""
    if kind == "syntax":
        f = tmp_path / "broken.ttl"
        f.write_text('<urn:a> <urn:b> <urn:c> .\n\n<urn:a> <urn:b> "unterminated .\n')
        return [str(f)], str(f), 3, True, "end of file"
    if kind == "missing":
        f = tmp_path / "nothere.ttl"
        return [str(f)], str(f), None, False, "no such file"
    if kind == "unreadable":
        f = tmp_path / "latin1.nt"
        f.write_bytes(b'<urn:a> <urn:b> "caf\xe9" .\n')
        return [str(f)], str(f), 1, True, "UTF-8"
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/a> <http://e/p> 1 .\n")
    shapes = tmp_path / "refused.ttl"
    shapes.write_text(REFUSED_SHAPES)
    return ["--shapes", str(shapes), str(data)], str(shapes), 5, False, "SERVICE is not allowed"


KINDS = ["syntax", "missing", "unreadable", "refused-shapes"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_is_a_json_report(project, tmp_path, kind):
    args, file, line, column, words = _bad(kind, tmp_path)
    proc = run_main("validate", "-o", "json", *args, root=project, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    error = json.loads(proc.stdout)["error"]
    assert (error["file"], error["line"]) == (file, line)
    assert (error["column"] is not None) == column and words in error["message"]
    assert json.loads(proc.stdout)["failed"] is True


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_is_a_junit_error(project, tmp_path, kind):
    args, file, line, _, words = _bad(kind, tmp_path)
    proc = run_main("validate", "-o", "junit", *args, root=project, cwd=tmp_path)
    assert proc.returncode == 2
    suites = ET.fromstring(proc.stdout)  # well-formed
    assert suites.get("errors") == "1" and suites.get("failures") == "0"
    (case,) = suites.iter("testcase")
    assert case.get("classname") == file
    (error,) = case.findall("error")
    assert words in error.get("message") and (f":{line}:" in error.text) == (line is not None)


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_is_a_github_annotation(project, tmp_path, kind):
    args, file, line, _, words = _bad(kind, tmp_path)
    proc = run_main("validate", "-o", "github", *args, root=project, cwd=tmp_path)
    assert proc.returncode == 2
    first = proc.stdout.splitlines()[0]
    where = f"file={file}" + (f",line={line}" if line is not None else "")
    assert first.startswith(f"::error {where},") and words in first, first


def test_an_error_as_a_separate_process_writes_the_report_and_exits_2(tmp_path):
    """``axiskg validate broken.ttl -o junit > report.xml`` leaves a JUnit report, not 0 bytes."""
    args, file, _, _, _ = _bad("syntax", tmp_path)
    proc = run_cli("validate", "-o", "junit", *args, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"axiskg: error: {file}:3:")
    assert ET.fromstring(proc.stdout).find("testsuite/testcase/error") is not None


# --------------------------------------------------------------------------- every result has a file and a line


def test_every_result_has_its_file_and_line_in_every_format(project, tmp_path):
    """A violation of the project's shapes and an ill-typed literal in one file given as a
    relative path: both named by that path, each with the line of its focus node."""
    data = tmp_path / "sub" / "d.ttl"
    data.parent.mkdir()
    data.write_text(
        "@prefix axis: <https://w3id.org/axiskg/ontology#> .\n"
        f"@prefix xsd: <{XSD}> .\n"
        "\n"
        "<https://w3id.org/axiskg/id/actor/nolabel> a axis:State .\n"
        '<urn:x> <urn:q> "x"^^xsd:integer .\n'
    )
    given = "sub/d.ttl"
    doc = json.loads(run_main("validate", "-o", "json", given, root=project, cwd=tmp_path).stdout)
    where = {(r["sourceShape"].split("#")[-1].split()[0], r["source"], r["line"]) for r in doc["results"]}
    assert ("WellTypedLiteralShape", given, 5) in where
    assert all(source == given and line in (4, 5) for _, source, line in where), where
    github = run_main("validate", "-o", "github", given, root=project, cwd=tmp_path).stdout.splitlines()[:-1]
    assert github and all(re.match(rf"::error file={given},line=[45],", a) for a in github), github
    junit = ET.fromstring(run_main("validate", "-o", "junit", given, root=project, cwd=tmp_path).stdout)
    assert {c.get("classname") for c in junit.iter("testcase")} == {given}
    text = run_main("validate", given, root=project, cwd=tmp_path).stdout
    assert text.startswith(f"{given}\n") and "  id:actor/nolabel  (line 4)\n" in text


# --------------------------------------------------------------------------- the summary


def test_the_summary_says_whether_the_run_passes(project, tmp_path):
    shapes = tmp_path / "s.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:p> ;\n"
        "    sh:property [ sh:path <urn:q> ; sh:minCount 1 ; sh:severity sh:Info ] .\n"
    )
    data = tmp_path / "d.nt"
    data.write_text("".join(f"<urn:{i}> <urn:p> <urn:o> .\n" for i in range(5)))
    proc = run_main("validate", "--shapes", str(shapes), str(data), root=project)
    assert proc.returncode == 0
    assert proc.stdout.endswith("Conforms: no (5 infos); passes at --fail-on violation\n")
    strict = run_main("validate", "--shapes", str(shapes), "--fail-on", "info", str(data), "-o", "json", root=project)
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["summary"] == "Conforms: no (5 infos); fails at --fail-on info"


# --------------------------------------------------------------------------- typos are caught where users look

TYPO = """@prefix axis: <https://w3id.org/axiskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/axiskg/id/actor/x> rdfs:label "x"@en .
<https://w3id.org/axiskg/id/actor/y> a axis:Stat ;
    rdfs:label "y"@en .
"""


def test_a_misspelt_class_is_a_validate_result_with_file_and_line(project, tmp_path):
    typo = tmp_path / "typo.ttl"
    typo.write_text(TYPO)
    proc = run_main("validate", "typo.ttl", "-o", "json", root=project, cwd=tmp_path)
    assert proc.returncode == 1
    (result,) = [r for r in json.loads(proc.stdout)["results"] if "DeclaredTerm" in r["sourceShape"]]
    assert (result["source"], result["line"], result["value"]) == (
        "typo.ttl",
        5,
        "https://w3id.org/axiskg/ontology#Stat",
    )
    assert result["resultPath"] == str(rdflib.RDF.type)
    assert "axis:Stat is not declared by the ontology (did you mean axis:State?)" == result["message"]
    github = run_main("validate", "typo.ttl", "-o", "github", root=project, cwd=tmp_path).stdout
    assert "::error file=typo.ttl,line=5,title=DeclaredTermConstraintComponent on id%3Aactor/y::" in github
    junit = ET.fromstring(run_main("validate", "typo.ttl", "-o", "junit", root=project, cwd=tmp_path).stdout)
    assert [c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None] == [
        "id:actor/y [axsh:DeclaredTermShape]"
    ]
    text = run_main("validate", "typo.ttl", root=project, cwd=tmp_path).stdout
    assert "  id:actor/y  (line 5)\n    Violation DeclaredTermConstraintComponent\n" in text
    # someone else's shapes: their results only
    shapes = str(_shapes(tmp_path))
    other = run_main("validate", "--shapes", shapes, "typo.ttl", "-o", "json", root=project, cwd=tmp_path)
    assert other.returncode == 1 and json.loads(other.stdout)["results"]
    assert "DeclaredTerm" not in other.stdout


# --------------------------------------------------------------------------- check and verify share the outputs


def test_check_writes_junit_and_github_through_the_one_result_model(project, tmp_path):
    typo = tmp_path / "typo.ttl"
    typo.write_text(TYPO)
    github = run_main("check", "typo.ttl", "-o", "github", root=project, cwd=tmp_path)
    assert github.returncode == 1
    assert (
        "::error file=typo.ttl,line=5,title=undeclared_term on id%3Aactor/y::Violation: undeclared_term; "
        "path rdf:type; value axis:Stat;"
    ) in github.stdout
    assert github.stdout.splitlines()[-1].startswith("axiskg check: ")  # the summary line
    junit = ET.fromstring(run_main("check", "typo.ttl", "-o", "junit", root=project, cwd=tmp_path).stdout)
    assert junit.get("name") == "axiskg check"  # (the fixture's ontology has problems of its own)
    (case,) = [c for c in junit.iter("testcase") if c.get("classname") == "typo.ttl"]
    assert "value axis:Stat" in case.find("failure").text


@pytest.mark.parametrize("command", ["check", "verify"])
@pytest.mark.parametrize("output", ["json", "junit", "github"])
def test_check_and_verify_errors_are_reports(project, tmp_path, command, output):
    args, file, line, _, words = _bad("syntax", tmp_path)
    proc = run_main(command, "-o", output, *args, root=project, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    if output == "json":
        assert json.loads(proc.stdout)["error"]["line"] == line
    elif output == "junit":
        assert ET.fromstring(proc.stdout).find("testsuite/testcase/error") is not None
    else:
        assert proc.stdout.startswith(f"::error file={file},line={line},")
