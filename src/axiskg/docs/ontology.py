"""The ontology reference: pyLODE's page, and what pyLODE does not show.

pyLODE 3.3.4 renders classes, properties and their annotations but not ``owl:disjointWith`` /
``owl:AllDisjointClasses``, nor the SHACL shapes that constrain each class. :func:`disjointness`
and :func:`shapes_by_class` read those from the ontology and shapes graphs (rdflib, because
RDF lists are easiest to read there).
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

import rdflib
from rdflib import OWL, RDF, RDFS
from rdflib.collection import Collection
from rdflib.namespace import SH

from axiskg.docs.graphdata import curie


def pylode_html(ontology: rdflib.Graph) -> str:
    """The ontology's reference page, rendered by pyLODE (offline: its CSS is inlined)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        # imported here: pyLODE is slow to import, and one of its modules calls
        # logging.basicConfig(level=DEBUG) on import; its chatter is kept quiet while it runs
        # and the root logger is restored afterwards
        from pylode import OntPub

        root.handlers[:] = handlers
        root.setLevel(logging.WARNING)
        page = OntPub(ontology, sort_subjects=True).make_html(include_css=True)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return _name_anonymous_classes(page, ontology)


_BNODE_LINK = re.compile(r'<a href="(?P<id>[A-Za-z0-9_-]+)">(?P=id)</a>')


def _name_anonymous_classes(page: str, ontology: rdflib.Graph) -> str:
    """pyLODE links an anonymous class (``[ owl:unionOf (...) ]``) to its blank node id, a link
    to nowhere; write out the class expression instead."""
    bnodes = {str(b): b for b in ontology.all_nodes() if isinstance(b, rdflib.BNode)}

    def replace(m: re.Match) -> str:
        node = bnodes.get(m["id"])
        if node is None:
            return m[0]
        return f'<span class="anonymous-class">{html.escape(class_expression(ontology, node))}</span>'

    return _BNODE_LINK.sub(replace, page)


def class_expression(graph: rdflib.Graph, node) -> str:
    """An anonymous OWL class in words (Manchester-like), e.g. ``(Report or ReportComponent)``."""
    if not isinstance(node, rdflib.BNode):
        return curie(str(node))
    for prop, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
        lst = graph.value(node, prop)
        if lst is not None:
            return "(" + word.join(class_expression(graph, c) for c in Collection(graph, lst)) + ")"
    lst = graph.value(node, OWL.oneOf)
    if lst is not None:
        return "{" + ", ".join(curie(str(c)) for c in Collection(graph, lst)) + "}"
    inner = graph.value(node, OWL.complementOf)
    if inner is not None:
        return f"not {class_expression(graph, inner)}"
    return "(anonymous class)"


_ENTITY = re.compile(r'<div class="property entity" id="(?P<id>[^"]+)">.*?<code>(?P<iri>[^<]+)</code>', re.S)


def pylode_anchors(page: str) -> dict[str, str]:
    """IRI -> the fragment id pyLODE gave its entry on ``page``."""
    return {html.unescape(m["iri"]): m["id"] for m in _ENTITY.finditer(page)}


# --------------------------------------------------------------------------- disjointness


@dataclass(frozen=True)
class DisjointGroup:
    members: tuple[str, ...]  # class IRIs, in the order written
    source: str  # "owl:AllDisjointClasses" or "owl:disjointWith"


def disjointness(ontology: rdflib.Graph) -> list[DisjointGroup]:
    groups = []
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        for lst in ontology.objects(node, OWL.members):
            groups.append(DisjointGroup(tuple(str(c) for c in Collection(ontology, lst)), "owl:AllDisjointClasses"))
    for a, b in ontology.subject_objects(OWL.disjointWith):
        if isinstance(a, rdflib.URIRef) and isinstance(b, rdflib.URIRef):
            groups.append(DisjointGroup((str(a), str(b)), "owl:disjointWith"))
    return sorted(groups, key=lambda g: (g.source, g.members))


def disjoint_with(groups: list[DisjointGroup]) -> dict[str, list[str]]:
    """Class IRI -> the classes it is declared disjoint with, sorted."""
    out: dict[str, set[str]] = defaultdict(set)
    for g in groups:
        for c in g.members:
            out[c] |= set(g.members) - {c}
    return {c: sorted(others) for c, others in sorted(out.items())}


# --------------------------------------------------------------------------- shapes by class


@dataclass(frozen=True)
class Constraint:
    path: str  # the property path, written as CURIEs ("" for node-level constraints)
    rules: tuple[tuple[str, str], ...]  # (constraint, value) pairs, e.g. ("sh:minCount", "1")
    message: str
    severity: str


@dataclass(frozen=True)
class ShapeInfo:
    iri: str
    name: str
    severity: str
    message: str
    constraints: tuple[Constraint, ...]


_SKIP = {SH.path, SH.message, SH.severity, SH.name, SH.description, RDF.type, SH.targetClass,
         SH.property, RDFS.label, RDFS.comment, SH.order, SH.group}


def _term(graph: rdflib.Graph, node) -> str:
    if isinstance(node, rdflib.Literal):
        return str(node)
    if isinstance(node, rdflib.BNode):
        if (node, RDF.first, None) in graph:
            return "(" + " ".join(_term(graph, x) for x in Collection(graph, node)) + ")"
        inner = sorted(f"{curie(str(p))} {_term(graph, o)}" for p, o in graph.predicate_objects(node)
                       if p not in (SH.message,))
        return "[" + "; ".join(inner) + "]"
    return curie(str(node))


def _path(graph: rdflib.Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.BNode) and (node, RDF.first, None) in graph:
        return " / ".join(_path(graph, x) for x in Collection(graph, node))
    if isinstance(node, rdflib.BNode):
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            return "^" + _path(graph, inverse)
        alternative = graph.value(node, SH.alternativePath)
        if alternative is not None:
            return " | ".join(_path(graph, x) for x in Collection(graph, alternative))
        for kind, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = graph.value(node, kind)
            if inner is not None:
                return _path(graph, inner) + mark
    return curie(str(node))


def _english(graph: rdflib.Graph, node, prop) -> str:
    values = sorted(graph.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "en", str(v)))
    return str(values[0]) if values else ""


def _constraint(shapes: rdflib.Graph, node) -> Constraint:
    rules = sorted((curie(str(p)), _term(shapes, o)) for p, o in shapes.predicate_objects(node) if p not in _SKIP)
    return Constraint(
        path=_path(shapes, shapes.value(node, SH.path)),
        rules=tuple(rules),
        message=_english(shapes, node, SH.message),
        severity=curie(str(shapes.value(node, SH.severity) or SH.Violation)),
    )


def shapes_by_class(shapes: rdflib.Graph) -> dict[str, list[ShapeInfo]]:
    """Class IRI -> the node shapes that target it with ``sh:targetClass`` (sorted by name)."""
    out: dict[str, list[ShapeInfo]] = defaultdict(list)
    for shape, cls in shapes.subject_objects(SH.targetClass):
        constraints = [_constraint(shapes, p) for p in shapes.objects(shape, SH.property)]
        own = tuple(sorted((curie(str(p)), _term(shapes, o)) for p, o in shapes.predicate_objects(shape)
                           if p not in _SKIP))
        if own:
            constraints.append(Constraint("", own, _english(shapes, shape, SH.message),
                                          curie(str(shapes.value(shape, SH.severity) or SH.Violation))))
        out[str(cls)].append(ShapeInfo(
            iri=str(shape),
            name=curie(str(shape)) if not isinstance(shape, rdflib.BNode) else "(anonymous shape)",
            severity=curie(str(shapes.value(shape, SH.severity) or SH.Violation)),
            message=_english(shapes, shape, SH.message),
            constraints=tuple(sorted(constraints, key=lambda c: (c.path, c.rules))),
        ))
    return {c: sorted(v, key=lambda s: s.name) for c, v in sorted(out.items())}


def superclasses(ontology: rdflib.Graph, cls: str) -> list[str]:
    """All named superclasses of ``cls`` (transitively), nearest first."""
    seen: list[str] = []
    frontier = [rdflib.URIRef(cls)]
    while frontier:
        nxt = []
        for c in frontier:
            for sup in sorted(ontology.objects(c, RDFS.subClassOf)):
                if isinstance(sup, rdflib.URIRef) and str(sup) not in seen and str(sup) != cls:
                    seen.append(str(sup))
                    nxt.append(sup)
        frontier = nxt
    return seen
