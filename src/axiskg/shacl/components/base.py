"""What a constraint component's unit works with: the property shape being compiled, and the
unit itself (its component IRI, the parameters it reads, its compile function)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rdflib

from axiskg.shacl.model import Check, Generic, Part, PythonFilter

if TYPE_CHECKING:
    from axiskg.shacl.compiler import Compiler


@dataclass
class PropertyShape:
    """One property shape being compiled. Units add to it: a per-value constraint (a condition
    on ``?v`` in the one shared walk of the path), a count constraint (in the one shared GROUP
    BY), or a check with a query of its own."""

    c: Compiler
    owner: Any  # the node shape (or the property shape itself, when it has targets)
    prop: Any  # the property shape
    path_node: Any  # its sh:path
    targets: str  # group binding ?this to the focus nodes (may repeat a focus)
    value_of: str  # group pattern: ?this PATH ?v
    walked: str  # the focus nodes joined with their values ?v
    severity: Any
    messages: list[str]  # its sh:message, sorted
    stringify: Any  # pyshacl's stringify_node (axiskg.shacl.report.Stringify)
    p_str: str  # the path as pyshacl writes it in messages
    checks: list[Check] = field(default_factory=list)
    value_parts: list[Part] = field(default_factory=list)
    count_parts: list[Part] = field(default_factory=list)

    @property
    def g(self) -> rdflib.Graph:
        return self.c.g

    def values(self, parameter: Any) -> list:
        """The shape's values of ``parameter`` (e.g. every sh:class)."""
        return list(self.g.objects(self.prop, parameter))

    def add(self, component: str, query: str, generic: Generic | None = None) -> None:
        """A check with its own query, whose rows are the violating ``?this`` (and ``?v``)."""
        self.checks.append(
            Check(self.owner, self.prop, component, query, self.severity, self.messages, self.path_node, None, generic)
        )

    def per_value(
        self,
        component: str,
        condition: str,
        generic: Generic,
        python_filter: PythonFilter | None = None,
        as_written: Callable[[list], bool] | None = None,
    ) -> None:
        """A value ``?v`` is a violation where ``condition`` is true (and ``python_filter``, if any;
        and, with ``as_written``, where it holds of the value's forms as the data wrote them)."""
        self.value_parts.append(Part(component, generic, python_filter, condition, as_written=as_written))

    def count(self, component: str, kind: str, n: int, generic: Generic) -> None:
        """A focus node is a violation where it has fewer (``kind`` "min") or more ("max") than
        ``n`` distinct values."""
        self.count_parts.append(Part(component, count=(kind, n), generic=generic))

    def shared_checks(self) -> list[Check]:
        """The shared queries: one walk of the path for every per-value constraint, one GROUP BY
        for the counts (at 1M triples each walk over every claim costs ~0.1 s, so a walk per
        constraint added up)."""
        out = []
        if self.value_parts:
            n = range(len(self.value_parts))
            flags = " ".join(f"?_f{i}" for i in n)
            binds = " ".join(f"BIND (COALESCE({p.condition}, false) AS ?_f{i})" for i, p in enumerate(self.value_parts))
            any_flag = " || ".join(f"?_f{i}" for i in n)
            q = f"SELECT DISTINCT ?this ?v {flags} WHERE {{ {self.walked} {binds} FILTER ({any_flag}) }}"
            out.append(
                Check(
                    self.owner, self.prop, None, q, self.severity, self.messages, self.path_node, parts=self.value_parts
                )
            )
        if self.count_parts:
            bounds = [p.count for p in self.count_parts if p.count is not None]
            having = " || ".join(
                f"COUNT(DISTINCT ?v) {'<' if kind == 'min' else '>'} {k}" for kind, k in bounds
            )  # no aliases in HAVING
            if self.c.can_be_empty(self.path_node):  # every focus node has a value: itself
                walk = self.walked
            elif any(kind == "min" for kind, _ in bounds):
                walk = f"{self.targets} OPTIONAL {{ {self.value_of} }}"
            else:
                walk = self.walked
            q = f"SELECT ?this (COUNT(DISTINCT ?v) AS ?_n) WHERE {{ {walk} }} GROUP BY ?this HAVING ({having})"
            out.append(
                Check(
                    self.owner, self.prop, None, q, self.severity, self.messages, self.path_node, parts=self.count_parts
                )
            )
        return out


#: compiles the unit's constraints of a property shape (given the shape and the component IRI)
Compile = Callable[[PropertyShape, str], None]


@dataclass(frozen=True)
class Unit:
    """A SHACL constraint component as the compiler knows it."""

    iri: str  # the component, e.g. sh:MinCountConstraintComponent
    parameters: tuple  # the shape predicates it reads
    compile: Compile

    @property
    def doc(self) -> str:
        return self.compile.__doc__ or ""


def unit(component: str, *parameters: Any) -> Callable[[Compile], Unit]:
    """Decorator: the function as the :class:`Unit` of ``component`` (a local name in the SHACL
    namespace) reading ``parameters``."""

    def register(fn: Compile) -> Unit:
        return Unit(str(rdflib.SH[component]), parameters, fn)

    return register
