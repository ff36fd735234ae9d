"""The triples to publish, read once, and cut into requests.

Chunks never split the triples that share a blank node: a blank node label names the same node
only within one request, so each connected group of blank-node triples travels in one chunk,
and the store's triple count matches the local one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


def read_triples(path: Path):
    """The triples of an RDF file (any syntax :mod:`axiskg.dataset` reads), duplicates removed,
    in a stable order (sorted as N-Triples text), literals as written (the store would send
    ``"5"^^xsd:int`` as ``"5"^^xsd:integer``: :mod:`axiskg.rdfio.literals`)."""
    import pyoxigraph as ox

    from axiskg.dataset import Dataset
    from axiskg.rdfio import literals

    dataset = Dataset()
    dataset.add_file(Path(path), "urn:x-axiskg:publish")
    return sorted({ox.Triple(s, p, o) for s, p, o, _ in literals.written_quads(dataset, dataset)}, key=str)


@dataclass(frozen=True)
class Chunk:
    """Triples sent in one request; ``blank`` when they mention blank nodes."""

    triples: list
    blank: bool


def chunk_triples(triples: Sequence, size: int, blank_size: int | None = None) -> list[Chunk]:
    """``triples`` in chunks of at most ``size`` triples.

    Triples that mention the same blank node (directly or through a chain of blank nodes) form
    a group that is never split, so a chunk exceeds the size when one group does. Without
    ``blank_size`` chunks mix both kinds; with it, plain triples come first in chunks of
    ``size``, then the groups in chunks of ``blank_size``.
    """
    import pyoxigraph as ox

    if size < 1 or (blank_size is not None and blank_size < 1):
        raise ValueError("chunk sizes must be at least 1")
    parent: dict = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            a, b = find(t.subject), find(t.object)
            if a != b:
                parent[a] = b
    plain: list[list] = []
    groups: dict = {}
    for t in triples:
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        if isinstance(node, ox.BlankNode):
            groups.setdefault(find(node), []).append(t)
        else:
            plain.append([t])
    if blank_size is None:
        return _pack(plain + list(groups.values()), size)
    return _pack(plain, size) + _pack(list(groups.values()), blank_size)


def _pack(units: list[list], size: int) -> list[Chunk]:
    """Units (lists of triples that travel together) packed into chunks of at most ``size``."""
    import pyoxigraph as ox

    chunks: list[Chunk] = []
    current: list = []
    blank = False
    for unit in units:
        if current and len(current) + len(unit) > size:
            chunks.append(Chunk(current, blank))
            current, blank = [], False
        current.extend(unit)
        blank = blank or isinstance(unit[0].subject, ox.BlankNode) or isinstance(unit[0].object, ox.BlankNode)
    if current:
        chunks.append(Chunk(current, blank))
    return chunks


def ntriples(triples: Iterable) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
