"""The Starlette application: SPARQL 1.1 Protocol endpoint, Linked Data pages, query page.

Routes: ``/`` (query page), ``/sparql`` (endpoint; without a query: the service description),
``/id/{path}`` (entities), ``/ontology`` (the ontology), ``/static/...`` (the CSS).
Every query, the pages' own included, runs in the worker pool (:mod:`axiskg.server.pool`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from axiskg.server import pages
from axiskg.server.formats import GRAPH_FORMATS, RESULT_FORMATS, by_name, negotiate, turtle_prefixes
from axiskg.server.guard import Guard
from axiskg.server.pool import Busy, QueryTimeout, WorkerCrashed, WorkerPool
from axiskg.server.service import service_description
from axiskg.sparql_safety import Refused, inspect

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
SPOOL_CHUNK = 64 << 10  # bytes read at a time from a spooled answer

EXAMPLE_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX axis: <https://w3id.org/axiskg/ontology#>

SELECT ?claim ?label WHERE {
  ?claim a axis:CausalLink ; rdfs:label ?label .
} ORDER BY ?claim LIMIT 20
"""


@dataclass(frozen=True)
class Settings:
    timeout: float = 10.0  # seconds a query may run
    limit: int = 10_000  # rows (or triples) in one answer
    max_body: int = 64 * 1024  # bytes of a request body (and of a GET query string)
    workers: int = 2
    max_result_bytes: int = 8 << 20  # bytes in one answer
    worker_memory: int = 320 << 20  # address space of each heavy query worker, bytes
    queue_wait: float = 5.0  # seconds a request may wait for a free worker
    per_client: int = 8  # requests one client address may have in progress at once
    max_graphs: int = 64  # default-graph-uri + named-graph-uri values in one request
    body_timeout: float = 10.0  # seconds a client may take to send its request body
    light_workers: int = 1  # quick workers (quick queries), and as many probe workers (new queries)
    time_slice: float = 1.0  # seconds a query may run on a light worker before it moves to a heavy one
    light_memory: int = 128 << 20  # address space of each light worker, bytes
    cheap_cpu: float = 0.05  # CPU seconds up to which a query counts as cheap
    quick_cpu: float = 0.002  # CPU seconds up to which a query counts as quick (for the quick workers)


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class StoredLink:
    name: str
    title: str
    question: str
    run: str | None  # URL running it with its defaults (None: a parameter has no default)
    text: str


def _stored_links(catalog) -> list[StoredLink]:
    from axiskg.errors import InputError

    links = []
    for q in catalog:
        try:
            text = q.render()
            run = "/sparql?" + urlencode({"query": text})
        except InputError:
            text, run = q.text, None
        links.append(StoredLink(q.name, q.title, q.question, run, text))
    return links


def create_app(
    nquads: bytes, graphs: list[str], settings: Settings, catalog=(), jsonld_context: dict | None = None
) -> Guard:
    """The application serving the N-Quads dataset ``nquads`` (whose named graphs are
    ``graphs``); ``catalog``: the stored queries (:func:`axiskg.catalog.load_catalog`);
    ``jsonld_context``: the ``@context`` that JSON-LD answers (``/sparql`` CONSTRUCT and DESCRIBE,
    ``/id/...``, ``/ontology``) are compacted with, in the workers (:func:`axiskg.rdfio.jsonld_context.context_of_store`; ``None``: expanded)."""
    templates = Environment(
        loader=PackageLoader("axiskg.server", "templates"),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    stored = _stored_links(catalog)
    state: dict = {}

    def html(name: str, status_code: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status_code)

    def problem(status: int, message: str, as_html: bool = False, query: str | None = None) -> Response:
        """The error as text, or as a page (with the query, editable, when there is one)."""
        headers = {"Retry-After": str(max(1, round(settings.queue_wait)))} if status == 503 else None
        if as_html:
            response = html("error.html", status, status=status, message=message, query=query)
            response.headers.update(headers or {})
            return response
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)

    async def run(request: dict) -> dict:
        request = {**request, "limit": settings.limit, "max_bytes": settings.max_result_bytes}
        try:
            return await state["pool"].execute(request)
        except QueryTimeout as exc:
            raise HTTPProblem(503, str(exc)) from None
        except Busy as exc:
            raise HTTPProblem(503, f"the server is busy: {exc}; try again shortly") from None
        except WorkerCrashed as exc:
            raise HTTPProblem(
                503,
                f"{exc} (most likely it passed the worker memory limit, "
                f"{settings.worker_memory >> 20} MiB); it has been replaced",
            ) from None

    async def run_ok(query: str, results: str | None = "json", graph: str | None = None) -> dict:
        reply = await run({"query": query, "results": results, "graph": graph})
        if not reply["ok"]:
            raise HTTPProblem(reply["status"], reply["message"])
        return reply

    # ----------------------------------------------------------------------- endpoint

    async def read_body(request: Request) -> bytes:
        try:
            return await asyncio.wait_for(read_body_now(request), timeout=settings.body_timeout)
        except TimeoutError:
            raise HTTPProblem(408, f"the request body took longer than {settings.body_timeout:g} s") from None

    async def read_body_now(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_body:
            raise HTTPProblem(
                413, f"request body too large: {declared} bytes (limit {settings.max_body}, see --max-body)"
            )
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body:
                raise HTTPProblem(413, f"request body too large (limit {settings.max_body} bytes, see --max-body)")
            chunks.append(chunk)
        return b"".join(chunks)

    def decode(data: bytes, what: str) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPProblem(400, f"{what} is not valid UTF-8") from None

    async def protocol_params(request: Request) -> dict[str, list[str]]:
        """The protocol's parameters (query, update, default-graph-uri, ...), from the URL
        and, for POST, from the form or the query body."""
        if len(request.url.query) > settings.max_body:
            raise HTTPProblem(414, f"query string too long (limit {settings.max_body} bytes, see --max-body); use POST")
        params = parse_qs(request.url.query, keep_blank_values=True)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == UPDATE_TYPE:
                raise Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
            body = await read_body(request)
            if ctype == FORM_TYPE:
                for key, values in parse_qs(decode(body, "the form"), keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            elif ctype == QUERY_TYPE:
                if "query" in params:
                    raise HTTPProblem(400, "a query given both in the URL and as the body")
                params["query"] = [decode(body, "the query")]
            else:
                raise HTTPProblem(
                    415, f"unsupported content type {ctype or '(none)'!r}: send {QUERY_TYPE} or {FORM_TYPE}"
                )
        if "update" in params:
            raise Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if len(params.get("query", [])) > 1:
            raise HTTPProblem(400, "more than one query parameter")
        return params

    def formats_for(request: Request, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
        """The negotiated (results, graph) format keys: ``format=`` wins over ``Accept``."""
        if params.get("format"):
            name = params["format"][0]
            results, graph = by_name(name, RESULT_FORMATS), by_name(name, GRAPH_FORMATS)
            if results is None and graph is None:
                raise HTTPProblem(400, f"unknown format {name!r}")
            return results, graph
        accept = request.headers.get("accept")
        return negotiate(accept, RESULT_FORMATS), negotiate(accept, GRAPH_FORMATS)

    def graph_iris(params: dict[str, list[str]]) -> tuple[list[str], list[str]]:
        """The protocol's ``default-graph-uri`` and ``named-graph-uri`` values, each checked to
        be an absolute IRI (400 otherwise, before any worker sees it)."""
        defaults, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
        if len(defaults) + len(named) > settings.max_graphs:
            raise HTTPProblem(400, f"more than {settings.max_graphs} default-graph-uri/named-graph-uri values")
        for iri in defaults + named:
            try:
                ox.NamedNode(iri)
            except ValueError:
                raise HTTPProblem(
                    400, f"not an absolute IRI in default-graph-uri/named-graph-uri: {iri[:200]!r}"
                ) from None
        return defaults, named

    async def sparql(request: Request) -> Response:
        wants_html, query = False, None
        try:
            params = await protocol_params(request)
            if "query" not in params:
                return await describe_service(request)
            query = params["query"][0]
            results, graph = formats_for(request, params)
            wants_html = "html" in (results, graph)
            defaults, named = graph_iris(params)
            inspect(query)
            reply = await run(
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
                return problem(reply["status"], reply["message"], wants_html, query)
        except (Refused, HTTPProblem) as exc:
            return problem(exc.status, exc.message, wants_html, query)
        headers = {"Vary": "Accept"}
        note = truncation_note(reply)
        if note:
            headers["X-Result-Truncated"] = "true"
            headers["X-Result-Limit"] = str(settings.limit)
            headers["X-Result-Max-Bytes"] = str(settings.max_result_bytes)
            headers["Warning"] = f'199 axiskg "{note}"'
        if reply["format"] == "html":
            return await asyncio.to_thread(results_page, query, reply, headers, note)
        formats = GRAPH_FORMATS if reply["kind"] == "graph" else RESULT_FORMATS
        media = formats[reply["format"]].media_type  # Starlette adds "; charset=utf-8" to text/*
        if "path" in reply:  # a big answer, in a file: streamed from it as the client reads
            return StreamingResponse(
                spooled(reply["path"]), media_type=media, headers={**headers, "Content-Length": str(reply["size"])}
            )
        return Response(reply["body"], media_type=media, headers=headers)

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

    def truncation_note(reply: dict) -> str | None:
        if reply["truncated"] == "rows":
            return f"result truncated to the first {settings.limit} rows (--limit)"
        if reply["truncated"] == "bytes":
            return (
                f"result truncated to the first {reply['count']} rows, to stay within "
                f"{settings.max_result_bytes} bytes (--max-result-bytes)"
            )
        return None

    def results_page(query: str, reply: dict, headers: dict, note: str | None) -> Response:
        """The HTML table (run in a thread: a big table must not hold up the event loop)."""
        doc = json.loads(reply["body"])
        if "boolean" in doc:
            response = html(
                "results.html",
                query=query,
                boolean=doc["boolean"],
                columns=[],
                rows=[],
                truncated=None,
                limit=settings.limit,
            )
        else:
            columns = doc["head"]["vars"]
            rows = [[pages.term(b.get(c)) for c in columns] for b in doc["results"]["bindings"]]
            response = html(
                "results.html",
                query=query,
                boolean=None,
                columns=columns,
                rows=rows,
                truncated=note,
                limit=settings.limit,
            )
        response.headers.update(headers)
        return response

    async def describe_service(request: Request) -> Response:
        accept = request.headers.get("accept")
        if negotiate(accept, GRAPH_FORMATS) == "html":
            return RedirectResponse("/", status_code=303)
        key = negotiate(accept, {k: v for k, v in GRAPH_FORMATS.items() if k != "html"}) or "turtle"
        endpoint = str(request.url.replace(query="", fragment=""))
        body = service_description(endpoint, graphs, GRAPH_FORMATS[key].oxigraph)
        return Response(body, media_type=GRAPH_FORMATS[key].media_type, headers={"Vary": "Accept"})

    # ----------------------------------------------------------------------- pages

    def page_format(request: Request) -> str | None:
        name = request.query_params.get("format")
        if name:
            return by_name(name, GRAPH_FORMATS)
        return negotiate(request.headers.get("accept"), GRAPH_FORMATS)

    async def rdf_response(query: str, key: str) -> Response:
        reply = await run_ok(query, results=None, graph=key)
        if reply["count"] == 0:
            raise HTTPProblem(404, "nothing is known about this IRI here")
        body = await asyncio.to_thread(description_body, reply["body"], key)
        return Response(body, media_type=GRAPH_FORMATS[key].media_type, headers={"Vary": "Accept"})

    def description_body(body: bytes, key: str) -> bytes:
        """An entity's or the ontology's description as sent (in a thread: it may be big; JSON-LD
        comes compacted from the worker)."""
        return pages.prune_prefixes(body) if key == "turtle" else body

    async def entity(request: Request) -> Response:
        path, suffix = pages.split_suffix(request.path_params["path"])
        iri = pages.ID_BASE + path
        key = suffix or page_format(request)
        try:
            if key is None:
                raise HTTPProblem(406, "acceptable here: " + ", ".join(f.media_type for f in GRAPH_FORMATS.values()))
            try:
                queries = [
                    pages.outgoing_query(iri),
                    pages.incoming_query(iri),
                    pages.blank_nodes_query(iri),
                    pages.claims_query(iri),
                ]
            except ValueError:
                raise HTTPProblem(404, "not an entity IRI of this graph") from None
            if key != "html":
                return await rdf_response(pages.entity_graph_query(iri), key)
            replies = await asyncio.gather(*(run_ok(q) for q in queries))
            return await asyncio.to_thread(entity_html, iri, [r["body"] for r in replies], request.url.path)
        except HTTPProblem as exc:
            return problem(exc.status, exc.message, key == "html")

    async def ontology(request: Request) -> Response:
        ext = request.path_params.get("ext")
        if ext is not None and "." + ext not in pages.SUFFIXES:
            return problem(404, f"no such page: /ontology.{ext} (suffixes: {', '.join(pages.SUFFIXES)})")
        key = pages.SUFFIXES["." + ext] if ext is not None else page_format(request)
        try:
            if key is None:
                raise HTTPProblem(406, "acceptable here: " + ", ".join(f.media_type for f in GRAPH_FORMATS.values()))
            if key != "html":
                return await rdf_response(pages.ONTOLOGY_GRAPH_QUERY, key)
            header, terms = await asyncio.gather(
                run_ok(pages.ONTOLOGY_HEADER_QUERY), run_ok(pages.ONTOLOGY_TERMS_QUERY)
            )
            return await asyncio.to_thread(ontology_html, header["body"], terms["body"])
        except HTTPProblem as exc:
            return problem(exc.status, exc.message, key == "html")

    # the pages are built and rendered in a thread, not on the event loop: a big entity (its
    # answers are each capped by --limit and --max-result-bytes) must not hold up other requests
    alternates = {k: f.media_type for k, f in GRAPH_FORMATS.items() if k != "html"}

    def entity_html(iri: str, bodies: list[bytes], path: str) -> Response:
        page = pages.entity_page(iri, *bodies)
        if page is None:
            raise HTTPProblem(404, f"nothing is known about <{iri}> here")
        return html("entity.html", page=page, path=path, alternates=alternates)

    def ontology_html(header: bytes, terms: bytes) -> Response:
        head, sections = pages.ontology_page(header, terms)
        return html("ontology.html", head=head, sections=sections, iri=pages.ONTOLOGY_IRI, alternates=alternates)

    async def index(request: Request) -> Response:
        name = request.query_params.get("stored")
        chosen = next((s for s in stored if s.name == name), None)
        return html(
            "index.html",
            stored=stored,
            query=chosen.text if chosen else EXAMPLE_QUERY,
            chosen=chosen,
            settings=settings,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app):
        pool = WorkerPool(
            nquads,
            size=settings.workers,
            timeout=settings.timeout,
            prefixes=turtle_prefixes(),
            memory=settings.worker_memory,
            wait=settings.queue_wait,
            light=settings.light_workers,
            time_slice=settings.time_slice,
            light_memory=settings.light_memory,
            cheap=settings.cheap_cpu,
            quick=settings.quick_cpu,
            context=jsonld_context,
        )
        await pool.start()
        state["pool"] = pool
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    static = Path(__file__).parent / "static"
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/id/{path:path}", entity),
            Route("/ontology", ontology),
            Route("/ontology.{ext}", ontology),
            Mount("/static", StaticFiles(directory=static), name="static"),
        ],
        lifespan=lifespan,
    )
    # security headers on every answer, and a cap on what one client may have in progress
    return Guard(app, settings.per_client, retry_after=max(1, round(settings.queue_wait)))
