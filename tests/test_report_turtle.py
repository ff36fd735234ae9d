"""``axiskg validate --output turtle`` is a standard ``sh:ValidationReport``, the same from both engines.

The report structure is checked by pyshacl (an engine other than the default one) against
``tests/fixtures/report-shapes/validation-report-shapes.ttl``, written from the definitions of
the SHACL Recommendation's section 3.6 (the W3C "SHACL for SHACL" graph covers shapes graphs,
not reports). The report shapes are shown to catch a broken report.
"""

from __future__ import annotations

import shutil
from functools import cache

import pyshacl
import pytest
import rdflib
from conftest import FIXTURES, run_main
from rdflib import RDF, SH

REPORT_SHAPES = FIXTURES / "report-shapes" / "validation-report-shapes.ttl"


@cache
def _report_shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(REPORT_SHAPES, format="turtle")


def _well_formed(report: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(report, shacl_graph=_report_shapes(), advanced=True)
    return conforms, text


@pytest.fixture
def reports(project):
    shutil.copy(FIXTURES / "violating.ttl", project / "data" / "report" / "bad.ttl")
    out = {}
    for engine in ("sparql", "pyshacl"):
        proc = run_main("validate", "--engine", engine, "--output", "turtle", root=project)
        assert proc.returncode == 1, proc.stderr
        out[engine] = proc.stdout
    return out


def test_both_engines_write_the_same_standard_report(reports):
    assert reports["sparql"] == reports["pyshacl"]
    g = rdflib.Graph().parse(data=reports["sparql"], format="turtle")
    ok, text = _well_formed(g)
    assert ok, text
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == rdflib.Literal(False)
    results = list(g.objects(report, SH.result))
    assert len(results) == 3
    # the sequence path is a SHACL path node (an RDF list), not a string
    paths = [g.value(r, SH.resultPath) for r in results if g.value(r, SH.resultPath) is not None]
    assert any(isinstance(p, rdflib.BNode) and g.value(p, RDF.first) is not None for p in paths)
    # a blank source shape is a node, with its description copied in
    shapes = [g.value(r, SH.sourceShape) for r in results]
    assert any(isinstance(s, rdflib.BNode) and g.value(s, SH.path) is not None for s in shapes)


def test_a_warning_alone_makes_conforms_false(project):
    bad = (FIXTURES / "violating.ttl").read_text()
    claim = bad.split("\n<https://w3id.org/axiskg/id/actor")[0].replace(
        "axis:CausalLink ;", 'axis:CausalLink ; rdfs:label "x"@en ;'
    )
    (project / "data" / "report" / "warn.ttl").write_text(claim + "\n")
    proc = run_main("validate", "--output", "turtle", root=project)
    assert proc.returncode == 0, proc.stderr  # warnings do not fail at --fail-on violation
    g = rdflib.Graph().parse(data=proc.stdout, format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == rdflib.Literal(False)  # as the spec says
    assert _well_formed(g)[0]


def test_a_conforming_report_is_well_formed(project):
    proc = run_main("validate", "--output", "turtle", root=project)
    assert proc.returncode == 0
    g = rdflib.Graph().parse(data=proc.stdout, format="turtle")
    assert len(g) == 2 and _well_formed(g)[0]


def test_the_report_shapes_catch_a_broken_report(reports):
    g = rdflib.Graph().parse(data=reports["sparql"], format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    first = sorted(g.objects(report, SH.result))[0]
    no_focus = rdflib.Graph() + g
    no_focus.remove((first, SH.focusNode, None))
    assert not _well_formed(no_focus)[0]
    lying = rdflib.Graph() + g
    lying.set((report, SH.conforms, rdflib.Literal(True)))
    assert not _well_formed(lying)[0]
    bad_path = rdflib.Graph() + g
    bad_path.add((first, SH.resultPath, rdflib.Literal("axis:hasEvidence / oa:hasSelector")))
    assert not _well_formed(bad_path)[0]
