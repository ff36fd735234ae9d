"""Query execution inside a worker process: pyoxigraph, capped results, serialised bytes.

A worker (see :mod:`axiskg.server.pool`) holds its own copy of the store and answers one
request at a time over a socket. Requests and replies are dicts (see :func:`execute`), framed
as a 4-byte big-endian length followed by a pickle; both ends are this package.

Result caps: pyoxigraph serialises only its own result iterators, so a SELECT result is read
row by row up to the cap, written as SPARQL TSV (each term in its N-Triples form, which is
what TSV requires) and re-read with :func:`pyoxigraph.parse_query_results` to serialise in the
requested format; the output is byte-identical to pyoxigraph's own serialiser. CONSTRUCT and
DESCRIBE triples go through :func:`pyoxigraph.serialize`.
"""

from __future__ import annotations

import pickle
import socket
import struct
from itertools import islice

import pyoxigraph as ox

from axiskg.server.formats import GRAPH_FORMATS, RESULT_FORMATS

_HEADER = struct.Struct(">I")


def _tsv_rows(names: list[str], rows: list, fmt: ox.QueryResultsFormat) -> bytes:
    """Rows of pyoxigraph terms (``None``: unbound) serialised by pyoxigraph in ``fmt``."""
    lines = ["\t".join("?" + n for n in names)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    parsed = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=fmt)


def _solutions_body(result: ox.QuerySolutions, fmt: str, cap: int) -> tuple[bytes, int, bool]:
    names = [v.value for v in result.variables]
    rows = list(islice(result, cap + 1))
    truncated = len(rows) > cap
    del rows[cap:]
    return _tsv_rows(names, rows, RESULT_FORMATS[fmt].oxigraph), len(rows), truncated


def _graph_body(result: ox.QueryTriples, fmt: str, cap: int, prefixes: dict) -> tuple[bytes, int, bool]:
    triples = list(islice(result, cap + 1))
    truncated = len(triples) > cap
    del triples[cap:]
    if fmt == "html":  # the page shows a table of subject, predicate, object
        rows = [(t.subject, t.predicate, t.object) for t in triples]
        body = _tsv_rows(["subject", "predicate", "object"], rows, ox.QueryResultsFormat.JSON)
        return body, len(rows), truncated
    if GRAPH_FORMATS[fmt].oxigraph != ox.RdfFormat.TURTLE:
        prefixes = None
    body = ox.serialize(triples, format=GRAPH_FORMATS[fmt].oxigraph, prefixes=prefixes)
    return body or b"", len(triples), truncated


def _error(status: int, message: str) -> dict:
    return {"ok": False, "status": status, "message": message}


def execute(store: ox.Store, request: dict, prefixes: dict | None = None) -> dict:
    """Run one request on ``store``.

    ``request``: ``query``; ``results`` / ``graph``: the negotiated format key for a SELECT/ASK
    resp. CONSTRUCT/DESCRIBE answer (``None``: not acceptable, 406); ``limit``: the row cap;
    ``default_graphs`` / ``named_graphs``: IRIs from the protocol's ``default-graph-uri`` and
    ``named-graph-uri`` (without them the default graph is the union of all graphs).
    ``prefixes``: for Turtle output. Reply: ``{"ok": True, "format", "body", "count", "truncated", "kind"}`` or
    ``{"ok": False, "status", "message"}``.
    """
    options: dict = {}
    if request.get("default_graphs"):
        options["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    else:
        options["use_default_graph_as_union"] = True
    if request.get("named_graphs"):
        options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    cap = request["limit"]
    try:
        result = store.query(request["query"], **options)
        if isinstance(result, ox.QueryBoolean):
            kind, fmt = "boolean", request["results"]
            if fmt is None:
                return _error(406, "no acceptable format for an ASK result")
            body, count, truncated = result.serialize(format=RESULT_FORMATS[fmt].oxigraph), 1, False
        elif isinstance(result, ox.QuerySolutions):
            kind, fmt = "solutions", request["results"]
            if fmt is None:
                return _error(406, "no acceptable format for a SELECT result")
            body, count, truncated = _solutions_body(result, fmt, cap)
        else:
            kind, fmt = "graph", request["graph"]
            if fmt is None:
                return _error(406, "no acceptable format for a CONSTRUCT or DESCRIBE result")
            body, count, truncated = _graph_body(result, fmt, cap, prefixes or {})
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc.msg or exc}")
    except (ValueError, RuntimeError, OSError) as exc:
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


def worker_main(sock: socket.socket, nquads: bytes, prefixes: dict[str, str]) -> None:
    """Entry point of a worker process: load the dataset, then answer until the socket closes."""
    # the dataset the main process loaded through axiskg.loading, handed over as N-Quads
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    send(sock, {"ready": True, "quads": len(store)})
    while (request := receive(sock)) is not None:
        send(sock, execute(store, request, prefixes))
