"""A pool of query worker processes that can be killed: the only way to stop a runaway query.

pyoxigraph releases the GIL while it evaluates (measured: a Python thread keeps its full speed
during a 2.4 s query), so threads would keep the server responsive, but nothing can cancel a
running pyoxigraph query from Python. So each query runs in a worker *process*; when it passes
the timeout the worker is killed (SIGKILL) and replaced, and its client gets an error, while
the other workers go on serving. Workers are started with ``spawn`` (no fork of a process that
runs an event loop and threads) and each holds its own in-memory copy of the dataset.

Lanes (issue 14): a worker busy with a runaway query is lost to everyone until the timeout, so
with only "the next free worker" two runaways starve every cheap lookup. The workers are split:

- **heavy** workers (``size``): any query, with the full ``timeout`` and ``memory`` cap;
- **quick** workers (``light``): only queries known to be *quick* (a lookup: at most ``quick``
  CPU seconds);
- **probe** workers (``light``): known cheap queries and queries not seen before, which get a short
  ``time_slice`` of CPU time and a smaller memory cap (``light_memory``) there.

The cost of a query (its text, formats and dataset) is learnt from the worker's CPU time
(:class:`~axiskg.server.costs.CostBook`): at most ``quick`` seconds makes it *quick*, at most ``cheap`` seconds *cheap*;
more, a slice used up, a memory
cap hit or a timeout makes it *costly*. A query that uses up its slice on a light worker (or its
memory) is stopped there (the worker killed and replaced) and run again on a heavy worker, as
costly: so a runaway can hold a light worker for at most ``time_slice`` CPU seconds, once, and
never a quick one. Waiting requests are served quick first, then cheap, unknown, costly, each
for at most ``wait`` seconds; within each of these, by a due time: arrival plus ``PATIENCE`` times
the estimated cost (0.03 s for a 0.3 ms lookup, 0.5 s for a 5 ms query), so a lookup passes the
longer queries waiting before it, and none waits for ever behind cheaper ones (ordering by cost
alone did: the same query measures a little differently each time, and the unlucky requests
starved, up to seconds, in benchmarks).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import multiprocessing
import os
import pickle
import shutil
import socket
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from axiskg.server import engine
from axiskg.server.costs import CHEAP, COSTLY, QUICKEST, UNKNOWN, CostBook, cost_key

_HEADER = struct.Struct(">I")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class QueryTimeout(Exception):
    pass


class WorkerCrashed(Exception):
    pass


class WorkerGone(WorkerCrashed):
    """The worker had stopped before the request reached it: the request is not to blame."""


class Busy(Exception):
    """No worker became free within the pool's ``wait`` seconds."""


class WorkerStartFailed(Exception):
    """A worker could not start (e.g. the OS offers no network sandbox)."""


HEAVY, QUICK, PROBE = "heavy", "quick", "probe"
PATIENCE = 100.0  # a waiting request is due at its arrival plus this many times its estimated cost
#: the ranks each lane takes: always a prefix of the ranks in serving order (see _release)
_TAKES = {QUICK: QUICKEST, PROBE: UNKNOWN, HEAVY: COSTLY}
#: where a request of each rank goes when several workers are free, most specific first
_PREFERS = {QUICKEST: (QUICK, PROBE, HEAVY), CHEAP: (PROBE, HEAVY), UNKNOWN: (PROBE, HEAVY), COSTLY: (HEAVY,)}


class _Worker:
    def __init__(self, process, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, lane: str) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer
        self.lane = lane
        self.cpu_mark: float | None = None  # its CPU seconds when it last answered (see cpu_seconds)

    async def call(self, message: dict) -> dict:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        # a worker that died while idle (killed, or out of memory): its end of the socket is
        # closed, so the request never reached it and may go to another worker
        if self.reader.at_eof() or self.writer.is_closing() or not self.process.is_alive():
            raise WorkerGone("the query worker had stopped before it got the query")
        try:
            self.writer.write(_HEADER.pack(len(data)) + data)
            await self.writer.drain()
        except ConnectionError:
            raise WorkerGone("the query worker had stopped before it got the query") from None
        return await self.read()

    async def read(self) -> dict:
        try:
            header = await self.reader.readexactly(_HEADER.size)
            data = await self.reader.readexactly(_HEADER.unpack(header)[0])
        except (asyncio.IncompleteReadError, ConnectionError):
            raise WorkerCrashed("the query worker stopped unexpectedly") from None
        return pickle.loads(data)

    async def call_marked(self, message: dict) -> dict:
        """:meth:`call`, keeping the CPU time the worker reports with its answer."""
        reply = await self.call(message)
        self.cpu_mark = reply.get("cpu_total")
        return reply

    def cpu_seconds(self) -> float | None:
        """CPU time the worker process has used (user + system, from /proc; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _TICKS
        except (OSError, IndexError, ValueError):
            return None

    def kill(self) -> None:
        self.writer.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


@dataclass(order=True)
class _Ticket:
    rank: int
    due: float
    seq: int
    future: asyncio.Future = field(compare=False)


class WorkerPool:
    """``size`` heavy and ``light`` quick and ``light`` probe worker processes (see the module's
    doc), each with the dataset ``nquads`` (and ``prefixes`` for Turtle); :meth:`execute` runs
    one request (see :func:`axiskg.server.engine.execute`). ``light=0``: heavy workers only, the
    first free one taking each request in turn."""

    def __init__(
        self,
        nquads: bytes,
        size: int = 2,
        timeout: float = 10.0,
        prefixes: dict | None = None,
        memory: int | None = None,
        wait: float | None = None,
        light: int = 0,
        time_slice: float = 1.0,
        light_memory: int | None = None,
        cheap: float = 0.05,
        quick: float = 0.002,
        context: dict | None = None,
    ) -> None:
        self.nquads = nquads
        self.context = context  # the @context JSON-LD answers are compacted with (None: expanded)
        self.prefixes = dict(prefixes or {})
        self.size = size
        self.timeout = timeout
        self.memory = memory  # address-space cap of each heavy worker, bytes (None: none)
        self.wait = wait  # longest wait for a free worker, seconds (None: no limit)
        self.light = light
        self.time_slice = time_slice
        self.light_memory = light_memory if light_memory is not None else memory
        self.costs = CostBook(cheap, quick)
        self.replaced = 0  # workers killed and replaced (timeouts, crashes, slices used up)
        self.moved = 0  # requests moved from a light worker to a heavy one
        self._idle: dict[str, list[_Worker]] = {HEAVY: [], QUICK: [], PROBE: []}
        self._waiting: list[_Ticket] = []
        self._seq = itertools.count()
        self._all: set[_Worker] = set()
        self._context = multiprocessing.get_context("spawn")
        self._closing = False
        self._pending: set[asyncio.Task] = set()
        self.spool_dir = ""  # where workers write big answers (made by start, removed by close)

    def _lanes(self) -> list[str]:
        return [HEAVY] * self.size + [QUICK, PROBE] * self.light

    async def _spawn(self, lane: str) -> _Worker:
        memory = self.memory if lane == HEAVY else self.light_memory
        parent, child = socket.socketpair()
        process = self._context.Process(
            target=engine.worker_main,
            args=(child, self.nquads, self.prefixes, memory, self.context),
            daemon=True,
            name=f"axiskg-{lane}-worker",
        )
        process.start()
        child.close()
        reader, writer = await asyncio.open_connection(sock=parent, limit=1 << 20)
        worker = _Worker(process, reader, writer, lane)
        try:
            ready = await asyncio.wait_for(worker.read(), timeout=120)
        except BaseException:
            worker.kill()
            raise
        if not ready.get("ready"):
            worker.kill()
            raise WorkerStartFailed(ready.get("message", "a query worker could not start"))
        worker.cpu_mark = ready.get("cpu_total")
        return worker

    async def start(self) -> None:
        self.spool_dir = tempfile.mkdtemp(prefix="axiskg-answers-")
        workers = await asyncio.gather(*(self._spawn(lane) for lane in self._lanes()))
        for worker in workers:
            self._all.add(worker)
            self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """Give the free ``worker`` the first waiting request it may take, or make it idle.
        The waiting requests are a heap in serving order, and each lane takes the ranks up to
        its own, so the heap's top is the only candidate."""
        waiting = self._waiting
        while waiting and waiting[0].future.done():  # gave up waiting
            heapq.heappop(waiting)
        if waiting and waiting[0].rank <= _TAKES[worker.lane]:
            heapq.heappop(waiting).future.set_result(worker)
        else:
            self._idle[worker.lane].append(worker)

    async def _acquire(self, rank: int, cost: float) -> _Worker:
        # an idle worker means nobody waiting may take it (see _release): nobody is ahead
        for lane in _PREFERS[rank]:
            if self._idle[lane]:
                return self._idle[lane].pop()
        loop = asyncio.get_running_loop()
        due = loop.time() + PATIENCE * min(cost, self.timeout)
        ticket = _Ticket(rank, due, next(self._seq), loop.create_future())
        heapq.heappush(self._waiting, ticket)
        try:
            await asyncio.wait_for(asyncio.shield(ticket.future), timeout=self.wait)
        except TimeoutError:
            if not ticket.future.done():
                ticket.future.cancel()
                raise Busy(f"every query worker stayed busy for {self.wait:g} s") from None
        except BaseException:
            if ticket.future.done() and not ticket.future.cancelled():
                self._release(ticket.future.result())  # handed a worker as we were cancelled
            else:
                ticket.future.cancel()
            raise
        return ticket.future.result()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another of its lane in the background."""
        self._all.discard(worker)
        worker.kill()
        self.replaced += 1
        if self._closing:
            return

        async def refill() -> None:
            new = await self._spawn(worker.lane)
            if self._closing:
                new.kill()
                return
            self._all.add(new)
            self._release(new)

        task = asyncio.get_running_loop().create_task(refill())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _call_sliced(self, worker: _Worker, request: dict) -> dict:
        """``worker.call(request)``, stopped (``TimeoutError``) once the worker has spent
        ``time_slice`` seconds of CPU on it, or ``timeout`` seconds have passed. CPU time, not
        time passed: a cheap query held up by a loaded machine must not be taken for a costly one."""
        loop = asyncio.get_running_loop()
        # the worker's CPU time at the start is the one it reported with its last answer (it is
        # idle in between); /proc is read only when a slice has passed
        started, cpu = loop.time(), worker.cpu_mark
        if cpu is None:
            cpu = worker.cpu_seconds()
        call = asyncio.ensure_future(worker.call_marked(request))
        wait = self.time_slice
        try:
            while True:
                done, _ = await asyncio.wait((call,), timeout=wait)
                if done:
                    return call.result()
                elapsed = loop.time() - started
                now = worker.cpu_seconds()
                used = elapsed if now is None or cpu is None else now - cpu
                if used >= self.time_slice or elapsed >= self.timeout:
                    raise TimeoutError
                wait = min(max(self.time_slice - used, 0.05), self.timeout - elapsed)
        finally:
            if not call.done():
                call.cancel()

    async def execute(self, request: dict) -> dict:
        """The worker's reply to ``request``; with ``"spool": True`` in it, a big answer comes as
        a file in the pool's spool directory (``path``, ``size``; see :func:`engine.spool`),
        which the caller opens and deletes."""
        if request.get("spool"):
            request = {**request, "spool": self.spool_dir}
        key = cost_key(request)
        rank, cost = self.costs.rank(key) if self.light else (COSTLY, 0.0)
        gone = 0  # workers found dead before they got this request
        while True:
            worker = await self._acquire(rank, cost)
            light = worker.lane != HEAVY
            try:
                if light:
                    reply = await self._call_sliced(worker, request)
                else:
                    reply = await asyncio.wait_for(worker.call(request), timeout=self.timeout)
            except TimeoutError:
                self._replace(worker)
                self.costs.record(key, float("inf"))
                if light:  # its slice used up: again, on a heavy worker
                    rank, cost, self.moved = COSTLY, float("inf"), self.moved + 1
                    continue
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped") from None
            except WorkerGone:
                self._replace(worker)
                gone += 1
                if gone <= self.size + 2 * self.light:  # on another worker (or its replacement)
                    continue
                raise
            except WorkerCrashed:
                self._replace(worker)  # joins it
                self.costs.record(key, float("inf"))
                if light:
                    rank, cost, self.moved = COSTLY, float("inf"), self.moved + 1
                    continue
                code = worker.process.exitcode
                if code is not None and code < 0:
                    raise WorkerCrashed(f"the query worker was stopped by signal {-code}") from None
                raise
            except BaseException:  # cancelled mid-call: the worker's state is unknown
                self._replace(worker)
                raise
            self._release(worker)
            if reply.get("memory"):
                self.costs.record(key, float("inf"))
                if light:  # past the light lane's memory cap: again, with the heavy one
                    rank, cost, self.moved = COSTLY, float("inf"), self.moved + 1
                    continue
            else:
                self.costs.record(key, reply.get("cpu", 0.0))
            return reply

    async def close(self) -> None:
        self._closing = True
        for task in list(self._pending):
            task.cancel()
        for ticket in self._waiting:
            ticket.future.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        if self.spool_dir:
            shutil.rmtree(self.spool_dir, ignore_errors=True)
