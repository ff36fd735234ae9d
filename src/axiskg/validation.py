"""SHACL validation with pyshacl, and a readable report."""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field

import rdflib
from rdflib import RDF, SH
from rdflib.term import Node

from axiskg import shacl_paths
from axiskg.errors import InputError
from axiskg.vocab import AXSH, PREFIXES, SEVERITIES, local_name
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
    _add_results(g, report, results, shapes, data_edges)
    return g


def _add_results(g: rdflib.Graph, report, results: list[Result], shapes: rdflib.Graph, data_edges) -> None:
    """Each of ``results`` as a ``sh:result`` of ``report`` in ``g`` (see :func:`report_graph_of`)."""
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


#: the built-in check every literal meets whatever the shapes say: a literal with an XSD
#: datatype is in that datatype's lexical space. Its results name this shape and component
#: (not sh:DatatypeConstraintComponent: no shape's sh:datatype asked for it); documented in
#: docs/validation.md
WELL_TYPED_SHAPE = AXSH + "WellTypedLiteralShape"
WELL_TYPED_COMPONENT = AXSH + "WellTypedLiteralConstraintComponent"


def add_bad_literals(report: Report, store, root=None) -> int:
    """The ill-typed literals of ``store`` (:func:`axiskg.rdfio.literal_checks.bad_literals`), as written,
    added to ``report`` as violations: focus node the subject, path the predicate, value the
    literal, source and line where it is written, source shape :data:`WELL_TYPED_SHAPE`;
    ``sh:conforms`` turns false (``root``: the project whose files to find lines in).
    Returns how many were added."""
    from axiskg.rdfio import literals
    from axiskg.rdfio.literal_checks import bad_literals
    from axiskg.rdfio.terms import TermConverter, to_ox

    bad = bad_literals(store, root)
    if not bad:
        return 0
    convert = TermConverter()
    new = [
        Result(
            severity="Violation",
            focus=b.subject.value if isinstance(convert(b.subject), rdflib.URIRef) else "[]",
            path=b.predicate.value,
            component=WELL_TYPED_COMPONENT,
            source_shape=WELL_TYPED_SHAPE,
            value=convert(b.literal).n3(NAMESPACES),
            message=f"{b.where}: {b.problem}",
            source=b.path,
            line=b.line,
            focus_node=convert(b.subject),
            path_node=convert(b.predicate),
            value_node=convert(b.literal),
            shape_node=rdflib.URIRef(WELL_TYPED_SHAPE),
            severity_node=SH.Violation,
        )
        for b in bad
    ]

    def data_edges(node):
        return [
            (convert(p), convert(o))
            for _, p, o, _ in literals.written_quads(store, store.quads_for_pattern(to_ox(node), None, None))
        ]

    (root,) = report.graph.subjects(RDF.type, SH.ValidationReport)
    report.graph.set((root, SH.conforms, rdflib.Literal(False)))
    _add_results(report.graph, root, new, rdflib.Graph(), data_edges)
    report.results = sorted(report.results + new, key=Result.sort_key)
    report.conforms = False
    return len(new)


def _compact_graph() -> rdflib.Graph:
    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


NAMESPACES = _compact_graph().namespace_manager


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

    def _bnode(self, term, graph: rdflib.Graph, depth: int = 0) -> str:
        """A blank node as the way it is reached from a named node, e.g. ``[] via <c> p / q``."""
        steps = []
        node = term
        for _ in range(4):
            incoming = sorted(graph.subject_predicates(node), key=lambda sp: (sp[0].n3(), sp[1]))
            if not incoming:
                break
            node, pred = incoming[0]
            steps.append(compact(str(pred)))
            if not isinstance(node, rdflib.BNode):
                return f"[] via {compact(str(node))} " + " / ".join(reversed(steps))
        return "[]"

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
        return shacl_paths.render(g, term)

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


def _results(report: rdflib.Graph, shapes: rdflib.Graph, data: rdflib.Graph, locate=None, written=None) -> list[Result]:
    describe = Describer(report, shapes, data)
    out = []
    # only the report's own results: pyshacl also types the nested sh:detail results of sh:node
    for r in report.objects(None, SH.result):
        if report.value(r, SH.resultSeverity) is None:
            continue
        messages = sorted(str(m) for m in report.objects(r, SH.resultMessage))
        value = report.value(r, SH.value)
        if written is not None and value is not None:
            value = written(value)
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        shape = report.value(r, SH.sourceShape)
        severity = report.value(r, SH.resultSeverity)
        out.append(
            Result(
                source=locate(focus) if locate is not None else None,
                severity=local_name(str(severity)),
                focus=describe.node(focus),
                path=describe.path(path),
                component=str(report.value(r, SH.sourceConstraintComponent)),
                source_shape=describe.shape(shape),
                value=describe.node(value) if value is not None else None,
                message="; ".join(messages) if messages else None,
                focus_node=focus,
                path_node=path,
                value_node=value,
                shape_node=shape,
                severity_node=severity,
                constraint_node=report.value(r, SH.sourceConstraint),
            )
        )
    return sorted(out, key=Result.sort_key)


def validate(
    data_graph: rdflib.Graph,
    shapes_graph: rdflib.Graph,
    ont_graph: rdflib.Graph | None = None,
    inference: str = "none",
    locate=None,
    written=None,
) -> Report:
    """Validate ``data_graph`` (mixed with ``ont_graph``) against ``shapes_graph``.

    SHACL-SPARQL constraints run (``advanced=True``); ``Report.conforms`` is false when there is
    any result, as ``sh:conforms`` (whether a run fails is :func:`axiskg.reporting.fails`).
    Shapes whose SPARQL the gate refuses (:mod:`axiskg.shape_queries`), or pyshacl cannot load,
    raise :class:`InputError`. ``locate(term)``,
    if given, names the file each focus node comes from (``Result.source``);
    see :func:`axiskg.rdfio.sources.source_locator`. ``written(term)``, if given, turns a value as the
    store holds it into the value as written (:func:`axiskg.rdfio.terms.written_term`).
    """
    import pyshacl
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    from axiskg import shape_queries

    shape_queries.check_shapes(shapes_graph)  # untrusted SPARQL: refused before anything runs

    merged_here = ont_graph is not None
    if ont_graph is not None:
        # pyshacl's own ont_graph mixing clones every node recursively (measured: 7 s of 10 s
        # on the report's 2.6k triples); a plain union of the two graphs is equivalent and instant.
        merged = rdflib.Graph()
        for triple in data_graph:
            merged.add(triple)
        for triple in ont_graph:
            merged.add(triple)
        data_graph = merged
    try:
        _, raw, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            ont_graph=None,
            inference=inference,
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            # a graph made here, and no inference to add to it: pyshacl need not clone it first
            # (measured: 16 % of a shape fixture's validation)
            inplace=merged_here and inference == "none",
        )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError, NotImplementedError) as exc:
        raise InputError("shapes", f"cannot use the shapes: {getattr(exc, 'message', exc)}") from None
    except re.error as exc:  # pyshacl 0.40 fills message templates with re.sub: a value with "\\1" breaks it
        raise InputError(
            "shapes",
            f"pyshacl cannot fill a message template with these values ({exc}); "
            "use the default engine (--engine sparql, --inference none)",
        ) from None
    results = _results(raw, shapes_graph, data_graph, locate, written)
    standard = report_graph_of(results, shapes_graph, data_graph.predicate_objects)
    return Report(conforms=not results, results=results, graph=standard)
