"""The registry of the SHACL compiler's constraint components: one unit per component, each
citing the specification's definition, the compiler's vocabulary made of the units' parameters,
and a component with no unit handed to pyshacl (never silently ignored)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib
from rdflib import SH

from axiskg import shacl
from axiskg.shacl import compiler
from axiskg.shacl.components import REGISTRY

SPEC = re.compile(r"§(\d+(?:\.\d+)*) .*\(https://www\.w3\.org/TR/shacl/#(\w+)\)", re.S)


def test_every_unit_is_registered_under_its_component_and_cites_the_spec():
    assert len(REGISTRY) == 19
    for iri, unit in REGISTRY.items():
        assert iri == unit.iri and iri.startswith(str(SH)), iri
        cited = SPEC.search(unit.doc)
        assert cited is not None, f"{iri}: no section and URL in {unit.doc!r}"
        section, anchor = cited.groups()
        assert section.split(".")[0] in {"4", "5"}, iri
        # the anchor is the component's own, except sh:qualifiedMinCount's (the spec defines
        # the qualified components in one section)
        assert anchor == {"QualifiedMinCountConstraintComponent": "QualifiedValueShapeConstraintComponent"}.get(
            iri.removeprefix(str(SH)), iri.removeprefix(str(SH))
        ), iri


def test_the_compiler_knows_exactly_the_units_parameters():
    params = {p for unit in REGISTRY.values() for p in unit.parameters}
    assert params == {
        SH.minCount,
        SH.maxCount,
        SH["class"],
        SH.datatype,
        SH["in"],
        SH.nodeKind,
        SH.pattern,
        SH.flags,
        SH.languageIn,
        SH.uniqueLang,
        SH.minLength,
        SH.maxLength,
        SH.minInclusive,
        SH.maxInclusive,
        SH.minExclusive,
        SH.maxExclusive,
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH["or"],
        SH["not"],
        SH.sparql,
    }
    assert params <= compiler.PROPERTY_KEYS
    assert SH.equals not in compiler.PROPERTY_KEYS and SH.hasValue not in compiler.PROPERTY_KEYS


def _report(shapes: str, data: str) -> shacl.SparqlReport:
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .\n"
    store = ox.Store()
    store.load((prefixes + data).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:data"))
    return shacl.validate_store(store, rdflib.Graph().parse(data=prefixes + shapes, format="turtle"))


def test_a_component_without_a_unit_goes_to_pyshacl_and_is_still_checked():
    shapes = (
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:equals ex:q ; sh:minCount 1 ] ."
    )
    report = _report(shapes, "ex:a ex:p 1 ; ex:q 2 .")
    assert report.fallback == ["http://ex.org/S"]
    assert sorted(r.component_name for r in report.results) == ["EqualsConstraintComponent"] * 2


def test_registered_components_are_compiled_not_handed_over():
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:datatype <http://www.w3.org/2001/XMLSchema#string> ;
                      sh:maxInclusive 0 ; sh:pattern "^x" ; sh:in ( "x" ) ] ."""
    report = _report(shapes, "ex:a ex:p 1 .")
    assert report.fallback == []
    assert sorted(r.component_name for r in report.results) == [
        "DatatypeConstraintComponent",
        "InConstraintComponent",
        "MaxInclusiveConstraintComponent",
        "MinCountConstraintComponent",
        "PatternConstraintComponent",
    ]
