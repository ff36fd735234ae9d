"""Typed literals as written, beside a pyoxigraph store that rewrites them.

pyoxigraph's ``Store`` keeps typed literals in a normal form, with no switch to turn it off
(oxigraph issue #526; measured with pyoxigraph 0.5.13): ``"01"^^xsd:integer`` is stored as
``"1"``, ``"1"^^xsd:boolean`` as ``"true"``, and every integer-derived datatype as
``xsd:integer``, so the ill-formed ``"300"^^xsd:byte`` comes back as the valid
``"300"^^xsd:integer``. The parser itself gives the literals as written.

So :func:`load` adds a file's quads to the store and records, for this store, each quad
whose literal the store rewrote: ``(subject, predicate, stored literal, graph) -> the literals
written there``. :func:`written_quads` gives a store's quads back as written (the rdflib views
of :mod:`axiskg.loading` use it), :func:`as_written` a single stored literal when every quad
holding it was written with the same literal (the values of validation results),
:func:`line_swaps` and :func:`written_ntriples` the lines ``build`` publishes.

N-Triples and N-Quads are bulk-loaded inside pyoxigraph; their lines with an XSD-typed literal
are kept aside and recorded only when the record is first read (:func:`table`), so a store
loaded to be queried pays only for finding those lines (1M triples: load 3.3 s, recording
0.8 s more when asked for). Turtle and TriG without ``^^`` or a bare number are bulk-loaded
too; other files pass through Python once.
"""

from __future__ import annotations

import gc
import io
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pyoxigraph as ox

from axiskg.vocab import XSD

_STRING = XSD + "string"
_SCRATCH_S, _SCRATCH_P = ox.NamedNode("urn:x-axiskg:s"), ox.NamedNode("urn:x-axiskg:p")

log = logging.getLogger(__name__)


@dataclass
class AsWritten:
    """One store's rewritten literals: per stored quad, the literals written there."""

    quads: dict[tuple, list[ox.Literal]] = field(default_factory=dict)
    resolved: dict[ox.Literal, ox.Literal] = field(default_factory=dict)  # cache of as_written()
    #: N-Triples / N-Quads lines bulk-loaded but not yet recorded: (lines, format, base IRI,
    #: graph); recorded when the record is first read (:func:`table`), so that a store loaded
    #: only to be queried never pays for it
    pending: list[tuple[bytes, ox.RdfFormat, str, str]] = field(default_factory=list)


#: per store (by id, with the store kept alive beside it: pyoxigraph stores take no weak
#: references, nor attributes); only stores with rewritten literals, and only the
#: :data:`_KEPT` most recent (a process loading stores over and over keeps a bounded number)
_TABLES: dict[int, tuple[ox.Store, AsWritten]] = {}
_KEPT = 16
_RECORDING = threading.Lock()


def _record(store: ox.Store) -> AsWritten:
    """``store``'s record, made if it has none."""
    entry = _TABLES.get(id(store))
    if entry is None or entry[0] is not store:
        entry = _TABLES[id(store)] = (store, AsWritten())
        while len(_TABLES) > _KEPT:  # the oldest goes (dicts keep insertion order)
            del _TABLES[next(iter(_TABLES))]
    return entry[1]


def table(store: ox.Store) -> AsWritten | None:
    """``store``'s record of rewritten literals (the lines still pending recorded first), or
    None when the store rewrote none."""
    entry = _TABLES.get(id(store))
    if entry is None or entry[0] is not store:
        return None
    record = entry[1]
    with _RECORDING:  # a thread asking while another records waits for the whole record
        pending, record.pending = record.pending, []
        with _no_collection():
            for lines, fmt, base_iri, graph in pending:  # in the order the files were loaded
                add(store, ox.parse(lines, format=fmt, base_iri=base_iri), graph, insert=False)
    return record if record.quads else None


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cycle collector paused: recording makes a tuple and a list per typed literal
    (none in a cycle), and the collections they set off cost about a third of the recording."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def forget(store: ox.Store) -> None:
    """Drop ``store``'s record (when the store is thrown away)."""
    _TABLES.pop(id(store), None)


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


_stored = _Stored()


_REWRITABLE: dict[ox.NamedNode, bool] = {}  # per datatype: may the store rewrite its literals?


def _rewritable(term) -> bool:
    if type(term) is not ox.Literal:
        return False
    datatype = term.datatype
    hit = _REWRITABLE.get(datatype)
    if hit is None:
        hit = _REWRITABLE[datatype] = datatype.value.startswith(XSD) and datatype.value != _STRING
    return hit


#: the integer-derived XSD datatypes: (lowest, highest) value as rdflib checks them (None: no bound)
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    XSD + "integer": (None, None),
    XSD + "long": (None, None),
    XSD + "int": (-(2**31), 2**31 - 1),
    XSD + "short": (-(2**15), 2**15 - 1),
    XSD + "byte": (-128, 127),
    XSD + "unsignedLong": (0, None),
    XSD + "unsignedInt": (0, 2**32 - 1),
    XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedByte": (0, 255),
    XSD + "nonNegativeInteger": (0, None),
    XSD + "positiveInteger": (1, None),
    XSD + "nonPositiveInteger": (None, 0),
    XSD + "negativeInteger": (None, -1),
}
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def integer_ill_typed(literal: ox.Literal) -> bool | None:
    """Whether ``literal``, of an integer-derived XSD datatype and written as ASCII digits, is
    out of its datatype's range (as rdflib reads it: ``"300"^^xsd:byte``); None for any other
    literal (then rdflib decides). Much cheaper than an rdflib literal, for the many integers of
    a large dataset."""
    bounds = _INTEGER_RANGES.get(literal.datatype.value)
    if bounds is None or not _ASCII_INTEGER.fullmatch(literal.value):
        return None
    low, high = bounds
    n = int(literal.value)
    return (low is not None and n < low) or (high is not None and n > high)


class Recorder:
    """Quads of one file on their way into ``store``: each ``quad(q)`` returns the quad to add
    (in ``graph`` unless it names its own) and notes its literal if the store will rewrite it;
    :meth:`close` files the notes under the store."""

    def __init__(self, store: ox.Store, graph: str) -> None:
        self.store = store
        self.target = ox.NamedNode(graph)
        self.changed: dict[tuple, list[ox.Literal]] = {}
        self.kept: set[tuple] = set()

    def quad(self, q) -> ox.Quad:
        graph = q.graph_name
        if isinstance(graph, ox.DefaultGraph):
            graph = self.target
        self.note(q.subject, q.predicate, q.object, graph)
        return ox.Quad(q.subject, q.predicate, q.object, graph)

    def note(self, s, p, o, graph) -> None:
        """Note ``o`` if the store rewrites it."""
        if _rewritable(o):
            stored = _stored(o)
            if stored != o:
                self.changed.setdefault((s, p, stored, graph), []).append(o)
            else:
                self.kept.add((s, p, stored, graph))

    def note_all(self, quads: Iterable[ox.Quad]) -> None:
        """:meth:`note` each of ``quads`` (already in the store), in one loop: the many typed
        literals of a large file are recorded at a few microseconds each."""
        changed, kept, target = self.changed, self.kept, self.target
        cache, stored_of, rewritable = _stored.cache, _stored, _REWRITABLE
        for s, p, o, g in quads:
            if type(o) is not ox.Literal:
                continue
            may = rewritable.get(o.datatype)
            if may is None:
                may = _rewritable(o)
            if not may:
                continue
            stored = cache.get(o) or stored_of(o)
            key = (s, p, stored, target if type(g) is ox.DefaultGraph else g)
            if stored != o:
                written = changed.get(key)
                if written is None:
                    changed[key] = [o]
                else:
                    written.append(o)
            else:
                kept.add(key)

    def close(self) -> None:
        if not self.changed:
            return
        record = _record(self.store)
        record.resolved.clear()
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


# "lexical"^^<http://www.w3.org/2001/XMLSchema#type> in an N-Triples / N-Quads line
_NT_TYPED = re.compile(rb'"((?:[^"\\\n\r]|\\.)*)"\^\^<' + re.escape(XSD.encode()) + rb"([A-Za-z]+)>")
_NT_MARK = b"^^<" + XSD.encode()


def _nt_rewrites(data: bytes) -> bool:
    """Whether an N-Triples / N-Quads file has an XSD-typed literal the store would rewrite
    (only the lines holding one are looked at)."""
    from axiskg.loading import _nt_unescape

    seen: set[bytes] = set()
    for start, end in _line_spans(data, _NT_MARK):
        for lexical, name in _NT_TYPED.findall(data, start, end):
            if name == b"string" or (lexical + b"^" + name) in seen:
                continue
            seen.add(lexical + b"^" + name)
            try:
                literal = ox.Literal(_nt_unescape(lexical.decode("utf-8")), datatype=ox.NamedNode(XSD + name.decode()))
            except (ValueError, UnicodeDecodeError):
                return True  # let the parser name the problem
            if _stored(literal) != literal:
                return True
    return False


def _line_spans(data: bytes, needle: bytes) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of ``data`` holding ``needle`` (once per line; ``end``
    past the line's newline, or the end of ``data``)."""
    at = data.find(needle)
    while at >= 0:
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end + 1
        yield data.rfind(b"\n", 0, at) + 1, end
        at = data.find(needle, end)


# a bare number in Turtle / TriG (``01``, ``1.50``, ``1e0``): after a space, "(", "," or "["
_BARE_NUMBER = re.compile(rb"[\s(,\[][+-]?\.?[0-9]")


def _may_rewrite(data: bytes, fmt: ox.RdfFormat) -> bool:
    """False when Turtle / TriG ``data`` surely holds no literal the store rewrites (no ``^^``
    and no bare number); True for the other formats but N-Triples / N-Quads (see
    :func:`load_ntriples_file`)."""
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return b"^^" in data or _BARE_NUMBER.search(data) is not None
    return True


def load(store: ox.Store, data: bytes, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """Parse ``data`` into ``store`` (triples into named graph ``graph``), recording the
    literals the store rewrites. Raises what ``Store.load`` raises."""
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        try:
            _add_lines(store, load_ntriples_file(store, io.BytesIO(data), fmt, base_iri, graph), fmt, base_iri, graph)
        except SyntaxError:
            _raise_parse_error(data, fmt, base_iri)  # with the line in the whole file (a part's lines differ)
            raise
    elif _may_rewrite(data, fmt):
        _add_lines(store, data, fmt, base_iri, graph)
    else:
        store.load(data, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))


def load_stream(store: ox.Store, fh: BinaryIO, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """:func:`load` for an N-Triples / N-Quads file ``fh``, read a piece at a time (a syntax
    error's line may be that of a part of the file: :func:`load` on the file's bytes names
    the line in the whole file)."""
    _add_lines(store, load_ntriples_file(store, fh, fmt, base_iri, graph), fmt, base_iri, graph)


def _add_lines(store: ox.Store, lines: bytes, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """Add the quads of ``lines`` (a file, or the lines of one) through Python, recording the
    literals the store rewrites."""
    if not lines:
        return
    fresh: dict[str, ox.BlankNode] = {}  # a file's blank-node labels are its own (Store.load renames them too)

    def own(term):
        return fresh.setdefault(term.value, ox.BlankNode()) if type(term) is ox.BlankNode else term

    quads = ox.parse(lines, format=fmt, base_iri=base_iri)
    add(store, (ox.Quad(own(q.subject), q.predicate, own(q.object), q.graph_name) for q in quads), graph)


def load_ntriples_file(store: ox.Store, fh: BinaryIO, fmt: ox.RdfFormat, base_iri: str, graph: str) -> bytes:
    """Bulk-load the N-Triples / N-Quads file ``fh`` (read twice, a piece at a time: never held
    whole) inside pyoxigraph; the lines with an XSD-typed literal are kept to be recorded when
    the record is first read (:func:`table`). A blank node's label is the store's own, so where
    a line with a blank node holds a literal the store rewrites, the lines with a blank node are
    left out, and returned to be added through Python (:func:`load`)."""
    typed_parts: list[bytes] = []
    blank_parts: list[bytes] = []
    for piece in _pieces(fh):
        typed_piece, blank_piece = _typed_lines(piece)
        typed_parts.append(typed_piece)
        blank_parts.append(blank_piece)
    typed, blank_typed = b"".join(typed_parts), b"".join(blank_parts)
    del typed_parts, blank_parts
    fh.seek(0)
    if not (typed or blank_typed) or not _nt_rewrites(typed + blank_typed):
        store.load(fh, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
        return b""
    if blank_typed and _nt_rewrites(blank_typed):
        source = _WithoutBlankLines(fh)
        store.load(source, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
        rest = b"".join(source.rest)
    else:
        store.load(fh, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
        rest = b""
    if typed:
        _record(store).pending.append((typed, fmt, base_iri, graph))
    return rest


#: how much of an N-Triples / N-Quads file is read at a time
_PIECE = 8 << 20


def _pieces(fh: BinaryIO) -> Iterator[bytes]:
    """``fh`` read in pieces of whole lines (the last one may lack its newline)."""
    carry = b""
    while True:
        block = fh.read(_PIECE)
        if not block:
            if carry:
                yield carry
            return
        if carry:
            block = carry + block
        cut = block.rfind(b"\n") + 1
        carry = block[cut:]
        if cut:
            yield block[:cut]


class _WithoutBlankLines:
    """A file for ``Store.load``: the lines of ``fh`` without ``_:``; those are kept in
    :attr:`rest`."""

    def __init__(self, fh: BinaryIO) -> None:
        self.pieces = _pieces(fh)
        self.buffer = b""
        self.at = 0
        self.rest: list[bytes] = []

    def read(self, size: int | None = -1) -> bytes:
        while self.at >= len(self.buffer):
            piece = next(self.pieces, None)
            if piece is None:
                return b""
            self.buffer, rest = _split_blank_lines(piece)
            self.at = 0
            self.rest.append(rest)
        end = len(self.buffer) if size is None or size < 0 else self.at + size
        out = self.buffer[self.at : end]
        self.at += len(out)
        return out


def _split_blank_lines(data: bytes) -> tuple[bytes, bytes]:
    """N-Triples / N-Quads ``data`` as (the lines without ``_:``, the lines with it)."""
    if b"_:" not in data:
        return data, b""
    plain: list[bytes] = []
    rest: list[bytes] = []
    done = 0  # data[:done] is sorted out
    for start, end in _line_spans(data, b"_:"):
        plain.append(data[done:start])
        line = data[start:end]
        rest.append(line if line.endswith(b"\n") else line + b"\n")
        done = end
    plain.append(data[done:])
    return b"".join(plain), b"".join(rest)


def _typed_lines(data: bytes) -> tuple[bytes, bytes]:
    """The lines of N-Triples / N-Quads ``data`` that hold an XSD-typed literal: those without
    a blank node, and those with one (``_:``)."""
    out: list[bytes] = []
    blank: list[bytes] = []
    for start, end in _line_spans(data, _NT_MARK):
        line = data[start:end]
        (blank if b"_:" in line else out).append(line if line.endswith(b"\n") else line + b"\n")
    return b"".join(out), b"".join(blank)


def _raise_parse_error(data: bytes, fmt: ox.RdfFormat, base_iri: str) -> None:
    """Parse the whole ``data`` to raise its first syntax error with the line of the whole file
    (a part of the file gives lines of that part)."""
    for _ in ox.parse(data, format=fmt, base_iri=base_iri):
        pass


def written_quads(store: ox.Store | None, quads: Iterable[ox.Quad]) -> Iterator[tuple]:
    """``(subject, predicate, object, graph)`` of ``quads`` (of ``store``) with each rewritten
    literal given back as written (one stored quad may stand for several written ones); with
    ``store`` None, as they are."""
    record = table(store) if store is not None else None
    for q in quads:
        if record is not None and type(q.object) is ox.Literal:
            written = record.quads.get((q.subject, q.predicate, q.object, q.graph_name))
            if written:
                for o in written:
                    yield q.subject, q.predicate, o, q.graph_name
                continue
        yield q.subject, q.predicate, q.object, q.graph_name


def as_written(store: ox.Store | None, term):
    """``term`` (a literal of ``store``) as written, when the store rewrote it and every quad of
    the store holding it was written with one and the same literal; otherwise ``term`` itself."""
    record = table(store) if store is not None else None
    if store is None or record is None or type(term) is not ox.Literal:
        return term
    hit = record.resolved.get(term)
    if hit is None:
        forms: set = set()
        for q in store.quads_for_pattern(None, None, term):
            written = record.quads.get((q.subject, q.predicate, term, q.graph_name))
            forms.update(written or (term,))
            if len(forms) > 1:
                break
        hit = record.resolved[term] = forms.pop() if len(forms) == 1 else term
    return hit


def line_swaps(store: ox.Store) -> dict:
    """Per graph of ``store``: each N-Triples line (as pyoxigraph dumps it) whose literal the
    store rewrote -> the lines as the files wrote them (see :func:`written_ntriples`)."""
    record = table(store)
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
        spans += _line_spans(dump, ending)
    for start, end in sorted(spans):
        written = swaps.get(dump[start:end])
        if written is not None:
            out += (dump[done:start], written)
            done = end
    if not out:
        return dump
    out.append(dump[done:])
    return b"".join(out)


def copy_written(store: ox.Store, inferred: Iterable[ox.Quad], sources: dict) -> None:
    """Record, for each ``inferred`` quad (already in ``store``) whose literal the store rewrote
    where it was asserted, the literals as written there: ``sources[p]`` are the predicates an
    inferred ``?s p ?o`` comes from (its sub-properties). So ``nif:beginIndex``, inferred from
    ``axis:startIndex "5"^^xsd:nonNegativeInteger``, is published with that literal too."""
    record = table(store)
    if record is None:
        return
    rewritten = {key[2] for key in record.quads}  # the stored literals that stand for others
    for q in inferred:
        if type(q.object) is not ox.Literal or q.object not in rewritten:
            continue
        forms: list = []
        for sub in sources.get(q.predicate, ()):
            for a in store.quads_for_pattern(q.subject, sub, q.object):
                forms += record.quads.get((a.subject, a.predicate, a.object, a.graph_name), [q.object])
        if any(f != q.object for f in forms):
            record.quads[(q.subject, q.predicate, q.object, q.graph_name)] = list(dict.fromkeys(forms))
    record.resolved.clear()


def written_at(store: ox.Store, subject, predicate, value) -> list:
    """``value`` (a literal of ``store``) as written where ``subject`` has it for ``predicate``
    (in any graph; ``predicate`` None: for any predicate)."""
    record = table(store)
    if record is None or type(value) is not ox.Literal:
        return [value]
    forms: list = []
    for q in store.quads_for_pattern(subject, predicate, value):
        forms += record.quads.get((q.subject, q.predicate, q.object, q.graph_name), [value])
    return forms or [value]


def written_lookup(store: ox.Store, predicate: ox.NamedNode | None) -> Callable[[Any, Any], list]:
    """``lookup(subject, value)``: :func:`written_at` ``(store, subject, predicate, value)``, for
    the many values of one predicate a check reads: looked up in the record under each graph
    that holds the predicate (the store is asked about a value only where its triple is in more
    than one graph: then the forms of every graph count)."""
    record = table(store)
    if record is None:
        return lambda subject, value: [value]
    if predicate is None:
        return lambda subject, value: written_at(store, subject, None, value)
    graphs = [
        g
        for g in [*store.named_graphs(), ox.DefaultGraph()]
        if next(iter(store.quads_for_pattern(None, predicate, None, g)), None) is not None
    ]
    shared = _in_several_graphs(store, predicate) if len(graphs) > 1 else set()
    quads = record.quads

    def lookup(subject, value) -> list:
        if type(value) is not ox.Literal or (subject, value) in shared:
            return written_at(store, subject, predicate, value)
        for graph in graphs:
            forms = quads.get((subject, predicate, value, graph))
            if forms:
                return forms
        return [value]

    return lookup


def _in_several_graphs(store: ox.Store, predicate: ox.NamedNode) -> set[tuple]:
    """(subject, object) of the triples with ``predicate`` that ``store`` holds in more than one
    graph (the default graph included)."""
    p = str(predicate)
    rows = store.query(
        f"SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?a {{ ?s {p} ?o }} GRAPH ?b {{ ?s {p} ?o }} FILTER (?a != ?b) }}"
    )
    shared = {(r[0], r[1]) for r in rows}  # type: ignore[index,union-attr]
    for q in store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
        if sum(1 for _ in store.quads_for_pattern(q.subject, predicate, q.object)) > 1:
            shared.add((q.subject, q.object))
    return shared


def add(store: ox.Store, quads: Iterable[ox.Quad], graph: str, insert: bool = True) -> None:
    """Add ``quads`` (parsed, or made elsewhere: from rdflib, say) to ``store``, triples into
    named graph ``graph``, recording the literals the store rewrites; ``insert=False``: only
    record them (the quads are in the store already)."""
    recorder = Recorder(store, graph)
    if insert:
        store.extend(recorder.quad(q) for q in quads)
    else:
        recorder.note_all(quads)
    recorder.close()


def written_datatypes(store: ox.Store) -> dict[str, tuple[set[str], set[str]]]:
    """Per predicate with rewritten literals: the datatypes its rewritten literals were written
    with, and the stored datatypes that only rewritten literals have (so a summary of the store's
    datatypes can be turned into one of the data as written)."""
    record = table(store)
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
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None)
            if type(q.object) is ox.Literal and q.object.datatype.value == datatype
        )
        if held == len(quads):
            out[p][1].add(datatype)
    return out
