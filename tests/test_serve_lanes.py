"""The worker pool's lanes (issue 14): runaway queries must not starve cheap ones.

Driven through :class:`axiskg.server.pool.WorkerPool` directly, on a small generated dataset
where a three-way cross product runs for many seconds. Time bounds are generous safety bounds
(the speed goals are in benchmarks/serve_bench.py); what is asserted is *which* worker a
request could get: a cheap query answered while every heavy worker is held by a runaway."""

from __future__ import annotations

import asyncio
import time

from axiskg.server.costs import CHEAP, COSTLY, QUICKEST, UNKNOWN, CostBook
from axiskg.server.pool import HEAVY, PATIENCE, QUICK, Busy, WorkerPool, _Worker

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
    pool = WorkerPool(
        NQUADS, size=heavy, timeout=20, wait=1.5, light=light, time_slice=0.5, memory=512 << 20, light_memory=256 << 20
    )
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
        pool = WorkerPool(
            NQUADS, size=1, timeout=20, wait=20, light=1, time_slice=10, memory=400 << 20, light_memory=100 << 20
        )
        await pool.start()
        try:
            # 185,193 rows sorted: over 100 MiB of address space, under 400 MiB
            query = (
                "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c = <http://x/o1> && "
                "?f = <http://x/o2> && ?i = <http://x/o3>) } ORDER BY ?a ?d ?g"
            )
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
    # the lowest recent sample: contention on the machine only inflates a run's CPU time, so one
    # slow run (0.03) must not make a query look costlier than its fast runs show it is
    book.record(("a",), 0.01)
    book.record(("a",), 0.03)
    book.record(("b",), 0.2)
    assert book.rank(("a",)) == (CHEAP, 0.01) and book.rank(("b",)) == (COSTLY, 0.2)
    book.record(("b",), float("inf"))  # a timeout: costly for good
    book.record(("b",), 0.001)
    assert book.rank(("b",)) == (COSTLY, float("inf"))
    book.record(("c",), float("inf"))  # the least recently used, a, is forgotten
    assert book.rank(("a",)) == (UNKNOWN, 0.0) and book.rank(("c",))[0] == COSTLY


def test_cost_book_keeps_a_quick_lookup_quick_through_a_contended_run():
    """A lookup measured once under contention (the cause of a flaky lanes test: 18 ms of CPU for
    a 0.1 ms lookup while runaways share the cores) stays quick; a lasting change is learnt."""
    book = CostBook(cheap=0.05, quick=0.002)
    book.record(("q",), 0.0001)
    book.record(("q",), 0.02)
    assert book.rank(("q",)) == (QUICKEST, 0.0001)
    for _ in range(CostBook.SAMPLES):  # forgotten once SAMPLES later runs are all slower
        book.record(("q",), 0.02)
    assert book.rank(("q",)) == (CHEAP, 0.02)


def test_scheduler_serves_quickest_first_and_lanes_take_only_their_kinds():
    """The waiting room alone (workers faked): which request a freed worker takes."""

    async def go():
        pool = WorkerPool(b"", size=1, light=1, wait=5)
        heavy, quick = _Worker(None, None, None, HEAVY), _Worker(None, None, None, QUICK)
        order = []

        async def want(name, rank, cost):
            worker = await pool._acquire(rank, cost)
            order.append((name, worker.lane))

        tasks = [
            asyncio.ensure_future(want("costly", COSTLY, 1.0)),
            asyncio.ensure_future(want("cheap", CHEAP, 0.01)),
            asyncio.ensure_future(want("unknown", UNKNOWN, 0.0)),
        ]
        await asyncio.sleep(0.01)
        pool._release(quick)  # a quick worker takes none of them: it stays idle
        assert pool._idle[QUICK] == [quick] and not order
        tasks.append(asyncio.ensure_future(want("lookup", QUICKEST, 0.0001)))
        await asyncio.sleep(0.01)  # the lookup found the idle quick worker at once
        assert order == [("lookup", QUICK)]
        for _ in range(3):
            pool._release(heavy)
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(go()) == [("lookup", QUICK), ("cheap", HEAVY), ("unknown", HEAVY), ("costly", HEAVY)]


def test_scheduler_lets_no_request_starve_behind_slightly_cheaper_ones():
    """Requests of one kind are due at arrival + PATIENCE x cost: one that measured 1 ms, waiting
    since 0.15 s, goes before one that measured 0 ms and just arrived (by cost alone, it would
    wait as long as cheaper ones keep coming: lookups did, up to 3 s, in benchmarks)."""

    async def go():
        pool = WorkerPool(b"", size=1, light=1, wait=5)
        heavy = _Worker(None, None, None, HEAVY)
        order = []

        async def want(name, cost):
            await pool._acquire(QUICKEST, cost)
            order.append(name)

        first = asyncio.ensure_future(want("earlier, 1 ms", 0.001))
        await asyncio.sleep(0.15)
        second = asyncio.ensure_future(want("later, 0 ms", 0.0))
        await asyncio.sleep(0.01)
        for _ in range(2):
            pool._release(heavy)
            await asyncio.sleep(0.01)
        await asyncio.gather(first, second)
        return order

    assert PATIENCE * 0.001 < 0.15
    assert asyncio.run(go()) == ["earlier, 1 ms", "later, 0 ms"]
