"""The pages: ``/`` (the query page, with every stored query), ``/id/{path}`` (an entity) and
``/ontology`` (the ontology), each as HTML or as RDF in any format of
:data:`axiskg.server.formats.GRAPH_FORMATS` (by ``Accept``, ``format=`` or a file suffix).

Pages are built and rendered in a thread, not on the event loop: a big entity (its answers are
each capped by ``--limit`` and ``--max-result-bytes``) must not hold up other requests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from axiskg.server import pages
from axiskg.server.formats import GRAPH_FORMATS, by_name, negotiate
from axiskg.server.protocol import HTTPProblem
from axiskg.server.responder import Responder
from axiskg.vocab import sparql_prefixes

EXAMPLE_QUERY = (
    sparql_prefixes("rdfs", "axis")
    + """
SELECT ?claim ?label WHERE {
  ?claim a axis:CausalLink ; rdfs:label ?label .
} ORDER BY ?claim LIMIT 20
"""
)

#: the RDF formats a page links to
ALTERNATES = {k: f.media_type for k, f in GRAPH_FORMATS.items() if k != "html"}
NOT_ACCEPTABLE = "acceptable here: " + ", ".join(f.media_type for f in GRAPH_FORMATS.values())


@dataclass(frozen=True)
class StoredLink:
    name: str
    title: str
    question: str
    run: str | None  # URL running it with its defaults (None: a parameter has no default)
    text: str


def stored_links(catalog) -> list[StoredLink]:
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


def page_format(request: Request) -> str | None:
    """The format a page is asked in: ``format=`` (a name or media type), else ``Accept``."""
    name = request.query_params.get("format")
    if name:
        return by_name(name, GRAPH_FORMATS)
    return negotiate(request.headers.get("accept"), GRAPH_FORMATS)


class PageRoutes:
    def __init__(self, responder: Responder, catalog=()) -> None:
        self.responder = responder
        self.stored = stored_links(catalog)

    async def index(self, request: Request) -> Response:
        name = request.query_params.get("stored")
        chosen = next((s for s in self.stored if s.name == name), None)
        return self.responder.html(
            "index.html",
            stored=self.stored,
            query=chosen.text if chosen else EXAMPLE_QUERY,
            chosen=chosen,
            settings=self.responder.settings,
        )

    async def entity(self, request: Request) -> Response:
        path, suffix = pages.split_suffix(request.path_params["path"])
        iri = pages.ID_BASE + path
        key = suffix or page_format(request)
        try:
            if key is None:
                raise HTTPProblem(406, NOT_ACCEPTABLE)
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
                return await self.rdf_response(pages.entity_graph_query(iri), key)
            replies = await asyncio.gather(*(self.responder.run_ok(q) for q in queries))
            return await asyncio.to_thread(self.entity_html, iri, [r["body"] for r in replies], request.url.path)
        except HTTPProblem as exc:
            return self.responder.problem(exc.status, exc.message, key == "html")

    async def ontology(self, request: Request) -> Response:
        ext = request.path_params.get("ext")
        if ext is not None and "." + ext not in pages.SUFFIXES:
            return self.responder.problem(404, f"no such page: /ontology.{ext} (suffixes: {', '.join(pages.SUFFIXES)})")
        key = pages.SUFFIXES["." + ext] if ext is not None else page_format(request)
        try:
            if key is None:
                raise HTTPProblem(406, NOT_ACCEPTABLE)
            if key != "html":
                return await self.rdf_response(pages.ONTOLOGY_GRAPH_QUERY, key)
            header, terms = await asyncio.gather(
                self.responder.run_ok(pages.ONTOLOGY_HEADER_QUERY), self.responder.run_ok(pages.ONTOLOGY_TERMS_QUERY)
            )
            return await asyncio.to_thread(self.ontology_html, header["body"], terms["body"])
        except HTTPProblem as exc:
            return self.responder.problem(exc.status, exc.message, key == "html")

    async def rdf_response(self, query: str, key: str) -> Response:
        reply = await self.responder.run_ok(query, results=None, graph=key)
        if reply["count"] == 0:
            raise HTTPProblem(404, "nothing is known about this IRI here")
        body = await asyncio.to_thread(description_body, reply["body"], key)
        return Response(body, media_type=GRAPH_FORMATS[key].media_type, headers={"Vary": "Accept"})

    def entity_html(self, iri: str, bodies: list[bytes], path: str) -> Response:
        page = pages.entity_page(iri, *bodies)
        if page is None:
            raise HTTPProblem(404, f"nothing is known about <{iri}> here")
        return self.responder.html("entity.html", page=page, path=path, alternates=ALTERNATES)

    def ontology_html(self, header: bytes, terms: bytes) -> Response:
        head, sections = pages.ontology_page(header, terms)
        return self.responder.html(
            "ontology.html", head=head, sections=sections, iri=pages.ONTOLOGY_IRI, alternates=ALTERNATES
        )


def description_body(body: bytes, key: str) -> bytes:
    """An entity's or the ontology's description as sent (in a thread: it may be big; JSON-LD
    comes compacted from the worker)."""
    return pages.prune_prefixes(body) if key == "turtle" else body
