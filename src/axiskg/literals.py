"""Typed literals as written, beside a pyoxigraph store that rewrites them.

pyoxigraph's ``Store`` keeps typed literals in a normal form, with no switch to turn it off
(oxigraph issue #526; measured with pyoxigraph 0.5.13): ``"01"^^xsd:integer`` is stored as
``"1"``, ``"1"^^xsd:boolean`` as ``"true"``, and every integer-derived datatype as
``xsd:integer``, so the ill-formed ``"300"^^xsd:byte`` comes back as the valid
``"300"^^xsd:integer``. The parser itself gives the literals as written.

So :func:`load` parses a file once, adds its quads to the store and records, for this store,
each quad whose literal the store rewrote: ``(subject, predicate, stored literal, graph) ->
the literals written there``. :func:`written_quads` gives a store's quads back as written (the
rdflib views of :mod:`axiskg.loading` use it), :func:`as_written` a single stored literal when
every quad holding it was written with the same literal (the values of validation results), and :func:`ill_typed` the ill-typed
literals as written, with their subject, predicate and graph.

Files that surely hold no literal the store would rewrite (:func:`_may_rewrite`: N-Triples and
N-Quads are scanned for XSD-typed literals, Turtle and TriG for ``^^`` and bare numbers) are
bulk-loaded inside pyoxigraph as before; the others pass through Python once (measured at 100k
N-Triples: 0.9 s instead of 0.5 s).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = XSD + "string"
_SCRATCH_S, _SCRATCH_P = ox.NamedNode("urn:x-axiskg:s"), ox.NamedNode("urn:x-axiskg:p")

log = logging.getLogger(__name__)


@dataclass
class AsWritten:
    """One store's rewritten literals: per stored quad, the literals written there."""

    quads: dict[tuple, list[ox.Literal]] = field(default_factory=dict)
    resolved: dict[ox.Literal, ox.Literal] = field(default_factory=dict)  # cache of as_written()


#: per store (by id, with the store kept alive beside it: pyoxigraph stores take no weak
#: references, nor attributes); only stores with rewritten literals, and only the
#: :data:`_KEPT` most recent (a process loading stores over and over keeps a bounded number)
_TABLES: dict[int, tuple[ox.Store, AsWritten]] = {}
_KEPT = 16


def table(store: ox.Store) -> AsWritten | None:
    entry = _TABLES.get(id(store))
    return entry[1] if entry is not None and entry[0] is store else None


def forget(store: ox.Store) -> None:
    """Drop ``store``'s record (when the store is thrown away)."""
    _TABLES.pop(id(store), None)


class _Stored:
    """The form the store gives a literal, found by storing it in a scratch store (cached)."""

    def __init__(self) -> None:
        self.scratch = ox.Store()
        self.cache: dict[ox.Literal, ox.Literal] = {}

    def __call__(self, literal: ox.Literal) -> ox.Literal:
        hit = self.cache.get(literal)
        if hit is None:
            self.scratch.add(ox.Quad(_SCRATCH_S, _SCRATCH_P, literal))
            hit = next(iter(self.scratch)).object
            self.scratch.clear()
            self.cache[literal] = hit
        return hit


def _rewritable(term) -> bool:
    return type(term) is ox.Literal and term.datatype.value.startswith(XSD) and term.datatype.value != _STRING


class Recorder:
    """Quads of one file on their way into ``store``: each ``quad(q)`` returns the quad to add
    (in ``graph`` unless it names its own) and notes its literal if the store will rewrite it;
    :meth:`close` files the notes under the store."""

    def __init__(self, store: ox.Store, graph: str) -> None:
        self.store = store
        self.target = ox.NamedNode(graph)
        self.stored = _Stored()
        self.changed: dict[tuple, list[ox.Literal]] = {}
        self.kept: set[tuple] = set()

    def quad(self, q) -> ox.Quad:
        graph = q.graph_name
        if isinstance(graph, ox.DefaultGraph):
            graph = self.target
        o = q.object
        if _rewritable(o):
            stored = self.stored(o)
            key = (q.subject, q.predicate, stored, graph)
            if stored != o:
                self.changed.setdefault(key, []).append(o)
            else:
                self.kept.add(key)
        return ox.Quad(q.subject, q.predicate, o, graph)

    def close(self) -> None:
        if not self.changed:
            return
        entry = _TABLES.get(id(self.store))
        if entry is None or entry[0] is not self.store:
            entry = _TABLES[id(self.store)] = (self.store, AsWritten())
            while len(_TABLES) > _KEPT:  # the oldest goes (dicts keep insertion order)
                del _TABLES[next(iter(_TABLES))]
        record = entry[1]
        record.resolved.clear()
        for key, written in self.changed.items():
            forms = record.quads.setdefault(key, [])
            if key in self.kept and key[2] not in forms:
                forms.append(key[2])
            forms += [w for w in dict.fromkeys(written) if w not in forms]


# "lexical"^^<http://www.w3.org/2001/XMLSchema#type> in an N-Triples / N-Quads line
_NT_TYPED = re.compile(rb'"((?:[^"\\\n\r]|\\.)*)"\^\^<' + re.escape(XSD.encode()) + rb"([A-Za-z]+)>")
_NT_MARK = b"^^<" + XSD.encode()


def _nt_rewrites(data: bytes) -> bool:
    """Whether an N-Triples / N-Quads file has an XSD-typed literal the store would rewrite
    (only the lines holding one are looked at)."""
    from axiskg.loading import _nt_unescape

    stored = _Stored()
    seen: set[bytes] = set()
    at = data.find(_NT_MARK)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        for lexical, name in _NT_TYPED.findall(data, start, end):
            if name == b"string" or (lexical + b"^" + name) in seen:
                continue
            seen.add(lexical + b"^" + name)
            try:
                literal = ox.Literal(_nt_unescape(lexical.decode("utf-8")), datatype=ox.NamedNode(XSD + name.decode()))
            except (ValueError, UnicodeDecodeError):
                return True  # let the parser name the problem
            if stored(literal) != literal:
                return True
        at = data.find(_NT_MARK, end)
    return False


# a bare number in Turtle / TriG (``01``, ``1.50``, ``1e0``): after a space, "(", "," or "["
_BARE_NUMBER = re.compile(rb"[\s(,\[][+-]?\.?[0-9]")


def _may_rewrite(data: bytes, fmt: ox.RdfFormat) -> bool:
    """False when ``data`` surely holds no literal the store rewrites: N-Triples / N-Quads
    without one (:func:`_nt_rewrites`), Turtle / TriG without ``^^`` or a bare number."""
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return _nt_rewrites(data)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return b"^^" in data or _BARE_NUMBER.search(data) is not None
    return True


def load(store: ox.Store, data: bytes, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """Parse ``data`` into ``store`` (triples into named graph ``graph``), recording the
    literals the store rewrites. Raises what ``Store.load`` raises."""
    if not _may_rewrite(data, fmt):
        store.load(data, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
        return
    lines = data
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        # the lines without a blank node are bulk-loaded inside pyoxigraph, and only those with
        # a typed literal are parsed again, to be recorded; the lines with a blank node pass
        # through Python (their labels are the file's own)
        if b"_:" in data:
            plain: list[bytes] = []
            rest: list[bytes] = []
            for line in data.splitlines(keepends=True):
                (rest if b"_:" in line else plain).append(line)
            bulk, lines = b"".join(plain), b"".join(rest)
        else:
            bulk, lines = data, b""
        try:
            store.load(bulk, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
            add(store, ox.parse(_typed_lines(bulk), format=fmt, base_iri=base_iri), graph, insert=False)
        except SyntaxError:
            _raise_parse_error(data, fmt, base_iri)
            raise
    fresh: dict[str, ox.BlankNode] = {}  # a file's blank-node labels are its own (Store.load renames them too)

    def own(term):
        return fresh.setdefault(term.value, ox.BlankNode()) if type(term) is ox.BlankNode else term

    try:
        quads = ox.parse(lines, format=fmt, base_iri=base_iri)
        add(store, (ox.Quad(own(q.subject), q.predicate, own(q.object), q.graph_name) for q in quads), graph)
    except SyntaxError:
        if lines is not data:
            _raise_parse_error(data, fmt, base_iri)
        raise


def _typed_lines(data: bytes) -> bytes:
    """The lines of N-Triples / N-Quads ``data`` that hold an XSD-typed literal."""
    out: list[bytes] = []
    at = data.find(_NT_MARK)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end + 1
        out.append(data[start:end] if data[end - 1 : end] == b"\n" else data[start:end] + b"\n")
        at = data.find(_NT_MARK, end)
    return b"".join(out)


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
        swaps.setdefault(g, {})[f"{ox.Triple(s, p, o)} .\n".encode()] = b"".join(
            f"{ox.Triple(s, p, w)} .\n".encode() for w in forms
        )
    return swaps


def written_ntriples(dump: bytes, swaps: dict[bytes, bytes] | None) -> bytes:
    """``dump`` (pyoxigraph's N-Triples of one graph of a store) with each line whose literal the
    store rewrote replaced by the lines as written (``swaps``: that graph's entry of
    :func:`line_swaps`): what ``build`` publishes, so that ``"5"^^xsd:nonNegativeInteger`` in a
    data file is that literal in the release too, not the store's ``"5"^^xsd:integer``."""
    if not swaps or not dump:
        return dump
    return b"".join(swaps.get(line, line) for line in dump.splitlines(keepends=True))


def copy_written(store: ox.Store, inferred: Iterable[ox.Quad], sources: dict) -> None:
    """Record, for each ``inferred`` quad (already in ``store``) whose literal the store rewrote
    where it was asserted, the literals as written there: ``sources[p]`` are the predicates an
    inferred ``?s p ?o`` comes from (its sub-properties). So ``nif:beginIndex``, inferred from
    ``axis:startIndex "5"^^xsd:nonNegativeInteger``, is published with that literal too."""
    record = table(store)
    if record is None:
        return
    for q in inferred:
        if type(q.object) is not ox.Literal:
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


def add(store: ox.Store, quads: Iterable[ox.Quad], graph: str, insert: bool = True) -> None:
    """Add ``quads`` (parsed, or made elsewhere: from rdflib, say) to ``store``, triples into
    named graph ``graph``, recording the literals the store rewrites; ``insert=False``: only
    record them (the quads are in the store already)."""
    recorder = Recorder(store, graph)
    if insert:
        store.extend(recorder.quad(q) for q in quads)
    else:
        for q in quads:
            recorder.quad(q)
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
