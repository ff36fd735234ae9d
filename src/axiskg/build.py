"""Build the distribution: the merged graph in several syntaxes, and the shapes."""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from axiskg import inference, paths
from axiskg.atomic import atomic_write, new_temp, remove_quietly, sync_temp, write_temp
from axiskg.dataset import Data, Dataset, load_shapes
from axiskg.errors import InputError
from axiskg.gate import refuse_violations
from axiskg.memory import release_freed_memory, return_big_blocks
from axiskg.rdfio import literals, sorted_union
from axiskg.rdfio.formats import FORMATS, WRITTEN
from axiskg.rdfio.literal_checks import refuse_bad_literals
from axiskg.rdfio.serialize import serialize, write_parts
from axiskg.rdfio.terms import spill_graphs
from axiskg.vocab import ONTOLOGY_GRAPH, ONTOLOGY_IRI, OWL

log = logging.getLogger(__name__)

BASENAME = "axiskg"


def file_name(output: str) -> str:
    """The file an output of :func:`render` is written to: ``axiskg.ttl`` ..., ``shapes.ttl``."""
    return "shapes.ttl" if output == "shapes" else f"{BASENAME}{FORMATS[output].extension}"


def version_iri(version: str) -> str:
    return f"{ONTOLOGY_IRI}/{version}"


def stamp_version(store, version: str) -> None:
    """Set the ontology's ``owl:versionIRI`` / ``owl:versionInfo`` to ``version`` (in place)."""
    owl = OWL
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    subject = ox.NamedNode(ONTOLOGY_IRI)
    for prop in ("versionIRI", "versionInfo"):
        for quad in list(store.quads_for_pattern(subject, ox.NamedNode(owl + prop), None, graph)):
            store.remove(quad)
    store.add(ox.Quad(subject, ox.NamedNode(owl + "versionIRI"), ox.NamedNode(version_iri(version)), graph))
    store.add(ox.Quad(subject, ox.NamedNode(owl + "versionInfo"), ox.Literal(version), graph))


def published_store(
    root: Path | str | None = None,
    version: str | None = None,
    progress: bool = False,
    include_drafts: bool = False,
    validate: bool = False,
):
    """What ``build`` and ``release`` publish (:func:`_asserted`), with the inferred graph
    (:mod:`axiskg.inference`) added to the store."""
    root = Path(root) if root is not None else paths.project_root()
    store = _asserted(root, version, progress, include_drafts, validate)
    # ill-typed literals, and characters RDF/XML cannot carry (U+0000): exit 2, nothing written
    refuse_bad_literals(store, root, xml=True)
    store.add_inferred()
    return store


def _asserted(root: Path, version: str | None, progress: bool, include_drafts: bool, validate: bool) -> Dataset:
    """The ontology and all data (one named graph per source) less the claims not to publish
    (draft claims unless ``include_drafts``, rejected ones always:
    :func:`axiskg.ingest.curation.drop_unpublished`), the ontology's version set to ``version``
    (default: the package version). With ``validate``, the project as loaded must pass the gate
    (:func:`axiskg.gate.refuse_violations`: :class:`~axiskg.gate.Refused` otherwise). Its
    literals are still to be checked."""
    from axiskg import __version__
    from axiskg.ingest.curation import drop_unpublished

    store = Dataset.load(root=root, progress=progress, inferred=False)
    if validate:
        refuse_violations(store, root)
    drop_unpublished(store, include_drafts)
    stamp_version(store, version or __version__)
    return store


def render(
    root: Path | str | None = None,
    formats: tuple[str, ...] | None = None,
    progress: bool = False,
    version: str | None = None,
    while_writing=None,
    counts: dict[str, int] | None = None,
    include_drafts: bool = False,
    validate: bool = False,
    temp_for=None,
) -> dict[str, bytes]:
    """The graph files of :func:`build` in memory: ``{format: data}`` for each of ``formats``
    (default all of :data:`axiskg.rdfio.formats.WRITTEN`), plus ``"shapes"``, as bytes.
    ``release`` writes the same bytes.

    ``while_writing(format, data)`` (if given) takes each graph output as soon as it is made,
    ``data`` being bytes, a list of bytes to write one after another, or an open file to copy
    (:func:`~axiskg.atomic.write_temp`; e.g. to a temp file, meanwhile), and the result keeps
    none of them (their values are empty): so that only one output at a time is held in memory.
    ``counts`` (if given) receives the graph's triple counts (asserted, inferred, total) as
    published, from the lines.
    ``validate``: refuse (:class:`~axiskg.gate.Refused`) a project with an ``sh:Violation``,
    validating the dataset loaded to be published.
    ``temp_for(format)`` (if given) gives a new temp file for the N-Triples and for the Turtle:
    they are written in place there (and are not in the result), for the caller to move into
    place (:func:`build`: next to their targets, so that nothing is copied); ``while_writing``
    is given that file's path as soon as it is complete."""
    root = Path(root) if root is not None else paths.project_root()
    formats = tuple(formats) if formats else WRITTEN
    unknown = [f for f in formats if f not in WRITTEN]
    if unknown:
        raise InputError(None, f"unknown output format {unknown[0]!r}; choose from {', '.join(WRITTEN)}")
    outputs: dict[str, bytes] = dict.fromkeys(formats, b"")

    def give(fmt: str, data: bytes | list[bytes] | BinaryIO) -> None:
        if while_writing is None:
            if not isinstance(data, (bytes, list)):
                with data:
                    data = data.read()
            outputs[fmt] = data if isinstance(data, bytes) else b"".join(data)
        else:
            while_writing(fmt, data)

    in_place: dict[str, Path] = {}  # (made once the inputs passed: a bad one leaves no file)
    with tempfile.TemporaryDirectory(prefix="axiskg-build-") as folder, _workers(root) as workers:
        published = _published_union(
            root, version, progress, include_drafts, validate, Path(folder), formats, workers, in_place, temp_for
        )
        with published as union:
            told = union.counts()
            if counts is not None:  # the lines are the distinct triples; none of the inferred ones is asserted
                counts.update(total=told.lines, inferred=told.inferred, asserted=told.lines - told.inferred)
            if "jsonld" in formats or "rdfxml" in formats:
                lines = union.lines()
                for fmt in formats:
                    if fmt in ("jsonld", "rdfxml"):
                        give(fmt, write_parts(lines, fmt))
                del lines
                release_freed_memory()
            for fmt, made in (("ntriples", union.ntriples), ("turtle", union.turtle)):
                if fmt in formats:
                    path = made()
                    if fmt not in in_place:
                        give(fmt, open(path, "rb"))
                    elif while_writing is not None:
                        while_writing(fmt, path)  # (complete: to be synced meanwhile)
    outputs["shapes"] = serialize(load_shapes(root), "turtle")
    return outputs


def _workers(root: Path) -> sorted_union.Workers | contextlib.nullcontext:
    """The workers of the sorted union, started before the load (on the processor it leaves
    idle) when the project's files are large enough for them to be needed."""
    try:
        size = sum(p.stat().st_size for p in paths.ontology_files(root) + paths.data_files(root))
    except OSError:  # (the load names the file and the problem)
        return contextlib.nullcontext()
    return sorted_union.Workers() if size >= sorted_union.PARALLEL_FROM // 4 else contextlib.nullcontext()


def _published_union(
    root: Path,
    version: str | None,
    progress: bool,
    include_drafts: bool,
    validate: bool,
    folder: Path,
    formats: tuple[str, ...],
    workers: sorted_union.Workers | None,
    in_place: dict[str, Path],
    temp_for,
) -> sorted_union.Union:
    """The :class:`~axiskg.rdfio.sorted_union.Union` of what :func:`published_store` holds,
    begun (by ``workers``, if given) once the store is freed: each graph dumped to N-Triples in
    ``folder``, with the lines to put back as its literals were written. With ``temp_for`` (see
    :func:`render`), the N-Triples and Turtle are written in place, in the files it gives, which
    are put in ``in_place``.

    The inferred graph is never added to the store (it would add half the store's memory): its
    lines are the answers of the inference queries, written by pyoxigraph to files, on another
    thread, while this one checks the literals, records those of the inferred copies as written,
    dumps the graphs and then answers the queries that thread has not begun (pyoxigraph releases
    the GIL while it answers and dumps)."""
    store = _asserted(root, version, progress, include_drafts, validate)
    return_big_blocks()  # the answers', once freed, are not kept in the query thread's heap
    graph = ox.NamedNode(inference.INFERRED_GRAPH)
    answers = _Answers(store, folder)
    with ThreadPoolExecutor(1) as pool:
        answered = pool.submit(answers.give, store)
        # ill-typed literals, and characters RDF/XML cannot carry (U+0000): exit 2, nothing written
        refuse_bad_literals(store, root, xml=True)
        inference.record_copies(store, graph)
        dumps = spill_graphs(store, folder)
        swaps = literals.line_swaps(store)
        answers.give(store)  # (the queries not yet begun)
        answered.result()
    del store
    release_freed_memory()  # the store's pages, before the lines are made
    graphs = [sorted_union.Graph(path, swaps.get(g)) for g, path in dumps]
    graphs += [sorted_union.Graph(path, swaps.get(graph), inferred=True) for path in answers.files]
    if temp_for is not None:  # (the outputs written in place, into ``in_place``)
        in_place.update({fmt: Path(temp_for(fmt)) for fmt in ("ntriples", "turtle") if fmt in formats})
    return sorted_union.Union(
        graphs, folder, turtle="turtle" in formats, workers=workers, outputs=in_place, remove_read=True
    )


class _Answers:
    """The inference queries of ``store``, each answered into a file of ``folder`` by whichever
    thread calls :meth:`give` first (each query once)."""

    def __init__(self, store: Data, folder: Path) -> None:
        queries = inference.queries(store)
        self.files = [folder / f"inferred-{n}.nt" for n in range(len(queries))]
        self.waiting = collections.deque(zip(queries, self.files))

    def give(self, store: Data) -> None:
        """Answer the queries no thread has begun, one after another (the store is not kept:
        it is freed as soon as the caller lets it go)."""
        while True:
            try:
                query, path = self.waiting.popleft()  # (atomic: two threads never take one query)
            except IndexError:
                return
            inference.answer_into(store, query, path)


def build(
    root: Path | str | None = None,
    out_dir: Path | str | None = None,
    formats: tuple[str, ...] | None = None,
    progress: bool = False,
    counts: dict[str, int] | None = None,
    include_drafts: bool = False,
    validate: bool = False,
) -> dict[str, Path]:
    """Write ``axiskg.{ttl,nt,jsonld,rdf}`` (:func:`published_store`: ontology, all data and the
    inferred graph) and ``shapes.ttl`` to ``out_dir``.

    Everything is loaded and serialised first; each graph output goes to a hidden temp file as
    soon as it is made (so that one at a time is held in memory), and all are moved into place
    only when all are ready, so a bad input leaves ``out_dir`` untouched (the temp files are
    removed).
    ``formats`` limits the graph outputs (default: all of :data:`axiskg.rdfio.formats.WRITTEN`); ``progress=True``
    shows the load's progress bar on a terminal.
    Returns ``{"turtle": path, "ntriples": ..., "jsonld": ..., "rdfxml": ..., "shapes": ...}``;
    ``counts`` (if given) receives the graph's triple counts (:func:`render`); ``validate``:
    nothing is written for a project with an ``sh:Violation`` (:class:`~axiskg.gate.Refused`).

    Blank nodes get labels from :func:`axiskg.rdfio.bnodes.canonical_blank_lines` (linear time
    for trees, on N-Triples lines); every format is written from the sorted lines (:func:`axiskg.rdfio.serialize.write`).
    """
    out = Path(out_dir) if out_dir is not None else paths.dist_dir(root)
    made_out = not out.exists()
    early: dict[str, _EarlyWrite] = {}
    temps: list[str] = []  # the outputs written in place (moved into place by early's commit)

    def temp_for(fmt: str) -> str:
        temps.append(new_temp(out / file_name(fmt)))
        return temps[-1]

    try:
        rendered = render(
            root,
            formats,
            progress,
            while_writing=lambda fmt, data: early.setdefault(fmt, _EarlyWrite(out / file_name(fmt), data)),
            counts=counts,
            include_drafts=include_drafts,
            validate=validate,
            temp_for=temp_for,
        )
        written = {}
        for name, data in rendered.items():
            path = out / file_name(name)
            if name in early:
                early.pop(name).commit()
                log.info("wrote %s", path)
            else:
                atomic_write(path, data)
            written[name] = path
        temps.clear()
    finally:
        for pending in early.values():
            pending.abort()
        for tmp in temps:
            remove_quietly(tmp)
        if made_out and temps:  # a failed build leaves no empty output folder either
            with contextlib.suppress(OSError):
                out.rmdir()
    return written


class _EarlyWrite:
    """``data`` written to a temp file next to ``path`` (or, a temp file already written in place,
    synced) by a thread; :meth:`commit` moves it
    into place (as :func:`~axiskg.atomic.atomic_write` would), :meth:`abort` removes it."""

    def __init__(self, path: Path, data: bytes | list[bytes] | BinaryIO | Path) -> None:
        import threading

        self._path = path
        self._tmp: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, args=(data,), daemon=True)
        self._thread.start()

    def _write(self, data: bytes | list[bytes] | BinaryIO | Path) -> None:
        try:  # (a Path: a temp file next to ``path``, written in place)
            self._tmp = sync_temp(data) if isinstance(data, Path) else write_temp(self._path, data)
        except BaseException as exc:  # re-raised by commit()
            self._error = exc

    def commit(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._tmp is not None:
            os.replace(self._tmp, self._path)
            self._tmp = None

    def abort(self) -> None:
        self._thread.join()
        if self._tmp is not None:
            remove_quietly(self._tmp)


def triple_count(path: Path) -> int:
    """Triples in a sorted N-Triples file written by :func:`build` (one per line)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())
