"""pyoxigraph terms and stores as rdflib terms and graphs (and back), literals as written.

Commands that need rdflib (pyshacl, serialisation) convert with :func:`to_rdflib`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib import XSD

from axiskg.errors import InputError
from axiskg.rdfio import literals
from axiskg.vocab import ONTOLOGY_GRAPH

if TYPE_CHECKING:
    from axiskg.dataset import Data


# rdflib logs a warning with a traceback for every ill-typed literal it converts; such literals
# are reported as data problems by axiskg.rdfio.literal_checks instead (file and line)
class _QuietIllTyped(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


logging.getLogger("rdflib.term").addFilter(_QuietIllTyped())


class TermConverter:
    """pyoxigraph terms -> rdflib terms; a blank node keeps one rdflib BNode throughout. With
    ``store``, a literal the store rewrote is given as written where that is unambiguous
    (:func:`axiskg.rdfio.literals.as_written`)."""

    def __init__(self, store: Data | None = None) -> None:
        self._bnodes: dict[str, rdflib.BNode] = {}
        self._store = store

    def __call__(self, term):
        if self._store is not None:
            term = literals.as_written(self._store, term)
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            node = self._bnodes.get(term.value)
            if node is None:
                node = self._bnodes[term.value] = rdflib.BNode(term.value)
            return node
        if isinstance(term, ox.Literal):
            if term.language:
                return rdflib.Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == str(XSD.string):
                return rdflib.Literal(term.value)
            # keep the lexical form exactly as written
            return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
        raise InputError(None, f"unsupported RDF term (RDF-star?): {term}")


def to_ox(term):
    """An rdflib term as the pyoxigraph term (the inverse of :class:`TermConverter`)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_rdflib(store: Data, graphs: Iterable[str] | None = None, as_written: bool = True) -> rdflib.Graph:
    """The union of all graphs of ``store`` (or of the named ``graphs``) as a plain rdflib Graph:
    its literals as the files wrote them (``as_written``, the default) or as the store holds them
    (:mod:`axiskg.rdfio.literals`)."""
    convert = TermConverter()
    out = rdflib.Graph()
    if graphs is None:
        quad_sets = [store.quads_for_pattern(None, None, None)]
    else:
        quad_sets = [store.quads_for_pattern(None, None, None, ox.NamedNode(g)) for g in graphs]
    for quads in quad_sets:
        for s, p, o, _ in literals.written_quads(store if as_written else None, quads):
            out.add((convert(s), convert(p), convert(o)))
    return out


def written_term(store: Data):
    """``written(term) -> term``: an rdflib literal of ``store`` as written, where the store
    rewrote it and that is unambiguous (:func:`axiskg.rdfio.literals.as_written`); other terms as they are."""
    convert = TermConverter(store)

    def written(term):
        return convert(to_ox(term)) if isinstance(term, rdflib.Literal) else term

    return written


def graph_ntriples(store: Data, as_written: bool = False) -> list[bytes]:
    """Every graph of ``store`` (the named ones, then the default graph) as N-Triples bytes,
    one ``S P O .`` line per triple, written inside pyoxigraph; ``as_written``: the literals the
    store rewrote as the files wrote them (:func:`axiskg.rdfio.literals.written_ntriples`). The union
    of the graphs is the set of all these lines (a triple in several graphs appears in several
    of them); blank nodes keep the store's labels, which are the same in every graph."""

    graphs = _graphs(store)
    dumps = [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in graphs]
    if as_written:
        swaps = literals.line_swaps(store)
        dumps = [literals.written_ntriples(d, swaps.get(g)) for g, d in zip(graphs, dumps)]
    return dumps


def _graphs(store: Data) -> list:
    return sorted(store.named_graphs(), key=str) + [ox.DefaultGraph()]


def spill_graphs(store: Data, folder: Path) -> list[tuple[ox.NamedNode | ox.DefaultGraph, Path]]:
    """Dump every graph of ``store`` (as :func:`graph_ntriples` orders them) by pyoxigraph straight
    to a file in ``folder`` (no copy in memory while the store is alive): ``(graph, file)`` pairs,
    to be read back once the store is freed (:mod:`axiskg.rdfio.sorted_union`)."""
    spilled = []
    for n, graph in enumerate(_graphs(store)):
        path = folder / f"graph-{n}.nt"
        store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        spilled.append((graph, path))
    return spilled


def parse_ntriples(data: bytes):
    """Triples of N-Triples bytes this program wrote (no error handling needed)."""
    return ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def triples_to_rdflib(triples: Iterable) -> rdflib.Graph:
    """pyoxigraph triples as a plain rdflib Graph (blank-node labels kept)."""
    convert = TermConverter()
    out = rdflib.Graph()
    for t in triples:
        out.add((convert(t.subject), convert(t.predicate), convert(t.object)))
    return out


def ontology_graph(store: Data) -> rdflib.Graph:
    """The ontology's named graph as an rdflib Graph."""
    return to_rdflib(store, [ONTOLOGY_GRAPH])


def data_graph(store: Data) -> rdflib.Graph:
    """Every graph except the ontology's (default graph included) as one rdflib Graph."""

    convert = TermConverter()
    out = rdflib.Graph()
    for s, p, o, graph in literals.written_quads(store, store.quads_for_pattern(None, None, None)):
        if isinstance(graph, ox.NamedNode) and graph.value == ONTOLOGY_GRAPH:
            continue
        out.add((convert(s), convert(p), convert(o)))
    return out
