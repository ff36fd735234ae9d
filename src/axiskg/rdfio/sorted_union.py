"""The union of a store's dumped graphs as ``build`` publishes it: sorted, distinct N-Triples
lines with canonical blank-node labels, and their Turtle, made by worker processes
(:mod:`axiskg.rdfio.union_worker`), each on a range of subjects.

Every worker reads every graph and keeps the lines whose subject falls in its range. A subject's
lines are never split between ranges, so a triple repeated in several graphs meets its repeats
in one worker, and the Turtle of each range is byte for byte the part one writer would make of
it. The first worker also takes every line that holds a blank node, labels them
(:func:`axiskg.rdfio.bnodes.canonical_blank_lines` needs them all together) and hands each
worker those in its range. Each worker then sorts its lines and writes them, and then their
Turtle, where they belong in the output files (the union tells it where, once it knows the
sizes of the parts before). No process holds more than its range's lines, the parent holds
none, and nothing is copied. A small union is made by this process alone (a thread), by the
same code.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from axiskg.errors import InputError
from axiskg.rdfio import turtle, union_worker
from axiskg.rdfio.line_scan import line_blocks
from axiskg.slices import write_at
from axiskg.vocab import PUBLISHED_PREFIXES

#: a union whose graphs take fewer bytes than this is made by this process, without workers
PARALLEL_FROM = 16 << 20
#: subjects sampled, over all graphs, to choose the ranges
_SAMPLES = 512


@dataclass(frozen=True)
class Graph:
    """One graph dumped to N-Triples by pyoxigraph (:func:`axiskg.rdfio.terms.spill_graphs`):
    its file, its lines to put back as written (:func:`axiskg.rdfio.literals.line_swaps`), and
    whether it is the inferred graph (its lines are counted apart)."""

    path: Path
    swaps: dict[bytes, bytes] | None = None
    inferred: bool = False


@dataclass(frozen=True)
class Counts:
    lines: int  #: distinct lines of the union
    inferred: int  #: lines of the inferred graph


class Workers:
    """Worker processes (:func:`axiskg.rdfio.union_worker.main`) started ahead of their :class:`Union`, which takes them:
    their interpreters start while the caller still loads its data, on the processor the load
    leaves idle. Use it as a context manager: leaving it stops those not taken."""

    def __init__(self, count: int | None = None) -> None:
        self.processes: list[subprocess.Popen] = []
        count = count or min(2, os.cpu_count() or 1)
        try:
            for _ in range(count if count > 1 else 0):  # (one worker: the union is made in-process)
                self.processes.append(_start())
        except BaseException:  # (Ctrl-C as they start) none outlives this object
            self.__exit__()
            raise

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.processes)
        self.processes = []


class Union:
    """The union of ``graphs`` (see the module), begun at once in ``folder``: by ``workers``
    processes (default: up to two, one per processor; or those of a :class:`Workers`, taken
    from it), or, for a small union, by this process. The N-Triples go to ``outputs["ntriples"]``
    and the Turtle (with ``turtle``) to ``outputs["turtle"]`` when given (files the caller
    moves into place), else to files in ``folder``. With ``remove_read``, the graphs' files are
    removed as soon as every worker has read them. :meth:`counts` waits for the N-Triples;
    :meth:`ntriples`, :meth:`turtle` and :meth:`lines` then give the union. Use it as a context
    manager: leaving it stops the workers and removes their files."""

    def __init__(
        self,
        graphs: list[Graph],
        folder: Path,
        turtle: bool,
        workers: int | Workers | None = None,
        outputs: dict[str, Path] | None = None,
        remove_read: bool = False,
    ) -> None:
        started = workers.processes if isinstance(workers, Workers) else []
        count = len(started) if isinstance(workers, Workers) else workers or min(2, os.cpu_count() or 1)
        size = sum(g.path.stat().st_size for g in graphs)
        bounds = _bounds(graphs, count) if count > 1 and size >= PARALLEL_FROM else []
        if not bounds and isinstance(workers, Workers):
            workers.__exit__()  # (not needed)
        ranges = [[_text(low), _text(high)] for low, high in zip([None, *bounds], [*bounds, None])]
        self._graphs = [g.path for g in graphs] if remove_read else []
        self._outputs = {"ntriples": folder / "union.nt", **({"turtle": folder / "union.ttl"} if turtle else {})}
        self._outputs.update({k: Path(v) for k, v in (outputs or {}).items() if k in self._outputs})
        self._own = [p for k, p in self._outputs.items() if not (outputs and k in outputs)]
        swaps = [folder / f"union-{k}.swaps" for k in range(len(ranges))]
        blank = [folder / f"union-{k}.blank" for k in range(len(ranges))]
        self._own += swaps + blank
        for path in self._outputs.values():
            path.write_bytes(b"")
        for k, path in enumerate(swaps):  # each worker's share of the lines to swap
            low, high = bounds[k - 1] if k else None, bounds[k] if k < len(bounds) else None
            with open(path, "wb") as fh:
                pickle.dump([_swaps_for(g.swaps, low, high, first=k == 0) for g in graphs], fh)
        job = {
            "graphs": [[str(g.path), g.inferred] for g in graphs],
            "ranges": ranges,
            "blank": [str(p) for p in blank],
            "ntriples": str(self._outputs["ntriples"]),
            "turtle": str(self._outputs["turtle"]) if turtle else None,
        }
        self._workers: list[_Process | _Thread] = []
        self._counts: Counts | None = None
        self._prefixes: dict[str, str] = {}
        if len(ranges) == 1:
            self._workers.append(_Thread(dict(job, index=0, swaps=str(swaps[0]))))
            return
        try:
            for k in range(len(ranges)):
                self._workers.append(_Process(started.pop(0) if started else _start()))
                self._workers[-1].send(dict(job, index=k, swaps=str(swaps[k])))
        except BaseException:  # (Ctrl-C as they start) no worker outlives this object
            self.__exit__()
            raise

    def counts(self) -> Counts:
        """Wait for the N-Triples: the union's counts."""
        if self._counts is None:
            for worker in self._workers:
                worker.take("read")
            if len(self._workers) > 1:
                self._workers[0].take("blank")  # the first has handed out the blank-node lines
                for worker in self._workers[1:]:
                    worker.send({"blank": True})
            for path in self._graphs:  # (their pages serve the outputs)
                path.unlink(missing_ok=True)
            self._place()
            told = [worker.take("lines") for worker in self._workers]
            self._counts = Counts(sum(t["lines"] for t in told), sum(t["inferred"] for t in told))
            used = {p for t in told for p in t["prefixes"]}
            self._prefixes = {p: ns for p, ns in PUBLISHED_PREFIXES.items() if p in used}
        return self._counts

    def _place(self, start: int = 0) -> None:
        """Tell each worker where its part goes (from ``start``), as soon as the sizes of the
        parts before it are told."""
        for worker in self._workers:
            worker.send({"offset": start})
            start += worker.take("size")["size"]

    def ntriples(self) -> Path:
        """The file of the sorted N-Triples (the workers may still be making the Turtle)."""
        self.counts()
        return self._outputs["ntriples"]

    def turtle(self) -> Path:
        """The file of the Turtle (if asked for): the ``@prefix`` lines of the published prefixes
        in use, then each range's part."""
        self.counts()
        header = turtle.header(self._prefixes)
        write_at(self._outputs["turtle"], 0, header)
        self._place(len(header))
        for worker in self._workers:
            worker.take("done")
        return self._outputs["turtle"]

    def lines(self) -> list[bytes]:
        """The sorted N-Triples lines, each line one item."""
        lines: list[bytes] = []
        with open(self.ntriples(), "rb") as fh:
            for block in line_blocks(fh, union_worker.BLOCK):
                lines += block.splitlines(keepends=True)
        return lines

    def __enter__(self) -> Union:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self._workers:
            worker.stop()
        for path in self._own:
            path.unlink(missing_ok=True)


class _Process:
    """A worker process, talked to over its pipes."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def send(self, message: dict) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps(message).encode("utf-8") + b"\n")
            stdin.flush()
        except BrokenPipeError:  # it died: reading what it told says how
            pass

    def take(self, key: str) -> dict:
        """What the worker tells next, under ``key`` (waiting for it); its error raised here."""
        worker = self.process
        assert worker.stdout is not None
        told = json.loads(worker.stdout.readline() or b'{"error": null}')
        if "error" in told:
            worker.wait()
            message = told["error"] or f"a worker making the sorted union failed (exit code {worker.returncode})"
            if worker.returncode == -signal.SIGKILL:  # what the kernel's out-of-memory killer sends
                message = "a worker making the sorted union was killed (SIGKILL), most likely out of memory"
            if told.get("memory") or worker.returncode == -signal.SIGKILL:
                raise MemoryError(message)
            if told.get("input"):
                raise InputError(told.get("path"), message)
            raise RuntimeError(message)
        return _told(told, key)

    def stop(self) -> None:
        _stop([self.process])


class _Thread:
    """The one worker of a small union: a thread of this process, talked to over queues."""

    def __init__(self, job: dict) -> None:
        self._to: queue.SimpleQueue = queue.SimpleQueue()
        self._from: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, args=(job,), daemon=True)
        self._thread.start()

    def _run(self, job: dict) -> None:
        try:
            union_worker.work(job, self._from.put, self._to.get)
        except BaseException as exc:  # raised by take()
            self._from.put({"raise": exc})

    def send(self, message: dict) -> None:
        self._to.put(message)

    def take(self, key: str) -> dict:
        told = self._from.get()
        if "raise" in told:
            raise told["raise"]
        return _told(told, key)

    def stop(self) -> None:
        self._to.put({"stop": True})  # (ends a wait to be told)
        self._thread.join()


def _told(told: dict, key: str) -> dict:
    """What a worker told, which must be ``key`` (and what goes with it)."""
    if key not in told:
        raise RuntimeError(f"a worker of the sorted union told {told!r}, not {key!r}")
    return told


def _stop(workers: list[subprocess.Popen]) -> None:
    """Stop ``workers`` (those still running are killed) and close their pipes."""
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        _close(worker.stdin)
        _close(worker.stdout)


def _close(pipe: IO[bytes] | None) -> None:
    """Close a pipe to or from a worker, which may have died (what it told says how)."""
    if pipe is not None and not pipe.closed:
        try:
            pipe.close()
        except BrokenPipeError:  # the job, not sent: close() tried once more
            pass


def _start() -> subprocess.Popen:
    """A worker process (:func:`axiskg.rdfio.union_worker.main`), to be given its job. It has a session of its own, so
    Ctrl-C interrupts only the parent, which stops it (an interrupt reaching a worker as its
    interpreter starts would print a traceback), and no stderr: it tells its errors on stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", union_worker.__name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _bounds(graphs: list[Graph], workers: int) -> list[bytes]:
    """Where the ranges of ``workers`` workers start (all but the first): subjects (``<iri>``
    and a space: a line is in a range when it sorts at or after its start) at even quantiles of
    a sample of the graphs' lines. Blank-node subjects (``_:``) sort after every IRI: they fall
    in the last range."""
    sizes = [g.path.stat().st_size for g in graphs]
    subjects: list[bytes] = []
    for graph, size in zip(graphs, sizes):
        samples = _SAMPLES * size // (sum(sizes) or 1)
        with open(graph.path, "rb") as fh:
            for k in range(samples):
                fh.seek(size * k // samples)
                if k:
                    fh.readline()  # to the start of a line
                line = fh.readline()
                if line.startswith(b"<"):
                    subjects.append(line[: line.index(b" ") + 1])
    subjects.sort()
    return sorted({subjects[len(subjects) * k // workers] for k in range(1, workers)}) if subjects else []


def _swaps_for(swaps: dict[bytes, bytes] | None, low: bytes | None, high: bytes | None, first: bool):
    """The entries of ``swaps`` a worker on the range ``low`` to ``high`` needs: its lines', and,
    for the ``first`` (which takes them all), those of the lines that may hold a blank node."""
    if not swaps:
        return None
    return {line: written for line, written in swaps.items() if _in(line, low, high) or (first and b"_:" in line)}


def _in(line: bytes, low: bytes | None, high: bytes | None) -> bool:
    return (low is None or line >= low) and (high is None or line < high)


def _text(bound: bytes | None) -> str | None:
    return None if bound is None else bound.decode("latin-1")
