"""A pool of query worker processes that can be killed: the only way to stop a runaway query.

pyoxigraph releases the GIL while it evaluates (measured: a Python thread keeps its full speed
during a 2.4 s query), so threads would keep the server responsive, but nothing can cancel a
running pyoxigraph query from Python. So each query runs in a worker *process*; when it passes
the timeout the worker is killed (SIGKILL) and replaced, and its client gets an error, while
the other workers go on serving. Workers are started with ``spawn`` (no fork of a process that
runs an event loop and threads) and each holds its own in-memory copy of the dataset.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import socket
import struct

from axiskg.server import engine

_HEADER = struct.Struct(">I")


class QueryTimeout(Exception):
    pass


class WorkerCrashed(Exception):
    pass


class Busy(Exception):
    """No worker became free within the pool's ``wait`` seconds."""


class WorkerStartFailed(Exception):
    """A worker could not start (e.g. the OS offers no network sandbox)."""


class _Worker:
    def __init__(self, process, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer

    async def call(self, message: dict) -> dict:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(_HEADER.pack(len(data)) + data)
        await self.writer.drain()
        return await self.read()

    async def read(self) -> dict:
        try:
            header = await self.reader.readexactly(_HEADER.size)
            data = await self.reader.readexactly(_HEADER.unpack(header)[0])
        except (asyncio.IncompleteReadError, ConnectionError):
            raise WorkerCrashed("the query worker stopped unexpectedly") from None
        return pickle.loads(data)

    def kill(self) -> None:
        self.writer.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class WorkerPool:
    """``size`` worker processes, each with the dataset ``nquads`` (and ``prefixes`` for Turtle); :meth:`execute` runs one
    request (see :func:`axiskg.server.engine.execute`) with a timeout of ``timeout`` seconds."""

    def __init__(self, nquads: bytes, size: int = 2, timeout: float = 10.0, prefixes: dict | None = None,
                 memory: int | None = None, wait: float | None = None) -> None:
        self.nquads = nquads
        self.prefixes = dict(prefixes or {})
        self.size = size
        self.timeout = timeout
        self.memory = memory  # address-space cap of each worker, bytes (None: none)
        self.wait = wait  # longest wait for a free worker, seconds (None: no limit)
        self.replaced = 0  # workers killed and replaced (timeouts, crashes)
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._context = multiprocessing.get_context("spawn")
        self._closing = False
        self._pending: set[asyncio.Task] = set()

    async def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        process = self._context.Process(
            target=engine.worker_main, args=(child, self.nquads, self.prefixes, self.memory), daemon=True, name="axiskg-query-worker"
        )
        process.start()
        child.close()
        reader, writer = await asyncio.open_connection(sock=parent, limit=1 << 20)
        worker = _Worker(process, reader, writer)
        try:
            ready = await asyncio.wait_for(worker.read(), timeout=120)
        except BaseException:
            worker.kill()
            raise
        if not ready.get("ready"):
            worker.kill()
            raise WorkerStartFailed(ready.get("message", "a query worker could not start"))
        return worker

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._all.add(worker)
            self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        self._all.discard(worker)
        worker.kill()
        self.replaced += 1
        if self._closing:
            return

        async def refill() -> None:
            new = await self._spawn()
            if self._closing:
                new.kill()
                return
            self._all.add(new)
            self._idle.put_nowait(new)

        task = asyncio.get_running_loop().create_task(refill())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def execute(self, request: dict) -> dict:
        # the common case, a free worker and nobody waiting, without wait_for's timer task
        if self._idle.qsize() and not getattr(self._idle, "_getters", True):
            worker = self._idle.get_nowait()
        else:
            try:
                worker = await asyncio.wait_for(self._idle.get(), timeout=self.wait)
            except TimeoutError:
                raise Busy(f"every query worker stayed busy for {self.wait:g} s") from None
        try:
            reply = await asyncio.wait_for(worker.call(request), timeout=self.timeout)
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped") from None
        except WorkerCrashed:
            self._replace(worker)  # joins it
            code = worker.process.exitcode
            if code is not None and code < 0:
                raise WorkerCrashed(f"the query worker was stopped by signal {-code}") from None
            raise
        except BaseException:  # cancelled mid-call: the worker's state is unknown
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return reply

    async def close(self) -> None:
        self._closing = True
        for task in list(self._pending):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
