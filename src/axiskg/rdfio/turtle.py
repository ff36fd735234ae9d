"""Turtle from canonical N-Triples lines: the published prefixes in use, pyoxigraph's writer, and
names whose local part holds a slash written as full IRIs.

A large graph's Turtle is written by worker processes (:class:`FileWriting`), each on a range of
whole subjects of the sorted N-Triples file, because pyoxigraph's writer takes Python term objects
made under the GIL, which no thread can share. Each worker streams its range from the file and
to its own file, so none holds the graph; the parts are byte for byte what one writer makes,
since a subject's triples are never split and a name's prefix only depends on the prefixes that
match it, which every part that holds the name declares.

This module imports nothing heavy: each worker starts it with ``python -m``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from axiskg.rdfio.line_scan import line_blocks
from axiskg.vocab import PUBLISHED_PREFIXES

#: an N-Triples file smaller than this is written as Turtle by this process, without workers
PARALLEL_FROM = 16 << 20
#: bytes read at a time
_BLOCK = 1 << 23


def used_prefixes(ntriples: bytes | list[bytes], prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """The prefixes of ``prefixes`` (default :data:`PUBLISHED_PREFIXES`) whose namespace starts an
    IRI of the N-Triples ``ntriples`` (one bytes, or a list of them): what a Turtle or TriG
    writer should declare, and no more."""
    lines = ntriples if isinstance(ntriples, list) else [ntriples]
    return _used((b"".join(lines[i : i + 8192]) for i in range(0, len(lines), 8192)), prefixes)


def _used(blocks: Iterable[bytes], prefixes: dict[str, str] | None = None) -> dict[str, str]:
    prefixes = PUBLISHED_PREFIXES if prefixes is None else prefixes
    wanted = {p: b"<" + ns.encode("utf-8") for p, ns in prefixes.items()}
    found: set[str] = set()
    for block in blocks:  # a list holds many short items: search them in blocks
        found.update(p for p, needle in wanted.items() if p not in found and needle in block)
        if len(found) == len(wanted):
            break
    return {p: ns for p, ns in prefixes.items() if p in found}


def write(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """``triples`` as Turtle declaring ``prefixes``."""
    return unescape_slashes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"", prefixes)


class FileWriting:
    """The Turtle of the sorted N-Triples file ``ntriples`` (declaring the published prefixes in
    use), begun at once: by ``workers`` processes (default: up to two, one per processor) on
    ranges of whole subjects, or, for a small file, by :meth:`parts` in this process. Use it as a
    context manager: leaving it stops the workers and removes their files."""

    def __init__(self, ntriples: Path, workers: int | None = None) -> None:
        self._path = ntriples
        self._size = size = ntriples.stat().st_size
        workers = workers or min(2, os.cpu_count() or 1)
        self._outputs: list[Path] = []
        self._running: list[subprocess.Popen] = []
        if workers < 2 or size < PARALLEL_FROM:
            return
        cuts = [0] + [_subject_start(ntriples, size * k // workers) for k in range(1, workers)] + [size]
        self._outputs = [ntriples.with_name(f"{ntriples.name}.part{k}.ttl") for k in range(workers)]
        for start, end, out in zip(cuts, cuts[1:], self._outputs):
            command = [sys.executable, "-m", __name__, str(ntriples), str(start), str(end), str(out)]
            self._running.append(subprocess.Popen(command, stdout=subprocess.PIPE))

    def parts(self) -> list[bytes]:
        """The Turtle, as parts to be written one after another."""
        if not self._running:
            with open(self._path, "rb") as fh:
                prefixes = _used(line_blocks(_range(fh, 0, self._size), _BLOCK))
                return [write(_parse(fh, 0, self._size), prefixes)]
        used: set[str] = set()
        for worker in self._running:
            answer, _ = worker.communicate()
            told = json.loads(answer or "{}")
            if worker.returncode != 0 or "error" in told:
                error = told.get("error", f"a Turtle worker for {self._path} failed (exit code {worker.returncode})")
                raise MemoryError(error) if told.get("memory") else RuntimeError(error)
            used.update(told["prefixes"])
        prefixes = {p: ns for p, ns in PUBLISHED_PREFIXES.items() if p in used}
        return [_header(prefixes)] + [out.read_bytes() for out in self._outputs]

    def __enter__(self) -> FileWriting:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self._running:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()
        for out in self._outputs:
            out.unlink(missing_ok=True)


def _header(prefixes: dict[str, str]) -> bytes:
    """The ``@prefix`` lines pyoxigraph's writer starts with, for ``prefixes``."""
    dummy = ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))
    return _without_header(write([dummy], prefixes), keep=True)


def _without_header(turtle: bytes, keep: bool = False) -> bytes:
    """``turtle`` less its leading ``@prefix`` lines (``keep``: those lines only)."""
    end = 0
    while turtle.startswith(b"@prefix ", end):
        end = turtle.index(b"\n", end) + 1
    return turtle[:end] if keep else turtle[end:]


def _subject_start(path: Path, position: int) -> int:
    """The offset of the first line at or after ``position`` in sorted N-Triples ``path`` whose
    subject differs from the line's before it (the file's size if none does)."""
    with open(path, "rb") as fh:
        fh.seek(position)
        fh.readline()  # to the start of a line
        last = fh.readline()
        while last:
            at = fh.tell()
            line = fh.readline()
            if not line or line[: line.index(b" ")] != last[: last.index(b" ")]:
                return at
            last = line
        return fh.tell()


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file, read as a stream (for pyoxigraph's parser)."""

    def __init__(self, fh: IO[bytes], start: int, end: int) -> None:
        fh.seek(start)
        self._fh, self._left = fh, end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._fh.read(min(len(buffer), self._left))
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _range(fh: IO[bytes], start: int, end: int) -> IO[bytes]:
    return cast(IO[bytes], _Range(fh, start, end))


def _parse(fh: IO[bytes], start: int, end: int) -> Iterator[ox.Triple]:
    return ox.parse(_range(fh, start, end), format=ox.RdfFormat.N_TRIPLES)


def _work(ntriples: Path, start: int, end: int, out: Path) -> list[str]:
    """A worker of :class:`FileWriting`: the Turtle of bytes ``start`` to ``end`` of ``ntriples``
    into ``out``, without the ``@prefix`` lines; the names of the prefixes it uses."""
    with open(ntriples, "rb") as fh:
        prefixes = _used(line_blocks(_range(fh, start, end), _BLOCK))
        out.write_bytes(_without_header(write(_parse(fh, start, end), prefixes)))
    return list(prefixes)


#: a string literal (left as it is) or a prefixed name whose local part holds an escaped slash
_LITERAL_OR_SLASHED_NAME = re.compile(
    rb'("(?:[^"\\\n]|\\.)*")'
    rb"|(?<![\w.:-])([A-Za-z][\w.-]*)?:((?:[\w%-]|\.(?=[\w%\\-])|\\\S)*\\/(?:[\w%-]|\.(?=[\w%\\-])|\\\S)*)"
)
_ESCAPE = re.compile(rb"\\(.)")


def unescape_slashes(turtle: bytes, prefixes: dict[str, str]) -> bytes:
    """pyoxigraph writes a name whose local part holds ``/`` as ``claim:p1\\/evidence\\/quote``
    (valid, but no reader wants it): such names become full IRIs (``<...p1/evidence/quote>``)."""

    def full(match: re.Match) -> bytes:
        if match.group(1) is not None:
            return match.group(0)
        namespace = prefixes.get((match.group(2) or b"").decode("utf-8"))
        if namespace is None:
            return match.group(0)
        return b"<" + namespace.encode("utf-8") + _ESCAPE.sub(rb"\1", match.group(3)) + b">"

    # only the few lines holding ``\/`` go through the regular expression (pyoxigraph writes
    # no line break inside a literal, so a line is a unit)
    out: list[bytes] = []
    done = 0
    at = turtle.find(b"\\/")
    while at >= 0:
        start = turtle.rfind(b"\n", 0, at) + 1
        end = turtle.find(b"\n", at)
        end = len(turtle) if end < 0 else end
        out += (turtle[done:start], _LITERAL_OR_SLASHED_NAME.sub(full, turtle[start:end]))
        done = end
        at = turtle.find(b"\\/", end)
    if not out:
        return turtle
    out.append(turtle[done:])
    return b"".join(out)


def _main(args: list[str]) -> int:
    """A worker: ``FILE START END OUT``; tells :class:`FileWriting` the prefixes it used, or its
    error (pyoxigraph's writer refuses a value over 16 MiB with a MemoryError), on stdout."""
    try:
        told: dict = {"prefixes": _work(Path(args[0]), int(args[1]), int(args[2]), Path(args[3]))}
    except Exception as exc:  # told to the parent, which raises it
        told = {"error": str(exc), "memory": isinstance(exc, MemoryError)}
    print(json.dumps(told))
    return 0 if "prefixes" in told else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
