"""rdflib's parsers for the Turtle family, for files with a token over pyoxigraph's 16 MiB cap."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib

from axiskg.errors import InputError
from axiskg.rdfio import literals
from axiskg.rdfio.terms import to_ox

if TYPE_CHECKING:
    from axiskg.dataset import Data

#: formats whose rdflib parsers are pure (no network access), used for tokens over 16 MiB
RDFLIB_FALLBACK = {
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.TRIG: "trig",
}


def load_with_rdflib(dest: Data, path: Path, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
    import warnings

    dataset = rdflib.Dataset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(data=data, format=RDFLIB_FALLBACK[fmt], publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; all mean "cannot parse"
        raise InputError(path, f"syntax error: {exc}") from None

    target = ox.NamedNode(graph)
    literals.add(
        dest,
        (
            ox.Quad(
                to_ox(s),
                to_ox(p),
                to_ox(o),
                target if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else to_ox(g),
            )
            for s, p, o, g in dataset.quads((None, None, None, None))
        ),
        graph,
    )
