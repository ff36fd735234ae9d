"""The writers of every RDF file axiskg publishes: build, release, the validation report, the
reasoner's view, query answers.

Everything is written from **canonical N-Triples lines** (:func:`axiskg.rdfio.bnodes.canonical_lines`:
sorted, de-duplicated, blank nodes labelled from their content, or by RDFC-1.0 when they are not
trees), so the same graph always gives the same bytes:

* N-Triples: the lines themselves;
* Turtle and RDF/XML: pyoxigraph's writers, reading the lines in order, declaring the
  :data:`PUBLISHED_PREFIXES` in use (:mod:`axiskg.rdfio.turtle`); except the Turtle of the small graphs
  :func:`serialize` takes, written by rdflib with nested blank nodes and lists for readers;
* JSON-LD: :mod:`axiskg.rdfio.jsonld_writer`, compacted with the context of
  :mod:`axiskg.rdfio.jsonld_context`, node arrays and values sorted.

:func:`write` takes the lines (the build's path, which never makes an rdflib graph);
:func:`serialize` takes an rdflib graph. Atomic file writes are in :mod:`axiskg.atomic`.
"""

from __future__ import annotations

import io
from typing import IO, Any, cast

import pyoxigraph as ox
import rdflib

from axiskg.rdfio import bnodes, turtle
from axiskg.rdfio.formats import WRITTEN
from axiskg.rdfio.jsonld_context import context_of_lines
from axiskg.rdfio.jsonld_writer import jsonld_lines
from axiskg.rdfio.terms import to_ox, triples_to_rdflib
from axiskg.rdfio.turtle import used_prefixes
from axiskg.vocab import PUBLISHED_PREFIXES


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
    """Canonical N-Triples ``lines`` (see :func:`axiskg.rdfio.bnodes.canonical_lines`; one line
    per item, as the JSON-LD writer reads them) as bytes in ``fmt``, in their order; Turtle and RDF/XML declare
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
    return turtle.write(_parse(lines), prefixes)


def _parse(lines: list[bytes]) -> Any:
    """The triples of ``lines``, parsed as pyoxigraph reads them: a block at a time (the lines
    are never joined into a second copy)."""
    return ox.parse(cast(IO[bytes], _ChunksReader(lines)), format=ox.RdfFormat.N_TRIPLES, lenient=True)


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
