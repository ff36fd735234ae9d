"""A loaded dataset: the one way every command, the server and the Python API get their data.

A :class:`Dataset` owns

* the pyoxigraph store, one named graph per source:

  * ontology files (``ontology/*.ttl``, ``ontology/modules/**``) -> ``<GRAPH_NS>ontology``
  * ``data/<name>/**``                                           -> ``<GRAPH_NS><name>``
  * files directly in ``data/``                                  -> ``<GRAPH_NS>data``
  * a user's file                                               -> ``file://<absolute path>``
  * what :mod:`axiskg.inference` derives                       -> ``<GRAPH_NS>inferred``

* the record of typed literals as the files wrote them (the store rewrites ``"01"^^xsd:integer``
  to ``"1"``; :mod:`axiskg.rdfio.literals`), which belongs to this dataset and to no other;
* where each triple came from: the files loaded into each named graph (:attr:`files`), and
  :meth:`locate`, the file and line where a term is described.

:meth:`Dataset.load` is the constructor: with no paths, the project's ontology and data plus the
inferred graph (what ``query``, ``serve``, ``build`` and ``release`` see; ``inferred=False`` for
what is asserted only, as ``validate`` and ``check`` see it). :meth:`select` runs a SPARQL query
over the union of the graphs. The store's own reading methods (``query``, ``quads_for_pattern``,
``named_graphs``, ``dump``) are offered as they are, so code written for a store reads a dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from axiskg.errors import InputError
from axiskg.paths import data_files, ontology_files, project_root, shape_files
from axiskg.rdfio.literals import AsWritten
from axiskg.rdfio.reading import expand_path, load_file
from axiskg.rdfio.sources import data_graph_name, definition_locator
from axiskg.rdfio.terms import to_rdflib
from axiskg.vocab import ONTOLOGY_GRAPH


class Dataset:
    """A pyoxigraph store with the record of its literals as written and the files of each graph."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self.store = store if store is not None else ox.Store()
        #: the literals the store rewrote, as the files wrote them (:mod:`axiskg.rdfio.literals`)
        self.written = AsWritten()
        #: named graph IRI -> the files loaded into it, in the order they were loaded
        self.files: dict[str, list[Path]] = {}
        #: the project folder the dataset was loaded from (``None``: a user's files only)
        self.root: Path | None = None
        #: whether the inferred graph has been added
        self.inferred = False

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        paths: Iterable[Path | str] | None = None,
        *,
        root: Path | str | None = None,
        inferred: bool = True,
        format: str | None = None,
        data: bool = True,
        progress: bool = False,
    ) -> Dataset:
        """The dataset of ``paths`` (files and folders of a user, each file into named graph
        ``file://<absolute path>``), or with ``paths`` None the project at ``root`` (default:
        this checkout): its ontology and, unless ``data=False``, its data.

        ``inferred`` (the default) adds the inferred graph, as published and as queries see it;
        ``format`` overrides format detection for the data files and the user's files;
        ``progress=True`` shows a progress bar (files loaded) when stderr is a terminal. Every
        problem with an input file is an :class:`~axiskg.errors.InputError` naming it."""
        dataset = cls()
        if paths is None:
            dataset.root = Path(root) if root is not None else project_root()
            jobs = dataset._project_jobs(format, data)
        else:
            given = [Path(p) for p in paths]
            if not given:
                raise InputError(None, "no input files given")
            jobs = [job for path in given for job in _user_jobs(path, format)]
        dataset._load(jobs, progress)
        if inferred:
            dataset.add_inferred()
        return dataset

    def _project_jobs(self, format: str | None, data: bool) -> list[tuple[Path, str, str | None]]:
        assert self.root is not None
        ontology = ontology_files(self.root)
        if not ontology:
            raise InputError(self.root / "ontology", "no ontology files (*.ttl) found")
        jobs: list[tuple[Path, str, str | None]] = [(path, ONTOLOGY_GRAPH, None) for path in ontology]
        if data:
            jobs += [(path, data_graph_name(self.root, path), format) for path in data_files(self.root)]
        return jobs

    def _load(self, jobs: list[tuple[Path, str, str | None]], progress: bool) -> None:
        from axiskg.progress import bar

        with bar(len(jobs) if progress else 0, "load", "files") as step:
            for path, graph, fmt in jobs:
                self.add_file(path, graph, fmt)
                step(1)

    def add_file(self, path: Path, graph: str, format: str | None = None) -> None:
        """Parse one file into named graph ``graph`` (quads keep theirs), recording its literals."""
        load_file(self, Path(path), graph, format)
        self.files.setdefault(graph, []).append(Path(path))

    def add_files(self, given: Path | str, format: str | None = None) -> None:
        """A user's file, or the RDF files of a folder, each into named graph ``file://<abs path>``."""
        for path, graph, fmt in _user_jobs(Path(given), format):
            self.add_file(path, graph, fmt)

    def add_inferred(self) -> int:
        """Add the inferred graph (:mod:`axiskg.inference`); the number of triples added."""
        from axiskg.inference import add_inferred

        added = add_inferred(self)
        self.inferred = True
        return added

    # ------------------------------------------------------------------ reading

    def select(self, sparql: str, **options: Any) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        """Run ``sparql`` over the union of all graphs (asserted, and inferred if added)."""
        options.setdefault("use_default_graph_as_union", True)
        return self.store.query(sparql, **options)

    def locate(self, iri: str) -> str | None:
        """``"file:line"`` (or the file, or the graph) where ``iri`` is described."""
        return definition_locator(self, self.root)(iri)

    def query(self, sparql: str, **options: Any) -> Any:
        """:meth:`pyoxigraph.Store.query` on the store (the default graph is empty: ask for the
        union, or use :meth:`select`)."""
        return self.store.query(sparql, **options)

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any, graph_name: Any = None) -> Any:
        return self.store.quads_for_pattern(subject, predicate, object, graph_name)

    def named_graphs(self) -> Iterator[Any]:
        return iter(self.store.named_graphs())

    def dump(self, *args: Any, **kwargs: Any) -> Any:
        return self.store.dump(*args, **kwargs)

    def add(self, quad: ox.Quad) -> None:
        """Add one quad as it is (no literal is recorded: make it as the store would hold it)."""
        self.store.add(quad)
        self.written.census.pop(getattr(quad.graph_name, "value", ""), None)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        graphs = set()

        def noted() -> Iterator[ox.Quad]:
            for quad in quads:
                graphs.add(getattr(quad.graph_name, "value", ""))
                yield quad

        self.store.extend(noted())
        for graph in graphs:
            self.written.census.pop(graph, None)

    def remove(self, quad: ox.Quad) -> None:
        self.store.remove(quad)

    def remove_graph(self, graph: Any) -> None:
        self.store.remove_graph(graph)

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.store)

    def __contains__(self, quad: object) -> bool:
        return quad in self.store


def _user_jobs(given: Path, format: str | None) -> list[tuple[Path, str, str | None]]:
    return [(path, path.resolve().as_uri(), format) for path in expand_path(given)]


def load_shapes(root: Path | str | None = None) -> rdflib.Graph:
    """All shape files of the project (``ontology/shapes/``) as one rdflib Graph."""
    root = Path(root) if root is not None else project_root()
    files = shape_files(root)
    if not files:
        raise InputError(root / "ontology" / "shapes", "no shape files (*.ttl) found")
    return to_rdflib(Dataset.load(files, inferred=False))


#: what a function that reads RDF takes: a dataset (literals as written), or a bare pyoxigraph
#: store (made some other way: its literals are as the store holds them)
Data = Dataset | ox.Store
