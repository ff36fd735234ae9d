"""Pages are built off the event loop (issue 14): while a huge entity page is being built and
rendered, a simple ASK on the same server is still answered. The app runs in this process
(httpx's ASGI transport), with a dataset holding one entity with 30,000 properties."""

from __future__ import annotations

import asyncio
import time

import httpx

from axiskg.server.app import Settings, create_app

BIG = "https://w3id.org/axiskg/id/actor/big"
GRAPH = "https://w3id.org/axiskg/graph/test"
ROWS = 30_000
NQUADS = "".join(
    f'<{BIG}> <https://w3id.org/axiskg/ontology#p{i}> "value {i}"@en <{GRAPH}> .\n' for i in range(ROWS)
).encode()


async def page_and_lookups() -> tuple[int, int, float, list[float]]:
    settings = Settings(workers=1, light_workers=1, limit=ROWS, max_result_bytes=64 << 20, timeout=60, queue_wait=60)
    app = create_app(NQUADS, [GRAPH], settings)
    starlette = app.app
    async with starlette.router.lifespan_context(starlette):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
        ) as client:
            ask = {"query": "ASK { ?s ?p ?o }"}
            assert (await client.get("/sparql", params=ask)).status_code == 200  # learnt: cheap
            page_done = asyncio.Event()
            started = time.monotonic()

            async def page() -> httpx.Response:
                try:
                    return await client.get("/id/actor/big", headers={"Accept": "text/html"})
                finally:
                    page_done.set()

            task = asyncio.ensure_future(page())
            gaps, last = [], time.monotonic()
            while not page_done.is_set():  # one ASK after another, as long as the page takes
                assert (await client.get("/sparql", params=ask)).status_code == 200
                now = time.monotonic()
                gaps.append(now - last)
                last = now
                await asyncio.sleep(0.01)
            response = await task
            return response.status_code, response.text.count("value "), time.monotonic() - started, gaps


def test_a_huge_entity_page_does_not_block_a_simple_ask():
    status, values, took, gaps = asyncio.run(page_and_lookups())
    assert status == 200 and values >= ROWS  # the whole page was built
    # the page took long (its queries and its rendering); no ASK waited for it
    assert took > 1.0 and len(gaps) > 5
    assert max(gaps) < took / 2, (max(gaps), took)
