"""The one result model of axiskg's SHACL: a :class:`Result` holds the RDF terms of a
``sh:ValidationResult`` (and their readable labels, made once); a :class:`Report` holds the results
and the standard ``sh:ValidationReport`` graph. Every producer makes these (the store engine
:mod:`axiskg.shacl.engine`, pyshacl :mod:`axiskg.shacl.validation`, the project's own checks
:mod:`axiskg.shacl.project_checks`, ``verify``, ``check``) and every output reads them
(:mod:`axiskg.shacl.reporting`). Blank nodes are described by one walk (:func:`reached_from`)."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import rdflib
from rdflib import RDF, SH
from rdflib.term import Node

from axiskg.shacl import property_paths
from axiskg.vocab import PREFIXES, SEVERITIES, local_name
from axiskg.vocab import compact as compact  # re-exported: results are shown compacted

# rdflib logs a traceback for every ill-typed literal it reads (e.g. "aldi"^^xsd:integer);
# ill-typed values are findings of the validation, not errors of the program
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", message="Parsing weird boolean")

_RANK = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Result:
    """One SHACL validation result.

    The RDF terms are the result, as a ``sh:ValidationResult`` holds them: ``focus_node``,
    ``path_node`` (an IRI or the SHACL path node of the shapes graph), ``value_node``,
    ``shape_node`` (the source shape's node), ``severity_node``, ``component`` (an IRI) and, for
    a SHACL-SPARQL constraint, ``constraint_node`` (its ``sh:sparql`` node).
    ``severity``, ``focus``, ``path``, ``source_shape`` and ``value`` are their readable labels,
    made once with the result (a blank node is described by how a named node reaches it, which
    needs the graph it lives in); the formatters print them, nothing parses them back.
    """

    severity: str  # local name of sh:resultSeverity ("Violation", "Warning", "Info", or a custom one)
    focus: str
    path: str | None
    component: str  # full IRI of sh:sourceConstraintComponent
    source_shape: str
    value: str | None  # IRI, or a literal in Turtle syntax
    message: str | None
    source: str | None = None  # file (or graph) the focus node is described in, if known
    focus_node: Node | None = None
    path_node: Node | None = None
    value_node: Node | None = None
    shape_node: Node | None = None
    severity_node: rdflib.URIRef | None = None
    constraint_node: Node | None = None  # sh:sourceConstraint: the sh:sparql node of a SPARQL constraint
    line: int | None = None  # line of ``source`` where the result's value is written, if known

    @property
    def component_name(self) -> str:
        """Short local name, e.g. ``MinCountConstraintComponent``."""
        return local_name(self.component)

    def sort_key(self) -> tuple:
        return (
            _RANK.get(self.severity, len(SEVERITIES)),
            self.source or "",
            self.focus,
            self.path or "",
            self.component,
            self.source_shape,
            self.value or "",
            self.message or "",
            self.severity,
        )


@dataclass
class Report:
    conforms: bool  # as sh:conforms: True only when there is no result at all (of any severity)
    results: list[Result]
    graph: rdflib.Graph = field(repr=False)  # the standard sh:ValidationReport of the results

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def standard_graph(self) -> rdflib.Graph:
        """The ``sh:ValidationReport`` (the same graph ``--output turtle`` writes)."""
        return self.graph


_PATH_OPERATORS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def report_graph_of(results: list[Result], shapes: rdflib.Graph, data_edges) -> rdflib.Graph:
    """The standard ``sh:ValidationReport`` of ``results``: ``sh:conforms`` false when there is
    any result; each result with its focus node, path, value, severity, source shape, component
    and message as RDF terms. Blank nodes are copied with what they describe, so the report
    stands alone: SHACL paths and source shapes from ``shapes``, focus nodes and values through
    ``data_edges(bnode) -> [(predicate, object)]``."""
    g = rdflib.Graph(bind_namespaces="none")
    g.bind("sh", SH)
    report = rdflib.BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, rdflib.Literal(not results)))
    add_results(g, report, results, shapes, data_edges)
    return g


def add_results(g: rdflib.Graph, report, results: list[Result], shapes: rdflib.Graph, data_edges) -> None:
    """Each of ``results`` as a ``sh:result`` of ``report`` in ``g`` (see :func:`report_graph_of`):
    how the project's own checks (:mod:`axiskg.shacl.project_checks`) add theirs to a report."""
    copied: set = set()

    def copy(term, edges) -> None:
        todo = [term]
        while todo:
            node = todo.pop()
            if not isinstance(node, rdflib.BNode) or node in copied:
                continue
            copied.add(node)
            for p, o in edges(node):
                g.add((node, p, o))
                todo.append(o)

    def shape_edges(node):
        return shapes.predicate_objects(node)

    def path_edges(node):
        """A SHACL path node's own structure only (a list, or one path operator), even when
        the shapes graph says more about the node."""
        if shapes.value(node, RDF.first) is not None:
            return [(p, shapes.value(node, p)) for p in (RDF.first, RDF.rest)]
        for p in _PATH_OPERATORS:
            inner = shapes.value(node, p)
            if inner is not None:
                return [(p, inner)]
        return []

    for r in results:
        node = rdflib.BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.resultSeverity, r.severity_node or SH[r.severity]))
        g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
        for pred, term, edges in (
            (SH.focusNode, r.focus_node, data_edges),
            (SH.value, r.value_node, data_edges),
            (SH.resultPath, r.path_node, path_edges),
            (SH.sourceShape, r.shape_node, shape_edges),
            (SH.sourceConstraint, r.constraint_node, shape_edges),
        ):
            if term is not None:
                g.add((node, pred, term))
                copy(term, edges)
        if r.message:
            g.add((node, SH.resultMessage, rdflib.Literal(r.message)))


def _compact_graph() -> rdflib.Graph:
    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


NAMESPACES = _compact_graph().namespace_manager


def reached_from(term, incoming, steps: int = 4) -> tuple:
    """How a blank node is reached from a named node: ``(iri, [predicate IRIs from it to
    term])``, or ``(None, [...])`` when no named node is found within ``steps`` edges.
    ``incoming(node)`` gives ``(sort key, predicate IRI, subject, subject IRI or None)`` of the
    edges into ``node``; the first by sort key and predicate is followed. The one walk for both
    an rdflib graph (:func:`graph_incoming`) and the store (:func:`store_incoming`)."""
    preds: list[str] = []
    node = term
    for _ in range(steps):
        edges = sorted(incoming(node), key=lambda e: (e[0], e[1]))
        if not edges:
            break
        _, pred, node, iri = edges[0]
        preds.append(pred)
        if iri is not None:
            return iri, preds[::-1]
    return None, preds[::-1]


def describe_blank(term, incoming) -> str:
    """A blank node for people: the way it is reached from a named node, ``[] via <c> p / q``
    (:func:`reached_from`), else ``[]``."""
    iri, preds = reached_from(term, incoming)
    return f"[] via {compact(iri)} " + " / ".join(compact(p) for p in preds) if iri is not None else "[]"


def graph_incoming(graph: rdflib.Graph):
    """``incoming(node)`` of :func:`reached_from` for an rdflib graph."""

    def incoming(node) -> list:
        return [
            (s.n3(), str(p), s, str(s) if isinstance(s, rdflib.URIRef) else None)
            for s, p in graph.subject_predicates(node)
        ]

    return incoming


def store_incoming(store):
    """``incoming(node)`` of :func:`reached_from` for a pyoxigraph store (or dataset)."""
    import pyoxigraph as ox

    def incoming(node) -> list:
        return [
            (
                str(q.subject),
                q.predicate.value,
                q.subject,
                q.subject.value if isinstance(q.subject, ox.NamedNode) else None,
            )
            for q in store.quads_for_pattern(None, None, node)
        ]

    return incoming


class Describer:
    """Stable, readable strings for terms of the report, shapes and data graphs."""

    def __init__(self, report: rdflib.Graph, shapes: rdflib.Graph, data: rdflib.Graph) -> None:
        self.report, self.shapes, self.data = report, shapes, data

    def node(self, term, graph: rdflib.Graph | None = None) -> str:
        if isinstance(term, rdflib.URIRef):
            return str(term)
        if isinstance(term, rdflib.Literal):
            return term.n3(NAMESPACES)
        return self._bnode(term, graph if graph is not None else self.data)

    def _bnode(self, term, graph: rdflib.Graph) -> str:
        return describe_blank(term, graph_incoming(graph))

    def path(self, term) -> str | None:
        if term is None:
            return None
        if isinstance(term, rdflib.URIRef):
            return str(term)
        for g in (self.report, self.shapes):
            text = self._path_expr(g, term)
            if text:
                return text
        return "[]"

    def _path_expr(self, g: rdflib.Graph, term) -> str | None:
        return property_paths.render(g, term)

    def shape(self, term) -> str:
        if not isinstance(term, rdflib.BNode):
            return str(term)
        path = (
            self._path_expr(self.shapes, self.shapes.value(term, SH.path))
            if self.shapes.value(term, SH.path) is not None
            else None
        )
        parents = sorted(str(p) for p in self.shapes.subjects(SH.property, term))
        owner = parents[0] if parents else "[]"
        return f"{owner} sh:property [ sh:path {path} ]" if path else owner
