"""Running SPARQL: on the embedded store or on any SPARQL 1.1 endpoint, and formatting results.

Both ways return a :class:`Table` whose ``rows`` hold pyoxigraph terms (``None`` for unbound),
so local and remote answers are formatted, compared and tested the same way:

* :func:`run_local` runs on a dataset (:meth:`axiskg.dataset.Dataset.load`) or a :class:`pyoxigraph.Store`
  with the union of its named graphs as the default graph;
* :func:`run_endpoint` sends the query through SPARQLWrapper (``graph``: the default graph(s) to
  ask for, for stores whose default graph is not ours).

:func:`format_table` writes ``table`` (aligned text for a terminal), ``csv``/``tsv``/``json``
(the SPARQL 1.1 results formats; CSV and TSV are written by pyoxigraph's serialiser) and
``markdown``. A query containing ``SERVICE`` is refused before it runs: both engines would
otherwise send requests to any address the query names.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg import sparql_safety, vocab
from axiskg.errors import InputError
from axiskg.rdfio.formats import QUERY_GRAPH_FORMATS, QUERY_TABLE_FORMATS

if TYPE_CHECKING:
    from axiskg.dataset import Data

log = logging.getLogger(__name__)

#: formats of a SELECT or ASK answer, and of a CONSTRUCT or DESCRIBE answer (a graph; "table"
#: writes it as Turtle)
FORMATS, GRAPH_FORMATS = QUERY_TABLE_FORMATS, QUERY_GRAPH_FORMATS
XSD_STRING = vocab.XSD + "string"
DEFAULT_TIMEOUT = 30


class EndpointError(InputError):
    """The endpoint could not be reached or refused the query."""


@dataclass
class Table:
    """A SELECT result (``columns`` and ``rows`` of pyoxigraph terms or ``None``), an ASK
    result (``boolean`` set, no columns), or a CONSTRUCT/DESCRIBE result (``triples`` set: a
    list of pyoxigraph triples, no columns)."""

    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    prefixes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    triples: list | None = None


# --------------------------------------------------------------------------- running


_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments and strings."""
    m = _QUERY_FORM.search(sparql_safety.mask(sparql))
    return m.group(1).upper() if m else "SELECT"


def check_query(sparql: str, source: str | Path | None = None) -> None:
    """Refuse SERVICE (server-side request forgery) and Update before a query is executed
    anywhere, with the same lexer as the endpoint (:mod:`axiskg.sparql_safety`)."""
    from axiskg.rdfio.inputs import refuse_long_query

    refuse_long_query(sparql, source)  # before the lexer, whose memory grows with the text
    try:
        sparql_safety.inspect(sparql)
    except sparql_safety.Refused as exc:
        code = sparql_safety.mask(sparql)  # strings, IRIs and comments blanked out, offsets kept
        m = re.search(r"(?<![?$\w:-])service", code, re.I) or re.search(r"\S", code)
        line = code.count("\n", 0, m.start()) + 1 if m else None
        raise InputError(source, exc.message, line) from None


def _rdflib_location(sparql: str) -> tuple[int, int] | None:
    """Where rdflib's parser stops on ``sparql``: it points at the start of the faulty element,
    where pyoxigraph often points at the end of the query. ``None`` if rdflib parses it."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(sparql)
    except Exception as exc:  # pyparsing.ParseException and friends
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        return (line, column) if isinstance(line, int) and isinstance(column, int) else None
    return None


def _syntax_error(exc: SyntaxError, sparql: str, source) -> InputError:
    from axiskg.sparql_safety import syntax_problem

    problem, line, column = syntax_problem(exc.msg or str(exc), sparql)
    location = _rdflib_location(sparql) or ((line, column) if line else None)
    return InputError(source, f"SPARQL syntax error: {problem}", *(location or ()))


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
    table.prefixes = _prefixes(sparql)
    return table


def _term_from_json(binding: dict):
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        # Blank-node labels are local to the answer; stores use ids pyoxigraph does not accept
        # as labels (Virtuoso: "nodeID://b123"), so keep them apart by a hash of the id.
        label = value if re.fullmatch(r"[A-Za-z0-9_]+", value) else "b" + hashlib.sha1(value.encode()).hexdigest()[:16]
        return ox.BlankNode(label)
    if kind in ("literal", "typed-literal"):  # Virtuoso still says "typed-literal"
        lang = binding.get("xml:lang")
        if lang:
            return ox.Literal(value, language=lang)
        datatype = binding.get("datatype")
        return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)
    raise ValueError(f"unknown term type {kind!r} in the endpoint's answer")


def table_from_json(doc: dict) -> Table:
    """A :class:`Table` from a SPARQL 1.1 JSON results document."""
    if "boolean" in doc:
        return Table(columns=[], boolean=bool(doc["boolean"]))
    columns = list(doc["head"]["vars"])
    rows = []
    for b in doc["results"]["bindings"]:
        rows.append(tuple(_term_from_json(b[c]) if c in b else None for c in columns))
    return Table(columns, rows)


def run_endpoint(
    url: str,
    sparql: str,
    graph: str | list[str] | tuple[str, ...] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    source: str | Path | None = None,
) -> Table:
    """Run ``sparql`` on the SPARQL 1.1 endpoint at ``url`` through SPARQLWrapper.

    ``graph``: IRI(s) sent as ``default-graph-uri``. Failures (unreachable, timeout, HTTP
    error, an answer that is not SPARQL JSON) raise :class:`EndpointError`, one line each."""
    import urllib.error

    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    check_query(sparql, source)
    client = SPARQLWrapper(url)
    client.setQuery(sparql)
    client.queryType = query_form(sparql)  # SPARQLWrapper's own guess reads comments too
    client.setMethod(POST)
    graph_answer = client.queryType in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_answer else JSON)
    client.setTimeout(int(timeout))
    for g in [graph] if isinstance(graph, str) else list(graph or []):
        client.addDefaultGraph(g)
    try:
        if graph_answer:  # Turtle, parsed by pyoxigraph
            body = client.query().response.read()
            table = Table(columns=[], triples=[q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)])
        else:
            doc = client.query().convert()
            if not isinstance(doc, dict):
                raise ValueError("the answer is not SPARQL JSON results")
            table = table_from_json(doc)
    except SPARQLWrapperException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EndpointError(url, f"endpoint refused the query: {first}") from None
    except urllib.error.HTTPError as exc:
        raise EndpointError(url, f"endpoint answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise EndpointError(url, f"cannot reach the SPARQL endpoint ({exc.reason})") from None
    except TimeoutError:
        raise EndpointError(url, f"no answer from the SPARQL endpoint within {timeout:g} s") from None
    except (OSError, ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise EndpointError(url, f"unusable answer from the SPARQL endpoint: {exc}") from None
    table.prefixes = _prefixes(sparql)
    return table


def endpoint_server(url: str, timeout: float = 5.0) -> str:
    """What the endpoint at ``url`` says it is (its HTTP ``Server`` header, e.g.
    ``Virtuoso/07.20.3229 (Linux) ...``); ``""`` when it does not say or cannot be reached."""
    import urllib.parse
    import urllib.request

    request = urllib.request.Request(
        url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"query": "ASK {}"}),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user's endpoint)
            return response.headers.get("Server", "")
    except (OSError, ValueError):
        return ""


# --------------------------------------------------------------------------- formatting


def _prefixes(sparql: str) -> dict[str, str]:
    from axiskg.catalog import declared_prefixes

    return declared_prefixes(sparql)


def json_results(table: Table) -> dict:
    """The SPARQL 1.1 Query Results JSON document of ``table``."""
    if table.boolean is not None:
        return {"head": {}, "boolean": table.boolean}
    bindings = []
    for row in table.rows:
        b = {}
        for column, term in zip(table.columns, row):
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                b[column] = {"type": "uri", "value": term.value}
            elif isinstance(term, ox.BlankNode):
                b[column] = {"type": "bnode", "value": term.value}
            else:
                b[column] = {"type": "literal", "value": term.value}
                if term.language:
                    b[column]["xml:lang"] = term.language
                elif term.datatype.value != XSD_STRING:
                    b[column]["datatype"] = term.datatype.value
        bindings.append(b)
    return {"head": {"vars": list(table.columns)}, "results": {"bindings": bindings}}


def _serialized(table: Table, fmt: ox.QueryResultsFormat) -> str:
    doc = json.dumps(json_results(table))
    data = ox.parse_query_results(doc, ox.QueryResultsFormat.JSON).serialize(format=fmt)
    return (data or b"").decode("utf-8")


def short(term, prefixes: dict[str, str] | None = None) -> str:
    """A term for people: IRIs as prefixed names where a prefix fits, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return vocab.compact(term.value, prefixes or {}, brackets=True, pname=True)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if width <= 0 or len(text) <= width else text[: max(width - 1, 1)] + "…"


def text_table(table: Table, width: int = 0) -> str:
    """An aligned plain-text table; ``width`` > 0 clips each cell to that many characters."""
    if table.boolean is not None:
        return ("yes" if table.boolean else "no") + "\n"
    cells = [[_clip(short(t, table.prefixes), width) for t in row] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    n = len(table.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def markdown(table: Table) -> str:
    if table.boolean is not None:
        return f"{'true' if table.boolean else 'false'}\n"
    out = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    for row in table.rows:
        out.append("| " + " | ".join(short(t, table.prefixes).replace("|", "\\|") for t in row) + " |")
    return "\n".join(out) + "\n"


def format_triples(table: Table, fmt: str = "turtle") -> str:
    """A CONSTRUCT/DESCRIBE answer as Turtle (``table`` too), N-Triples (sorted lines) or
    JSON-LD (compacted with the context of :mod:`axiskg.rdfio.jsonld_context`), deterministically."""
    from axiskg.rdfio import serialize
    from axiskg.rdfio.terms import parse_ntriples, triples_to_rdflib

    if fmt not in ("table", *GRAPH_FORMATS):
        raise InputError(
            None,
            f"--format {fmt} is for SELECT and ASK answers; a CONSTRUCT or DESCRIBE answer "
            f"is written as {', '.join(GRAPH_FORMATS)}",
        )
    written = ox.serialize(table.triples or [], format=ox.RdfFormat.N_TRIPLES) or b""
    lines = sorted(set(written.splitlines(keepends=True)))
    ntriples = b"".join(lines)
    if fmt == "ntriples":
        return ntriples.decode("utf-8")
    if fmt == "jsonld":
        graph = triples_to_rdflib(parse_ntriples(ntriples))
        return serialize.serialize(graph, "jsonld").decode("utf-8")
    known = {**serialize.KNOWN_PREFIXES, **{p: ns for p, ns in table.prefixes.items() if p}}
    return serialize.write(lines, "turtle", known).decode("utf-8")


def format_table(table: Table, fmt: str = "table", width: int = 0) -> str:
    """``table`` as text in one of :data:`FORMATS` (a CONSTRUCT/DESCRIBE answer in one of
    :data:`GRAPH_FORMATS`, see :func:`format_triples`)."""
    if table.triples is not None:
        return format_triples(table, fmt)
    if fmt in GRAPH_FORMATS:
        raise InputError(
            None,
            f"--format {fmt} is for CONSTRUCT and DESCRIBE answers; a SELECT or ASK answer "
            f"is written as {', '.join(FORMATS)}",
        )
    if fmt == "table":
        return text_table(table, width)
    if fmt == "csv":
        return _serialized(table, ox.QueryResultsFormat.CSV)
    if fmt == "tsv":
        return _serialized(table, ox.QueryResultsFormat.TSV)
    if fmt == "json":
        return json.dumps(json_results(table), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown(table)
    raise InputError(None, f"unknown output format {fmt!r} (known: {', '.join(FORMATS)})")
