"""Build the distribution: the merged graph in several syntaxes, and the shapes."""

from __future__ import annotations

from pathlib import Path

from axiskg import bnodes, loading, paths
from axiskg.errors import InputError
from axiskg.serialize import FAST_FORMATS, FORMATS, atomic_write, serialize, serialize_triples

BASENAME = "axiskg"


def build(root: Path | str | None = None, out_dir: Path | str | None = None,
          formats: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write ``axiskg.{ttl,nt,jsonld,rdf}`` (ontology + all data) and ``shapes.ttl`` to ``out_dir``.

    Everything is loaded and serialised in memory first; files are written (each atomically)
    only when all outputs are ready, so a bad input leaves ``out_dir`` untouched.
    ``formats`` limits the graph outputs (default: all of :data:`FORMATS`).
    Returns ``{"turtle": path, "ntriples": ..., "jsonld": ..., "rdfxml": ..., "shapes": ...}``.

    Blank nodes get labels from :func:`axiskg.bnodes.stable_labels` (linear time); N-Triples and
    Turtle are written by pyoxigraph from the sorted triples, never through rdflib, so a large
    graph builds in about the time it takes to parse. JSON-LD and RDF/XML go through rdflib.
    """
    root = Path(root) if root is not None else paths.project_root()
    out = Path(out_dir) if out_dir is not None else paths.dist_dir(root)
    formats = tuple(formats) if formats else tuple(FORMATS)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(None, f"unknown output format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    store = loading.load_store(root)
    shapes = loading.load_shapes(root)
    triples = bnodes.stable_labels({q.triple for q in store})
    del store

    outputs: dict[str, tuple[Path, bytes]] = {}
    if triples is None:  # blank nodes that are not trees: full canonicalisation through rdflib
        graph = loading.to_rdflib(loading.load_store(root))
        for fmt in formats:
            outputs[fmt] = (out / f"{BASENAME}.{FORMATS[fmt][1]}", serialize(graph, fmt))
    else:
        triples.sort(key=str)
        graph = None
        for fmt in formats:
            if fmt in FAST_FORMATS:
                data = serialize_triples(triples, fmt)
            else:
                if graph is None:
                    graph = loading.triples_to_rdflib(triples)
                data = serialize(graph, fmt, canonical=False)
            outputs[fmt] = (out / f"{BASENAME}.{FORMATS[fmt][1]}", data)
    outputs["shapes"] = (out / "shapes.ttl", serialize(shapes, "turtle"))

    for path, data in outputs.values():
        atomic_write(path, data)
    return {name: path for name, (path, _) in outputs.items()}


def triple_count(path: Path) -> int:
    """Triples in a sorted N-Triples file written by :func:`build` (one per line)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())
