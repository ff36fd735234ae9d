"""The worker pool's lanes (issue 14): runaway queries must not starve cheap ones.

Driven through :class:`axiskg.server.pool.WorkerPool` directly, on a small generated dataset
where a three-way cross product runs for many seconds. Time bounds are generous safety bounds
(the speed goals are in benchmarks/serve_bench.py); what is asserted is *which* worker a
request could get: a cheap query answered while every heavy worker is held by a runaway."""

from __future__ import annotations

import asyncio
import time

from axiskg.server.pool import CHEAP, COSTLY, QUICKEST, UNKNOWN, Busy, CostBook, WorkerPool

NQUADS = "".join(f"<http://x/s{i}> <http://x/p> <http://x/o{i % 7}> .\n" for i in range(400)).encode()
CHEAP_ASK = "ASK { <http://x/s1> <http://x/p> ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def request(query: str) -> dict:
    return {"query": query, "results": "json", "graph": None, "limit": 1000, "max_bytes": 1 << 20}


async def timed(pool: WorkerPool, query: str) -> tuple[dict | None, float]:
    started = time.monotonic()
    try:
        reply = await pool.execute(request(query))
    except Busy:
        reply = None
    return reply, time.monotonic() - started


async def lookups_during_runaways(light: int, heavy: int, runaways: int) -> tuple[list, WorkerPool]:
    pool = WorkerPool(NQUADS, size=heavy, timeout=20, wait=1.5, light=light, time_slice=0.5,
                      memory=512 << 20, light_memory=256 << 20)
    await pool.start()
    try:
        first, _ = await timed(pool, CHEAP_ASK)  # learnt: quick
        assert first is not None and first["ok"]
        tasks = [asyncio.ensure_future(pool.execute(request(RUNAWAY + f" # {n}"))) for n in range(runaways)]
        await asyncio.sleep(1.0)  # the runaways have used up their slices and hold the heavy workers
        answers = [await timed(pool, CHEAP_ASK) for _ in range(5)]
        for _ in range(150 if light else 0):  # the one on the probe worker is moved once it used its slice of CPU
            if pool.moved:
                break
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return answers, pool
    finally:
        await pool.close()


def test_a_cheap_query_is_answered_while_runaways_hold_every_heavy_worker():
    answers, pool = asyncio.run(lookups_during_runaways(light=1, heavy=2, runaways=3))
    for reply, took in answers:
        assert reply is not None and reply["ok"] and b"true" in reply["body"], reply
        assert took < 1.0  # each heavy worker is held for 20 s; --queue-wait is 1.5 s
    assert pool.moved == 1  # the runaway that got the probe worker, after its slice


def test_without_lanes_the_same_load_starves_the_cheap_query():
    """The attack the lanes defend against: with every worker taking any query, two runaways
    on two workers make the cheap query wait until --queue-wait and fail."""
    answers, _ = asyncio.run(lookups_during_runaways(light=0, heavy=2, runaways=2))
    assert all(reply is None and took >= 1.4 for reply, took in answers)


def test_a_query_past_the_light_memory_cap_runs_again_on_a_heavy_worker():
    async def go():
        pool = WorkerPool(NQUADS, size=1, timeout=20, wait=20, light=1, time_slice=10,
                          memory=400 << 20, light_memory=100 << 20)
        await pool.start()
        try:
            # 185,193 rows sorted: over 100 MiB of address space, under 400 MiB
            query = ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c = <http://x/o1> && "
                     "?f = <http://x/o2> && ?i = <http://x/o3>) } ORDER BY ?a ?d ?g")
            reply = await pool.execute(request(query))
            return reply, pool.moved
        finally:
            await pool.close()

    reply, moved = asyncio.run(go())
    assert reply["ok"] and reply["count"] == 1000 and moved == 1


def test_cost_book_ranks_and_forgets():
    book = CostBook(cheap=0.05, quick=0.002, size=2)
    assert book.rank(("a",)) == (UNKNOWN, 0.0)
    book.record(("q",), 0.001)
    assert book.rank(("q",)) == (QUICKEST, 0.001)
    book.record(("a",), 0.01)
    book.record(("a",), 0.03)  # the mean with the estimate before
    book.record(("b",), 0.2)
    assert book.rank(("a",)) == (CHEAP, 0.02) and book.rank(("b",)) == (COSTLY, 0.2)
    book.record(("b",), float("inf"))  # a timeout: costly for good
    book.record(("b",), 0.001)
    assert book.rank(("b",)) == (COSTLY, float("inf"))
    book.record(("c",), float("inf"))  # the least recently used, a, is forgotten
    assert book.rank(("a",)) == (UNKNOWN, 0.0) and book.rank(("c",))[0] == COSTLY
