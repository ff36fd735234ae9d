"""Build the distribution: the merged graph in several syntaxes, and the shapes."""

from __future__ import annotations

from pathlib import Path

from axiskg import bnodes, loading, paths
from axiskg.errors import InputError
from axiskg.serialize import (FAST_FORMATS, FORMATS, atomic_write, serialize, serialize_ntriples_as,
                              serialize_triples)

BASENAME = "axiskg"


def build(root: Path | str | None = None, out_dir: Path | str | None = None,
          formats: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write ``axiskg.{ttl,nt,jsonld,rdf}`` (ontology + all data) and ``shapes.ttl`` to ``out_dir``.

    Everything is loaded and serialised in memory first; files are written (each atomically)
    only when all outputs are ready, so a bad input leaves ``out_dir`` untouched.
    ``formats`` limits the graph outputs (default: all of :data:`FORMATS`).
    Returns ``{"turtle": path, "ntriples": ..., "jsonld": ..., "rdfxml": ..., "shapes": ...}``.

    Blank nodes get labels from :func:`axiskg.bnodes.stable_labels` (linear time); N-Triples and
    Turtle are written by pyoxigraph (sorted N-Triples lines; Turtle streamed from them), never
    through rdflib. JSON-LD and RDF/XML go through rdflib.
    """
    root = Path(root) if root is not None else paths.project_root()
    out = Path(out_dir) if out_dir is not None else paths.dist_dir(root)
    formats = tuple(formats) if formats else tuple(FORMATS)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(None, f"unknown output format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    ntriples = _sorted_ntriples(loading.load_store(root))  # the store is freed inside
    shapes = loading.load_shapes(root)

    outputs: dict[str, tuple[Path, bytes]] = {}
    if ntriples is None:  # blank nodes that are not trees: full canonicalisation through rdflib
        graph = loading.to_rdflib(loading.load_store(root))
        for fmt in formats:
            outputs[fmt] = (out / f"{BASENAME}.{FORMATS[fmt][1]}", serialize(graph, fmt))
    else:
        graph = None
        for fmt in formats:
            if fmt in FAST_FORMATS:
                data = ntriples if fmt == "ntriples" else serialize_ntriples_as(ntriples, fmt)
            else:
                if graph is None:
                    graph = loading.triples_to_rdflib(loading.parse_ntriples(ntriples))
                data = serialize(graph, fmt, canonical=False)
            outputs[fmt] = (out / f"{BASENAME}.{FORMATS[fmt][1]}", data)
    outputs["shapes"] = (out / "shapes.ttl", serialize(shapes, "turtle"))

    for path, data in outputs.values():
        atomic_write(path, data)
    return {name: path for name, (path, _) in outputs.items()}


def _sorted_ntriples(store) -> bytes | None:
    """The union of ``store``'s graphs as sorted, de-duplicated N-Triples with stable blank-node
    labels; ``None`` if its blank nodes are not trees. Only the triples with a blank node become
    Python objects; the rest go from the store to N-Triples bytes inside pyoxigraph."""
    plain, blank = loading.union_triples(store)
    del store
    relabelled = bnodes.stable_labels(blank)
    if relabelled is None:
        return None
    lines = plain.splitlines(keepends=True)
    del plain
    lines += serialize_triples(relabelled, "ntriples").splitlines(keepends=True)
    del blank, relabelled
    lines.sort()
    previous = None
    unique = []
    for line in lines:
        if line != previous:
            unique.append(line)
            previous = line
    del lines
    return b"".join(unique)


def triple_count(path: Path) -> int:
    """Triples in a sorted N-Triples file written by :func:`build` (one per line)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())
