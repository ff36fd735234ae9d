"""Loading the project (or a user's files) into a pyoxigraph store, one named graph per source:

* ontology files (``ontology/*.ttl``, ``ontology/modules/**``) -> ``<GRAPH_NS>ontology``
* ``data/<name>/**``                                           -> ``<GRAPH_NS><name>``
* files directly in ``data/``                                  -> ``<GRAPH_NS>data``

The default graph stays empty, so **query the union** with
``store.query(q, use_default_graph_as_union=True)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from axiskg import paths
from axiskg.errors import InputError
from axiskg.rdfio.reading import expand_path, load_file
from axiskg.rdfio.sources import data_graph_name
from axiskg.rdfio.terms import to_rdflib
from axiskg.vocab import ONTOLOGY_GRAPH


def load_store(
    root: Path | str | None = None,
    format: str | None = None,
    data: bool = True,
    progress: bool = False,
    inferred: bool = False,
) -> ox.Store:
    """The project's ontology and data in an in-memory store, one named graph per source.

    ``format`` overrides format detection for the data files; ``data=False`` loads only the
    ontology; ``progress=True`` shows a progress bar (files loaded) when stderr is a terminal;
    ``inferred=True`` adds the inferred graph (:mod:`axiskg.inference`), as published: what
    ``build``, ``release``, ``serve`` and ``query`` use (validation and checks see only what
    is asserted).
    Query the union with ``store.query(q, use_default_graph_as_union=True)``.
    """
    root = Path(root) if root is not None else paths.project_root()
    ontology = paths.ontology_files(root)
    if not ontology:
        raise InputError(root / "ontology", "no ontology files (*.ttl) found")
    jobs: list[tuple[Path, str, str | None]] = [(path, ONTOLOGY_GRAPH, None) for path in ontology]
    jobs += [(path, data_graph_name(root, path), format) for path in (paths.data_files(root) if data else ())]
    store = _load(jobs, progress)
    if inferred:
        from axiskg.inference import add_inferred

        add_inferred(store)
    return store


def _load(jobs: list[tuple[Path, str, str | None]], progress: bool) -> ox.Store:
    """A new store with each ``(path, graph, format)`` loaded, in order."""
    from axiskg.progress import bar

    store = ox.Store()
    with bar(len(jobs) if progress else 0, "load", "files") as step:
        for path, graph, fmt in jobs:
            load_file(store, path, graph, fmt)
            step(1)
    return store


def _user_jobs(given: Path | str, format: str | None) -> list[tuple[Path, str, str | None]]:
    return [(path, path.resolve().as_uri(), format) for path in expand_path(Path(given))]


def load_into(store: ox.Store, given: Path | str, format: str | None = None) -> None:
    """A user file, or the RDF files of a folder, each into named graph ``file://<abs path>``."""
    for path, graph, fmt in _user_jobs(given, format):
        load_file(store, path, graph, fmt)


def load_files(files: Iterable[Path | str], format: str | None = None, progress: bool = False) -> ox.Store:
    """Arbitrary user files and folders; each file goes into named graph ``file://<abs path>``.
    ``progress=True`` as for :func:`load_store`."""
    files = [Path(f) for f in files]
    if not files:
        raise InputError(None, "no input files given")
    return _load([job for given in files for job in _user_jobs(given, format)], progress)


def load_shapes(root: Path | str | None = None) -> rdflib.Graph:
    """All shape files of the project as one rdflib Graph."""
    root = Path(root) if root is not None else paths.project_root()
    files = paths.shape_files(root)
    if not files:
        raise InputError(root / "ontology" / "shapes", "no shape files (*.ttl) found")
    store = ox.Store()
    for path in files:
        load_file(store, path, path.resolve().as_uri())
    return to_rdflib(store)
