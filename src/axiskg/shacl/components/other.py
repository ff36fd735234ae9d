"""Other constraint components (SHACL §4.8, https://www.w3.org/TR/shacl/#core-components-others).

Compiled: sh:in. sh:closed (with sh:ignoredProperties) and sh:hasValue go to pyshacl."""

from __future__ import annotations

from rdflib import SH

from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.model import sparql_term


@unit("InConstraintComponent", SH["in"])
def in_(s: PropertyShape, component: str) -> None:
    """§4.8.3 sh:in (https://www.w3.org/TR/shacl/#InConstraintComponent): each value node is a
    member of the list (the same RDF term)."""
    g, stringify = s.g, s.stringify
    for lst in s.values(SH["in"]):
        values = s.c.items(lst)
        cond = " || ".join(f"sameTerm(?v, {sparql_term(x)})" for x in values) or "false"
        in_vals = set()  # pyshacl lists the values in the order of a set of them
        for x in values:
            in_vals.add(x)
        shown = [stringify(g, x) for x in in_vals]
        s.per_value(
            component, f"!({cond})", lambda f, v, shown=shown: f"Value {stringify(None, v)} not in list {shown}"
        )
