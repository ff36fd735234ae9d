"""Query execution inside a worker process: pyoxigraph, capped results, serialised bytes.

A worker (see :mod:`axiskg.server.pool`) holds its own copy of the store and answers one
request at a time over a socket. Requests and replies are dicts (see :func:`execute`), framed
as a 4-byte big-endian length followed by a pickle; both ends are this package.

Result caps: pyoxigraph serialises only its own result iterators, so a SELECT result is read
row by row up to the cap, written as SPARQL TSV (each term in its N-Triples form, which is
what TSV requires) and re-read with :func:`pyoxigraph.parse_query_results` to serialise in the
requested format; the output is byte-identical to pyoxigraph's own serialiser. CONSTRUCT and
DESCRIBE triples go through :func:`pyoxigraph.serialize`, or, as JSON-LD compacted with the
release's context, through the build's JSON-LD writer (:func:`compacted_jsonld`); either way the
cap applies to the bytes sent.
"""

from __future__ import annotations

import os
import pickle
import re
import socket
import struct
import tempfile
import time
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.server.formats import GRAPH_FORMATS, RESULT_FORMATS
from axiskg.sparql.syntax import locate

if TYPE_CHECKING:
    from axiskg.dataset import Data

_HEADER = struct.Struct(">I")
DEFAULT_MAX_BYTES = 8 << 20  # an answer's size cap (see Settings.max_result_bytes)
WARM_UP = "ASK { ?s ?p ?o }"  # run by each worker before it says it is ready
SPOOL_MIN = 256 << 10  # answers bigger than this go through a file when the request allows it (see spool)


def _tsv_rows(names: list[str], lines: list[str], fmt: ox.QueryResultsFormat) -> bytes:
    """Rows (TSV lines of N-Triples terms) serialised by pyoxigraph in ``fmt``."""
    text = "\n".join(["\t".join("?" + n for n in names), *lines]) + "\n"
    return ox.parse_query_results(text, ox.QueryResultsFormat.TSV).serialize(format=fmt) or b""


def _capped(items, cap: int, max_bytes: int, line) -> tuple[list[str], str | None]:
    """The first items of ``items`` as ``line(item)`` strings: at most ``cap`` of them and about
    ``max_bytes`` in all; second: why it stopped early (``"rows"``, ``"bytes"``) or ``None``."""
    lines: list[str] = []
    size = 0
    for item in items:
        if len(lines) == cap:
            return lines, "rows"
        text = line(item)
        size += len(text) + 1
        if size > max_bytes:
            return lines, "bytes"
        lines.append(text)
    return lines, None


def _fit(lines: list[str], why: str | None, max_bytes: int, serialise) -> tuple[bytes, int, str | None]:
    """``serialise(lines)``, dropping lines from the end until the bytes fit ``max_bytes``
    (formats like JSON take several times the TSV's size)."""
    body = serialise(lines)
    while len(body) > max_bytes and lines:
        keep = min(len(lines) - 1, int(len(lines) * max_bytes / len(body) * 0.95))
        lines, why = lines[: max(keep, 0)], "bytes"
        body = serialise(lines)
    return body, len(lines), why


def _row_line(row) -> str:
    return "\t".join("" if t is None else str(t) for t in row)


def _solutions_body(result: ox.QuerySolutions, fmt: str, cap: int, max_bytes: int) -> tuple[bytes, int, str | None]:
    names = [v.value for v in result.variables]
    lines, why = _capped(result, cap, max_bytes, _row_line)
    return _fit(lines, why, max_bytes, lambda ls: _tsv_rows(names, ls, RESULT_FORMATS[fmt].oxigraph))


def _graph_body(
    result: ox.QueryTriples, fmt: str, cap: int, max_bytes: int, prefixes: dict, context: dict | None = None
) -> tuple[bytes, int, str | None]:
    """The triples of ``result`` in ``fmt``, capped (:func:`_capped`, :func:`_fit`); JSON-LD
    compacted with ``context`` when one is given (:func:`compacted_jsonld`)."""
    triples = []

    def line(t) -> str:
        triples.append(t)
        return _row_line((t.subject, t.predicate, t.object))

    lines, why = _capped(result, cap, max_bytes, line)
    if fmt == "html":  # the page shows a table of subject, predicate, object
        names = ["subject", "predicate", "object"]
        return _fit(lines, why, max_bytes, lambda ls: _tsv_rows(names, ls, ox.QueryResultsFormat.JSON))
    if fmt == "jsonld" and context is not None:  # the release's context, term keys
        return _fit(lines, why, max_bytes, lambda ls: compacted_jsonld(triples[: len(ls)], context))
    rdf_format = GRAPH_FORMATS[fmt].oxigraph
    used = prefixes if rdf_format == ox.RdfFormat.TURTLE else None
    return _fit(
        lines, why, max_bytes, lambda ls: ox.serialize(triples[: len(ls)], format=rdf_format, prefixes=used) or b""
    )


def compacted_jsonld(triples: list[ox.Triple], context: dict) -> bytes:
    """``triples`` as JSON-LD compacted with ``context``, as the build writes its JSON-LD: their
    sorted, de-duplicated N-Triples lines through the streaming writer."""
    from axiskg.rdfio.jsonld_context import triple_lines
    from axiskg.rdfio.jsonld_writer import jsonld_lines

    return b"".join(jsonld_lines(triple_lines(triples), context))


def _error(status: int, message: str) -> dict:
    return {"ok": False, "status": status, "message": message}


def _memory_error(message: str) -> dict:
    """A 503 for a query past the worker's memory cap; ``memory`` lets the pool move the query
    from a light lane to a heavy worker (see :mod:`axiskg.server.pool`)."""
    return {**_error(503, message), "memory": True}


def dataset_options(default_graphs: list[str], named_graphs: list[str]) -> dict:
    """``Store.query`` options choosing the dataset as the SPARQL 1.1 Protocol says (and as the
    Oxigraph server does): the protocol's ``default-graph-uri``/``named-graph-uri`` when given
    (exactly those graphs), else none, so that pyoxigraph applies the query's own ``FROM``/
    ``FROM NAMED`` as its parser reads them, and else the store's default graph, which
    :func:`union_default_graph` made the union of all graphs (every named graph available)."""
    if default_graphs or named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs],
        }
    return {}


#: what a query must hold to name a graph or a dataset (``FROM``, ``FROM NAMED``, ``GRAPH``), also
#: spelt with SPARQL's codepoint escapes (``\u0046ROM``, which the SPARQL grammar allows to decode before
#: parsing; pyoxigraph does not): a query without
#: any of them, asked without a protocol dataset, sees the union of the graphs and nothing else
_MAY_NAME_GRAPHS = re.compile(r"from|graph|\\[uU]", re.IGNORECASE)
#: the comment lines a query starts with (nothing is open before them, so each runs to its line's
#: end, ``\r`` or ``\n``): a stored query's header, whose prose may say "from"
_HEAD_COMMENTS = re.compile(r"\A(?:[ \t\r\n]*#[^\r\n]*)*")


def names_no_graph(query: str) -> bool:
    """Whether ``query`` (past its leading comment lines) holds none of :data:`_MAY_NAME_GRAPHS`."""
    return _MAY_NAME_GRAPHS.search(query, _HEAD_COMMENTS.match(query).end()) is None  # type: ignore[union-attr]


def union_store(store: ox.Store) -> ox.Store:
    """A store whose default graph is the union (a set) of ``store``'s graphs, and no named graph:
    what a query naming no graph sees, without the copies beside the named graphs that
    :func:`union_default_graph` makes (queries run about a fifth faster on it)."""
    flat = ox.Store()
    flat.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    return flat


def union_default_graph(store: ox.Store) -> None:
    """Copy every named graph's triples into the default graph of ``store``. Then a query without
    a dataset sees the union, and a query with ``FROM`` sees exactly what its ``FROM`` names as
    the engine's own parser reads it: ``use_default_graph_as_union`` would override ``FROM``,
    and telling whether a query has one from outside the parser can be fooled (``(1<'a>' AS ?q)
    FROM <g>`` reads as an IRI and a string to a lexer)."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def execute(
    store: Data, request: dict, prefixes: dict | None = None, context: dict | None = None, union: Data | None = None
) -> dict:
    """Run one request on ``store``.

    ``request``: ``query``; ``results`` / ``graph``: the negotiated format key for a SELECT/ASK
    resp. CONSTRUCT/DESCRIBE answer (``None``: not acceptable, 406); ``limit``: the row cap;
    ``max_bytes``: the answer's size cap; ``default_graphs`` / ``named_graphs``: IRIs from the
    protocol's ``default-graph-uri`` and ``named-graph-uri`` (see :func:`dataset_options`).
    ``prefixes``: for Turtle output; ``context``: the ``@context`` JSON-LD answers are compacted
    with (``None``: expanded, as pyoxigraph writes them). ``union``: the :func:`union_store` of
    ``store``, where a query that names no graph and comes without a protocol dataset runs. Reply: ``{"ok": True, "format", "body", "count",
    "truncated" (None, "rows" or "bytes"), "kind"}`` or ``{"ok": False, "status", "message"}``.
    """
    cap, max_bytes = request["limit"], request.get("max_bytes", DEFAULT_MAX_BYTES)
    try:
        options = dataset_options(request.get("default_graphs") or [], request.get("named_graphs") or [])
    except ValueError as exc:
        return _error(400, f"not a graph IRI in default-graph-uri/named-graph-uri: {exc}")
    try:
        target = union if union is not None and not options and names_no_graph(request["query"]) else store
        result = target.query(request["query"], **options)
        if isinstance(result, ox.QueryBoolean):
            kind, fmt = "boolean", request["results"]
            if fmt is None:
                return _error(406, "no acceptable format for an ASK result")
            body, count, truncated = result.serialize(format=RESULT_FORMATS[fmt].oxigraph), 1, None
        elif isinstance(result, ox.QuerySolutions):
            kind, fmt = "solutions", request["results"]
            if fmt is None:
                return _error(406, "no acceptable format for a SELECT result")
            body, count, truncated = _solutions_body(result, fmt, cap, max_bytes)
        else:
            kind, fmt = "graph", request["graph"]
            if fmt is None:
                return _error(406, "no acceptable format for a CONSTRUCT or DESCRIBE result")
            body, count, truncated = _graph_body(result, fmt, cap, max_bytes, prefixes or {}, context)
    except SyntaxError as exc:
        problem, line, column = locate(exc, request["query"])
        where = f" at line {line}, column {column}" if line else ""
        return {**_error(400, f"SPARQL syntax error{where}: {problem}"), "line": line, "column": column}
    except MemoryError as exc:
        return _memory_error(f"the query needed more memory than a worker may use ({exc})")
    except RecursionError:
        return _error(400, "the query is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - a worker answers every request, whatever the engine raised
        return _error(400, f"query failed: {exc}")
    return {"ok": True, "kind": kind, "format": fmt, "body": body, "count": count, "truncated": truncated}


# --------------------------------------------------------------------------- framing


def send(sock: socket.socket, message: dict) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket) -> dict | None:
    header = _recv_exactly(sock, _HEADER.size)
    if header is None:
        return None
    data = _recv_exactly(sock, _HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def spool(reply: dict, directory: str) -> dict:
    """``reply`` with its body written to a new file in ``directory`` (``path``, ``size``) instead
    of sent over the socket: the main process then streams it to the client from the file, so an
    answer its client is slow to read (or never reads) does not sit in the main process's memory."""
    fd, path = tempfile.mkstemp(dir=directory, suffix=".answer")
    with os.fdopen(fd, "wb") as out:
        out.write(reply["body"])
    return {**reply, "body": b"", "path": path, "size": len(reply["body"])}


def worker_main(
    sock: socket.socket, nquads: bytes, prefixes: dict[str, str], memory: int | None = None, context: dict | None = None
) -> None:
    """Entry point of a worker process: cut it off the network (:mod:`axiskg.sandbox`), cap its
    address space at ``memory`` bytes (a query going past it fails, answered 503, or kills the
    worker, which is replaced), load the dataset, then answer until the socket closes."""
    import resource

    from axiskg.sandbox import SandboxUnavailable, enter

    try:
        enter("the query workers")
    except SandboxUnavailable as exc:
        send(sock, {"ready": False, "message": str(exc)})
        return
    # the parser that places a syntax error (axiskg.sparql.syntax) is imported before the cap, so a
    # worker whose heap has grown still answers a syntax error with the same place as the CLI
    import rdflib.plugins.sparql.parser  # noqa: F401

    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        # past the cap, the engine aborts with a Rust allocation message on stderr; the client
        # and the server's own message (503) say what happened instead
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    # the dataset the main process loaded (axiskg.dataset.Dataset), handed over as N-Quads
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    del nquads
    union = union_store(store)
    union_default_graph(store)
    # a first query costs a fresh process several times what the same query costs next (code
    # paths and memory touched for the first time): paid here, it does not make the pool's cost
    # book take the first lookup for a costlier query than it is
    for results in ("json", "xml"):
        execute(store, {"query": WARM_UP, "results": results, "graph": None, "limit": 1}, prefixes, context, union)
    # "cpu_total": the worker's CPU seconds so far, with every message: where the pool starts
    # counting a light worker's slice (no /proc read per request)
    send(sock, {"ready": True, "quads": len(store), "cpu_total": time.process_time()})
    while (request := receive(sock)) is not None:
        started = time.process_time()
        try:
            reply = execute(store, request, prefixes, context, union)
        except MemoryError:
            reply = _memory_error("the query needed more memory than a worker may use")
        reply["cpu"] = time.process_time() - started  # the pool's cost estimate of this query
        if request.get("spool") and reply.get("ok") and len(reply["body"]) > SPOOL_MIN:
            reply = spool(reply, request["spool"])
        reply["cpu_total"] = time.process_time()
        try:
            send(sock, reply)
        except MemoryError:
            send(
                sock,
                {
                    **_memory_error("the answer needed more memory than a worker may use"),
                    "cpu": reply["cpu"],
                    "cpu_total": time.process_time(),
                },
            )
