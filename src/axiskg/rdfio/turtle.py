"""Turtle from canonical N-Triples lines: the published prefixes in use, pyoxigraph's writer, and
names whose local part holds a slash written as full IRIs.

A large graph's Turtle is written in parts, one per range of whole subjects
(:mod:`axiskg.rdfio.sorted_union`): the parts, after one :func:`header`, are byte for byte what
one writer makes, since a name's prefix only depends on the prefixes that match it, which every
part that holds the name declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
import re2

from axiskg.rdfio.line_scan import BYTEWISE
from axiskg.vocab import PUBLISHED_PREFIXES


def used_prefixes(ntriples: bytes | list[bytes], prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """The prefixes of ``prefixes`` (default :data:`PUBLISHED_PREFIXES`) whose namespace starts an
    IRI of the N-Triples ``ntriples`` (one bytes, or a list of them): what a Turtle or TriG
    writer should declare, and no more."""
    lines = ntriples if isinstance(ntriples, list) else [ntriples]
    return prefixes_in((b"".join(lines[i : i + 8192]) for i in range(0, len(lines), 8192)), prefixes)


def prefixes_in(blocks: Iterable[bytes], prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """:func:`used_prefixes` of N-Triples read in ``blocks`` (each of whole lines)."""
    prefixes = PUBLISHED_PREFIXES if prefixes is None else prefixes
    wanted: dict[bytes, set[str]] = {}  # needle -> the prefixes of that namespace
    for p, ns in prefixes.items():
        wanted.setdefault(b"<" + ns.encode("utf-8"), set()).add(p)
    found: set[str] = set()
    missing = _any_of(wanted)
    for block in blocks:  # a list holds many short items: search them in blocks
        at = 0
        while wanted:
            # every namespace still missing, in one pass (RE2: linear in the block); where two
            # match at one place (one namespace starts another), the next search finds the other
            match = missing.search(block, at)
            if match is None:
                break
            found |= wanted.pop(match.group())
            missing = _any_of(wanted)
            at = match.start()
        if not wanted:
            break
    return {p: ns for p, ns in prefixes.items() if p in found}


def _any_of(needles: Iterable[bytes]) -> re2._Regexp:
    """A pattern matching any of ``needles`` (byte strings), byte by byte."""
    return re2.compile(b"|".join(re.escape(n) for n in needles) or rb"[^\x00-\xff]", BYTEWISE)  # (none: no byte)


def write(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """``triples`` as Turtle declaring ``prefixes``."""
    return unescape_slashes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"", prefixes)


def header(prefixes: dict[str, str]) -> bytes:
    """The ``@prefix`` lines pyoxigraph's writer starts with, for ``prefixes``."""
    dummy = ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))
    return without_header(write([dummy], prefixes), keep=True)


def without_header(turtle: bytes, keep: bool = False) -> bytes:
    """``turtle`` less its leading ``@prefix`` lines (``keep``: those lines only)."""
    end = 0
    while turtle.startswith(b"@prefix ", end):
        end = turtle.index(b"\n", end) + 1
    return turtle[:end] if keep else turtle[end:]


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
