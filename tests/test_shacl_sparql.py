"""The SPARQL-compiled SHACL engine gives exactly pyshacl's results.

Compared on (1) the generator's ~5k-triple corpus (two reports) with every kind of injected fault,
(2) the project's own data, (3) every shape fixture under tests/shapes/ (pyshacl's reports of (2) and
(3) are test_shapes.py's, computed once: both modules run in one pytest-xdist worker).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from test_shapes import FIXTURES, fixture_data, report_for, shapes
from test_shapes import project as validated_project

from axiskg import paths, shacl, synth
from axiskg.dataset import Dataset
from axiskg.rdfio.reading import load_file
from axiskg.rdfio.sources import source_locator
from axiskg.rdfio.terms import to_ox, to_rdflib
from axiskg.shacl.results import compact
from axiskg.shacl.validation import validate
from axiskg.vocab import ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.xdist_group("shape-fixtures")  # the same worker as test_shapes.py (its cache)


def _store_from_rdflib(graph: rdflib.Graph) -> Dataset:
    from axiskg.rdfio import literals

    term = to_ox
    store = Dataset()  # its record keeps the literals as written
    g = "urn:axiskg:test:fixture"
    literals.add(store, (ox.Quad(term(s), term(p), term(o), ox.NamedNode(g)) for s, p, o in graph), g)
    return store


def _with_ontology(store: Dataset) -> Dataset:
    for path in paths.ontology_files(ROOT):
        load_file(store, path, ONTOLOGY_GRAPH)
    return store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    # two reports (~5k triples): every kind of fault, spread over two files (pyshacl takes 4 s per report)
    manifest = synth.write_corpus(out, reports=2, seed=7, violations=len(synth.KINDS) + 2, root=ROOT)
    return out, manifest


@cache
def _engines_on(folder: str):
    store = _with_ontology(Dataset.load([Path(folder)], inferred=False))
    locate = source_locator(store)
    fast = shacl.validate_store(store, shapes(), locate=locate)
    slow = validate(to_rdflib(store), shapes(), None, locate=locate)
    return fast, slow


def test_corpus_is_about_5k_triples_with_every_kind_of_fault(corpus):
    _, manifest = corpus
    assert 4000 <= manifest["triples"] <= 6000
    assert {f["report"] for f in manifest["injected"]} == {"synth-0001", "synth-0002"}  # faults in both files
    assert Counter(f["kind"] for f in manifest["injected"]) == Counter(
        {k: 2 if k in synth.KINDS[:2] else 1 for k in synth.KINDS}
    )
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
    fast = shacl.validate_store(Dataset.load(root=ROOT, inferred=False), shapes())
    slow = validated_project()[0]  # pyshacl on the data with the ontology, as `axiskg validate` runs it
    assert fast.results == slow.results == []


@pytest.mark.parametrize("fx", [pytest.param(fx, id=fx.id) for fx in FIXTURES])
def test_sparql_engine_equals_pyshacl_on_shape_fixture(fx):
    slow = report_for(fx)[0]  # pyshacl's report (shared with test_shapes.py in one session)
    fast = shacl.validate_store(_with_ontology(_store_from_rdflib(fixture_data(fx))), shapes())
    assert fast.fallback == []
    assert [compact(r.focus) for r in fast.results] == [compact(r.focus) for r in slow.results]
    assert fast.results == slow.results


def test_unsupported_shape_falls_back_to_pyshacl():
    """A node shape using a constraint the compiler lacks (sh:hasValue) is handed to pyshacl."""
    g = rdflib.Graph()
    g.parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:hasValue ex:v ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ] .
    """,
        format="turtle",
    )
    store = ox.Store()
    store.load(
        b"<http://example.org/a> a <http://example.org/C> ; <http://example.org/p> <http://example.org/w> .",
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("urn:g"),
    )
    report = shacl.validate_store(store, g)
    assert report.fallback == ["http://example.org/S"]
    assert sorted((r.source_shape, r.component_name) for r in report.results) == [
        ("http://example.org/S sh:property [ sh:path http://example.org/p ]", "HasValueConstraintComponent"),
        ("http://example.org/T sh:property [ sh:path http://example.org/p ]", "MinCountConstraintComponent"),
    ]
    assert report.results == validate(to_rdflib(store), g).results


# --------------------------------------------------------------------------- NOT EXISTS -> MINUS

_T = "{ SELECT DISTINCT ?this WHERE { ?this a <urn:C> } }"


def test_final_not_exists_on_a_plain_pattern_sharing_only_this_becomes_minus():
    q = f"SELECT ?this WHERE {{ {_T} FILTER NOT EXISTS {{ ?t a <urn:T> . ?this (^<urn:c>/<urn:e>)+ ?t . }} }}"
    out = shacl.not_exists_as_minus(q)
    assert "MINUS { ?t a <urn:T> . ?this (^<urn:c>/<urn:e>)+ ?t . }" in out
    assert "NOT EXISTS" not in out


@pytest.mark.parametrize(
    "query",
    [
        # shares ?r with the outer pattern: NOT EXISTS substitutes it, MINUS would not
        f"SELECT ?this WHERE {{ {_T} ?this <urn:p> ?r FILTER NOT EXISTS {{ ?this <urn:q> ?r }} }}",
        # does not mention ?this at all: MINUS would remove nothing
        f"SELECT ?this WHERE {{ {_T} FILTER NOT EXISTS {{ ?x <urn:q> ?y }} }}",
        # not the last element of the group: MINUS would only apply to what precedes it
        f"SELECT ?this WHERE {{ {_T} FILTER NOT EXISTS {{ ?this <urn:q> ?y }} ?this <urn:p> ?z }}",
        # a filter inside the block may read outer variables
        f"SELECT ?this WHERE {{ {_T} FILTER NOT EXISTS {{ ?this <urn:q> ?y FILTER(?y > 1) }} }}",
        # nested in an OPTIONAL group
        f"SELECT ?this WHERE {{ {_T} OPTIONAL {{ ?this <urn:p> ?z FILTER NOT EXISTS {{ ?this <urn:q> ?y }} }} }}",
        # the words are inside a string, not code
        f'SELECT ?this WHERE {{ {_T} ?this <urn:p> "FILTER NOT EXISTS {{ ?this <urn:q> ?y }}" }}',
    ],
)
def test_not_exists_stays_where_minus_would_differ(query):
    assert shacl.not_exists_as_minus(query) == query


def test_the_rewrite_keeps_results_on_reachability():
    """A driver reaching the trend, one that does not, one reaching only a non-trend."""
    store = ox.Store()
    ax = "https://w3id.org/axiskg/ontology#"
    rows = [
        ("d1", "a", "Driver"),
        ("d2", "a", "Driver"),
        ("t", "a", "CentralTrend"),
        ("l1", "hasCause", "d1"),
        ("l1", "hasEffect", "x"),
        ("l2", "hasCause", "x"),
        ("l2", "hasEffect", "t"),
        ("l3", "hasCause", "d2"),
        ("l3", "hasEffect", "y"),
    ]
    for s, p, o in rows:
        pred = ox.NamedNode(ax + p) if p != "a" else ox.NamedNode(str(rdflib.RDF.type))
        obj = ox.NamedNode(ax + o) if p == "a" else ox.NamedNode("urn:" + o)
        store.add(ox.Quad(ox.NamedNode("urn:" + s), pred, obj, ox.NamedNode("urn:g")))
    q = (
        f"PREFIX axis: <{ax}> SELECT ?this WHERE {{ ?this a axis:Driver FILTER NOT EXISTS {{ "
        "?trend a axis:CentralTrend . ?this (^axis:hasCause/axis:hasEffect)+ ?trend . } }"
    )
    rewritten = shacl.not_exists_as_minus(q)
    assert rewritten != q

    def run(text):
        return sorted(r["this"].value for r in store.query(text, use_default_graph_as_union=True))

    assert run(rewritten) == run(q) == ["urn:d2"]
