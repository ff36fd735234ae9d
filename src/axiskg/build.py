"""Build the distribution: the merged graph in several syntaxes, and the shapes."""

from __future__ import annotations

import itertools
import logging
import operator
import os
from pathlib import Path

from axiskg import bnodes, loading, paths
from axiskg.errors import InputError
from axiskg.serialize import (
    FAST_FORMATS,
    FORMATS,
    Forked,
    atomic_write,
    canonical_graph,
    remove_quietly,
    serialize,
    serialize_ntriples_as,
    write_temp,
)

BASENAME = "axiskg"
ONTOLOGY_IRI = "https://w3id.org/axiskg/ontology"


def version_iri(version: str) -> str:
    return f"{ONTOLOGY_IRI}/{version}"


def stamp_version(store, version: str) -> None:
    """Set the ontology's ``owl:versionIRI`` / ``owl:versionInfo`` to ``version`` (in place)."""
    import pyoxigraph as ox

    owl = "http://www.w3.org/2002/07/owl#"
    graph = ox.NamedNode(loading.ONTOLOGY_GRAPH)
    subject = ox.NamedNode(ONTOLOGY_IRI)
    for prop in ("versionIRI", "versionInfo"):
        for quad in list(store.quads_for_pattern(subject, ox.NamedNode(owl + prop), None, graph)):
            store.remove(quad)
    store.add(ox.Quad(subject, ox.NamedNode(owl + "versionIRI"), ox.NamedNode(version_iri(version)), graph))
    store.add(ox.Quad(subject, ox.NamedNode(owl + "versionInfo"), ox.Literal(version), graph))


def published_store(root: Path | str | None = None, version: str | None = None, progress: bool = False):
    """What ``build`` and ``release`` publish: the ontology and all data (one named graph per
    source; ill-typed literals refused), the ontology's version set to ``version`` (default: the
    package version), and the inferred graph (:mod:`axiskg.inference`)."""
    from axiskg import __version__
    from axiskg.inference import add_inferred

    root = Path(root) if root is not None else paths.project_root()
    store = loading.load_store(root, progress=progress)
    # ill-typed literals, and characters RDF/XML cannot carry (U+0000): exit 2, nothing written
    loading.refuse_bad_literals(store, root, xml=True)
    add_inferred(store)
    stamp_version(store, version or __version__)
    return store


def render(root: Path | str | None = None, formats: tuple[str, ...] | None = None, progress: bool = False,
           version: str | None = None, while_turtle=None) -> dict[str, bytes | list[bytes]]:
    """The graph files of :func:`build` in memory: ``{format: data}`` for each of ``formats``
    (default all of :data:`FORMATS`), plus ``"shapes"``. ``data`` is bytes, or for N-Triples a
    list of bytes each holding whole lines. ``release`` writes the same bytes.

    ``while_turtle(ntriples)`` (if given) is called while the Turtle is written (e.g. to start
    writing the N-Triples)."""
    root = Path(root) if root is not None else paths.project_root()
    formats = tuple(formats) if formats else tuple(FORMATS)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(None, f"unknown output format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    # the store is freed inside; the shapes are loaded and written while blank nodes are labelled
    ntriples, shapes_ttl = _sorted_ntriples(
        published_store(root, version, progress), lambda: serialize(loading.load_shapes(root), "turtle"))
    graph = None
    if ntriples is None:  # blank nodes that are not trees: full canonicalisation through rdflib
        graph = canonical_graph(loading.to_rdflib(published_store(root, version)))
        ntriples = serialize(graph, "ntriples", canonical=False)
    outputs: dict[str, bytes | list[bytes]] = {}
    for fmt in formats:
        if fmt == "ntriples":
            data = ntriples
        elif fmt in FAST_FORMATS:  # Turtle, streamed from the sorted N-Triples by pyoxigraph
            start = (lambda: while_turtle(ntriples)) if while_turtle and "ntriples" in formats else None
            data = serialize_ntriples_as(ntriples, fmt, meanwhile=start)
        else:
            if graph is None:
                joined = ntriples if isinstance(ntriples, bytes) else b"".join(ntriples)
                graph = loading.triples_to_rdflib(loading.parse_ntriples(joined))
            data = serialize(graph, fmt, canonical=False)
        outputs[fmt] = data
    outputs["shapes"] = shapes_ttl
    return outputs

log = logging.getLogger(__name__)


def build(root: Path | str | None = None, out_dir: Path | str | None = None,
          formats: tuple[str, ...] | None = None, progress: bool = False) -> dict[str, Path]:
    """Write ``axiskg.{ttl,nt,jsonld,rdf}`` (:func:`published_store`: ontology, all data and the
    inferred graph) and ``shapes.ttl`` to ``out_dir``.

    Everything is loaded and serialised in memory first; files are written (each atomically)
    only when all outputs are ready, so a bad input leaves ``out_dir`` untouched (the
    N-Triples may go to a hidden temp file while the Turtle is made; it is moved into place
    with the others, or removed).
    ``formats`` limits the graph outputs (default: all of :data:`FORMATS`); ``progress=True``
    shows the load's progress bar on a terminal.
    Returns ``{"turtle": path, "ntriples": ..., "jsonld": ..., "rdfxml": ..., "shapes": ...}``.

    Blank nodes get labels from :func:`axiskg.bnodes.stable_label_lines` (linear time, on
    N-Triples lines); N-Triples and Turtle are written by pyoxigraph (sorted N-Triples lines;
    Turtle streamed from them), never through rdflib. JSON-LD and RDF/XML go through rdflib.
    At scale the labelling and half of the Turtle run in a forked process (see
    :class:`axiskg.serialize.Forked`); the bytes are the same either way.
    """
    out = Path(out_dir) if out_dir is not None else paths.dist_dir(root)
    nt_path = out / f"{BASENAME}.{FORMATS['ntriples'][1]}"
    early: dict[str, _EarlyWrite] = {}
    try:
        rendered = render(root, formats, progress,
                          while_turtle=lambda nt: early.setdefault("ntriples", _EarlyWrite(nt_path, nt)))
        written = {}
        for name, data in rendered.items():
            path = out / ("shapes.ttl" if name == "shapes" else f"{BASENAME}.{FORMATS[name][1]}")
            if name in early:
                early.pop(name).commit()
                log.info("wrote %s", path)
            else:
                atomic_write(path, data)
            written[name] = path
    finally:
        for pending in early.values():
            pending.abort()
    return written


class _EarlyWrite:
    """``data`` written to a temp file next to ``path`` by a thread; :meth:`commit` moves it
    into place (as :func:`~axiskg.serialize.atomic_write` would), :meth:`abort` removes it."""

    def __init__(self, path: Path, data: bytes | list[bytes]) -> None:
        import threading

        self._path, self._tmp, self._error = path, None, None
        self._thread = threading.Thread(target=self._write, args=(data,), daemon=True)
        self._thread.start()

    def _write(self, data: bytes | list[bytes]) -> None:
        try:
            self._tmp = write_temp(self._path, data)
        except BaseException as exc:  # re-raised by commit()
            self._error = exc

    def commit(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        os.replace(self._tmp, self._path)
        self._tmp = None

    def abort(self) -> None:
        self._thread.join()
        if self._tmp is not None:
            remove_quietly(self._tmp)


def _sorted_ntriples(store, meanwhile):
    """``(ntriples, meanwhile())``: the union of ``store``'s graphs as sorted, de-duplicated
    N-Triples with stable blank-node labels (``None`` if its blank nodes are not trees) -- a
    list of bytes, each whole lines, never joined into one (that would be a second copy) -- and
    the result of ``meanwhile``, called while the blank nodes are labelled.

    Works on N-Triples lines written by pyoxigraph (no Python term objects): the lines with a
    blank node are picked out of each graph's dump and relabelled by
    :func:`axiskg.bnodes.stable_label_lines` -- in a forked process when there are many, while
    this one frees the store, sorts the other lines and runs ``meanwhile``. The caller must
    hold no other reference to ``store``: it is freed as soon as it is dumped."""
    dumps = loading.graph_ntriples(store)
    blank: list[bytes] = []
    plains = []
    while dumps:
        plains.append(_take_blank_lines(dumps.pop(), blank))
    labelling = None
    if sum(map(len, blank)) >= FORK_MIN_BYTES and Forked.available():
        labelling = Forked(_label_lines, blank)
    try:
        del store
        _release_freed_memory()
        lines: list[bytes] = []
        while plains:
            lines += plains.pop().splitlines(keepends=True)
        lines.sort()
        # union of graphs: a triple in several graphs is written once (lines with a blank node
        # are de-duplicated by stable_label_lines, and never equal a line without one)
        if any(map(operator.eq, lines, itertools.islice(lines, 1, None))):
            lines = list(itertools.compress(
                lines, map(operator.ne, lines, itertools.islice(lines, 1, None)))) + lines[-1:]
        extra = meanwhile()
    except BaseException:
        if labelling is not None:
            labelling.cancel()
        raise
    ok, relabelled = labelling.result() if labelling is not None else (False, None)
    if not ok:
        relabelled = _label_lines(blank)
    del blank
    if relabelled is None:
        return None, extra
    # lines with a blank-node subject (``_:``) sort after all others (``<``): only those with an
    # IRI subject are merged into the other lines; the rest is appended as it is
    tail = relabelled.find(b"\n_:") + 1 if not relabelled.startswith(b"_:") else 0
    if tail == 0 and not relabelled.startswith(b"_:"):
        tail = len(relabelled)
    lines += relabelled[:tail].splitlines(keepends=True)
    lines.sort()  # two sorted runs: merged in linear time
    lines.append(relabelled[tail:])
    del relabelled
    return lines, extra


#: less blank-node N-Triples than this is relabelled in this process (forking costs more)
FORK_MIN_BYTES = 2_000_000


def _label_lines(blank: list[bytes]) -> bytes | None:
    """The relabelled lines, sorted, as one bytes (what a forked process sends back)."""
    relabelled = bnodes.stable_label_lines(blank)
    if relabelled is None:
        return None
    relabelled.sort()
    return b"".join(relabelled)


def _release_freed_memory() -> None:
    """Give memory freed by pyoxigraph back to the system (glibc keeps it otherwise, and Python
    allocates its small objects elsewhere, so the freed store would still count as in use)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _take_blank_lines(data: bytes, blank: list[bytes]) -> bytes:
    """Append the lines of N-Triples ``data`` that have a blank node to ``blank`` (as chunks of
    whole lines); return the other lines.

    Subjects are IRIs (``<``) or blank nodes (``_:``), so a line starting with ``_:`` starts a
    run of such lines that ends where a line starts with ``<``. A blank-node object is the last
    token of its line (``... _:x .``); a `` _:`` inside a literal is followed, before the line's
    end, by the literal's closing quote or a space, which a blank-node label cannot contain."""
    find = data.find
    runs = []  # (start, end) of the runs of lines with a blank-node subject
    size = len(data)
    i = 0 if data.startswith(b"_:") else find(b"\n_:") + 1
    while i > 0 or (i == 0 and not runs and data.startswith(b"_:")):
        end = find(b"\n<", i) + 1 or size
        runs.append((i, end))
        i = find(b"\n_:", end - 1) + 1 if end < size else -1
    spans = []
    previous = 0
    for start, end in runs + [(size, size)]:
        i = find(b" _:", previous, start)
        while i >= 0:
            line_end = find(b"\n", i) + 1
            token = data[i + 1:line_end - 3]
            if b" " not in token and b'"' not in token:
                spans.append((data.rfind(b"\n", 0, i) + 1, line_end))
            i = find(b" _:", line_end, start)
        spans.append((start, end))
        previous = end
    kept = []
    previous = 0
    for start, end in spans:
        if start == end:
            continue
        kept.append(data[previous:start])
        blank.append(data[start:end])
        previous = end
    if previous == 0:
        return data
    kept.append(data[previous:])
    return b"".join(kept)


def triple_count(path: Path) -> int:
    """Triples in a sorted N-Triples file written by :func:`build` (one per line)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())
