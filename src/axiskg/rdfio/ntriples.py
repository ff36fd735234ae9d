"""N-Triples / N-Quads with a line over pyoxigraph's 16 MiB token cap, parsed in linear time."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.errors import InputError, parser_message
from axiskg.rdfio import literals
from axiskg.rdfio.inputs import syntax_problem

if TYPE_CHECKING:
    from axiskg.dataset import Data

# one N-Triples / N-Quads statement (for lines over pyoxigraph's 16 MiB token cap); the literal
# pattern is the "unrolled loop" form, linear in the line's length
_NT_IRI = rb"<([^<>\"{}|^`\\\x00-\x20]*)>"
_NT_BNODE = rb"_:([A-Za-z0-9_][A-Za-z0-9_.\-]*)"
_NT_LITERAL = rb'"([^"\\\n\r]*(?:\\.[^"\\\n\r]*)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^<>"{}|^`\\\x00-\x20]*)>)?'
_NT_STATEMENT = re.compile(
    rb"[ \t]*(?:"
    + _NT_IRI
    + rb"|"
    + _NT_BNODE
    + rb")[ \t]*"
    + _NT_IRI
    + rb"[ \t]*(?:"
    + _NT_IRI
    + rb"|"
    + _NT_BNODE
    + rb"|"
    + _NT_LITERAL
    + rb")[ \t]*(?:(?:"
    + _NT_IRI
    + rb"|"
    + _NT_BNODE
    + rb")[ \t]*)?\.[ \t]*(?:#[^\n]*)?\r?"
)
_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_NT_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
LONG_LINE = 1 << 20  # lines at least this long are parsed by _NT_STATEMENT, the rest by pyoxigraph


def split_line(line: bytes) -> tuple[bytes, bytes, bytes]:
    """The subject, predicate and object tokens of one N-Triples line as pyoxigraph writes it
    (``S P O .`` and a newline; neither subject nor predicate holds a space)."""
    a = line.index(b" ")
    b = line.index(b" ", a + 1)
    return line[:a], line[a + 1 : b], line[b + 1 : -3]


def nt_unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(3) is not None:
            if m.group(3) not in _NT_ECHAR:
                raise ValueError(f"bad escape \\{m.group(3)}")
            return _NT_ECHAR[m.group(3)]
        return chr(int(m.group(1) or m.group(2), 16))

    return _NT_ESCAPE.sub(one, text) if "\\" in text else text


def load_long_lines(dest: Data, path: Path, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
    """N-Triples / N-Quads with a line over pyoxigraph's 16 MiB token cap, in time linear in
    the file's size: short lines in batches through pyoxigraph, long ones through
    :data:`_NT_STATEMENT`. Blank-node labels are made unique to this file."""
    import uuid

    prefix = "f" + uuid.uuid4().hex[:12]
    target = ox.NamedNode(graph)
    store, record = literals.parts(dest)
    recorder = literals.Recorder(record, graph)

    def node(iri, bnode):
        return ox.NamedNode(iri.decode()) if iri is not None else ox.BlankNode(prefix + bnode.decode())

    def own(term):
        return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

    def flush(batch: list[bytes], first_line: int) -> None:
        if not batch:
            return
        try:
            for q in ox.parse(b"\n".join(batch), format=fmt):
                name = target if isinstance(q.graph_name, ox.DefaultGraph) else own(q.graph_name)
                store.add(recorder.quad(ox.Quad(own(q.subject), q.predicate, own(q.object), name)))
        except SyntaxError as exc:
            raise InputError(path, syntax_problem(exc), first_line + (exc.lineno or 1) - 1) from None
        batch.clear()

    batch: list[bytes] = []
    start = size = 0
    line_no = 0
    for line_no, line in enumerate(data.split(b"\n"), 1):
        if len(line) < LONG_LINE:
            if not batch:
                start = line_no
            batch.append(line)
            size += len(line)
            if size > 8 * LONG_LINE:
                flush(batch, start)
                size = 0
            continue
        flush(batch, start)
        size = 0
        m = _NT_STATEMENT.fullmatch(line)
        if m is None:
            raise InputError(path, "syntax error in a statement over 1 MiB long (not an N-Triples statement)", line_no)
        g = m.groups()  # s-iri s-bnode p o-iri o-bnode o-lit lang datatype g-iri g-bnode
        try:
            subject, predicate = node(g[0], g[1]), ox.NamedNode(g[2].decode())
            if g[5] is not None:
                value = nt_unescape(g[5].decode())
                if g[6] is not None:
                    obj = ox.Literal(value, language=g[6].decode())
                elif g[7] is not None:
                    obj = ox.Literal(value, datatype=ox.NamedNode(g[7].decode()))
                else:
                    obj = ox.Literal(value)
            else:
                obj = node(g[3], g[4])
            if g[8] is None and g[9] is None:
                name = target
            elif fmt == ox.RdfFormat.N_QUADS:
                name = node(g[8], g[9])
            else:
                raise ValueError("a graph name in N-Triples")
        except ValueError as exc:
            raise InputError(path, f"bad term: {parser_message(str(exc))}", line_no) from None
        store.add(recorder.quad(ox.Quad(subject, predicate, obj, name)))
    flush(batch, start)
    recorder.close()
