"""Build the distribution: the merged graph in several syntaxes, and the shapes."""

from __future__ import annotations

from pathlib import Path

from axiskg import loading, paths
from axiskg.serialize import FORMATS, atomic_write, serialize

BASENAME = "axiskg"


def build(root: Path | str | None = None, out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write ``axiskg.{ttl,nt,jsonld,rdf}`` (ontology + all data) and ``shapes.ttl`` to ``out_dir``.

    Everything is loaded and serialised in memory first; files are written (each atomically)
    only when all outputs are ready, so a bad input leaves ``out_dir`` untouched.
    Returns ``{"turtle": path, "ntriples": ..., "jsonld": ..., "rdfxml": ..., "shapes": ...}``.
    """
    root = Path(root) if root is not None else paths.project_root()
    out = Path(out_dir) if out_dir is not None else paths.dist_dir(root)
    store = loading.load_store(root)
    shapes = loading.load_shapes(root)
    graph = loading.to_rdflib(store)

    outputs: dict[str, tuple[Path, bytes]] = {}
    for fmt, (_, ext) in FORMATS.items():
        outputs[fmt] = (out / f"{BASENAME}.{ext}", serialize(graph, fmt))
    outputs["shapes"] = (out / "shapes.ttl", serialize(shapes, "turtle"))

    for path, data in outputs.values():
        atomic_write(path, data)
    return {name: path for name, (path, _) in outputs.items()}


def triple_count(path: Path) -> int:
    """Triples in a sorted N-Triples file written by :func:`build` (one per line)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())
