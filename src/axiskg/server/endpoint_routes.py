"""``/sparql``: the SPARQL 1.1 Protocol endpoint (GET, form POST, query POST); without a query,
the service description. The protocol's rules are in :mod:`axiskg.server.protocol`; this module
reads the request, runs the query in a worker and sends the answer (streamed from a file when
it is big, an HTML table for a browser)."""

from __future__ import annotations

import asyncio
import json
import os

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from axiskg.server import pages, protocol
from axiskg.server.formats import GRAPH_FORMATS, RESULT_FORMATS, negotiate
from axiskg.server.protocol import HTTPProblem
from axiskg.server.responder import Responder
from axiskg.server.service import service_description
from axiskg.sparql.safety import Refused, inspect

SPOOL_CHUNK = 64 << 10  # bytes read at a time from a spooled answer


class EndpointRoutes:
    def __init__(self, responder: Responder, graphs: list[str]) -> None:
        self.responder = responder
        self.settings = responder.settings
        self.graphs = graphs  # the named graphs, for the service description

    async def read_body(self, request: Request) -> bytes:
        """The request body, at most ``max_body`` bytes, within ``body_timeout`` seconds."""
        try:
            return await asyncio.wait_for(self._read_body(request), timeout=self.settings.body_timeout)
        except TimeoutError:
            raise HTTPProblem(408, f"the request body took longer than {self.settings.body_timeout:g} s") from None

    async def _read_body(self, request: Request) -> bytes:
        limit = self.settings.max_body
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise HTTPProblem(413, f"request body too large: {declared} bytes (limit {limit}, see --max-body)")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPProblem(413, f"request body too large (limit {limit} bytes, see --max-body)")
            chunks.append(chunk)
        return b"".join(chunks)

    async def parameters(self, request: Request) -> dict[str, list[str]]:
        protocol.check_query_string(request.url.query, self.settings.max_body)
        content_type = protocol.media_type(request.headers.get("content-type"))
        protocol.check_body_type(request.method, content_type)
        body = await self.read_body(request) if request.method == "POST" else None
        return protocol.parameters(request.url.query, content_type, body)

    async def sparql(self, request: Request) -> Response:
        wants_html, query = False, None
        try:
            params = await self.parameters(request)
            if "query" not in params:
                return self.describe_service(request)
            query = params["query"][0]
            results, graph = protocol.answer_formats(request.headers.get("accept"), params)
            wants_html = "html" in (results, graph)
            defaults, named = protocol.dataset(params, self.settings.max_graphs)
            inspect(query)
            reply = await self.responder.run(
                {
                    "query": query,
                    "results": results,
                    "graph": graph,
                    "default_graphs": defaults,
                    "named_graphs": named,
                    "spool": not wants_html,
                }
            )
            if not reply["ok"]:
                return self.responder.problem(reply["status"], reply["message"], wants_html, query)
        except (Refused, HTTPProblem) as exc:
            return self.responder.problem(exc.status, exc.message, wants_html, query)
        note, headers = protocol.truncation(reply, self.settings.limit, self.settings.max_result_bytes)
        headers["Vary"] = "Accept"
        if reply["format"] == "html":
            return await asyncio.to_thread(self.results_page, query, reply, headers, note)
        formats = GRAPH_FORMATS if reply["kind"] == "graph" else RESULT_FORMATS
        media = formats[reply["format"]].media_type  # Starlette adds "; charset=utf-8" to text/*
        if "path" in reply:  # a big answer, in a file: streamed from it as the client reads
            return StreamingResponse(
                spooled(reply["path"]), media_type=media, headers={**headers, "Content-Length": str(reply["size"])}
            )
        return Response(reply["body"], media_type=media, headers=headers)

    def results_page(self, query: str, reply: dict, headers: dict, note: str | None) -> Response:
        """The HTML table (run in a thread: a big table must not hold up the event loop)."""
        doc = json.loads(reply["body"])
        boolean, columns, rows = doc.get("boolean"), [], []
        if boolean is None:
            columns = doc["head"]["vars"]
            rows = [[pages.term(b.get(c)) for c in columns] for b in doc["results"]["bindings"]]
        response = self.responder.html(
            "results.html",
            query=query,
            boolean=boolean,
            columns=columns,
            rows=rows,
            truncated=None if boolean is not None else note,
            limit=self.settings.limit,
        )
        response.headers.update(headers)
        return response

    def describe_service(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        if negotiate(accept, GRAPH_FORMATS) == "html":
            return RedirectResponse("/", status_code=303)
        key = negotiate(accept, {k: v for k, v in GRAPH_FORMATS.items() if k != "html"}) or "turtle"
        endpoint = str(request.url.replace(query="", fragment=""))
        body = service_description(endpoint, self.graphs, GRAPH_FORMATS[key].oxigraph)
        return Response(body, media_type=GRAPH_FORMATS[key].media_type, headers={"Vary": "Accept"})


def spooled(path: str):
    """The file's bytes in chunks; the file is unlinked at once (its space is freed when the
    stream ends, however it ends), and at most one chunk is in memory at a time."""
    answer = open(path, "rb")  # noqa: SIM115 - closed by the generator
    os.unlink(path)

    async def chunks():
        with answer:
            while chunk := answer.read(SPOOL_CHUNK):
                yield chunk

    return chunks()
