"""Shape-based constraint components (SHACL §4.7, https://www.w3.org/TR/shacl/#core-components-shape).

Compiled: sh:qualifiedValueShape with sh:qualifiedMinCount, of a shape made of sh:languageIn
and sh:class. sh:node, sh:property (as a constraint of a property shape), sh:qualifiedMaxCount
and other qualified value shapes go to pyshacl."""

from __future__ import annotations

from typing import Any

from rdflib import RDF, SH

from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.components.string_based import lang_in
from axiskg.shacl.model import Unsupported


@unit("QualifiedMinCountConstraintComponent", SH.qualifiedValueShape, SH.qualifiedMinCount)
def qualified_min_count(s: PropertyShape, component: str) -> None:
    """§4.7.3 sh:qualifiedValueShape, sh:qualifiedMinCount
    (https://www.w3.org/TR/shacl/#QualifiedValueShapeConstraintComponent): at least n value
    nodes conform to the qualified value shape."""
    g = s.g
    qshape = g.value(s.prop, SH.qualifiedValueShape)
    qmin = g.value(s.prop, SH.qualifiedMinCount)
    if (qshape is None) != (qmin is None):
        raise Unsupported("sh:qualifiedValueShape without sh:qualifiedMinCount (or vice versa)")
    if qshape is None:
        return
    if s.c.can_be_empty(s.path_node):
        raise Unsupported("sh:qualifiedValueShape on a path that can be empty")
    cond = _value_condition(s, qshape)
    q = (
        f"SELECT ?this WHERE {{ {s.targets} OPTIONAL {{ {s.value_of} FILTER ({cond}) }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(qmin)})"
    )
    s.add(component, q, None)


def _value_condition(s: PropertyShape, qshape: Any) -> str:
    """A FILTER expression on ?v for a qualified value shape (sh:languageIn / sh:class only)."""
    conds = []
    for p, o in s.g.predicate_objects(qshape):
        if p == SH.languageIn:
            conds.append(lang_in(s.c.items(o)))
        elif p == SH["class"]:
            conds.append(f"EXISTS {{ {s.c.is_a('?v', o)} }}")
        elif p in (RDF.type,):
            continue
        else:
            raise Unsupported(f"qualified value shape with {p}")
    if not conds:
        raise Unsupported("empty qualified value shape")
    return " && ".join(f"({x})" for x in conds)
