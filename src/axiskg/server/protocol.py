"""The SPARQL 1.1 Protocol as pure functions of what a request carries: its parameters (from the
URL, a form or a query body), the dataset it asks for (``default-graph-uri``/``named-graph-uri``),
the answer's format, and what an answer's headers say when it was cut. No I/O: the routes
(:mod:`axiskg.server.endpoint_routes`) read the request and hand its parts in."""

from __future__ import annotations

from urllib.parse import parse_qs

import pyoxigraph as ox

from axiskg.server.formats import choose
from axiskg.sparql.safety import Refused

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"


class HTTPProblem(Exception):
    """A request the server answers with ``status`` and ``message`` (plain text, or a page)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def media_type(content_type: str | None) -> str:
    """``application/sparql-query; charset=utf-8`` -> ``application/sparql-query``."""
    return (content_type or "").split(";")[0].strip().lower()


def check_query_string(query_string: str, max_body: int) -> None:
    """414 for a URL query string over ``max_body`` bytes (a GET holds its query there)."""
    if len(query_string) > max_body:
        raise HTTPProblem(414, f"query string too long (limit {max_body} bytes, see --max-body); use POST")


def check_body_type(method: str, content_type: str) -> None:
    """Before the body is read: 403 for an Update, 415 for a body the protocol does not define."""
    if method != "POST":
        return
    if content_type == UPDATE_TYPE:
        raise Refused(403, READ_ONLY)
    if content_type not in (FORM_TYPE, QUERY_TYPE):
        raise HTTPProblem(
            415, f"unsupported content type {content_type or '(none)'!r}: send {QUERY_TYPE} or {FORM_TYPE}"
        )


def decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPProblem(400, f"{what} is not valid UTF-8") from None


def parameters(query_string: str, content_type: str = "", body: bytes | None = None) -> dict[str, list[str]]:
    """The protocol's parameters (``query``, ``default-graph-uri``, ``format``, ...) from the URL
    and, for a POST (``body`` given), from the form or the query body. Update is refused (403),
    as is more than one query (400)."""
    params = parse_qs(query_string, keep_blank_values=True)
    if body is not None:
        if content_type == FORM_TYPE:
            for key, values in parse_qs(decode(body, "the form"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        else:
            if "query" in params:
                raise HTTPProblem(400, "a query given both in the URL and as the body")
            params["query"] = [decode(body, "the query")]
    if "update" in params:
        raise Refused(403, READ_ONLY)
    if len(params.get("query", [])) > 1:
        raise HTTPProblem(400, "more than one query parameter")
    return params


def answer_formats(accept: str | None, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """The (SELECT/ASK, CONSTRUCT/DESCRIBE) format keys (see :func:`axiskg.server.formats.choose`);
    a format parameter naming no format is a 400."""
    try:
        return choose(accept, params)
    except ValueError as exc:
        raise HTTPProblem(400, str(exc)) from None


def dataset(params: dict[str, list[str]], max_graphs: int) -> tuple[list[str], list[str]]:
    """The protocol's ``default-graph-uri`` and ``named-graph-uri`` values, each checked to be an
    absolute IRI (400 otherwise, before any worker sees it), at most ``max_graphs`` in all."""
    defaults, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    if len(defaults) + len(named) > max_graphs:
        raise HTTPProblem(400, f"more than {max_graphs} default-graph-uri/named-graph-uri values")
    for iri in defaults + named:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise HTTPProblem(400, f"not an absolute IRI in default-graph-uri/named-graph-uri: {iri[:200]!r}") from None
    return defaults, named


def truncation(reply: dict, limit: int, max_bytes: int) -> tuple[str | None, dict[str, str]]:
    """(a note for people, headers for programs) saying how a worker's answer was cut, if it was."""
    if reply["truncated"] == "rows":
        note = f"result truncated to the first {limit} rows (--limit)"
    elif reply["truncated"] == "bytes":
        note = (
            f"result truncated to the first {reply['count']} rows, to stay within "
            f"{max_bytes} bytes (--max-result-bytes)"
        )
    else:
        return None, {}
    return note, {
        "X-Result-Truncated": "true",
        "X-Result-Limit": str(limit),
        "X-Result-Max-Bytes": str(max_bytes),
        "Warning": f'199 axiskg "{note}"',
    }
