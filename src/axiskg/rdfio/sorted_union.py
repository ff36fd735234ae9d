"""The union of a store's dumped graphs as ``build`` publishes it: sorted, distinct N-Triples
lines with canonical blank-node labels, and their Turtle, made by worker processes, each on a
range of subjects.

Every worker reads every graph and keeps the lines whose subject falls in its range. A subject's
lines are never split between ranges, so a triple repeated in several graphs meets its repeats
in one worker, and the Turtle of each range is byte for byte the part one writer would make of
it. The first worker also takes every line that holds a blank node, labels them
(:func:`axiskg.rdfio.bnodes.canonical_blank_lines` needs them all together) and hands each
worker those in its range. Each worker then sorts its lines and writes its part of the
N-Triples and of the Turtle; the parts, one after another, are the outputs. No process holds
more than its range's lines, and the parent holds none. A small union is made by this process
alone, by the same code.

This module imports nothing heavy: each worker starts it with ``python -m``.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

import pyoxigraph as ox

from axiskg.errors import InputError
from axiskg.rdfio import bnodes, literals, turtle
from axiskg.rdfio.line_scan import line_blocks
from axiskg.slices import write_in_slices
from axiskg.vocab import PUBLISHED_PREFIXES

#: a union whose graphs take fewer bytes than this is made by this process, without workers
PARALLEL_FROM = 16 << 20
#: bytes read at a time
BLOCK = 1 << 23
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
    """Worker processes (:func:`_main`) started ahead of their :class:`Union`, which takes them:
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
    from it), or, for a small union, by this process. :meth:`counts` waits for it;
    :meth:`ntriples`, :meth:`turtle` and :meth:`lines` then give it. Use it as a context
    manager: leaving it stops the workers and removes their files."""

    def __init__(self, graphs: list[Graph], folder: Path, turtle: bool, workers: int | Workers | None = None) -> None:
        started = workers.processes if isinstance(workers, Workers) else []
        count = len(started) if isinstance(workers, Workers) else workers or min(2, os.cpu_count() or 1)
        size = sum(g.path.stat().st_size for g in graphs)
        bounds = _bounds(graphs, count) if count > 1 and size >= PARALLEL_FROM else []
        ranges = [[_text(low), _text(high)] for low, high in zip([None, *bounds], [*bounds, None])]
        self._parts = [folder / f"union-{k}" for k in range(len(ranges))]
        for k, part in enumerate(self._parts):  # each worker's share of the lines to swap
            low, high = bounds[k - 1] if k else None, bounds[k] if k < len(bounds) else None
            with open(part.with_suffix(".swaps"), "wb") as fh:
                pickle.dump([_swaps_for(g.swaps, low, high, first=k == 0) for g in graphs], fh)
        job = {
            "graphs": [[str(g.path), g.inferred] for g in graphs],
            "ranges": ranges,
            "parts": [str(p) for p in self._parts],
            "turtle": turtle,
        }
        self._running: list[subprocess.Popen] = []
        self._told: list[list[dict]] = [[]]  # what each worker told and was not yet read
        self._counts: Counts | None = None
        if len(ranges) == 1:
            if isinstance(workers, Workers):
                workers.__exit__()  # (not needed)
            _work(dict(job, index=0), self._told[0].append, lambda: None)
            return
        try:
            for k in range(len(ranges)):
                self._running.append(started.pop(0) if started else _start())
                stdin = self._running[-1].stdin
                assert stdin is not None
                try:
                    stdin.write(json.dumps(dict(job, index=k)).encode("utf-8") + b"\n")
                    stdin.flush()
                except BrokenPipeError:  # it died as it started: reading what it told says how
                    pass
        except BaseException:  # (Ctrl-C as they start) no worker outlives this object
            self.__exit__()
            raise

    def counts(self) -> Counts:
        """Wait for the N-Triples: the union's counts."""
        if self._counts is None:
            if self._running:
                self._next(0)  # the first has handed out the blank-node lines
                for worker in self._running[1:]:
                    _close(worker.stdin)  # which the others wait for
            told = [self._next(k) for k in range(len(self._parts))]
            self._counts = Counts(sum(t["lines"] for t in told), sum(t["inferred"] for t in told))
        return self._counts

    def ntriples(self) -> io.BufferedReader:
        """The sorted N-Triples, as one open file to read (and close; it stays readable after
        the context ends), while the workers go on with the Turtle."""
        self.counts()
        return io.BufferedReader(_Chain([p.with_suffix(".nt") for p in self._parts]))

    def turtle(self) -> io.BufferedReader:
        """The Turtle (if asked for), as one open file to read (and close) as :meth:`ntriples`:
        the ``@prefix`` lines of the published prefixes in use, then each range's part."""
        self.counts()
        used = {p for k in range(len(self._parts)) for p in self._next(k)["prefixes"]}
        prefixes = {p: ns for p, ns in PUBLISHED_PREFIXES.items() if p in used}
        head = self._parts[0].with_suffix(".head")
        head.write_bytes(turtle.header(prefixes))
        return io.BufferedReader(_Chain([head] + [p.with_suffix(".ttl") for p in self._parts]))

    def _next(self, k: int) -> dict:
        """What worker ``k`` tells next (waiting for it); its error raised here."""
        if not self._running:
            return self._told[k].pop(0)
        worker = self._running[k]
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
        return told

    def lines(self) -> list[bytes]:
        """The sorted N-Triples lines, each line one item."""
        lines: list[bytes] = []
        with self.ntriples() as fh:
            for block in line_blocks(fh, BLOCK):
                lines += block.splitlines(keepends=True)
        return lines

    def __enter__(self) -> Union:
        return self

    def __exit__(self, *exc) -> None:
        _stop(self._running)
        for part in self._parts:
            for suffix in (".nt", ".ttl", ".blank", ".swaps", ".head"):
                part.with_suffix(suffix).unlink(missing_ok=True)


class _Chain(io.RawIOBase):
    """Files read one after another, as one."""

    def __init__(self, paths: list[Path]) -> None:
        self._files = [open(p, "rb") for p in paths]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._files:
            n = self._files[0].readinto(buffer)
            if n:
                return n
            self._files.pop(0).close()
        return 0

    def close(self) -> None:
        while self._files:
            self._files.pop().close()
        super().close()


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
    """A worker process (:func:`_main`), to be given its job. It has a session of its own, so
    Ctrl-C interrupts only the parent, which stops it (an interrupt reaching a worker as its
    interpreter starts would print a traceback), and no stderr: it tells its errors on stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", __name__],
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


def _in_range(lines: list[bytes], low: bytes | None, high: bytes | None) -> list[bytes]:
    if low is None:
        return lines if high is None else [line for line in lines if line < high]
    return [line for line in lines if line >= low] if high is None else [line for line in lines if low <= line < high]


def _work(job: dict, tell: Callable[[dict], None], wait: Callable[[], object]) -> None:
    """One worker's range of the union (``job`` as :class:`Union` writes it), its parts written.
    The first hands the blank-node lines of the other ranges to their ``.blank`` files and then
    tells ``{"blank": true}``; the others ``wait`` until then. Each then tells its counts
    once its N-Triples are written (``{"lines": .., "inferred": ..}``), and, if asked for the
    Turtle, the prefixes that uses once it is written (``{"prefixes": [...]}``)."""
    index = job["index"]
    ranges = [[None if b is None else b.encode("latin-1") for b in pair] for pair in job["ranges"]]
    low, high = ranges[index]
    part = Path(job["parts"][index])
    with open(part.with_suffix(".swaps"), "rb") as fh:
        swaps = pickle.load(fh)  # written by Union, in its own temp folder
    lines: list[bytes] = []
    blank: list[bytes] = []
    inferred = 0
    for (path, is_inferred), graph_swaps in zip(job["graphs"], swaps):
        written = literals.line_swapper(graph_swaps)
        with open(path, "rb") as fh:
            for block in line_blocks(fh, BLOCK):
                # the first takes the lines with a blank node, of every range; the others drop them
                taken: list[bytes] = []
                kept = _in_range(bnodes.take_blank_lines(block, taken).splitlines(keepends=True), low, high)
                if taken and index == 0:
                    blank.append(literals.written_ntriples(b"".join(taken), graph_swaps))
                    inferred += blank[-1].count(b"\n") if is_inferred else 0
                # (a line and its literal as written have the same subject: the same range)
                kept = written(kept)
                lines += kept
                inferred += len(kept) if is_inferred else 0
    lines.sort()
    bnodes.drop_repeats(lines)
    if index == 0:
        labelled = bnodes.canonical_blank_lines(blank)  # sorted, distinct
        for other, (start, end) in enumerate(ranges[1:], 1):
            with open(Path(job["parts"][other]).with_suffix(".blank"), "wb") as out:
                write_in_slices(out, b"".join(_in_range(labelled, start, end)))
        mine = _in_range(labelled, low, high)
        if len(ranges) > 1:
            tell({"blank": True})
    else:
        wait()
        mine = part.with_suffix(".blank").read_bytes().splitlines(keepends=True)
    if mine:
        lines += mine
        lines.sort()  # two sorted runs: merged in linear time
    count = len(lines)
    chunks = (b"".join(lines[i : i + 8192]) for i in range(0, len(lines), 8192))
    with open(part.with_suffix(".nt"), "wb") as out:
        # the Turtle's prefixes are looked for in the chunks as they are written
        prefixes = turtle.prefixes_in(_written(chunks, out)) if job["turtle"] else {}
        for chunk in chunks:  # those the search did not need
            write_in_slices(out, chunk)
    del lines, mine, chunks
    tell({"lines": count, "inferred": inferred})
    if job["turtle"]:
        _write_turtle(part.with_suffix(".nt"), part.with_suffix(".ttl"), prefixes)
        tell({"prefixes": list(prefixes)})


def _written(chunks: Iterator[bytes], out: BinaryIO) -> Iterator[bytes]:
    for chunk in chunks:
        out.write(chunk)
        yield chunk


def _write_turtle(ntriples: Path, out: Path, prefixes: dict[str, str]) -> None:
    """The Turtle of the N-Triples file ``ntriples`` into ``out``, declaring ``prefixes``, without
    the ``@prefix`` lines (:meth:`Union.turtle` writes them once)."""
    with open(ntriples, "rb") as fh:
        data = turtle.without_header(turtle.write(ox.parse(fh, format=ox.RdfFormat.N_TRIPLES, lenient=True), prefixes))
    with open(out, "wb") as written:
        write_in_slices(written, data)


def _main() -> int:
    """A worker: its job (a JSON line) on stdin, what it tells (:func:`_work`), or its error
    (pyoxigraph's writer refuses a value over 16 MiB with a MemoryError), as JSON lines on
    stdout; a worker other than the first waits for its stdin to close."""
    job = json.loads(sys.stdin.readline())

    def tell(message: dict) -> None:
        print(json.dumps(message), flush=True)

    try:
        _work(job, tell, sys.stdin.read)
    except InputError as exc:
        tell({"error": exc.problem, "input": True, "path": exc.path})
        return 1
    except Exception as exc:  # told to the parent, which raises it
        tell({"error": str(exc), "memory": isinstance(exc, MemoryError)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main())
