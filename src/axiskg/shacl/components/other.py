"""Other constraint components (SHACL §4.8, https://www.w3.org/TR/shacl/#core-components-others).

Compiled: sh:in. sh:closed (with sh:ignoredProperties) and sh:hasValue go to pyshacl."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import SH

from axiskg.rdfio.terms import to_ox
from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.model import sparql_term
from axiskg.vocab import XSD

#: a literal the store may have rewritten: XSD-typed, not xsd:string
TYPED = f'isLiteral(?v) && datatype(?v) != <{XSD}string> && STRSTARTS(STR(datatype(?v)), "{XSD}")'


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
        generic = lambda f, v, shown=shown: f"Value {stringify(None, v)} not in list {shown}"  # noqa: E731
        # a typed literal is compared as the data wrote it: the store holds "01"^^xsd:integer as
        # "1", and "1"^^xsd:nonNegativeInteger as "1"^^xsd:integer (axiskg.rdfio.literals)
        members = {to_ox(x) for x in values}
        s.per_value(component, f"!({TYPED}) && !({cond})", generic)
        s.per_value(component, TYPED, generic, as_written=_outside(members))


def _outside(members: set) -> Callable[[list], bool]:
    """Whether some form of a value, as written, is not one of ``members``."""
    return lambda forms: any(w not in members for w in forms)
