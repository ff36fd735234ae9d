"""The Starlette application: SPARQL 1.1 Protocol endpoint, Linked Data pages, query page.

Routes: ``/`` (query page), ``/sparql`` (endpoint; without a query: the service description;
:mod:`axiskg.server.endpoint_routes`), ``/id/{path}`` (entities) and ``/ontology`` (the
ontology; :mod:`axiskg.server.page_routes`), ``/static/...`` (the CSS). Every query, the pages'
own included, runs in the worker pool (:mod:`axiskg.server.pool`), started with the application.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from axiskg.server.endpoint_routes import EndpointRoutes
from axiskg.server.formats import turtle_prefixes
from axiskg.server.guard import Guard
from axiskg.server.page_routes import PageRoutes
from axiskg.server.pool import WorkerPool
from axiskg.server.responder import Responder, Settings

__all__ = ["Settings", "create_app"]


def create_app(
    nquads: bytes, graphs: list[str], settings: Settings, catalog=(), jsonld_context: dict | None = None
) -> Guard:
    """The application serving the N-Quads dataset ``nquads`` (whose named graphs are
    ``graphs``); ``catalog``: the stored queries (:func:`axiskg.sparql.catalog.load_catalog`);
    ``jsonld_context``: the ``@context`` that JSON-LD answers (``/sparql`` CONSTRUCT and DESCRIBE,
    ``/id/...``, ``/ontology``) are compacted with, in the workers
    (:func:`axiskg.rdfio.jsonld_context.context_of_store`; ``None``: expanded)."""
    responder = Responder(settings)
    endpoint = EndpointRoutes(responder, graphs)
    page = PageRoutes(responder, catalog)

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
        responder.pool = app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    app = Starlette(
        routes=[
            Route("/", page.index),
            Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
            Route("/id/{path:path}", page.entity),
            Route("/ontology", page.ontology),
            Route("/ontology.{ext}", page.ontology),
            Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
        ],
        lifespan=lifespan,
    )
    # security headers on every answer, a check of Host, a cap on what one client may have in progress
    return Guard(app, settings.per_client, retry_after=max(1, round(settings.queue_wait)))
