"""axiskg validate as CI runs it: standard SHACL for other people's shapes, a file and a line
for every result, errors as reports in every format, a summary that says whether the run passes."""

from __future__ import annotations

import json

import rdflib
from conftest import run_main

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
