"""Run every stored query on the embedded engine and on another engine (a SPARQL store, or
rdflib's own SPARQL engine in-process: :func:`run_rdflib`), and compare the answers.

Two answers are the same when they have the same columns and the same rows as a multiset
(each term compared exactly: IRI, lexical form, datatype, language). Row order is compared
too but only reported (``order_differs``): ``ORDER BY`` leaves ties in any order. Stored
queries never return blank nodes (their labels are local to one answer); a blank node in an
answer is itself reported as a difference.

A query whose header says ``# engine-notes: ... differs on Virtuoso ...`` documents a known
difference: :attr:`Outcome.known` tells the tests to expect it rather than fail on it.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.sparql.catalog import StoredQuery
from axiskg.sparql.endpoint import run_endpoint
from axiskg.sparql.querying import run_local
from axiskg.sparql.tables import Table

if TYPE_CHECKING:
    from axiskg.dataset import Data

_KNOWN = re.compile(r"differs on (?P<engine>[A-Za-z][\w-]*)", re.I)


def known_differences(query: StoredQuery) -> set[str]:
    """Engines (lower case, e.g. ``{"virtuoso"}``) on which the query's header documents a
    different answer: ``# engine-notes: ... differs on Virtuoso 7.2: <why>`` (the word after
    "differs on" names the engine)."""
    return {m["engine"].lower() for m in _KNOWN.finditer(query.engine_notes or "")}


def cell(term) -> str:
    """A term as N-Triples-like text (``""`` for unbound) for exact comparison."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:"  # never compared by label
    return str(term)


def rows_of(table: Table) -> list[tuple[str, ...]]:
    if table.boolean is not None:
        return [(str(table.boolean).lower(),)]
    return [tuple(cell(t) for t in row) for row in table.rows]


@dataclass
class Outcome:
    query: str
    local_rows: int
    remote_rows: int
    local_seconds: float
    remote_seconds: float
    difference: str | None  # None when the answers are the same
    order_differs: bool = False
    known: bool = False  # the header documents a difference on this engine


def difference(local: Table, remote: Table) -> str | None:
    """``None`` when both answers hold the same rows, else a one-line description."""
    if list(local.columns) != list(remote.columns):
        return f"columns differ: {list(local.columns)} here, {list(remote.columns)} there"
    if local.boolean != remote.boolean:
        return f"ASK answers differ: {local.boolean} here, {remote.boolean} there"
    for name, table in (("embedded", local), ("store", remote)):
        if any(isinstance(t, ox.BlankNode) for row in table.rows for t in row):
            return f"the {name} answer holds blank nodes, which cannot be compared"
    here, there = Counter(rows_of(local)), Counter(rows_of(remote))
    if here == there:
        return None
    missing, extra = here - there, there - here
    parts = [f"{len(local.rows)} rows here, {len(remote.rows)} there"]
    if missing:
        parts.append(f"{sum(missing.values())} missing there, e.g. {_show(next(iter(missing)))}")
    if extra:
        parts.append(f"{sum(extra.values())} extra there, e.g. {_show(next(iter(extra)))}")
    return "; ".join(parts)


def _show(row: tuple[str, ...], width: int = 160) -> str:
    text = " | ".join(row)
    return text if len(text) <= width else text[: width - 1] + "…"


def crosscheck(
    store: Data,
    url: str,
    queries: list[StoredQuery],
    graph: str | None = None,
    engine: str = "",
    timeout: float = 60,
) -> list[Outcome]:
    """Each query (rendered with its defaults) on ``store`` and on the endpoint at ``url``
    (``graph`` as its default graph). ``engine`` names the store for :func:`known_differences`."""
    return compare(
        store,
        lambda sparql, source: run_endpoint(url, sparql, graph=graph, timeout=timeout, source=source),
        queries,
        engine,
    )


def compare(store: Data, run_other, queries: list[StoredQuery], engine: str = "") -> list[Outcome]:
    """Each query (rendered with its defaults) on ``store`` and through ``run_other(sparql,
    source) -> Table`` (another engine); ``engine`` names it for :func:`known_differences`."""
    outcomes = []
    for query in queries:
        sparql = query.render()
        started = time.perf_counter()
        local = run_local(store, sparql, source=query.path)
        local_seconds = time.perf_counter() - started
        started = time.perf_counter()
        remote = run_other(sparql, query.path)
        remote_seconds = time.perf_counter() - started
        outcomes.append(
            Outcome(
                query=query.name,
                local_rows=len(local.rows),
                remote_rows=len(remote.rows),
                local_seconds=local_seconds,
                remote_seconds=remote_seconds,
                difference=difference(local, remote),
                order_differs=rows_of(local) != rows_of(remote),
                known=engine.lower() in known_differences(query),
            )
        )
    return outcomes


def run_rdflib(graph, sparql: str, source=None) -> Table:
    """``sparql`` run by rdflib's own SPARQL engine (an implementation independent of
    pyoxigraph) on the rdflib Graph ``graph``, as a :class:`~axiskg.sparql.tables.Table` of
    pyoxigraph terms. SERVICE and Update are refused first, as everywhere."""
    from axiskg import linear_regex
    from axiskg.rdfio.terms import to_ox
    from axiskg.sparql.querying import check_query

    check_query(sparql, source)
    linear_regex.install()  # REGEX in linear time (rdflib's uses re, which backtracks)
    result = graph.query(sparql)
    if result.type == "ASK":
        return Table(columns=[], boolean=bool(result.askAnswer))
    if result.type != "SELECT":
        raise ValueError(f"only SELECT and ASK queries can be compared, not {result.type}")
    columns = [str(v) for v in result.vars]
    return Table(columns, [tuple(None if t is None else to_ox(t) for t in row) for row in result])
