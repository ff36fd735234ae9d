"""The rows of the checks' queries as validation results, worded as pyshacl words them.

Each :class:`~axiskg.shacl.results.Result` has the same focus, path, component, severity, value,
source shape and message (pyshacl's own wording for shapes without ``sh:message``) as
:func:`axiskg.shacl.validation.validate` gives, read from the store instead of an rdflib copy of the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib

from axiskg.rdfio.terms import TermConverter, to_ox
from axiskg.shacl.model import Check
from axiskg.shacl.results import NAMESPACES, Describer, Result, describe_blank, store_incoming
from axiskg.vocab import local_name

if TYPE_CHECKING:
    from axiskg.dataset import Data

_NO_PATH = object()  # Results.make(): the check's own path
_TRUE = ox.Literal(True)  # a per-value flag that is set


class Describe:
    """Results' strings exactly as :class:`axiskg.shacl.results.Describer` makes them from
    pyshacl's report, read from the store."""

    def __init__(self, store: Data, shapes: rdflib.Graph, convert: TermConverter) -> None:
        self.store = store
        self.shapes = shapes
        self.describer = Describer(rdflib.Graph(), shapes, rdflib.Graph())
        self.convert = convert
        self._cache: dict = {}
        self._incoming = store_incoming(store)

    def node(self, term: Any) -> str:
        if isinstance(term, ox.NamedNode):
            return term.value
        if isinstance(term, ox.Literal):
            return str(self.convert(term).n3(NAMESPACES))
        hit = self._cache.get(term)
        if hit is None:
            hit = self._cache[term] = self._bnode(term)
        return hit

    def _bnode(self, term: Any) -> str:
        return describe_blank(term, self._incoming)

    def edges(self, node: Any) -> list:
        """The (predicate, object) pairs of a blank node of the data, as rdflib terms."""
        return [
            (self.convert(q.predicate), self.convert(q.object))
            for q in self.store.quads_for_pattern(to_ox(node), None, None)
        ]


class Stringify:
    """pyshacl's ``stringify_node`` for generic messages: shapes-graph terms with the shapes
    graph, data terms (``graph=None``) with a fresh graph holding the blank node's description."""

    def __init__(self, store: Data, convert: TermConverter) -> None:
        self.store = store
        self.convert = convert
        self.fresh = rdflib.Graph()

    def __call__(self, graph: rdflib.Graph | None, term: Any) -> str:
        from pyshacl.rdfutil import stringify_node

        if graph is not None:
            return str(stringify_node(graph, term))
        if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
            if isinstance(term, ox.BlankNode):
                sub = rdflib.Graph()
                for t in self._closure(term):
                    sub.add(tuple(self.convert(x) for x in t))
                return str(stringify_node(sub, self.convert(term)))
            term = self.convert(term)
        return str(stringify_node(self.fresh, term))

    def _closure(self, term: ox.BlankNode, depth: int = 0):
        for q in self.store.quads_for_pattern(term, None, None):
            yield (q.subject, q.predicate, q.object)
            if isinstance(q.object, ox.BlankNode) and depth < 12:
                yield from self._closure(q.object, depth + 1)


class Results:
    """The results of a run, made from the checks' rows (:meth:`add`) in the checks' order."""

    def __init__(self, describe: Describe, locate: Callable[[Any], str | None] | None) -> None:
        self.describe = describe
        self.locate = locate
        self.out: list[Result] = []
        self._lookups: dict = {}  # per predicate (None: any), see _lookup()

    def make(
        self,
        check: Check,
        focus: Any,
        value: Any,
        message: str | None,
        component: str | None = None,
        path: Any = _NO_PATH,
    ) -> Result:
        describe = self.describe
        focus_node = describe.convert(focus)
        path = check.path if path is _NO_PATH else path
        if isinstance(value, ox.Literal):  # as the data wrote it at the focus node, where that is one literal
            forms = set(self._written(focus, path, value))
            if len(forms) == 1:
                value = forms.pop()
        return Result(
            severity=local_name(str(check.severity)),
            focus=describe.node(focus),
            path=describe.describer.path(path),
            component=str(component or check.component),
            source_shape=describe.describer.shape(check.shape),
            value=describe.node(value) if value is not None else None,
            message=message,
            source=self.locate(focus_node) if self.locate is not None else None,
            focus_node=focus_node,
            path_node=path,
            value_node=describe.convert(value) if value is not None else None,
            shape_node=check.shape,
            severity_node=check.severity,
            constraint_node=check.sparql,
        )

    def add(self, check: Check, variables: list[str], rows: list) -> None:
        """The check's rows (as :func:`axiskg.shacl.execute.fetch` gives them) as results."""
        if check.job is not None:
            self._job(check, rows)
        elif check.sparql is not None:
            self._sparql(check, variables, rows)
        elif check.parts:
            self._parts(check, variables, rows)
        else:
            has_value = "v" in variables
            for row in rows:
                focus = row["this"]
                value = row["v"] if has_value else None
                if check.python_filter is not None and not check.python_filter(value):
                    continue
                if check.messages:
                    message = "; ".join(check.messages)
                elif check.generic is not None:
                    message = check.generic(focus, value)
                else:
                    message = None
                self.out.append(self.make(check, focus, value, message))

    def _written(self, focus: Any, path: Any, value: Any) -> list:
        """``value`` (a literal the store may have rewritten) as the data wrote it at ``focus``
        and ``path`` (any predicate when the path is not one)."""
        from axiskg.rdfio import literals

        predicate = to_ox(path) if isinstance(path, rdflib.URIRef) else None
        return literals.written_at(self.describe.store, focus, predicate, value)

    def _lookup(self, path: Any) -> Callable[[Any, Any], list]:
        """``(focus, value) ->`` the value's forms as written at ``path`` (one index for all the
        rows of the run; any predicate when the path is not one)."""
        from axiskg.rdfio import literals

        predicate = to_ox(path) if isinstance(path, rdflib.URIRef) else None
        lookup = self._lookups.get(predicate)
        if lookup is None:
            lookup = self._lookups[predicate] = literals.written_lookup(self.describe.store, predicate)
        return lookup

    def _parts(self, check: Check, variables: list[str], rows: list) -> None:
        counted = check.parts[0].count is not None
        at = {name: i for i, name in enumerate(variables)}  # (a row read by position: 6x faster than by name)
        this, v, count = at["this"], at.get("v", -1), at.get("_n", -1)
        flags = [at.get(f"_f{i}", -1) for i in range(len(check.parts))]
        written = self._lookup(check.path) if any(p.as_written is not None for p in check.parts) else None
        for row in rows:
            focus = row[this]
            value = None if counted else row[v]
            n = int(row[count].value) if counted else 0
            for part, f in zip(check.parts, flags):
                if part.count is not None:
                    kind, bound = part.count
                    if not (n < bound if kind == "min" else n > bound):
                        continue
                else:
                    if row[f] != _TRUE:
                        continue
                    if part.python_filter is not None and not part.python_filter(value):
                        continue
                    if (
                        part.as_written is not None
                        and written is not None
                        and not part.as_written(written(focus, value))
                    ):
                        continue
                message: str | None = "; ".join(check.messages) if check.messages else None
                if message is None and part.generic is not None:
                    message = part.generic(focus, value)
                self.out.append(self.make(check, focus, value, message, part.component))

    def _sparql(self, check: Check, names: list[str], rows: list) -> None:
        seen: dict = {}
        for row in rows:
            values = {n: row[n] for n in names if row[n] is not None}
            focus = values.get("this")
            if focus is None:
                continue
            key = tuple(sorted((k, str(v)) for k, v in values.items()))
            if key in seen.setdefault(focus, set()):
                continue
            seen[focus].add(key)
            value = values.get("value", focus)
            bindings = {k: v.value for k, v in values.items() if k not in ("this", "path", "value")}
            bindings = {
                "this": focus.value,
                **({"value": values["value"].value} if "value" in values else {}),
                **bindings,
            }
            messages = [message_format(m, bindings) for m in check.messages]
            self.out.append(
                self.make(
                    check,
                    focus,
                    value,
                    "; ".join(sorted(messages)) if messages else None,
                    path=self._path(check, values.get("path")),
                )
            )

    def _job(self, check: Check, rows: list) -> None:
        """A job's rows as results: the value is ``?value`` (or, on a node shape, the focus node),
        the path ``?path`` when it is an IRI (or the property shape's path)."""
        assert check.job is not None
        seen = set()
        for focus, path, value, bound in rows:
            if value is None and check.path is None:
                value = focus
            key = (focus, path, value)
            if key in seen:
                continue
            seen.add(key)
            bindings = {k: v.value for k, v in bound.items() if isinstance(v, (ox.NamedNode, ox.Literal, ox.BlankNode))}
            bindings.setdefault("this", focus.value)
            if value is not None:
                bindings.setdefault("value", value.value)
            for name, term in check.job.bindings.items():
                bindings.setdefault(name, str(term))
            messages = [message_format(m, bindings) for m in check.messages]
            self.out.append(
                self.make(
                    check, focus, value, "; ".join(sorted(messages)) if messages else None, path=self._path(check, path)
                )
            )

    def _path(self, check: Check, path: Any) -> Any:
        """A result's path: the query's ``?path`` when it is an IRI, else the shape's path."""
        return self.describe.convert(path) if isinstance(path, ox.NamedNode) else check.path


def message_format(text: str, bindings: dict) -> str:
    """``{$var}`` and ``{?var}`` in a message replaced by the variable's value, taken literally
    (a value may hold backslashes or ``\\1``)."""
    for var, val in bindings.items():
        text = re.sub(r"\{[?$]" + re.escape(var) + r"\}", _literally(str(val)), text)
    return text


def _literally(text: str) -> Callable[[re.Match], str]:
    """A replacement for ``re.sub`` that inserts ``text`` as it is."""
    return lambda _m: text
