"""What every route shares: the settings, the page templates, the worker pool (set when the
application starts), and the two ways an answer goes out: a page, or a problem as text or page."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from axiskg.server.pool import Busy, QueryTimeout, WorkerCrashed, WorkerGone, WorkerPool
from axiskg.server.protocol import HTTPProblem


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


class Responder:
    """Runs queries in the pool (its failures as :class:`HTTPProblem`) and renders answers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: WorkerPool | None = None  # set by the application's start-up
        self.templates = Environment(
            loader=PackageLoader("axiskg.server", "templates"),
            autoescape=select_autoescape(("html",)),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def html(self, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status_code)

    def problem(self, status: int, message: str, as_html: bool = False, query: str | None = None) -> Response:
        """The error as text, or as a page (with the query, editable, when there is one)."""
        retry = {"Retry-After": str(max(1, round(self.settings.queue_wait)))} if status == 503 else {}
        if as_html:
            response = self.html("error.html", status, status=status, message=message, query=query)
            response.headers.update(retry)
            return response
        return PlainTextResponse(message + "\n", status_code=status, headers=retry or None)

    async def run(self, request: dict) -> dict:
        """The worker's reply to ``request`` (see :func:`axiskg.server.engine.execute`), capped by
        the settings."""
        assert self.pool is not None, "the application has not started"
        request = {**request, "limit": self.settings.limit, "max_bytes": self.settings.max_result_bytes}
        try:
            return await self.pool.execute(request)
        except QueryTimeout as exc:
            raise HTTPProblem(503, str(exc)) from None
        except Busy as exc:
            raise HTTPProblem(503, f"the server is busy: {exc}; try again shortly") from None
        except WorkerGone as exc:
            raise HTTPProblem(503, f"{exc}, and so had the others tried; try again shortly") from None
        except WorkerCrashed as exc:
            raise HTTPProblem(
                503,
                f"{exc} (most likely it passed the worker memory limit, "
                f"{self.settings.worker_memory >> 20} MiB); it has been replaced",
            ) from None

    async def run_ok(self, query: str, results: str | None = "json", graph: str | None = None) -> dict:
        """:meth:`run` for the pages' own queries: an error reply is an :class:`HTTPProblem`."""
        reply = await self.run({"query": query, "results": results, "graph": graph})
        if not reply["ok"]:
            raise HTTPProblem(reply["status"], reply["message"])
        return reply
