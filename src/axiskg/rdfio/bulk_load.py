"""Parsing RDF bytes into a store while recording the typed literals the store rewrites.

N-Triples and N-Quads are loaded inside pyoxigraph, and their lines with an XSD-typed literal
are found and recorded beside (for N-Triples, while the store parses on another thread). Turtle
and TriG without ``^^`` or a bare number are loaded inside pyoxigraph too; other files pass
through Python once.
"""

from __future__ import annotations

import io
import queue
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox
import re2

from axiskg.memory import release_freed_memory
from axiskg.rdfio import literals
from axiskg.rdfio.census import Census, typed_stored
from axiskg.rdfio.line_scan import BYTEWISE, line_blocks
from axiskg.rdfio.ntriples import nt_unescape
from axiskg.vocab import XSD

if TYPE_CHECKING:
    from axiskg.dataset import Data

# "lexical"^^<http://www.w3.org/2001/XMLSchema#type> in an N-Triples / N-Quads line
_NT_TYPED = re.compile(rb'"((?:[^"\\\n\r]|\\.)*)"\^\^<' + re.escape(XSD.encode()) + rb"([A-Za-z]+)>")
_NT_MARK = b"^^<" + XSD.encode()


def _nt_rewrites(data: bytes) -> bool:
    """Whether an N-Triples / N-Quads file has an XSD-typed literal the store would rewrite
    (only the lines holding one are looked at)."""
    seen: set[bytes] = set()
    for start, end in literals.line_spans(data, _NT_MARK):
        for lexical, name in _NT_TYPED.findall(data, start, end):
            if name == b"string" or (lexical + b"^" + name) in seen:
                continue
            seen.add(lexical + b"^" + name)
            try:
                literal = ox.Literal(nt_unescape(lexical.decode("utf-8")), datatype=ox.NamedNode(XSD + name.decode()))
            except (ValueError, UnicodeDecodeError):
                return True  # let the parser name the problem
            if literals.stored_form(literal) != literal:
                return True
    return False


# a bare number in Turtle / TriG (``01``, ``1.50``, ``1e0``): after a space, "(", "," or "["
_BARE_NUMBER = re.compile(rb"[\s(,\[][+-]?\.?[0-9]")


def _may_rewrite(data: bytes, fmt: ox.RdfFormat) -> bool:
    """False when Turtle / TriG ``data`` surely holds no literal the store rewrites (no ``^^``
    and no bare number); True for the other formats but N-Triples / N-Quads (see
    :func:`load_ntriples_file`)."""
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return b"^^" in data or _BARE_NUMBER.search(data) is not None
    return True


def load(target: Data, data: bytes, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """Parse ``data`` into ``store`` (triples into named graph ``graph``), recording the
    literals the store rewrites. Raises what ``Store.load`` raises."""
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        try:
            _add_lines(target, load_ntriples_file(target, io.BytesIO(data), fmt, base_iri, graph), fmt, base_iri, graph)
        except SyntaxError:
            _raise_parse_error(data, fmt, base_iri)  # with the line in the whole file (a part's lines differ)
            raise
    elif _may_rewrite(data, fmt):
        _add_lines(target, data, fmt, base_iri, graph)
    else:
        literals.parts(target)[0].load(data, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))


def load_stream(target: Data, fh: BinaryIO, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """:func:`load` for an N-Triples / N-Quads file ``fh``, read a piece at a time (a syntax
    error's line may be that of a part of the file: :func:`load` on the file's bytes names
    the line in the whole file)."""
    _add_lines(target, load_ntriples_file(target, fh, fmt, base_iri, graph), fmt, base_iri, graph)


def _add_lines(target: Data, lines: bytes, fmt: ox.RdfFormat, base_iri: str, graph: str) -> None:
    """Add the quads of ``lines`` (a file, or the lines of one) through Python, recording the
    literals the store rewrites."""
    if not lines:
        return
    fresh: dict[str, ox.BlankNode] = {}  # a file's blank-node labels are its own (Store.load renames them too)

    def own(term):
        return fresh.setdefault(term.value, ox.BlankNode()) if type(term) is ox.BlankNode else term

    quads = ox.parse(lines, format=fmt, base_iri=base_iri)
    literals.add(target, (ox.Quad(own(q.subject), q.predicate, own(q.object), q.graph_name) for q in quads), graph)


def load_ntriples_file(target: Data, fh: BinaryIO, fmt: ox.RdfFormat, base_iri: str, graph: str) -> bytes:
    """Load the N-Triples / N-Quads file ``fh`` inside pyoxigraph, a piece at a time (never held
    whole), recording the literals the store rewrites. A blank node's label is the store's own,
    so where a line with a blank node holds a literal the store rewrites, the lines with a blank
    node are left out, and returned to be added through Python (:func:`load`).

    An N-Triples file into an empty graph is read once (:func:`_load_in_pieces`); otherwise it
    is read twice: once to find the lines with typed literals, once by the store."""
    store, record = literals.parts(target)
    name = ox.NamedNode(graph)
    if fmt == ox.RdfFormat.N_TRIPLES and next(iter(store.quads_for_pattern(None, None, None, name)), None) is None:
        census = Census()
        rest = _load_in_pieces(store, literals.Recorder(record, graph), fh, base_iri, name, census)
        if rest is not None:
            if record is not None:
                record.census[graph] = census
            return rest
        fh.seek(0)
    typed_parts: list[bytes] = []
    blank_parts: list[bytes] = []
    for piece in _pieces(fh):
        typed_piece, blank_piece = _typed_lines(piece)
        typed_parts.append(typed_piece)
        blank_parts.append(blank_piece)
    typed, blank_typed = b"".join(typed_parts), b"".join(blank_parts)
    del typed_parts, blank_parts
    fh.seek(0)
    rest = b""
    if blank_typed and _nt_rewrites(blank_typed):
        source = _WithoutBlankLines(fh)
        store.load(source, format=fmt, base_iri=base_iri, to_graph=name)  # type: ignore[arg-type]  # a file-like reader
        rest = b"".join(source.rest)
    else:
        store.load(fh, format=fmt, base_iri=base_iri, to_graph=name)
    if typed:
        recorder = literals.Recorder(record, graph)
        literals.note_lines(recorder, typed, fmt, base_iri)
        recorder.close()
    return rest


#: a character XML 1.0 cannot carry, raw or escaped, may be in these bytes (any ``\\u`` or
#: ``\\U`` escape: only a scan in the store tells)
_MAY_NOT_BE_XML = re2.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|\\[uU]", BYTEWISE)

#: bytes of lines with a blank node that :func:`_load_in_pieces` holds, at most
_HELD = 32 << 20


def _load_in_pieces(
    store: ox.Store,
    recorder: literals.Recorder,
    fh: BinaryIO,
    base_iri: str,
    graph: ox.NamedNode,
    census: Census,
) -> bytes | None:
    """Load the N-Triples file ``fh`` into the empty ``graph`` in one read: each piece's lines
    without a blank node go to the store on a thread of their own (pyoxigraph parses without the
    GIL, and separate pieces keep no labels to share), while this thread notes the piece's typed
    literals and holds its lines with a blank node, loaded at the end in one call so their labels
    stay one file's. Returns those lines when they hold a literal the store rewrites (to be added
    through Python); None, with nothing loaded, when they are over :data:`_HELD` bytes (the file
    is then read twice instead). Raises what ``Store.load`` raises, with nothing loaded.
    ``census`` gets what it says of the file."""
    loader = _PieceLoader(store, base_iri, graph)
    recorder.typed = census.typed
    held: list[bytes] = []
    size = pieces = 0
    try:
        for piece in _pieces(fh):
            pieces += 1
            census.control = census.control or _MAY_NOT_BE_XML.search(piece) is not None
            plain, blank = _split_blank_lines(piece)
            loader.put(plain)
            typed, _ = _typed_lines(plain)
            if typed:
                literals.note_lines(recorder, typed, ox.RdfFormat.N_TRIPLES, base_iri)
            held.append(blank)
            size += len(blank)
            if size > _HELD:
                loader.stop()
                store.remove_graph(graph)
                return None
        loader.finish()
        lines = b"".join(held)
        _, blank_typed = _typed_lines(lines)
        census.typed.update(typed_stored(ox.parse(blank_typed, format=ox.RdfFormat.N_TRIPLES, lenient=True)))
        if lines and _nt_rewrites(lines):
            rest = lines
        else:
            rest = b""
            if lines:
                store.load(lines, format=ox.RdfFormat.N_TRIPLES, base_iri=base_iri, to_graph=graph)
    except BaseException:
        loader.stop()
        store.remove_graph(graph)
        raise
    recorder.close()
    if pieces > 1:  # the pieces' copies, freed among the store's allocations, go back to the system
        release_freed_memory()
    return rest


class _PieceLoader:
    """A thread loading pieces of N-Triples into ``graph`` of ``store`` as they are
    :meth:`put`, two at most waiting. The first error is raised by the next :meth:`put` or by
    :meth:`finish`; later pieces are then skipped."""

    def __init__(self, store: ox.Store, base_iri: str, graph: ox.NamedNode) -> None:
        self.waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(store, base_iri, graph), name="axiskg-load", daemon=True)
        self.thread.start()

    def _run(self, store: ox.Store, base_iri: str, graph: ox.NamedNode) -> None:
        while (piece := self.waiting.get()) is not None:
            if self.error is None:
                try:
                    store.load(piece, format=ox.RdfFormat.N_TRIPLES, base_iri=base_iri, to_graph=graph)
                except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                    self.error = exc

    def put(self, piece: bytes) -> None:
        if self.error is not None:
            raise self.error
        if piece:
            self.waiting.put(piece)

    def finish(self) -> None:
        """Wait until every piece is loaded (raising the first error)."""
        self.waiting.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Skip what is still waiting and end the thread (after the piece it is loading)."""
        if self.thread.is_alive():
            self.error = self.error or InterruptedError("loading stopped")
            self.waiting.put(None)
            self.thread.join()


#: how much of an N-Triples / N-Quads file is read at a time
_PIECE = 8 << 20


def _pieces(fh: BinaryIO) -> Iterator[bytes]:
    """``fh`` read in pieces of whole lines (the last one may lack its newline)."""
    return line_blocks(fh, _PIECE)


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
    for start, end in literals.line_spans(data, b"_:"):
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
    for start, end in literals.line_spans(data, _NT_MARK):
        line = data[start:end]
        (blank if b"_:" in line else out).append(line if line.endswith(b"\n") else line + b"\n")
    return b"".join(out), b"".join(blank)


def _raise_parse_error(data: bytes, fmt: ox.RdfFormat, base_iri: str) -> None:
    """Parse the whole ``data`` to raise its first syntax error with the line of the whole file
    (a part of the file gives lines of that part)."""
    for _ in ox.parse(data, format=fmt, base_iri=base_iri):
        pass
