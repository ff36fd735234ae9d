"""axiskg validate PATH ...: outputs, exit codes, options."""

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from conftest import FIXTURES, run_cli, run_main

from axiskg.commands.reports import use_color
from axiskg.shacl.reporting import format_text

VIOLATING = FIXTURES / "violating.ttl"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
ID = "https://w3id.org/axiskg/id/"


def validate(project, *args, cwd=None):
    """Run from outside the repository, so that file names in reports are absolute."""
    return run_main("validate", *args, root=project, cwd=cwd or project.parent)


def test_text_grouped_by_file_and_focus(project, tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text(
        "@prefix axis: <https://w3id.org/axiskg/ontology#> .\n"
        '<https://w3id.org/axiskg/id/actor/x> a axis:MilitaryCommand ; <http://www.w3.org/2000/01/rdf-schema#label> "x"@ja .\n'
    )
    proc = validate(project, str(VIOLATING), str(other), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "\033[" not in out  # not a terminal: no colours
    # files are headings, focus nodes below them, severity first on each result line
    assert out.index(str(VIOLATING)) < out.index("  id:actor/nolabel") < out.index("  id:claim/test/9")
    assert "\nother.ttl\n  id:actor/x  (line 2)\n    Violation SPARQLConstraintComponent\n" in out
    assert "      message an actor needs an English label\n" in out
    assert "      path    axis:hasEvidence / oa:hasSelector / oa:exact\n" in out
    assert out.endswith(
        "Violations: 3\nWarnings: 1\nInfos: 0\nConforms: no (3 violations, 1 warning); fails at --fail-on violation\n"
    )


def test_no_path_validates_the_project_and_conforms(project):
    proc = validate(project)
    assert (proc.returncode, proc.stdout) == (0, "Violations: 0\nWarnings: 0\nInfos: 0\nConforms: yes\n")


def test_fail_on_levels(project, tmp_path):
    warn_only = tmp_path / "warn.ttl"
    warn_only.write_text(
        "@prefix axis: <https://w3id.org/axiskg/ontology#> .\n"
        '<https://w3id.org/axiskg/id/claim/w> a axis:Claim ; <http://www.w3.org/2000/01/rdf-schema#label> "w"@en ;'
        " axis:hasEvidence [ a <http://www.w3.org/ns/oa#SpecificResource> ] .\n"
    )
    assert validate(project, str(warn_only)).returncode == 0
    assert validate(project, "--fail-on", "warning", str(warn_only)).returncode == 1
    assert validate(project, "--fail-on", "info", str(warn_only)).returncode == 1
    assert validate(project, "--fail-on", "violation", str(VIOLATING)).returncode == 1
    assert validate(project, "--fail-on", "bogus", str(VIOLATING)).returncode == 2


def test_json_output_schema(project):
    proc = validate(project, "--output", "json", str(VIOLATING))
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "https://w3id.org/axiskg/schema/validation-report/1"
    assert (doc["conforms"], doc["failOn"], doc["failed"]) == (False, "violation", True)
    assert doc["counts"] == {"violation": 2, "warning": 1, "info": 0}
    first = doc["results"][0]
    assert sorted(first) == sorted(
        [
            "severity",
            "source",
            "line",
            "focusNode",
            "resultPath",
            "value",
            "message",
            "sourceConstraintComponent",
            "sourceShape",
        ]
    )
    assert first["focusNode"] == ID + "actor/nolabel" and first["source"] == str(VIOLATING)
    assert first["line"] == 5  # where the focus node is described
    assert [r["severity"] for r in doc["results"]] == ["Violation", "Violation", "Warning"]


def test_turtle_output_is_the_shacl_report(project):
    proc = validate(project, "--output", "turtle", str(VIOLATING))
    g = rdflib.Graph().parse(data=proc.stdout, format="turtle")
    report = next(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert g.value(report, SH.conforms) == rdflib.Literal(False)
    assert len(list(g.objects(report, SH.result))) == 3


def test_junit_output(project):
    proc = validate(project, "--output", "junit", str(VIOLATING))
    suite = ET.fromstring(proc.stdout).find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 3 and suite.get("failures") == "2"
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == [
        "id:actor/nolabel [axis:ActorShape]",
        "id:claim/test/9 [axis:ClaimShape sh:property [ sh:path rdfs:label ]]",
    ]
    assert all(c.get("classname") == str(VIOLATING) for c in cases)
    # the warning is a passing case with its text in system-out, unless --fail-on warning
    warning_case = cases[2]
    assert warning_case.find("failure") is None and "evidence should quote" in warning_case.find("system-out").text
    strict = ET.fromstring(validate(project, "-o", "junit", "--fail-on", "warning", str(VIOLATING)).stdout)
    assert strict.get("failures") == "3"
    ok = ET.fromstring(validate(project, "-o", "junit").stdout)
    assert ok.get("failures") == "0" and ok.find("testsuite/testcase").get("name") == "conforms"


def test_github_annotations(project):
    lines = validate(project, "--output", "github", str(VIOLATING)).stdout.splitlines()
    assert lines[0].startswith(
        f"::error file={VIOLATING},line=5,title=SPARQLConstraintComponent on id%3Aactor/nolabel::Violation"
    )
    assert lines[2].startswith("::warning file=")
    assert lines[3] == (
        "axiskg validate: 2 violation(s), 1 warning(s), 0 info(s); conforms: no; fails at --fail-on violation"
    )


def test_custom_shapes_and_format_override(project, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetSubjectsOf <urn:p> ; sh:property [ sh:path <urn:q> ; sh:minCount 1 ] .\n"
    )
    data = tmp_path / "data.txt"
    data.write_text("<urn:a> <urn:p> <urn:b> .\n")
    assert validate(project, str(data)).returncode == 2  # unknown extension
    proc = validate(project, "--shapes", str(shapes), "--format-in", "nt", "-o", "json", str(data))
    assert proc.returncode == 1, proc.stderr
    assert [r["focusNode"] for r in json.loads(proc.stdout)["results"]] == ["urn:a"]


@pytest.mark.parametrize("inference, expected", [("none", 0), ("rdfs", 1), ("owlrl", 1)])
def test_inference(tmp_path, inference, expected):
    root = tmp_path / "p"
    (root / "ontology" / "shapes").mkdir(parents=True)
    (root / "ontology" / "core.ttl").write_text("<urn:p> <http://www.w3.org/2000/01/rdf-schema#domain> <urn:C> .\n")
    (root / "ontology" / "shapes" / "s.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:S> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property [ sh:path <urn:label> ; sh:minCount 1 ] .\n"
    )
    data = tmp_path / "d.nt"
    data.write_text("<urn:a> <urn:p> <urn:b> .\n")
    # a process of its own: owlrl changes rdflib's handling of literals for the rest of the process
    proc = run_cli("validate", "--inference", inference, "-o", "json", str(data), root=root)
    assert json.loads(proc.stdout)["counts"]["violation"] == expected, proc.stderr
    assert proc.returncode == (1 if expected else 0)


def test_colours_only_on_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


def test_colour_codes_in_text():
    from axiskg.shacl.results import Report, Result

    r = Result("Violation", "urn:f", None, "http://www.w3.org/ns/shacl#X", "urn:s", None, "m", "f.ttl")
    report = Report(conforms=False, results=[r], graph=rdflib.Graph())
    assert "\033[31mViolation" in format_text(report, color=True)
    assert "\033[" not in format_text(report, color=False)


def test_project_conforms_under_owl_rl_inference():
    """OWL RL entailment types every component with its superclass too; the unique-ordinal
    constraint compares components by their specific kind, so the project still conforms."""
    root = Path(__file__).resolve().parents[1]
    proc = run_cli("validate", "--inference", "owlrl", root=root)  # owlrl: see test_inference
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert proc.stdout.endswith("Violations: 0\nWarnings: 0\nInfos: 0\nConforms: yes\n")


def test_a_value_is_judged_as_each_file_wrote_it(tmp_path):
    """The store holds ``"5"^^xsd:nonNegativeInteger`` and ``"5"^^xsd:integer`` as one literal:
    written as an integer in one file, it breaks ``sh:datatype xsd:nonNegativeInteger`` even when
    another file writes the same triple as a non-negative integer."""
    head = "@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        head + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; "
        "sh:property [ sh:path ex:p ; sh:datatype xsd:nonNegativeInteger ] .\n"
    )
    files = {}
    for name, datatype in (("a", "nonNegativeInteger"), ("b", "integer"), ("c", "nonNegativeInteger")):
        files[name] = tmp_path / f"{name}.ttl"
        files[name].write_text(head + f'ex:s ex:p "5"^^xsd:{datatype} .\n')

    def outcome(*names):
        proc = run_main("validate", "--shapes", str(shapes), "-o", "json", *(str(files[n]) for n in names))
        return proc.returncode, [r["value"] for r in json.loads(proc.stdout)["results"]]

    assert outcome("a", "c") == (0, [])
    assert outcome("b") == (1, ['"5"^^xsd:integer'])
    assert outcome("a", "b") == (1, ['"5"^^xsd:integer'])


def test_own_checks_never_see_the_shapes_graph_a_query_reads(tmp_path):
    """A constraint reading ``$shapesGraph`` has the shapes added to the store for the run; the
    ill-typed-literal check (``--well-typed``), which otherwise runs beside the shapes' queries,
    then runs after them and reports the data's literal, not the shapes file's."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a a ex:Allowed .\nex:c ex:q "y"^^xsd:integer .\n'
        'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql [ sh:message "not allowed" ; sh:select """\n'
        "  SELECT $this ?value WHERE { $this <http://example.org/p> ?value .\n"
        '    FILTER NOT EXISTS { GRAPH $shapesGraph { ?value a <http://example.org/Allowed> } } }""" ] .\n'
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:s ex:p ex:a , ex:b .\nex:t ex:r "x"^^xsd:integer .\n'
    )
    proc = run_main("validate", "--well-typed", "--shapes", str(shapes), "-o", "json", str(data))
    found = [(r["focusNode"], r["value"], r["line"]) for r in json.loads(proc.stdout)["results"]]
    assert proc.returncode == 1
    assert found == [
        ("http://example.org/s", "http://example.org/b", 2),
        ("http://example.org/t", '"x"^^xsd:integer', 3),
    ]


def test_flag_x_keeps_the_spaces_of_escaped_brackets_out(tmp_path):
    """With ``sh:flags "x"``, whitespace goes except inside a character class (XPath's
    ``fn:matches``): ``\\[ a \\]`` holds escaped brackets, no class, so it matches ``[a]``
    (pyshacl ignores the flag ``x``: the default engine only)."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; "
        'sh:pattern "^\\\\[ a \\\\] [ ]b$" ; sh:flags "x" ] .\n'
    )
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\nex:s ex:p "[a] b" .\nex:t ex:p "[ a ] b" .\n')
    proc = run_main("validate", "--shapes", str(shapes), "-o", "json", str(data))
    assert proc.returncode == 1, proc.stderr
    assert [(r["focusNode"], r["value"]) for r in json.loads(proc.stdout)["results"]] == [
        ("http://example.org/t", '"[ a ] b"')
    ]
