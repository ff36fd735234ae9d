"""SPARQL on any SPARQL 1.1 endpoint: the query sent through SPARQLWrapper, the answer read
defensively (see :func:`run_endpoint`) into a :class:`~axiskg.sparql.tables.Table`."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pyoxigraph as ox

from axiskg.errors import InputError
from axiskg.sparql.catalog import declared_prefixes
from axiskg.sparql.querying import check_query, query_form
from axiskg.sparql.tables import Table

DEFAULT_TIMEOUT = 30  # seconds for the whole exchange: connecting, the query, the whole answer
DEFAULT_MAX_BYTES = 64 << 20  # the largest answer read (a SPARQL JSON answer takes ~10x in memory)
_CHUNK = 64 << 10


class EndpointError(InputError):
    """The endpoint could not be reached or refused the query."""


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
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Table:
    """Run ``sparql`` on the SPARQL 1.1 endpoint at ``url`` through SPARQLWrapper.

    ``graph``: IRI(s) sent as ``default-graph-uri``. The endpoint is not trusted: its answer is
    read up to ``max_bytes`` and within ``timeout`` seconds from the start (however slowly it
    trickles in), and parsed without recursion limits to exhaust. Failures (unreachable, timeout,
    HTTP error, too big, an answer that is not SPARQL JSON) raise :class:`EndpointError`, one
    line each."""
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
    deadline = time.monotonic() + timeout
    try:
        body = _read_bounded(client.query().response, url, deadline, timeout, max_bytes)
        if graph_answer:  # Turtle, parsed by pyoxigraph
            table = Table(columns=[], triples=[q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)])
        else:
            try:
                doc = json.loads(body)
            except RecursionError:
                raise ValueError("the JSON is nested too deeply to be SPARQL results") from None
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
        raise EndpointError(url, f"no whole answer from the SPARQL endpoint within {timeout:g} s (--timeout)") from None
    except (OSError, ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise EndpointError(url, f"unusable answer from the SPARQL endpoint: {exc}") from None
    table.prefixes = declared_prefixes(sparql)
    return table


def _read_bounded(response, url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """The body of ``response``, read before ``deadline`` (each read may wait only for the time
    left) and refused past ``max_bytes``."""
    # the socket under http.client's response, to bound each read by the time left (None: the
    # timeout SPARQLWrapper set on the connection bounds each read, the deadline the whole)
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if sock is not None:
            sock.settimeout(left)
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise EndpointError(
                url, f"the SPARQL endpoint's answer is over {max_bytes:,} bytes (--max-answer); not read further"
            )
        chunks.append(chunk)


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
