"""Shapes to checks: each shape with targets compiled to SPARQL queries, or handed to pyshacl.

:func:`compile_shapes` walks the shapes with targets; a property shape's constraints are
compiled by the units of :data:`axiskg.shacl.components.REGISTRY` (one per SHACL constraint
component) into at most two shared queries over the union of the store's graphs: one walk of
the path whose rows are the violating (focus, value) pairs, with one boolean column per
per-value constraint, and one GROUP BY for its min/max counts. A shape using a predicate of the
SHACL namespace that no unit takes is :class:`~axiskg.shacl.model.Unsupported`, and goes, whole,
to pyshacl (:mod:`axiskg.shacl.fallback`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rdflib
from rdflib import RDF, SH
from rdflib.collection import Collection

from axiskg.shacl import components, property_paths, shape_queries
from axiskg.shacl.components import sparql
from axiskg.shacl.components.base import PropertyShape
from axiskg.shacl.model import Check, Unsupported, deactivated, iri, severity_of, sparql_term
from axiskg.vocab import RDF_TYPE, RDFS

_TYPE_PATH = f"<{RDF_TYPE}>/<{RDFS}subClassOf>*"

#: the target predicates (https://www.w3.org/TR/shacl/#targets)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: what a shape may say besides its constraints (labels, severity, messages, ordering)
_NON_VALIDATING = {
    RDF.type,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.name,
    SH.description,
    rdflib.RDFS.label,
    rdflib.RDFS.comment,
}
#: predicates of a node shape the compiler understands (anything else -> pyshacl)
NODE_KEYS = _NON_VALIDATING | set(TARGETS) | {SH.property, SH.sparql}
#: predicates of a property shape the compiler understands: the units' parameters
PROPERTY_KEYS = (
    _NON_VALIDATING
    | {SH.path, SH.order, SH.group}
    | {p for unit in components.REGISTRY.values() for p in unit.parameters}
)

#: a class IRI -> its subclasses (itself included), read from the data
Subclasses = Callable[[str], list[str]]


class Compiler:
    """The shapes graph read for the compiler: lists, paths, targets and class tests as SPARQL."""

    def __init__(self, shapes: rdflib.Graph, subclasses: Subclasses | None = None) -> None:
        self.g = shapes
        self.subclasses = subclasses
        self._vars = 0
        self._fresh = 0
        self.components: list[shape_queries.Component] = []  # SPARQL-based constraint components
        self.params: set = set()  # their parameters' paths

    def is_a(self, var: str, cls: Any) -> str:
        """``var`` is an instance of ``cls`` (or of a subclass): rdf:type/rdfs:subClassOf*, or with
        the closure computed once, ``var a ?t . VALUES ?t { ... }`` (a third faster on pyoxigraph)."""
        if self.subclasses is None:
            return f"{var} {_TYPE_PATH} {iri(cls)} ."
        self._vars += 1
        kinds = " ".join(f"<{c}>" for c in self.subclasses(str(cls)))
        return f"{var} a ?_t{self._vars} . VALUES ?_t{self._vars} {{ {kinds} }}"

    def items(self, node: Any) -> list:
        return list(Collection(self.g, node))

    # ---- paths
    def path(self, node: Any) -> str:
        text = property_paths.render(self.g, node, sparql=True)
        if text is None:
            raise Unsupported(f"path {node}")
        return text

    def pattern(self, node: Any, subject: str, obj: str) -> str:
        """``subject PATH obj`` as a group pattern; a sequence of plain predicates becomes a chain
        of triple patterns (pyoxigraph evaluates a sequence path inside NOT EXISTS much slower)."""
        g = self.g
        if isinstance(node, rdflib.BNode) and g.value(node, RDF.first) is not None:
            steps = self.items(node)
            if all(isinstance(x, rdflib.URIRef) for x in steps):
                self._fresh += 1
                names = [subject] + [f"?_s{self._fresh}_{i}" for i in range(1, len(steps))] + [obj]
                return " . ".join(f"{names[i]} <{x}> {names[i + 1]}" for i, x in enumerate(steps)) + " ."
        return f"{subject} {self.path(node)} {obj} ."

    def can_be_empty(self, node: Any) -> bool:
        """Whether the SHACL path ``node`` can have length zero (then a focus node is one of its
        own values): a zero-or-more/zero-or-one path, a sequence of such, an alternative of one."""
        g = self.g
        if isinstance(node, rdflib.URIRef):
            return False
        if g.value(node, RDF.first) is not None:
            return all(self.can_be_empty(x) for x in self.items(node))
        if g.value(node, SH.zeroOrMorePath) is not None or g.value(node, SH.zeroOrOnePath) is not None:
            return True
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return any(self.can_be_empty(x) for x in self.items(alt))
        return False

    # ---- targets
    def targets(self, shape: Any, distinct: bool = True) -> str | None:
        """The shape's focus nodes as a group binding ``?this``: a DISTINCT sub-select, or with
        ``distinct=False`` the plain patterns (a fifth cheaper on pyoxigraph; a focus may then
        come twice, which only queries that de-duplicate or count DISTINCT may use)."""
        g = self.g
        parts = []
        for c in g.objects(shape, SH.targetClass):
            parts.append(self.is_a("?this", c))
        for n in g.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {sparql_term(n)} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {iri(p)} [] .")
        for p in g.objects(shape, SH.targetObjectsOf):
            parts.append(f"[] {iri(p)} ?this .")
        if (shape, RDF.type, rdflib.RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g:
            raise Unsupported("implicit class target")
        if not parts:
            return None
        if not distinct:
            return "{ " + " UNION ".join("{ " + p + " }" for p in parts) + " }"
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in parts) + " } }"


def compile_shapes(
    shapes: rdflib.Graph, stringify: Any, subclasses: Subclasses | None = None
) -> tuple[list[Check], list]:
    """The checks of every shape with targets, and the shapes that must go to pyshacl."""
    c = Compiler(shapes, subclasses)
    comps = shape_queries.components(shapes)
    c.components = comps
    c.params = {p.path for comp in comps for p in comp.parameters}
    roots = set()
    for key in TARGETS:
        roots |= set(shapes.subjects(key, None))
    roots |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
    checks: list[Check] = []
    fallback = []
    for shape in sorted(roots, key=str):
        if deactivated(shapes, shape):
            continue
        try:
            targets = c.targets(shape)
            if targets is None:
                continue
            foci = c.targets(shape, distinct=False)  # property checks all de-duplicate
            assert foci is not None
            if shapes.value(shape, SH.path) is not None:  # a property shape with its own targets
                mine = compile_property(c, shape, shape, foci, stringify)
            else:
                if unknown_keys(shapes, shape, NODE_KEYS, c.params):
                    raise Unsupported("node shape constraints")
                mine = []
                for prop in shapes.objects(shape, SH.property):
                    mine += compile_property(c, shape, prop, foci, stringify)
                for constraint in shapes.objects(shape, SH.sparql):
                    if not deactivated(shapes, constraint):
                        mine.append(sparql.compile_sparql(c, shape, constraint, targets))
                for comp in comps:
                    mine += sparql.compile_component(c, shape, shape, comp, targets)
        except Unsupported:
            fallback.append(shape)
            continue
        checks += mine
    return checks, fallback


def compile_property(c: Compiler, owner: Any, prop: Any, targets: str, stringify: Any) -> list[Check]:
    """The checks of the property shape ``prop`` of the node shape ``owner`` (``targets``: the
    group binding ``?this`` to the focus nodes): each registered unit adds its constraints, then
    the SPARQL-based components of the shapes graph theirs, then the shared queries."""
    g = c.g
    unknown = unknown_keys(g, prop, PROPERTY_KEYS | set(TARGETS), c.params)
    if unknown:
        raise Unsupported(f"property shape uses {sorted(str(k) for k in unknown)}")
    if deactivated(g, prop):
        return []
    path_node = g.value(prop, SH.path)
    if path_node is None:
        raise Unsupported("property shape without sh:path")
    value_of = c.pattern(path_node, "?this", "?v")
    walked = f"{targets} {value_of}"  # the focus nodes joined with their values
    if c.can_be_empty(path_node):
        # a focus node absent from the data is its own value through a zero-length path, which
        # pyoxigraph's path walk does not return (it walks from the nodes of the data)
        walked = f"{{ {walked} }} UNION {{ {targets} BIND (?this AS ?v) }}"
    shape = PropertyShape(
        c,
        owner,
        prop,
        path_node,
        targets,
        value_of,
        walked,
        severity_of(g, prop),
        sorted(str(m) for m in g.objects(prop, SH.message)),
        stringify,
        stringify(g, path_node),
    )
    for unit in components.REGISTRY.values():
        unit.compile(shape, unit.iri)
    for comp in c.components:
        shape.checks += sparql.compile_component(c, owner, prop, comp, targets)
    return shape.checks + shape.shared_checks()


def unknown_keys(g: rdflib.Graph, shape: Any, known: set, params: set) -> set:
    """The predicates of ``shape`` the compiler does not handle: SHACL's own beyond ``known``
    (a predicate outside the SHACL namespace that no component takes as a parameter says
    nothing to a validator)."""
    return {
        p
        for p in g.predicates(shape)
        if p not in known and p not in params and (str(p).startswith(str(SH)) or p == RDF.type)
    }
