"""What the compiler makes of the shapes: checks (a query and how to read its rows), the parts
of a shared query, the per-focus jobs of SPARQL queries that cannot be joined; and shape terms
written as SPARQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rdflib
from rdflib import SH


class Unsupported(Exception):
    """A shape feature the compiler does not handle (the shape goes to pyshacl)."""


#: called with (value): whether it is a violation (``...``: the compiler binds its loop values
#: as default arguments of lambdas)
PythonFilter = Callable[..., bool]
#: called with (focus, value): the result's message
Generic = Callable[..., str]


@dataclass
class Part:
    """One constraint of a property shape answered by a query shared with the shape's others:
    a per-value constraint (``condition`` on ?v marks a violating value; the query projects
    it as the boolean ``?_f<i>``), or a count constraint (``count`` = ("min"|"max", n), tested
    in Python on the projected ``?_n``)."""

    component: str
    generic: Generic | None = None
    python_filter: PythonFilter | None = None
    condition: str | None = None
    count: tuple[str, int] | None = None
    #: a violation only where this holds of the value's forms as the data wrote them (the store
    #: rewrites typed literals, e.g. every integer-derived one to xsd:integer: :mod:`axiskg.rdfio.literals`)
    as_written: Callable[[list], bool] | None = None


@dataclass
class Job:
    """A shape query run once per focus node (and, for ASK validators, per value node) with the
    pre-bound variables substituted (``$this``, ``$value``, ``$currentShape``, ``$shapesGraph``
    and a component's parameters), as https://www.w3.org/TR/shacl/#pre-binding defines it."""

    kind: str  # "select" or "ask"
    query: str  # prefixes included, $PATH already replaced by the shape's path
    targets: str  # group binding ?this to the focus nodes
    bindings: dict[str, Any]  # variable name -> rdflib term
    shapes_graph: bool = False  # the query reads $shapesGraph
    value_path: str | None = None  # ASK on a property shape: the SPARQL path to its values


@dataclass
class Check:
    """One compiled constraint: its query and how to turn rows into results."""

    owner: Any  # the node shape
    shape: Any  # the shape the constraint belongs to (property shape, or owner)
    component: str | None  # None when ``parts`` name the components
    query: str
    severity: Any  # rdflib.URIRef
    messages: list[str]
    path: Any = None  # the property shape's sh:path node
    python_filter: PythonFilter | None = None  # applied to returned rows
    generic: Generic | None = None  # the message when the shape has no sh:message
    parts: list[Part] = field(default_factory=list)  # constraints sharing this query (see Part)
    sparql: Any = None  # the sh:sparql constraint node (SHACL-SPARQL)
    job: Job | None = None  # run per focus node instead of ``query``


def deactivated(g: rdflib.Graph, node: Any) -> bool:
    """Whether the shape or constraint is switched off: ``sh:deactivated true``, the literal
    ``true`` only (https://www.w3.org/TR/shacl/#deactivated)."""
    return bool(g.value(node, SH.deactivated) == rdflib.Literal(True))


def severity_of(g: rdflib.Graph, shape: Any) -> Any:
    """The shape's sh:severity (sh:Violation when it has none)."""
    return g.value(shape, SH.severity) or SH.Violation


def iri(term: Any) -> str:
    """An IRI of the shapes graph as SPARQL (anything else is :class:`Unsupported`)."""
    if not isinstance(term, rdflib.URIRef):
        raise Unsupported(f"expected an IRI, got {term!r}")
    return f"<{term}>"


def sparql_term(term: Any) -> str:
    """An IRI or literal of the shapes graph as SPARQL (a blank node is :class:`Unsupported`)."""
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return str(term.n3())
    raise Unsupported(f"blank node {term} in a constraint value")
