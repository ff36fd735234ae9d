"""Cardinality constraint components (SHACL §4.2, https://www.w3.org/TR/shacl/#core-components-count)."""

from __future__ import annotations

from rdflib import SH

from axiskg.shacl.components.base import PropertyShape, unit


@unit("MinCountConstraintComponent", SH.minCount)
def min_count(s: PropertyShape, component: str) -> None:
    """§4.2.1 sh:minCount (https://www.w3.org/TR/shacl/#MinCountConstraintComponent): at least
    n value nodes (n = 0 is always satisfied)."""
    stringify, p_str = s.stringify, s.p_str
    for value in s.values(SH.minCount):
        n = int(value)
        if n > 0:
            s.count(component, "min", n, lambda f, v, n=n: f"Less than {n} values on {stringify(None, f)}->{p_str}")


@unit("MaxCountConstraintComponent", SH.maxCount)
def max_count(s: PropertyShape, component: str) -> None:
    """§4.2.2 sh:maxCount (https://www.w3.org/TR/shacl/#MaxCountConstraintComponent): at most
    n value nodes."""
    stringify, p_str = s.stringify, s.p_str
    for value in s.values(SH.maxCount):
        n = int(value)
        s.count(component, "max", n, lambda f, v, n=n: f"More than {n} values on {stringify(None, f)}->{p_str}")
