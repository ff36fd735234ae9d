"""The SPARQL-compiled SHACL engine gives exactly pyshacl's results.

Compared on (1) the generator's ~10k-triple corpus with injected faults, (2) the project's own
data, (3) every shape fixture under tests/shapes/ (the same data test_shapes.py gives pyshacl).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from axiskg import loading, paths, shacl_sparql, synth
from axiskg.validation import compact, validate

from test_shapes import FIXTURES, fixture_data, report_for, shapes

ROOT = Path(__file__).resolve().parents[1]


def _store_from_rdflib(graph: rdflib.Graph) -> ox.Store:
    def term(t):
        if isinstance(t, rdflib.URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, rdflib.BNode):
            return ox.BlankNode(str(t))
        return loading._to_ox(t)

    store = ox.Store()
    g = ox.NamedNode("urn:axiskg:test:fixture")
    for s, p, o in graph:
        store.add(ox.Quad(term(s), term(p), term(o), g))
    return store


def _with_ontology(store: ox.Store) -> ox.Store:
    for path in paths.ontology_files(ROOT):
        loading.load_file(store, path, loading.ONTOLOGY_GRAPH)
    return store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    manifest = synth.write_corpus(out, reports=6, seed=7, violations=len(synth.KINDS) + 2, root=ROOT)
    return out, manifest


@cache
def _engines_on(folder: str):
    store = _with_ontology(loading.load_files([Path(folder)]))
    locate = loading.source_locator(store)
    fast = shacl_sparql.validate_store(store, shapes(), locate=locate)
    slow = validate(loading.to_rdflib(store), shapes(), None, locate=locate)
    return fast, slow


def test_corpus_is_about_10k_triples_with_every_kind_of_fault(corpus):
    _, manifest = corpus
    assert 9000 <= manifest["triples"] <= 11000
    assert Counter(f["kind"] for f in manifest["injected"]) == Counter(
        {k: 2 if k in synth.KINDS[:2] else 1 for k in synth.KINDS})
    assert (manifest["violations"], manifest["warnings"]) == (10, 1)


def test_both_engines_find_exactly_the_injected_faults(corpus):
    folder, manifest = corpus
    fast, slow = _engines_on(str(folder))
    expected = sorted((f["severity"], f["focus"], f["path"] or "-", f["component"]) for f in manifest["injected"])
    for report in (fast, slow):
        got = sorted((r.severity, r.focus, r.path or "-", r.component_name) for r in report.results)
        assert got == expected


def test_sparql_engine_equals_pyshacl_on_the_corpus(corpus):
    fast, slow = _engines_on(str(corpus[0]))
    assert fast.fallback == []  # every project shape compiles
    assert fast.results == slow.results  # focus, path, component, severity, value, shape, message, file
    assert fast.conforms is slow.conforms is False


def test_sparql_engine_equals_pyshacl_on_the_project():
    store = loading.load_store(ROOT)
    fast = shacl_sparql.validate_store(store, shapes())
    slow = validate(loading.data_graph(store), shapes(), loading.ontology_graph(store))
    assert fast.results == slow.results == []


@pytest.mark.parametrize("fx", [pytest.param(fx, id=fx.id) for fx in FIXTURES])
def test_sparql_engine_equals_pyshacl_on_shape_fixture(fx):
    slow = report_for(fx)[0]  # pyshacl's report (shared with test_shapes.py in one session)
    fast = shacl_sparql.validate_store(_with_ontology(_store_from_rdflib(fixture_data(fx))), shapes())
    assert fast.fallback == []
    assert [compact(r.focus) for r in fast.results] == [compact(r.focus) for r in slow.results]
    assert fast.results == slow.results


def test_unsupported_shape_falls_back_to_pyshacl():
    """A node shape using a constraint the compiler lacks (sh:hasValue) is handed to pyshacl."""
    g = rdflib.Graph()
    g.parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:hasValue ex:v ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ] .
    """, format="turtle")
    store = ox.Store()
    store.load(b"<http://example.org/a> a <http://example.org/C> ; <http://example.org/p> <http://example.org/w> .",
               format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    report = shacl_sparql.validate_store(store, g)
    assert report.fallback == ["http://example.org/S"]
    assert sorted((r.source_shape, r.component_name) for r in report.results) == [
        ("http://example.org/S sh:property [ sh:path http://example.org/p ]", "HasValueConstraintComponent"),
        ("http://example.org/T sh:property [ sh:path http://example.org/p ]", "MinCountConstraintComponent"),
    ]
    assert report.results == validate(loading.to_rdflib(store), g).results
