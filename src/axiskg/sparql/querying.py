"""Running SPARQL on the embedded store: the gate every query passes first (:func:`check_query`,
SERVICE and Update refused by :mod:`axiskg.sparql.safety`), the query form, syntax errors with
their line and column, and :func:`run_local`, whose :class:`~axiskg.sparql.tables.Table` is the
same as :func:`axiskg.sparql.endpoint.run_endpoint` returns for an endpoint's answer.

:func:`run_local` runs on a dataset (:meth:`axiskg.dataset.Dataset.load`) or a
:class:`pyoxigraph.Store` with the union of its named graphs as the default graph.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.errors import InputError
from axiskg.sparql import safety
from axiskg.sparql.catalog import declared_prefixes
from axiskg.sparql.syntax import locate
from axiskg.sparql.tables import Table

if TYPE_CHECKING:
    from axiskg.dataset import Data

log = logging.getLogger(__name__)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form the gate's lexer reads after the prologue
    (:attr:`axiskg.sparql.safety.Inspection.form`, the one detector); SELECT when it reads none
    (the parser then says what is wrong). Raises :class:`~axiskg.sparql.safety.Refused` as
    :func:`check_query` does."""
    form = safety.inspect(sparql).form
    return form.upper() if form else "SELECT"


def check_query(sparql: str, source: str | Path | None = None) -> None:
    """Refuse SERVICE (server-side request forgery) and Update before a query is executed
    anywhere, with the same lexer as the endpoint (:mod:`axiskg.sparql.safety`)."""
    from axiskg.rdfio.inputs import refuse_long_query

    refuse_long_query(sparql, source)  # before the lexer, whose memory grows with the text
    try:
        safety.inspect(sparql)
    except safety.Refused as exc:
        code = safety.mask(sparql)  # strings, IRIs and comments blanked out, offsets kept
        m = re.search(r"(?<![?$\w:-])service", code, re.I) or re.search(r"\S", code)
        line = code.count("\n", 0, m.start()) + 1 if m else None
        raise InputError(source, exc.message, line) from None


def _syntax_error(exc: SyntaxError, sparql: str, source) -> InputError:
    problem, line, column = locate(exc, sparql)
    return InputError(source, f"SPARQL syntax error: {problem}", *((line, column) if line else ()))


def _table(result) -> Table:
    if isinstance(result, ox.QueryBoolean):
        return Table(columns=[], boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        # a solution iterates over its values in the order of result.variables (None when
        # unbound): about 3 times cheaper than looking each value up by its variable's name
        return Table(columns, list(map(tuple, result)))
    return Table(columns=[], triples=list(result))  # CONSTRUCT, DESCRIBE


def syntax_check(sparql: str, source: str | Path | None = None) -> None:
    """Parse ``sparql`` (on an empty store), raising InputError with its line and column."""
    check_query(sparql, source)
    try:
        ox.Store().query(sparql)
    except SyntaxError as exc:
        raise _syntax_error(exc, sparql, source) from None


def solutions(store: Data, sparql: str) -> ox.QuerySolutions:
    """The solutions of a SELECT ``sparql`` over the union of the graphs of ``store``."""
    result = store.query(sparql, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {sparql[:80]!r}")
    return result


def run_local(store: Data, sparql: str, source: str | Path | None = None) -> Table:
    """Run ``sparql`` on ``store``, the union of its named graphs being the default graph."""
    check_query(sparql, source)
    started = time.perf_counter()
    try:
        result = store.query(sparql, use_default_graph_as_union=True)
        table = _table(result)
        log.debug("%s: %d rows in %.3f s", source or "query", len(table.rows), time.perf_counter() - started)
    except SyntaxError as exc:
        raise _syntax_error(exc, sparql, source) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(source, f"query failed: {exc}") from None
    table.prefixes = declared_prefixes(sparql)
    return table
