"""Logical constraint components (SHACL §4.6, https://www.w3.org/TR/shacl/#core-components-logical).

Compiled: sh:or of shapes made of one sh:class each, sh:not of a shape made of one sh:pattern
(with sh:flags) or one sh:class. sh:and, sh:xone and any other member shape go to pyshacl."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDF, SH
from rdflib.collection import Collection

from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.components.string_based import regex
from axiskg.shacl.model import Unsupported


@unit("OrConstraintComponent", SH["or"])
def or_(s: PropertyShape, component: str) -> None:
    """§4.6.3 sh:or (https://www.w3.org/TR/shacl/#OrConstraintComponent): each value node
    conforms to at least one of the list's shapes."""
    g, stringify = s.g, s.stringify
    for lst in s.values(SH["or"]):
        classes = []
        for member in s.c.items(lst):
            preds = set(g.predicates(member)) - {RDF.type}
            if preds != {SH["class"]}:
                raise Unsupported("sh:or of shapes other than a single sh:class")
            classes.append(g.value(member, SH["class"]))
        any_class = " || ".join(f"EXISTS {{ {s.c.is_a('?v', x)} }}" for x in classes)
        s.per_value(component, f"!({any_class})", lambda f, v, lst=lst: _or_message(g, lst, v, stringify))


def _or_message(g, lst, value, stringify) -> str:
    members = list(Collection(g, lst))
    shapes = " , ".join(stringify(g, m) for m in members)
    return f"Node {stringify(None, value)} must conform to one or more shapes in {shapes}"


@unit("NotConstraintComponent", SH["not"])
def not_(s: PropertyShape, component: str) -> None:
    """§4.6.1 sh:not (https://www.w3.org/TR/shacl/#NotConstraintComponent): no value node
    conforms to the shape."""
    g, stringify = s.g, s.stringify
    for negated in s.values(SH["not"]):
        keys = set(g.predicates(negated)) - {RDF.type}
        generic = lambda f, v, negated=negated: (
            f"Node {stringify(None, v)} must not conform to shape {stringify(g, negated)}"
        )
        if keys == {SH.pattern} or keys == {SH.pattern, SH.flags}:
            compiled = regex(g.value(negated, SH.pattern), g.value(negated, SH.flags))
            s.per_value(
                component,
                "true",
                generic,
                python_filter=lambda v, r=compiled: not isinstance(v, ox.BlankNode) and bool(r.search(v.value)),
            )
        elif keys == {SH["class"]}:
            s.per_value(component, f"EXISTS {{ {s.c.is_a('?v', g.value(negated, SH['class']))} }}", generic)
        else:
            raise Unsupported("sh:not of a shape other than one sh:pattern or sh:class")
