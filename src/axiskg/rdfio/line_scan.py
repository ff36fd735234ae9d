"""The first line of a file where each of many byte strings occurs, in bounded passes.

Placing validation results (:mod:`axiskg.shacl.locations`) asks, for a few dozen terms, on which
line of a data file each is first written. Reading a million-triple file whole and indexing
every line costs its size again in memory and seconds of Python per pass; here the file is read
in blocks of whole lines (:data:`BLOCK` bytes, more only for a longer line) and all the strings
of a batch are looked for at once by one RE2 automaton (an alternation of literals, matched in
time linear in the block), so a pass costs one read of the file whatever the number of strings
up to :data:`BATCH`, and memory one block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

import re2

from axiskg.errors import InputError
from axiskg.rdfio.inputs import open_input

#: bytes read at a time (a block ends at a line's end, so a longer line makes it longer)
BLOCK = 8 << 20
#: strings looked for in one pass: more make an automaton past RE2's fast (DFA) budget
BATCH = 256


def _bytewise() -> re2.Options:
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    return options


#: RE2 options for a pattern of bytes matched byte by byte (not as UTF-8 characters)
BYTEWISE = _bytewise()
#: the separators after a term written as a subject (Turtle, TriG, N-Triples)
_AFTER = rb"(?:[ \t\r\n;,)\]]|\.(?:[ \t\r\n;,)\]]|$)|$)"
#: a Turtle or SPARQL-style prefix declaration: (prefix, namespace)
_PREFIX = re2.compile(rb"(?im)^[ \t]*(?:@prefix|PREFIX)[ \t]+([\w.-]*):[ \t]*<([^>]*)>")
#: formats that declare no prefixes (nothing to scan for)
_NO_PREFIXES = (".nt", ".nq")


def blocks(path: Path, size: int | None = None) -> Iterator[bytes]:
    """The bytes of ``path`` in blocks of whole lines (:func:`line_blocks`), ``size`` (default
    :data:`BLOCK`) bytes read at a time; the file opened as every input is
    (:func:`axiskg.rdfio.inputs.open_input`: a regular file, else :class:`InputError`)."""
    with open_input(path) as f:
        yield from line_blocks(f, size or BLOCK)


def line_blocks(fh: IO[bytes], size: int) -> Iterator[bytes]:
    """``fh`` read ``size`` bytes at a time, given in blocks of whole lines (a block ends after a
    newline; a longer line makes a longer block; the last block may lack its newline)."""
    rest = b""
    while True:
        data = fh.read(size)
        if not data:
            if rest:
                yield rest
            return
        data = rest + data if rest else data
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        if cut:
            yield data[:cut]


def declared_prefixes(path: Path) -> dict[bytes, bytes]:
    """``namespace -> prefix`` of every prefix declared in ``path`` (empty for N-Triples and
    N-Quads, which declare none, and for an unreadable file)."""
    if path.suffix.lower() in _NO_PREFIXES:
        return {}
    try:
        return {m.group(2): m.group(1) for block in blocks(path) for m in _PREFIX.finditer(block)}
    except (OSError, InputError):
        return {}


def first_lines(path: Path, needles: dict[bytes, str], at_line_start: bool = False) -> dict[str, int]:
    """``key -> line`` (1-based): the first line of ``path`` holding any needle of ``key``
    (``needles`` maps each byte string to the key it stands for). ``at_line_start``: only where
    the needle is the first token of the line, as Turtle and N-Triples write a subject, followed
    by a separator (``<iri> ``, ``ex:a;``, ``ex:a.`` but not ``ex:a.b``). Keys never found are
    absent; an unreadable file finds nothing."""
    found: dict[str, int] = {}
    items = sorted(needles.items())
    for start in range(0, len(items), BATCH):
        _scan(path, dict(items[start : start + BATCH]), at_line_start, found)
    return found


def _scan(path: Path, needles: dict[bytes, str], at_line_start: bool, found: dict[str, int]) -> None:
    wanted = {key for key in needles.values() if key not in found}
    if not wanted:
        return
    # longest first: where one needle starts another (``ex:a``, ``ex:ab``), the alternation takes
    # the first that matches, and the longer one must not be hidden by the shorter
    alternatives = b"|".join(re2.escape(n) for n in sorted(needles, key=len, reverse=True))
    pattern = rb"(?m)^[ \t]*(" + alternatives + rb")" + _AFTER if at_line_start else b"(" + alternatives + b")"
    options = re2.Options()
    options.max_mem = 64 << 20
    options.log_errors = False
    automaton = re2.compile(pattern, options)
    line = 1
    try:
        for block in blocks(path):
            last = 0
            for m in automaton.finditer(block):
                key = needles[m.group(1)]
                if key not in wanted:
                    continue
                line += block.count(b"\n", last, m.start())
                last = m.start()
                found[key] = line
                wanted.discard(key)
                if not wanted:
                    return
            line += block.count(b"\n", last)
    except (OSError, InputError):
        return
