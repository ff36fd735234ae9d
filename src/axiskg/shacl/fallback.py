"""Shapes the compiler does not handle, validated by pyshacl: correct before fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rdflib
from rdflib import RDF, SH

from axiskg.rdfio.terms import to_rdflib, written_term
from axiskg.shacl import shape_queries
from axiskg.shacl.compiler import TARGETS
from axiskg.shacl.results import Result

if TYPE_CHECKING:
    from axiskg.dataset import Data


def validate(store: Data, shapes: rdflib.Graph, fallback: list, locate: Any) -> list[Result]:
    """The results of the shapes ``fallback`` (with what they reference) on the whole store,
    by pyshacl on an rdflib copy of the data."""
    from axiskg.shacl.validation import validate as pyshacl_validate

    data = to_rdflib(store)
    return pyshacl_validate(
        data, subgraph(shapes, fallback), None, "none", locate=locate, written=written_term(store)
    ).results


def subgraph(shapes: rdflib.Graph, roots: list) -> rdflib.Graph:
    """The shapes ``roots`` with everything they reference, and the SPARQL-based constraint
    components, as a shapes graph of its own. A shape reached from a root keeps no targets of
    its own (its targets were validated by the compiled checks: it is validated here only where
    the root reaches it)."""
    out = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    roots_set = set(roots)
    todo, done = list(roots), set()
    for comp in shape_queries.instances(shapes, SH.ConstraintComponent):
        todo.append(comp)
        todo += list(shapes.transitive_objects(comp, rdflib.RDFS.subClassOf))
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for p, o in shapes.predicate_objects(node):
            if node not in roots_set and (
                p in TARGETS or (p == RDF.type and o in (rdflib.RDFS.Class, rdflib.OWL.Class))
            ):
                continue
            out.add((node, p, o))
            if (o, None, None) in shapes:
                todo.append(o)
    return out
