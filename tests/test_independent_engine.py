"""The default engine against an independent SHACL implementation on the synthetic corpus.

pyshacl-turbo (a Rust SHACL engine with a pySHACL-compatible API, sharing no code with axiskg's
SPARQL compiler) validates the same data (the ``axiskg synth`` corpus with every kind of injected
fault, mixed with the ontology, written as N-Triples) against the project's shapes. Both must
report the same results: focus node, path, value, severity, source shape and component (blank
nodes, whose labels are each engine's own, compared as blank nodes; SHACL paths by structure).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, SH

from axiskg import paths, shacl, synth
from axiskg.dataset import Dataset, load_shapes
from axiskg.rdfio.reading import load_file
from axiskg.rdfio.serialize import serialize
from axiskg.rdfio.terms import graph_ntriples
from axiskg.vocab import ONTOLOGY_GRAPH

pyshacl_turbo = pytest.importorskip(
    "pyshacl_turbo", reason="pyshacl-turbo is in the test extra: pip install -e '.[test]'"
)

ROOT = Path(__file__).resolve().parents[1]


def _term(term, graph: rdflib.Graph | None = None):
    if term is None:
        return None
    if isinstance(term, rdflib.BNode):
        if graph is not None:  # a SHACL path or shape of the shapes graph: by structure
            from axiskg.shacl.w3c_suite import term_key

            return term_key(graph, term)
        return "_:"
    if isinstance(term, rdflib.Literal):
        return (str(term), str(term.datatype or ""), term.language or "")
    return str(term)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    manifest = synth.write_corpus(out / "data", reports=6, seed=11, violations=len(synth.KINDS) + 2, root=ROOT)
    store = Dataset.load([out / "data"], inferred=False)
    for path in paths.ontology_files(ROOT):
        load_file(store, path, ONTOLOGY_GRAPH)
    shapes = load_shapes(ROOT)
    (out / "all.nt").write_bytes(b"".join(graph_ntriples(store, as_written=True)))  # the files as written
    (out / "shapes.ttl").write_bytes(serialize(shapes, "turtle"))
    return out, store, shapes, manifest


def test_same_results_as_pyshacl_turbo(corpus):
    out, store, shapes, manifest = corpus
    ours = shacl.validate_store(store, shapes)
    assert ours.fallback == []
    # the report graph of our engine, read back: the same standard report both sides give
    mine = Counter(
        (
            _term(r.focus_node),
            _term(r.path_node, shapes),
            _term(r.value_node),
            str(r.severity_node),
            _term(r.shape_node, shapes),
            r.component,
        )
        for r in ours.results
    )
    shapes_file = rdflib.Graph().parse(out / "shapes.ttl", format="turtle")
    conforms, report, _ = pyshacl_turbo.validate(
        str(out / "all.nt"),
        shacl_graph=str(out / "shapes.ttl"),
        data_graph_format="nt",
        shacl_graph_format="turtle",
        advanced=True,
        allow_warnings=True,
    )

    def shape_side(term):  # turbo names the shapes file's blank nodes its own way: its report holds them
        return _term(term, shapes_file if (term, None, None) in shapes_file else report)

    theirs = Counter(
        (
            _term(report.value(r, SH.focusNode)),
            shape_side(report.value(r, SH.resultPath)),
            _term(report.value(r, SH.value)),
            str(report.value(r, SH.resultSeverity)),
            shape_side(report.value(r, SH.sourceShape)),
            str(report.value(r, SH.sourceConstraintComponent)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )
    assert conforms is False
    assert sum(theirs.values()) == manifest["violations"] + manifest["warnings"] == 11
    assert mine == theirs
