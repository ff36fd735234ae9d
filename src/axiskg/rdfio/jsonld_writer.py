"""The JSON-LD writer: canonical N-Triples lines in, compacted JSON-LD out, in memory that grows
with the output and the number of subjects, never with a graph of Python terms.

The input is what every published file is made from (:func:`axiskg.rdfio.bnodes.canonical_lines`:
sorted, de-duplicated lines), so each subject's triples are one run of lines, and a blank node's
run is found by bisection in the list itself: no index of the graph is built. The output is the
compaction of :mod:`axiskg.rdfio.jsonld_context` (``@context`` given by the caller):

* one node object per subject, in the ``@graph`` array sorted by ``@id`` (a graph of one node is
  that node beside the ``@context``), and one ``{"@id": "_:x"}`` per blank node that is only
  ever an object; blank nodes are referred to by ``@id``, never nested;
* keys: the context's term for the property when every value fits its coercion (``@type: @id``,
  a datatype, ``@container: @language``), else the property as a compact or full IRI;
  ``rdf:type`` as ``@type`` with class terms;
* an RDF list whose cells are blank nodes holding only ``rdf:first`` and ``rdf:rest`` and each
  referred to once is written in place as ``{"@list": [...]}`` (lists in lists too, up to
  :data:`MAX_LIST_NESTING` deep, deeper ones as their cells); any other list stays its cells'
  triples;
* literals: a string as a JSON string, a language-tagged one as ``{"@language", "@value"}`` (or
  in its term's language map), ``xsd:integer`` values and those of terms coerced to an integer
  type in canonical form as JSON numbers, ``"true"``/``"false"`` booleans as JSON booleans,
  everything else as ``{"@type", "@value"}`` with the lexical form as written;
* multi-valued properties sorted by their compact JSON, keys sorted, two-space indentation.

Nothing recurses with the data's depth: lists are walked with explicit stacks, and lists nested
over :data:`MAX_LIST_NESTING` deep are written as their cells, so the JSON is at most about
twice that deep (``json`` writes it), and a list nested 100,000 deep is written in linear time
and size, and read back by any JSON parser.
"""

from __future__ import annotations

import heapq
import json
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib.plugins.shared.jsonld.context import UNDEF, Context

from axiskg.rdfio.jsonld_context import (
    INTEGER_TYPES,
    XSD_STRING,
    graph_lines,
    object_term,
)
from axiskg.rdfio.ntriples import split_line
from axiskg.vocab import RDF, XSD

_FIRST = f"<{RDF}first>".encode()
_REST = f"<{RDF}rest>".encode()
_NIL = f"<{RDF}nil>".encode()
_TYPE = RDF + "type"
_BOOLEAN = XSD + "boolean"
_INTEGER = XSD + "integer"
_ID, _VOCAB, _LANGUAGE = "@id", "@vocab", "@language"
#: the deepest a list is written in place inside other lists (see :meth:`_Writer.limit_nesting`)
MAX_LIST_NESTING = 100


def jsonld_bytes(graph, context: dict) -> bytes:
    """An rdflib ``graph`` as JSON-LD compacted with ``context``: :func:`jsonld_lines` of its
    sorted N-Triples lines."""
    return b"".join(jsonld_lines(graph_lines(graph), context))


def jsonld_lines(lines: list[bytes], context: dict) -> Iterator[bytes]:
    """Sorted, de-duplicated N-Triples ``lines`` (one triple each) as JSON-LD compacted with
    ``context``, in chunks of whole node objects (see the module docs)."""
    return _Writer(lines, context).chunks()


class _Writer:
    """One writing of ``lines``: marks kept per line (references to a blank node, whether a list
    cell is written in place) in byte arrays, node objects made one at a time."""

    def __init__(self, lines: list[bytes], context: dict) -> None:
        self.lines = lines
        self.context = context
        self.ctx = Context(context)
        self.n = len(lines)
        self.refs = bytearray(self.n)  # at a blank subject's first line: 0, 1 or 2 (= more) references
        self.inline = bytearray(self.n)  # at a list cell's first line: 1 written in place, 2 not
        self.childless: set[bytes] = set()  # blank nodes that are objects only

    # ------------------------------------------------------------------ the graph's shape
    def start(self, token: bytes) -> int:
        """The index of the first line whose subject is ``token``, or -1."""
        key = token + b" "
        i = bisect_left(self.lines, key)
        return i if i < self.n and self.lines[i].startswith(key) else -1

    def count_references(self) -> None:
        """How often each blank node is an object (0, 1, more), and which have no line of their own."""
        for line in self.lines:
            if b" _:" not in line:
                continue
            o = split_line(line)[2]
            if o[:2] != b"_:":
                continue
            i = self.start(o)
            if i < 0:
                self.childless.add(o)
            elif self.refs[i] < 2:
                self.refs[i] += 1

    def cell(self, i: int) -> bytes | None:
        """The ``rdf:rest`` token of the list cell whose lines start at ``i`` (a blank node with
        exactly one ``rdf:first``, one ``rdf:rest`` and nothing else, referred to once), or None."""
        lines = self.lines
        if self.refs[i] != 1 or i + 1 >= self.n:
            return None
        s, p, _ = split_line(lines[i])
        s2, p2, rest = split_line(lines[i + 1])
        if s[:2] != b"_:" or p != _FIRST or s2 != s or p2 != _REST:
            return None
        if i + 2 < self.n and lines[i + 2].startswith(s + b" "):
            return None
        return rest

    def mark_lists(self) -> None:
        """Mark each list cell written in place (1) or not (2): a cell is in place when every
        cell from it to ``rdf:nil`` is a plain cell (:meth:`cell`); one walk per chain."""
        inline = self.inline
        for i, count in enumerate(self.refs):
            if count != 1 or inline[i]:
                continue
            path: list[int] = []
            at, verdict = i, 2
            while True:
                if inline[at]:
                    verdict = inline[at] if inline[at] != 3 else 2  # 3: on this path, a cycle
                    break
                rest = self.cell(at)
                if rest is None:
                    verdict = 2
                    break
                inline[at] = 3
                path.append(at)
                if rest == _NIL:
                    verdict = 1
                    break
                at = self.start(rest) if rest[:2] == b"_:" else -1
                if at < 0:
                    verdict = 2
                    break
            for at in path:
                inline[at] = verdict
            if not path:
                inline[i] = 2

    def limit_nesting(self) -> None:
        """Lists nested in lists deeper than :data:`MAX_LIST_NESTING` are written as their cells
        (top-level nodes with ``rdf:first`` and ``rdf:rest``), and the lists in those cells count
        from one again: the JSON stays as deep as a reader can take, and its size linear (each
        level of nesting indents every line below it)."""
        lines = self.lines
        todo: list[tuple[int, int, bool]] = []  # (first cell, depth, written as cells)
        i = 0
        while i < self.n:
            subject = split_line(lines[i])[0]
            j = i + 1
            while j < self.n and lines[j].startswith(subject + b" "):
                j += 1
            if self.inline[i] != 1:  # a top-level node: the lists it holds are at depth 1
                for line in lines[i:j]:
                    o = split_line(line)[2]
                    head = self.in_place(o) if o[:2] == b"_:" else -1
                    if head >= 0:
                        todo.append((head, 1, False))
            i = j
        while todo:
            at, depth, as_cells = todo.pop()
            while at >= 0:
                if as_cells:
                    self.inline[at] = 2
                first, rest = split_line(lines[at])[2], split_line(lines[at + 1])[2]
                inner = self.in_place(first) if first[:2] == b"_:" else -1
                if inner >= 0:
                    todo.append((inner, 1, False) if as_cells else (inner, depth + 1, depth + 1 > MAX_LIST_NESTING))
                at = -1 if rest == _NIL else self.start(rest)

    def in_place(self, token: bytes) -> int:
        """The first line of the list cell ``token`` when it is written in place, else -1."""
        i = self.start(token)
        return i if i >= 0 and self.inline[i] == 1 else -1

    # ------------------------------------------------------------------ values
    def raw(self, token: bytes) -> Any:
        """A term written without a term's coercion."""
        kind, value, extra = object_term(token)
        if kind == "iri":
            return {"@list": []} if token == _NIL else {"@id": self.ctx.shrink_iri(value)}
        if kind == "bnode":
            i = self.in_place(token)
            return self.list_value(i) if i >= 0 else {"@id": value}
        if kind == "lang":
            return {"@language": extra, "@value": value}
        if extra == XSD_STRING:
            return value
        if extra == _INTEGER and _canonical_integer(value):
            return int(value)
        if extra == _BOOLEAN and value in ("true", "false"):
            return value == "true"
        return {"@type": self.ctx.to_symbol(extra), "@value": value}

    def list_value(self, head: int) -> dict:
        """``{"@list": [...]}`` of the list whose first cell's lines start at ``head`` (lists in
        it nested the same way, by an explicit stack)."""
        root: list = []
        todo = [(head, root)]
        while todo:
            at, items = todo.pop()
            while at >= 0:
                first, rest = split_line(self.lines[at])[2], split_line(self.lines[at + 1])[2]
                inner = self.in_place(first) if first[:2] == b"_:" else -1
                if inner >= 0:
                    nested: list = []
                    items.append({"@list": nested})
                    todo.append((inner, nested))
                else:
                    items.append(self.raw(first))
                at = -1 if rest == _NIL else self.start(rest)
        return {"@list": root}

    def add(self, node: dict, p: bytes, o: bytes) -> None:
        """Add the value ``o`` of property ``p`` to ``node`` (values as lists; see :func:`_finish`),
        under the term rdflib's JSON-LD writer would pick (its ``Context.find_term``)."""
        ctx = self.ctx
        predicate = p[1:-1].decode("utf-8")
        kind, value, extra = object_term(o)
        term = None
        if kind in ("iri", "bnode"):
            for coercion in (_ID, _VOCAB, UNDEF):
                term = ctx.find_term(predicate, coercion, None)
                if term:
                    break
        elif kind == "lang":
            term = ctx.find_term(predicate, None, language=extra)
        else:
            term = ctx.find_term(predicate, None if extra == XSD_STRING else extra)
        out: Any = None
        if term:
            key = term.name
            if term.type == _ID and kind in ("iri", "bnode"):
                out = ctx.shrink_iri(value) if kind == "iri" else value
            elif term.type == _VOCAB and kind == "iri":
                out = ctx.to_symbol(value)
            elif term.type and kind == "literal" and term.type == extra:
                out = int(value) if extra in INTEGER_TYPES and _canonical_integer(value) else value
            elif _LANGUAGE in term.container and kind == "lang":
                node.setdefault(key, {}).setdefault(extra, []).append(value)
                return
        else:
            key = ctx.to_symbol(predicate)
            defined = ctx.terms.get(key)
            if defined and (defined.type or defined.container):
                key = predicate
            if predicate == _TYPE and kind == "iri":
                key, out = "@type", ctx.to_symbol(value)
        if out is None:
            out = self.raw(o)
        node.setdefault(key, []).append(out)

    def node(self, start: int, end: int, subject: bytes) -> dict:
        kind, value, _ = object_term(subject)
        node: dict = {"@id": self.ctx.shrink_iri(value) if kind == "iri" else value}
        for line in self.lines[start:end]:
            _, p, o = split_line(line)
            self.add(node, p, o)
        return _finish(node)

    # ------------------------------------------------------------------ output
    def subjects(self) -> tuple[list[tuple[str, int, int]], array, array]:
        """The node objects to write: ``(key, start, end)`` of the IRI subjects, sorted, and the
        line spans (starts, ends) of the blank ones not written in place, in line order."""
        iris: list[tuple[str, int, int]] = []
        starts, ends = array("q"), array("q")
        lines, i = self.lines, 0
        while i < self.n:
            subject = split_line(lines[i])[0]
            j = i + 1
            while j < self.n and lines[j].startswith(subject + b" "):
                j += 1
            if subject[:2] != b"_:":
                iris.append((_key(self.ctx.shrink_iri(subject[1:-1].decode("utf-8"))), i, j))
            elif self.inline[i] != 1:
                starts.append(i)
                ends.append(j)
            i = j
        iris.sort()
        return iris, starts, ends

    def ordered(self, iris, starts: array, ends: array) -> Iterator[Any]:
        """Every node object, in the order of ``@graph`` (by ``@id``: canonical blank-node labels
        already come in that order, others are sorted)."""

        def blank_keys() -> Iterator[str]:
            for start in starts:
                yield _key(split_line(self.lines[start])[0].decode("utf-8"))

        def from_blanks() -> Iterator[tuple[str, Any]]:
            for start, end, key in zip(starts, ends, blank_keys()):
                yield key, (start, end)

        previous = None
        ascending = True
        for key in blank_keys():
            if previous is not None and key < previous:
                ascending = False
                break
            previous = key
        blanks: Iterable[tuple[str, Any]] = from_blanks() if ascending else sorted(from_blanks())
        childless = ((_key(t.decode("utf-8")), t.decode("utf-8")) for t in sorted(self.childless))
        iri_nodes = ((key, (start, end)) for key, start, end in iris)
        for _, where in heapq.merge(iri_nodes, blanks, childless, key=lambda kv: kv[0]):
            if isinstance(where, str):
                yield {"@id": where}
            else:
                yield self.node(where[0], where[1], split_line(self.lines[where[0]])[0])

    def chunks(self) -> Iterator[bytes]:
        self.count_references()
        self.mark_lists()
        self.limit_nesting()
        iris, starts, ends = self.subjects()
        total = len(iris) + len(starts) + len(self.childless)
        nodes = self.ordered(iris, starts, ends)
        if total == 1:
            doc = {"@context": self.context, **next(nodes)}
            yield (_pretty(doc) + "\n").encode("utf-8")
            return
        head = _pretty({"@context": self.context, "@graph": []})
        yield (head[: -len("[]\n}")] + "[").encode("utf-8") if total else (head + "\n").encode("utf-8")
        if not total:
            return
        first = True
        for node in nodes:
            text = _pretty(node).replace("\n", "\n    ")
            yield (("\n    " if first else ",\n    ") + text).encode("utf-8")
            first = False
        yield b"\n  ]\n}\n"


def _key(node_id: str) -> str:
    """What orders node objects: their ``@id`` as JSON (the first key of each)."""
    return json.dumps(node_id, ensure_ascii=False)


def _canonical_integer(text: str) -> bool:
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdigit() and (digits == "0" or (digits[0] != "0" and text != "-0"))


def _finish(node: dict) -> dict:
    """One value as itself, several sorted by their compact JSON; the same inside language maps."""
    for key, values in node.items():
        if key == "@id":
            continue
        if isinstance(values, dict):  # a language map
            node[key] = {lang: v[0] if len(v) == 1 else sorted(v) for lang, v in values.items()}
        elif len(values) == 1:
            node[key] = values[0]
        else:
            node[key] = sorted(values, key=lambda v: _compact(v))
    return node


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
