"""Typed literals as written, beside a pyoxigraph store that rewrites them.

pyoxigraph's ``Store`` keeps typed literals in a normal form, with no switch to turn it off
(oxigraph issue #526; measured with pyoxigraph 0.5.13): ``"01"^^xsd:integer`` is stored as
``"1"``, ``"1"^^xsd:boolean`` as ``"true"``, and every integer-derived datatype as
``xsd:integer``, so the ill-formed ``"300"^^xsd:byte`` comes back as the valid
``"300"^^xsd:integer``. The parser itself gives the literals as written.

So :func:`axiskg.rdfio.bulk_load.load` adds a file's quads to the store and records, in the
dataset's own record (:class:`AsWritten`, ``dataset.written``), each quad whose literal the store rewrote: ``(subject, predicate, stored literal, graph) -> the literals
written there``. :func:`written_quads` gives a store's quads back as written (the rdflib views
of :mod:`axiskg.rdfio.terms` use it), :func:`as_written` a single stored literal when every quad
holding it was written with the same literal (the values of validation results),
:func:`line_swaps` and :func:`written_ntriples` the lines ``build`` publishes.

:mod:`axiskg.rdfio.bulk_load` parses files into a store and fills the record.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from axiskg.vocab import XSD

if TYPE_CHECKING:
    from axiskg.dataset import Data
    from axiskg.rdfio.census import Census

_STRING = XSD + "string"
_SCRATCH_S, _SCRATCH_P = ox.NamedNode("urn:x-axiskg:s"), ox.NamedNode("urn:x-axiskg:p")

log = logging.getLogger(__name__)


@dataclass
class AsWritten:
    """One dataset's rewritten literals: per stored quad, the literals written there. It lives
    on its :class:`~axiskg.dataset.Dataset` (``dataset.written``), so two datasets never share
    one, however many are alive."""

    quads: dict[tuple, list[ox.Literal]] = field(default_factory=dict)
    resolved: dict[ox.Literal, ox.Literal] = field(default_factory=dict)  # cache of as_written()
    #: cache of :func:`written_lookup`: per predicate, ``(subject, stored literal) -> (the
    #: literals written there in every graph, how many graphs have them recorded)``
    by_predicate: dict[ox.NamedNode, dict[tuple, tuple[list, int]]] = field(default_factory=dict)
    #: per graph IRI, what the loader saw of a graph it read whole
    census: dict[str, Census] = field(default_factory=dict)


def parts(data: Data) -> tuple[ox.Store, AsWritten | None]:
    """The store of ``data`` and its record (``None`` for a bare store)."""
    if isinstance(data, ox.Store):
        return data, None
    return data.store, data.written


def table(data: Data | None) -> AsWritten | None:
    """The record of rewritten literals of ``data``, or None when it has none or none was
    rewritten."""
    if data is None:
        return None
    _, record = parts(data)
    return record if record is not None and record.quads else None


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cycle collector paused: recording makes a tuple and a list per typed literal,
    none in a cycle, and the collections they would set off cost a third of the recording."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Stored:
    """The form the store gives a literal, found by storing it in a scratch store (cached, up
    to :data:`CACHED` literals: one instance serves the whole process)."""

    CACHED = 200_000

    def __init__(self) -> None:
        self.scratch = ox.Store()
        self.cache: dict[ox.Literal, ox.Literal] = {}
        self.lock = threading.Lock()

    def __call__(self, literal: ox.Literal) -> ox.Literal:
        hit = self.cache.get(literal)
        if hit is None:
            quad = ox.Quad(_SCRATCH_S, _SCRATCH_P, literal)
            with self.lock:  # (the scratch store is shared by the process's threads)
                self.scratch.add(quad)
                hit = next(iter(self.scratch)).object
                self.scratch.remove(quad)  # (clear() costs more the longer the store has lived: 0.3 ms after 20k)
            if len(self.cache) >= self.CACHED:  # (a new scratch store too: it keeps what it was given)
                self.cache.clear()
                with self.lock:
                    self.scratch = ox.Store()
            self.cache[literal] = hit
        return hit


stored_form = _Stored()


_REWRITABLE: dict[ox.NamedNode, bool] = {}  # per datatype: may the store rewrite its literals?


def rewritable(term) -> bool:
    """Whether ``term`` is a literal the store may rewrite (an XSD datatype, not ``xsd:string``)."""
    if type(term) is not ox.Literal:
        return False
    datatype = term.datatype
    hit = _REWRITABLE.get(datatype)
    if hit is None:
        hit = _REWRITABLE[datatype] = datatype.value.startswith(XSD) and datatype.value != _STRING
    return hit


class Recorder:
    """Quads of one file on their way into a store: each ``quad(q)`` returns the quad to add
    (in ``graph`` unless it names its own) and notes its literal if the store will rewrite it;
    :meth:`close` files the notes in ``record`` (``None``: a bare store, nothing is noted)."""

    def __init__(self, record: AsWritten | None, graph: str) -> None:
        self.record = record
        self.target = ox.NamedNode(graph)
        self.changed: dict[tuple, list[ox.Literal]] = {}
        self.kept: set[tuple] = set()
        #: one object for each predicate and each written literal (a large file repeats them)
        self.same: dict = {}
        #: if a set: gets the stored form of every literal noted that the store may rewrite
        self.typed: set[ox.Literal] | None = None

    def quad(self, q) -> ox.Quad:
        graph = q.graph_name
        if isinstance(graph, ox.DefaultGraph):
            graph = self.target
        self.note(q.subject, q.predicate, q.object, graph)
        return ox.Quad(q.subject, q.predicate, q.object, graph)

    def note(self, s, p, o, graph) -> None:
        """Note ``o`` if the store rewrites it."""
        if self.record is not None and rewritable(o):
            stored = stored_form(o)
            if stored != o:
                self.changed.setdefault((s, p, stored, graph), []).append(o)
            else:
                self.kept.add((s, p, stored, graph))

    def note_all(self, quads: Iterable[ox.Quad]) -> None:
        """:meth:`note` each of ``quads`` (already in the store), in one loop: the many typed
        literals of a large file are recorded at a few microseconds each."""
        if self.record is None:
            return
        changed, kept, target, same, typed = self.changed, self.kept, self.target, self.same, self.typed
        cache, known = stored_form.cache, _REWRITABLE
        for s, p, o, g in quads:
            if type(o) is not ox.Literal:
                continue
            may = known.get(o.datatype)
            if may is None:
                may = rewritable(o)
            if not may:
                continue
            stored = cache.get(o) or stored_form(o)
            if typed is not None:
                typed.add(stored)
            g = target if type(g) is ox.DefaultGraph else g
            if stored != o:
                key = (same.setdefault(s, s), same.setdefault(p, p), stored, g)
                written = changed.get(key)
                if written is None:
                    changed[key] = [same.setdefault(o, o)]
                else:
                    written.append(same.setdefault(o, o))
            else:
                kept.add((s, p, stored, g))

    def close(self) -> None:
        record = self.record
        if record is None or not self.changed:
            return
        record.resolved.clear()
        record.by_predicate.clear()
        quads, kept = record.quads, self.kept
        for key, written in self.changed.items():
            forms = quads.get(key)
            if forms is None and len(written) == 1 and key not in kept:
                quads[key] = written  # (the common case: one literal written there, rewritten)
                continue
            if forms is None:
                forms = quads[key] = []
            if key in kept and key[2] not in forms:
                forms.append(key[2])
            forms += [w for w in dict.fromkeys(written) if w not in forms]


def line_spans(data: bytes, needle: bytes) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of ``data`` holding ``needle`` (once per line; ``end``
    past the line's newline, or the end of ``data``)."""
    at = data.find(needle)
    while at >= 0:
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end + 1
        yield data.rfind(b"\n", 0, at) + 1, end
        at = data.find(needle, end)


def written_quads(data: Data | None, quads: Iterable[ox.Quad]) -> Iterator[tuple]:
    """``(subject, predicate, object, graph)`` of ``quads`` (of ``store``) with each rewritten
    literal given back as written (one stored quad may stand for several written ones); with
    ``data`` None, as they are."""
    record = table(data)
    for q in quads:
        if record is not None and type(q.object) is ox.Literal:
            written = record.quads.get((q.subject, q.predicate, q.object, q.graph_name))
            if written:
                for o in written:
                    yield q.subject, q.predicate, o, q.graph_name
                continue
        yield q.subject, q.predicate, q.object, q.graph_name


def as_written(data: Data | None, term):
    """``term`` (a literal of ``store``) as written, when the store rewrote it and every quad of
    the store holding it was written with one and the same literal; otherwise ``term`` itself."""
    record = table(data)
    if data is None or record is None or type(term) is not ox.Literal:
        return term
    hit = record.resolved.get(term)
    if hit is None:
        forms: set = set()
        for q in data.quads_for_pattern(None, None, term):
            written = record.quads.get((q.subject, q.predicate, term, q.graph_name))
            forms.update(written or (term,))
            if len(forms) > 1:
                break
        hit = record.resolved[term] = forms.pop() if len(forms) == 1 else term
    return hit


def line_swaps(data: Data) -> dict:
    """Per graph of ``store``: each N-Triples line (as pyoxigraph dumps it) whose literal the
    store rewrote -> the lines as the files wrote them (see :func:`written_ntriples`)."""
    record = table(data)
    swaps: dict = {}
    for (s, p, o, g), forms in record.quads.items() if record is not None else ():
        head = f"{s} {p} "  # (the terms' str() is their N-Triples form, as in pyoxigraph's dump)
        lines = f"{head}{forms[0]} .\n" if len(forms) == 1 else "".join(f"{head}{w} .\n" for w in forms)
        swaps.setdefault(g, {})[f"{head}{o} .\n".encode()] = lines.encode()
    return swaps


def written_ntriples(dump: bytes, swaps: dict[bytes, bytes] | None) -> bytes:
    """``dump`` (pyoxigraph's N-Triples of one graph of a store) with each line whose literal the
    store rewrote replaced by the lines as written (``swaps``: that graph's entry of
    :func:`line_swaps`): what ``build`` publishes, so that ``"5"^^xsd:nonNegativeInteger`` in a
    data file is that literal in the release too, not the store's ``"5"^^xsd:integer``."""
    if not swaps or not dump:
        return dump
    # a line to swap ends with its literal's datatype ('"^^<...#integer> .\n'): only the lines
    # with one of those endings are looked up
    out: list[bytes] = []
    done = 0  # dump[:done] is in out
    spans: list[tuple[int, int]] = []
    for ending in {line[line.rfind(b'"^^<') :] for line in swaps}:
        spans += line_spans(dump, ending)
    for start, end in sorted(spans):
        written = swaps.get(dump[start:end])
        if written is not None:
            out += (dump[done:start], written)
            done = end
    if not out:
        return dump
    out.append(dump[done:])
    return b"".join(out)


def line_swapper(swaps: dict[bytes, bytes] | None) -> Callable[[list[bytes]], list[bytes]]:
    """:func:`written_ntriples` for lists of lines (one line per item, as given and as returned),
    set up once per graph: a lookup per line, for a caller that already holds the lines."""
    if not swaps:
        return lambda lines: lines
    get = swaps.get
    if all(written.count(b"\n") == 1 for written in swaps.values()):
        return lambda lines: list(map(get, lines, lines))  # (a C loop)
    return lambda lines: [
        out for line in lines for out in (swaps[line].splitlines(keepends=True) if line in swaps else (line,))
    ]


def written_at(data: Data, subject, predicate, value) -> list:
    """``value`` (a literal of ``store``) as written where ``subject`` has it for ``predicate``
    (in any graph; ``predicate`` None: for any predicate)."""
    record = table(data)
    if record is None or type(value) is not ox.Literal or type(subject) is ox.Literal:
        return [value]  # (a literal focus node is the subject of no triple)
    forms: list = []
    for q in data.quads_for_pattern(subject, predicate, value):
        forms += record.quads.get((q.subject, q.predicate, q.object, q.graph_name), [value])
    return forms or [value]


def add(data: Data, quads: Iterable[ox.Quad], graph: str) -> None:
    """Add ``quads`` (parsed, or made elsewhere: from rdflib, say) to ``data``, triples into
    named graph ``graph``, recording the literals the store rewrites."""
    store, record = parts(data)
    recorder = Recorder(record, graph)
    store.extend(recorder.quad(q) for q in quads)
    recorder.close()


def note_lines(recorder: Recorder, lines: bytes, fmt: ox.RdfFormat, base_iri: str) -> None:
    """Note the literals of N-Triples / N-Quads ``lines`` that the store rewrote (lines this
    program loaded: parsed leniently, the store's parser having judged them)."""
    with _no_collection():
        recorder.note_all(ox.parse(lines, format=fmt, base_iri=base_iri, lenient=True))


def written_lookup(data: Data, predicate: ox.NamedNode | None) -> Callable[[Any, Any], list]:
    """``lookup(subject, value)``: :func:`written_at` ``(data, subject, predicate, value)`` for
    the many values of one predicate, from an index of the record's entries
    (the store is asked only for a value the record holds, and only when the predicate is in
    several graphs: whether some graph holds the value as stored)."""
    record = table(data)
    if record is None or predicate is None:
        return lambda subject, value: written_at(data, subject, predicate, value)
    store, _ = parts(data)
    if not record.by_predicate:
        for (s, p, o, _), forms in record.quads.items():
            entry = record.by_predicate.setdefault(p, {}).get((s, o))
            record.by_predicate[p][(s, o)] = (forms, 1) if entry is None else (entry[0] + forms, entry[1] + 1)
    index = record.by_predicate.get(predicate, {})
    graphs = [
        g
        for g in [*store.named_graphs(), ox.DefaultGraph()]
        if next(iter(store.quads_for_pattern(None, predicate, None, g)), None) is not None
    ]

    def lookup(subject, value) -> list:
        if type(value) is not ox.Literal:
            return [value]
        entry = index.get((subject, value))
        if entry is None:
            return [value]
        forms, recorded = entry
        if len(graphs) > 1 and sum(1 for _ in store.quads_for_pattern(subject, predicate, value)) > recorded:
            return [*forms, value]  # (a graph holds it as stored: written so there)
        return forms

    return lookup


def written_datatypes(data: Data) -> dict[str, tuple[set[str], set[str]]]:
    """Per predicate with rewritten literals: the datatypes its rewritten literals were written
    with, and the stored datatypes that only rewritten literals have (so a summary of the store's
    datatypes can be turned into one of the data as written)."""
    record = table(data)
    if record is None:
        return {}
    written: dict[str, set[str]] = {}
    rewritten: dict[tuple[str, str], set[tuple]] = {}
    for (s, p, o, g), forms in record.quads.items():
        written.setdefault(p.value, set()).update(w.datatype.value for w in forms)
        rewritten.setdefault((p.value, o.datatype.value), set()).add((s, o, g))
    out: dict[str, tuple[set[str], set[str]]] = {p: (w, set()) for p, w in written.items()}
    for (p, datatype), quads in rewritten.items():
        held = sum(
            1
            for q in data.quads_for_pattern(None, ox.NamedNode(p), None)
            if type(q.object) is ox.Literal and q.object.datatype.value == datatype
        )
        if held == len(quads):
            out[p][1].add(datatype)
    return out
