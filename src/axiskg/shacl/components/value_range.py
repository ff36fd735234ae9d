"""Value range constraint components (SHACL §4.3, https://www.w3.org/TR/shacl/#core-components-range):
each value node compares with the bound by SPARQL's operator; a value that cannot be compared
(an IRI, a blank node, a literal of another kind) is a violation."""

from __future__ import annotations

import rdflib
from rdflib import SH

from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.model import Unsupported


def _range(s: PropertyShape, component: str, parameter, op: str) -> None:
    g, stringify = s.g, s.stringify
    for bound in s.values(parameter):
        if not isinstance(bound, rdflib.Literal) or isinstance(bound.value, str):
            raise Unsupported(f"{parameter} with a non-numeric bound")
        s.per_value(
            component,
            f"!isLiteral(?v) || !COALESCE(?v {op} {bound.n3()}, false)",
            lambda f, v, bound=bound: f"Value is not {op} {stringify(g, bound)}",
        )


@unit("MinInclusiveConstraintComponent", SH.minInclusive)
def min_inclusive(s: PropertyShape, component: str) -> None:
    """§4.3.2 sh:minInclusive (https://www.w3.org/TR/shacl/#MinInclusiveConstraintComponent):
    each value node is >= the bound."""
    _range(s, component, SH.minInclusive, ">=")


@unit("MaxInclusiveConstraintComponent", SH.maxInclusive)
def max_inclusive(s: PropertyShape, component: str) -> None:
    """§4.3.4 sh:maxInclusive (https://www.w3.org/TR/shacl/#MaxInclusiveConstraintComponent):
    each value node is <= the bound."""
    _range(s, component, SH.maxInclusive, "<=")


@unit("MinExclusiveConstraintComponent", SH.minExclusive)
def min_exclusive(s: PropertyShape, component: str) -> None:
    """§4.3.1 sh:minExclusive (https://www.w3.org/TR/shacl/#MinExclusiveConstraintComponent):
    each value node is > the bound."""
    _range(s, component, SH.minExclusive, ">")


@unit("MaxExclusiveConstraintComponent", SH.maxExclusive)
def max_exclusive(s: PropertyShape, component: str) -> None:
    """§4.3.3 sh:maxExclusive (https://www.w3.org/TR/shacl/#MaxExclusiveConstraintComponent):
    each value node is < the bound."""
    _range(s, component, SH.maxExclusive, "<")
