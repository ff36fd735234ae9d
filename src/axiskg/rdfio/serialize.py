"""The writers of every RDF file axiskg publishes: build, release, the validation report, the
reasoner's view, query answers.

Everything is written from **canonical N-Triples lines** (:func:`axiskg.rdfio.bnodes.canonical_lines`:
sorted, de-duplicated, blank nodes labelled from their content, or by RDFC-1.0 when they are not
trees), so the same graph always gives the same bytes:

* N-Triples: the lines themselves;
* Turtle and RDF/XML: pyoxigraph's writers, reading the lines in order, declaring the
  :data:`PUBLISHED_PREFIXES` in use (:func:`used_prefixes`); except the Turtle of the small graphs
  :func:`serialize` takes, written by rdflib with nested blank nodes and lists for readers;
* JSON-LD: :mod:`axiskg.rdfio.jsonld_writer`, compacted with the context of
  :mod:`axiskg.rdfio.jsonld_context`, node arrays and values sorted.

:func:`write` takes the lines (the build's path, which never makes an rdflib graph);
:func:`serialize` takes an rdflib graph. Atomic file writes are in :mod:`axiskg.atomic`.
"""

from __future__ import annotations

import io
import re
from typing import IO, Any, cast

import pyoxigraph as ox
import rdflib

from axiskg.rdfio import bnodes
from axiskg.rdfio.formats import WRITTEN
from axiskg.rdfio.jsonld_context import context_of_lines
from axiskg.rdfio.jsonld_writer import jsonld_lines
from axiskg.rdfio.terms import to_ox, triples_to_rdflib
from axiskg.vocab import PUBLISHED_PREFIXES


def used_prefixes(ntriples: bytes | list[bytes], prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """The prefixes of ``prefixes`` (default :data:`PUBLISHED_PREFIXES`) whose namespace starts an
    IRI of the N-Triples ``ntriples`` (one bytes, or a list of them): what a Turtle or TriG
    writer should declare, and no more."""
    prefixes = PUBLISHED_PREFIXES if prefixes is None else prefixes
    wanted = {p: b"<" + ns.encode("utf-8") for p, ns in prefixes.items()}
    found: set[str] = set()
    lines = ntriples if isinstance(ntriples, list) else [ntriples]
    for i in range(0, len(lines), 8192):  # a list holds many short items: search them in blocks
        block = b"".join(lines[i : i + 8192])
        found.update(p for p, needle in wanted.items() if p not in found and needle in block)
        if len(found) == len(wanted):
            break
    return {p: ns for p, ns in prefixes.items() if p in found}


def serialize(graph: rdflib.Graph, fmt: str) -> bytes:
    """``graph`` as bytes in ``fmt`` (one of :data:`axiskg.rdfio.formats.WRITTEN`), deterministically.

    For the small graphs people read (the shapes, VoID, validation reports, the OWL view), Turtle
    is rdflib's: a blank node used once is nested as ``[ ... ]`` and a list is written ``( ... )``,
    where pyoxigraph's writer labels every blank node and spells lists as ``rdf:first`` chains."""
    check_format(fmt)
    lines = bnodes.canonical_lines(ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
    if fmt != "turtle":
        return write(lines, fmt)
    readable = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in used_prefixes(lines).items():
        readable.bind(prefix, ns, override=True, replace=True)
    for triple in triples_to_rdflib(_parse(lines)):
        if getattr(triple[2], "ill_typed", False):
            # rdflib writes an ill-typed literal in its short form from its (missing) value:
            # "aldi"^^xsd:boolean as ``false``; pyoxigraph writes every literal as it is
            return write(lines, "turtle")
        readable.add(triple)
    return readable.serialize(format="turtle", encoding="utf-8")


def check_format(fmt: str) -> None:
    if fmt not in WRITTEN:
        raise ValueError(f"unknown output format {fmt!r}; choose from {', '.join(WRITTEN)}")


def write(lines: list[bytes], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Canonical N-Triples ``lines`` (see :func:`axiskg.rdfio.bnodes.canonical_lines`; an item may
    hold several whole lines) as bytes in ``fmt``, in their order; Turtle and RDF/XML declare
    those of ``prefixes`` (default :data:`PUBLISHED_PREFIXES`) in use."""
    data = write_parts(lines, fmt, prefixes)
    return data if isinstance(data, bytes) else b"".join(data)


def write_parts(lines: list[bytes], fmt: str, prefixes: dict[str, str] | None = None) -> bytes | list[bytes]:
    """:func:`write`, where N-Triples and JSON-LD come as a list of parts (to be written one
    after another; never joined into a second copy)."""
    check_format(fmt)
    if fmt == "ntriples":
        return lines
    if fmt == "jsonld":
        return list(jsonld_lines(lines, context_of_lines(lines, PUBLISHED_PREFIXES)))
    prefixes = used_prefixes(lines, prefixes)
    if fmt == "rdfxml":
        # pyoxigraph writes a carriage return as it is, which an XML parser reads as a line feed
        return (ox.serialize(_parse(lines), format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b"").replace(
            b"\r", b"&#13;"
        )
    turtle = ox.serialize(_parse(lines), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return _unescape_slashes(turtle, prefixes)


def _parse(lines: list[bytes]) -> Any:
    """The triples of ``lines``, parsed as pyoxigraph reads them: a block at a time (the lines
    are never joined into a second copy)."""
    return ox.parse(cast(IO[bytes], _ChunksReader(lines)), format=ox.RdfFormat.N_TRIPLES)


class _ChunksReader(io.RawIOBase):
    """A list of bytes read as one stream (for pyoxigraph's parser), without joining it into a
    second copy."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._blocks = (b"".join(chunks[i : i + 8192]) for i in range(0, len(chunks), 8192))
        self._block = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._block:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._block = memoryview(block)
        n = min(len(buffer), len(self._block))
        buffer[:n] = self._block[:n]
        self._block = self._block[n:]
        return n


#: a string literal (left as it is) or a prefixed name whose local part holds an escaped slash
_LITERAL_OR_SLASHED_NAME = re.compile(
    rb'("(?:[^"\\\n]|\\.)*")'
    rb"|(?<![\w.:-])([A-Za-z][\w.-]*)?:((?:[\w%-]|\.(?=[\w%\\-])|\\\S)*\\/(?:[\w%-]|\.(?=[\w%\\-])|\\\S)*)"
)
_ESCAPE = re.compile(rb"\\(.)")


def _unescape_slashes(turtle: bytes, prefixes: dict[str, str]) -> bytes:
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
