"""SPARQL-based constraints (SHACL §5, https://www.w3.org/TR/shacl/#sparql-constraints) and
SPARQL-based constraint components (SHACL §6, https://www.w3.org/TR/shacl/#sparql-constraint-components).

A query whose ``$this`` can be joined (:func:`axiskg.shacl.shape_queries.this_by_join`) runs once with
the targets joined in; any other runs per focus node with the pre-bound variables substituted
(:class:`~axiskg.shacl.model.Job`). Every query a shape carries has first passed
:func:`axiskg.shacl.shape_queries.check_shapes`."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from rdflib import SH

from axiskg.shacl import shape_queries
from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.model import Check, Job, Unsupported, deactivated, severity_of
from axiskg.shacl.rewrite import WHERE, not_exists_as_minus

if TYPE_CHECKING:
    from axiskg.shacl.compiler import Compiler

_THIS = re.compile(r"\$this\b")
_SHAPES_GRAPH_VAR = re.compile(r"[?$]shapesGraph\b")


@unit("SPARQLConstraintComponent", SH.sparql)
def sparql_constraint(s: PropertyShape, component: str) -> None:
    """§5 sh:sparql on a property shape (https://www.w3.org/TR/shacl/#SPARQLConstraintComponent):
    each active constraint's SELECT query, ``$PATH`` replaced by the shape's path."""
    for constraint in s.values(SH.sparql):
        if not deactivated(s.g, constraint):
            s.checks.append(compile_sparql(s.c, s.owner, constraint, s.targets, shape=s.prop))


def compile_sparql(c: Compiler, owner: Any, constraint: Any, targets: str, shape: Any = None) -> Check:
    """A SHACL-SPARQL constraint (``sh:sparql``, §5.1 https://www.w3.org/TR/shacl/#sparql-constraints-syntax)
    of ``shape`` (a node shape, or a property shape of ``owner``). When ``$this`` can be joined
    (:func:`axiskg.shacl.shape_queries.this_by_join`) it runs once with the targets joined in; otherwise
    once per focus node with the pre-bound variables substituted (:class:`~axiskg.shacl.model.Job`)."""
    g = c.g
    shape = owner if shape is None else shape
    select = g.value(constraint, SH.select)
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    text = str(select)
    messages = sorted(str(x) for x in g.objects(constraint, SH.message))
    own = sorted(str(x) for x in g.objects(shape, SH.message))
    messages = own + [x for x in messages if x not in own]
    path = g.value(shape, SH.path)
    head = shape_queries.prefixes(g, constraint)
    component = str(SH.SPARQLConstraintComponent)
    if path is None and shape_queries.this_by_join(text) and not re.search(r"\$(?!this\b)\w+", text):
        text = _THIS.sub("?this", text)
        m = WHERE.search(text)
        if m is not None:
            query = head + text[: m.end()] + f" {targets} " + text[m.end() :]
            query = not_exists_as_minus(query)
            return Check(owner, shape, component, query, severity_of(g, shape), messages, None, sparql=constraint)
    if path is not None:
        text = shape_queries.PATH_VAR.sub(lambda _: c.path(path), text)
    job = Job("select", head + text, targets, {"currentShape": shape}, _SHAPES_GRAPH_VAR.search(text) is not None)
    return Check(owner, shape, component, "", severity_of(g, shape), messages, path, job=job, sparql=constraint)


def compile_component(c: Compiler, owner: Any, shape: Any, comp: shape_queries.Component, targets: str) -> list[Check]:
    """The checks of a SPARQL-based constraint component on ``shape``: one per combination of
    its parameters' values (§6.2, https://www.w3.org/TR/shacl/#constraint-components-validation)."""
    g = c.g
    values = []
    for param in comp.parameters:
        found = sorted(g.objects(shape, param.path), key=str)
        if not found:
            if not param.optional:
                return []  # a mandatory parameter is missing: the component does not apply
            found = [None]
        values.append([(param.name, v) for v in found])
    path = g.value(shape, SH.path)
    validator = comp.for_property_shape() if path is not None else comp.for_node_shape()
    if validator is None:
        raise Unsupported(f"component {comp.iri} without a validator for this kind of shape")
    select, ask = g.value(validator, SH.select), g.value(validator, SH.ask)
    if (select is None) == (ask is None):
        raise Unsupported(f"validator of {comp.iri}")
    text = str(select if select is not None else ask)
    if path is not None:
        text = shape_queries.PATH_VAR.sub(lambda _: c.path(path), text)
    messages = (
        sorted(str(m) for m in g.objects(shape, SH.message))
        or sorted(str(m) for m in g.objects(validator, SH.message))
        or comp.messages
    )
    checks = []
    for combo in itertools.product(*values):
        bindings = {"currentShape": shape, **{k: v for k, v in combo if v is not None}}
        job = Job(
            "select" if select is not None else "ask",
            shape_queries.prefixes(g, validator) + text,
            targets,
            bindings,
            _SHAPES_GRAPH_VAR.search(text) is not None,
            c.path(path) if path is not None and ask is not None else None,
        )
        checks.append(Check(owner, shape, str(comp.iri), "", severity_of(g, shape), messages, path, job=job))
    return checks
