"""One worker of the sorted union (:mod:`axiskg.rdfio.sorted_union`): its range of subjects, read
from every dumped graph, sorted, and written in place into the union's N-Triples and Turtle files.

A worker and the union talk in JSON messages (over pipes for a worker process, queues for the
union a small graph makes in-process). The worker tells, in this order:

* ``{"read": true}`` once it has read every graph (the union may then remove them, so that their
  pages serve the outputs);
* the first worker, ``{"blank": true}`` once it has handed each other worker the blank-node lines
  of its range (the others wait to be told ``{"blank": true}``);
* ``{"size": n}``: the bytes of its N-Triples; it is told ``{"offset": o}``, where they go
  (the first may be told before it tells its size: its offset is known from the start);
* ``{"lines": .., "inferred": .., "prefixes": [...]}`` once they are written (the prefixes its
  Turtle will use);
* with the Turtle, ``{"size": n}`` of its Turtle, told ``{"offset": o}``, then ``{"done": true}``.

Nothing is copied: each part is written where it belongs in the output, and the Turtle of a part
is made from that part of the N-Triples file, read through the worker's own descriptor.

This module imports nothing heavy: each worker process starts it with ``python -m``.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from axiskg.errors import InputError
from axiskg.rdfio import bnodes, literals, turtle
from axiskg.rdfio.line_scan import line_blocks
from axiskg.slices import SLICE, pwrite_in_slices, write_at

#: bytes read at a time
BLOCK = 1 << 23

Tell = Callable[[dict], None]
Listen = Callable[[], dict]


def work(job: dict, tell: Tell, listen: Listen) -> None:
    """One worker's range of the union (``job`` as :class:`~axiskg.rdfio.sorted_union.Union`
    writes it), told and written as the module says."""
    index = job["index"]
    ranges = [[None if b is None else b.encode("latin-1") for b in pair] for pair in job["ranges"]]
    low, high = ranges[index]
    with open(job["swaps"], "rb") as fh:
        swaps = pickle.load(fh)  # written by the union, in its own temp folder
    lines: list[bytes] = []
    blank: list[bytes] = []
    inferred = 0
    for (path, is_inferred), graph_swaps in zip(job["graphs"], swaps):
        written = literals.line_swapper(graph_swaps)
        with open(path, "rb") as fh:
            for block in line_blocks(fh, BLOCK):
                # the first takes the lines with a blank node, of every range; the others drop them
                taken: list[bytes] = []
                kept = in_range(bnodes.take_blank_lines(block, taken).splitlines(keepends=True), low, high)
                if taken and index == 0:
                    blank.append(literals.written_ntriples(b"".join(taken), graph_swaps))
                    inferred += blank[-1].count(b"\n") if is_inferred else 0
                # (a line and its literal as written have the same subject: the same range)
                kept = written(kept)
                lines += kept
                inferred += len(kept) if is_inferred else 0
    del swaps
    tell({"read": True})
    if index == 0:  # (first: the others wait for theirs)
        labelled = bnodes.canonical_blank_lines(blank)  # sorted, distinct
        for (start, end), path in zip(ranges[1:], job["blank"][1:]):
            write_at(path, 0, b"".join(in_range(labelled, start, end)))
        mine = in_range(labelled, low, high)
        if len(ranges) > 1:
            tell({"blank": True})
    lines.sort()
    bnodes.drop_repeats(lines)
    if index > 0:
        _expect(listen(), "blank")
        mine = Path(job["blank"][index]).read_bytes().splitlines(keepends=True)
    lines = bnodes.merge_sorted(lines, mine)
    del blank, mine
    size = sum(map(len, lines))
    tell({"size": size})
    at = _expect(listen(), "offset")
    fd = os.open(job["ntriples"], os.O_RDWR)
    try:
        chunks = _written((b"".join(lines[i : i + 8192]) for i in range(0, len(lines), 8192)), fd, at)
        # the Turtle's prefixes are looked for in the chunks as they are written
        prefixes = turtle.prefixes_in(chunks) if job["turtle"] else {}
        for _ in chunks:  # those the search did not need
            pass
        count = len(lines)
        del lines, chunks
        tell({"lines": count, "inferred": inferred, "prefixes": list(prefixes)})
        if job["turtle"]:
            part = io.BufferedReader(_Region(fd, at, size), SLICE)
            data = turtle.without_header(
                turtle.write(ox.parse(part, format=ox.RdfFormat.N_TRIPLES, lenient=True), prefixes)
            )
            tell({"size": len(data)})
            write_at(job["turtle"], _expect(listen(), "offset"), data)
            tell({"done": True})
    finally:
        os.close(fd)


def in_range(lines: list[bytes], low: bytes | None, high: bytes | None) -> list[bytes]:
    """The lines at or after ``low`` and before ``high`` (None: no bound)."""
    if low is None:
        return lines if high is None else [line for line in lines if line < high]
    return [line for line in lines if line >= low] if high is None else [line for line in lines if low <= line < high]


def _expect(message: dict, key: str):
    if key not in message:
        raise RuntimeError(f"a worker of the sorted union was told {message!r}, expecting {key!r}")
    return message[key]


def _written(chunks: Iterator[bytes], fd: int, at: int) -> Iterator[bytes]:
    """``chunks`` written one after another from ``at`` in ``fd``, each as it is taken."""
    for chunk in chunks:
        pwrite_in_slices(fd, at, chunk)
        at += len(chunk)
        yield chunk


class _Region(io.RawIOBase):
    """``size`` bytes of the file ``fd`` from ``at``, read as a file of their own."""

    def __init__(self, fd: int, at: int, size: int) -> None:
        self._fd, self._at, self._end = fd, at, at + size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self._end - self._at)
        if want <= 0:
            return 0
        data = os.pread(self._fd, want, self._at)
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)


def main() -> int:
    """A worker process: its job (a JSON line) on stdin, then what it is told, one JSON line
    each; what it tells (:func:`work`), or its error (pyoxigraph's writer refuses a value over
    16 MiB with a MemoryError), as JSON lines on stdout."""
    job = json.loads(sys.stdin.readline())

    def tell(message: dict) -> None:
        print(json.dumps(message), flush=True)

    def listen() -> dict:
        return json.loads(sys.stdin.readline() or "{}")

    try:
        work(job, tell, listen)
    except InputError as exc:
        tell({"error": exc.problem, "input": True, "path": exc.path})
        return 1
    except Exception as exc:  # told to the union, which raises it
        tell({"error": str(exc), "memory": isinstance(exc, MemoryError)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
