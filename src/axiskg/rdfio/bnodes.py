"""Deterministic blank-node labels without graph canonicalisation.

Our blank nodes are trees (OWL axioms and lists, evidence with its selector, checksums): each has
at most one incoming triple and no cycles. Such a blank node is labelled from a hash of its
content (its outgoing triples, a nested blank node by the hash of its own content) and of the
triple that owns it, so the same graph always gets the same labels, in any process, in linear
time and memory, with no recursion (a chain or a list a million deep is fine).
:func:`stable_label_lines` works on N-Triples lines (the build never makes Python term objects);
:func:`stable_labels` is the same on pyoxigraph triples. Both return ``None`` for graphs whose
blank nodes are not trees; :func:`canonical_lines` then uses W3C RDFC-1.0.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import operator
from array import array
from bisect import bisect_left
from collections.abc import Iterable

import pyoxigraph as ox

from axiskg.rdfio.ntriples import split_line
from axiskg.rdfio.rdfc import rdfc_lines


def canonical_lines(triples: Iterable[ox.Triple]) -> list[bytes]:
    """``triples`` as sorted, de-duplicated N-Triples lines with canonical blank-node labels
    (:func:`canonical_blank_lines`). Every canonical output is made from these lines."""
    blank: list[bytes] = []
    plain = take_blank_lines(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"", blank)
    return sorted(set(plain.splitlines(keepends=True)).union(canonical_blank_lines(blank)))


def canonical_blank_lines(chunks: list[bytes]) -> list[bytes]:
    """N-Triples lines that each hold a blank node (``chunks`` of whole lines, emptied as they
    are read, so that a caller's copy is freed meanwhile) as sorted, distinct lines with
    canonical labels: the content-hash labels of :func:`stable_label_lines` when the blank nodes
    are trees, else W3C RDFC-1.0 (:func:`rdfc_lines`, under a work limit) on these lines alone:
    the lines without a blank node cannot change its labels."""
    lines = _sorted_distinct(chunks)
    trees = _Trees(lines)
    if trees.label():
        trees.relabel()
        return lines
    return sorted(set(rdfc_lines(b"".join(lines))))


def stable_labels(triples: Iterable[ox.Triple]) -> list[ox.Triple] | None:
    """``triples`` (repeats dropped) with blank nodes relabelled deterministically, or ``None``
    if they are not trees: :func:`stable_label_lines` on their N-Triples."""
    lines = stable_label_lines([ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""])
    if lines is None:
        return None
    return [q.triple for q in ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True)]


_BLANK = 95  # ord("_"): a subject or object token starting with it is a blank node (``_:x``)


def stable_label_lines(lines: Iterable[bytes]) -> list[bytes] | None:
    """N-Triples lines (``S P O .`` and a newline, as pyoxigraph writes them; an item may hold
    several whole lines; repeated lines count once) with blank nodes relabelled exactly as
    :func:`stable_labels` relabels the same triples, or ``None`` if the blank nodes are not
    trees. Lines without a blank node come back unchanged; the lines come back sorted."""
    lines = _sorted_distinct(list(lines))
    trees = _Trees(lines)
    if not trees.label():
        return None
    trees.relabel()
    return lines


def _sorted_distinct(chunks: list[bytes]) -> list[bytes]:
    """The lines of ``chunks`` (each whole lines; the list is emptied as it is read), sorted, each once."""
    lines: list[bytes] = []
    while chunks:
        lines += chunks.pop().splitlines(keepends=True)
    lines.sort()
    drop_repeats(lines)
    return lines


def take_blank_lines(data: bytes, blank: list[bytes]) -> bytes:
    """Append the lines of N-Triples ``data`` that have a blank node to ``blank`` (as chunks of
    whole lines); return the other lines.

    Subjects are IRIs (``<``) or blank nodes (``_:``), so a line starting with ``_:`` starts a
    run of such lines that ends where a line starts with ``<``. A blank-node object is the last
    token of its line (``... _:x .``); a `` _:`` inside a literal is followed, before the line's
    end, by the literal's closing quote or a space, which a blank-node label cannot contain.
    (``_:`` is found through its ``_``, a rare byte: a search for one byte is many times faster
    than one for ``\n_:``, whose first byte starts every line.)"""

    def find(needle: bytes, start: int, end: int | None = None) -> int:
        if not needle.endswith(b"_:"):
            return data.find(needle, start)
        last = len(data) if end is None else max(end - 1, 0)  # (the ``:`` too must be before ``end``)
        at = data.find(b"_", start + 1, last)
        while at >= 0 and (data[at - 1] != needle[0] or data[at + 1 : at + 2] != b":"):
            at = data.find(b"_", at + 1, last)
        return -1 if at < 0 else at - 1

    runs: list[tuple[int, int]] = []  # (start, end) of the runs of lines with a blank-node subject
    size = len(data)
    i = 0 if data.startswith(b"_:") else find(b"\n_:", 0) + 1
    while i > 0 or (i == 0 and not runs and data.startswith(b"_:")):
        end = find(b"\n<", i) + 1 or size
        runs.append((i, end))
        i = find(b"\n_:", end - 1) + 1 if end < size else -1
    spans = []
    previous = 0
    for start, end in runs + [(size, size)]:
        i = find(b" _:", previous, start)
        while i >= 0:
            line_end = find(b"\n", i) + 1 or size  # (the last line may lack its newline)
            token = data[i + 1 : line_end].rstrip(b"\n").removesuffix(b" .")
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


def stable_label_map(lines: Iterable[bytes]) -> dict[bytes, bytes] | None:
    """The relabelling :func:`stable_label_lines` applies to ``lines``: each blank node's token
    (``_:x``) -> its new one, or ``None`` if the blank nodes are not trees. Only the lines with a
    blank node matter, so a caller with other lines too (a huge literal) may leave those out."""
    sorted_lines = sorted(set(b"".join(lines).splitlines(keepends=True)))
    trees = _Trees(sorted_lines)
    if not trees.label():
        return None
    return {token: b"_:" + trees.labels[node] for token, node in trees.tokens()}


def merge_sorted(lines: list[bytes], few: list[bytes]) -> list[bytes]:
    """The sorted lists ``lines`` and ``few`` as one sorted list: each of a few items placed by
    bisection and the runs between copied in C (sorting the two, even as two runs, compares
    every line); many are sorted with the rest."""
    if len(few) * 64 > len(lines):
        return sorted(lines + few)
    out: list[bytes] = []
    at = 0
    for line in few:
        end = bisect.bisect_left(lines, line, at)
        out += lines[at:end]
        out.append(line)
        at = end
    out += lines[at:]
    return out


def drop_repeats(lines: list[bytes]) -> None:
    """Remove repeated items of the sorted list ``lines``, in place (in C loops: a build's
    million lines)."""
    if any(map(operator.eq, lines, itertools.islice(lines, 1, None))):
        lines[:] = (
            list(itertools.compress(lines, map(operator.ne, lines, itertools.islice(lines, 1, None)))) + lines[-1:]
        )


class _Trees:
    """Content labels of the blank nodes of sorted, distinct N-Triples ``lines``, in memory that
    is a few arrays of the lines' count: a blank node is known by the index of its first line
    as a subject (found by bisection: the lines are sorted), or past the end for one that is
    only an object; no recursion (a chain a million deep is a loop a million long).

    A node's content is a hash of its outgoing triples, a nested blank node by its own content's
    hash; its label hashes the triple that owns it (the owner's label or IRI, and the predicate)
    and its content. Identical twins (same owner, predicate and content) are numbered."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        self.n = len(lines)
        self.only_objects: dict[bytes, int] = {}  # blank nodes with no line as a subject -> id
        self.labels: list = []

    def node(self, token: bytes) -> int:
        """The id of the blank node ``token``."""
        key = token + b" "
        i = bisect_left(self.lines, key)
        if i < self.n and self.lines[i].startswith(key):
            return i
        return self.only_objects.setdefault(token, self.n + len(self.only_objects))

    def span(self, node: int) -> range:
        """The lines of ``node`` as a subject."""
        if node >= self.n:
            return range(0)
        end, prefix = node + 1, self.lines[node][: self.lines[node].index(b" ") + 1]
        while end < self.n and self.lines[end].startswith(prefix):
            end += 1
        return range(node, end)

    def tokens(self) -> Iterable[tuple[bytes, int]]:
        """``(token, id)`` of every blank node."""
        previous = b""
        for i, line in enumerate(self.lines):
            subject = line[: line.index(b" ")]
            if subject[0] == _BLANK and subject != previous:
                yield subject, i
            previous = subject
        yield from self.only_objects.items()

    def label(self) -> bool:
        """Label every blank node (:attr:`labels`, by id, without ``_:``); False when they are not trees."""
        lines, n = self.lines, self.n
        owner = array("q", [-1]) * n  # by id: the line whose object it is
        child = array("q", [-1]) * n  # by line: the id of its blank object
        roots = array("q")
        previous = b""
        for i, line in enumerate(lines):
            s, _, o = split_line(line)
            if s[0] == _BLANK and s != previous:
                roots.append(i)  # every subject node, for now
            previous = s
            if o[0] == _BLANK:
                k = self.node(o)
                if k >= len(owner):
                    owner.extend([-1] * (k + 1 - len(owner)))
                if owner[k] != -1:
                    return False  # shared blank node: not a tree
                owner[k], child[i] = i, k
        total = len(roots) + len(self.only_objects)
        # each node after its owner, from the roots (no owner, or an IRI's); a node never reached
        # is on a cycle
        order = array("q", (k for k in roots if owner[k] == -1 or lines[owner[k]][0] != _BLANK))
        order.extend(k for k in range(n, n + len(self.only_objects)) if lines[owner[k]][0] != _BLANK)
        del roots
        i = 0
        while i < len(order):
            order.extend(child[j] for j in self.span(order[i]) if child[j] >= 0)
            i += 1
        if len(order) != total:
            return False  # a cycle: not a tree
        sha256 = hashlib.sha256
        size = n + len(self.only_objects)
        content = bytearray(32 * size)  # leaves first: the outgoing triples, a nested node by its hash

        def hex_of(k: int) -> bytes:
            return content[32 * k : 32 * k + 32].hex().encode()

        for k in reversed(order):
            parts = []
            for j in self.span(k):
                _, p, o = split_line(lines[j])
                parts.append(p + b" " + (hex_of(child[j]) if child[j] >= 0 else o))
            parts.sort()
            content[32 * k : 32 * k + 32] = sha256(b"[" + b" ; ".join(parts) + b"]").digest()
        labels: list = [None] * size
        seen: set[bytes] = set()
        twins: dict[bytes, int] = {}
        for k in order:  # owners first: a label hashes the owner's label, predicate and content
            j = owner[k]
            if j == -1:
                where = b""
            else:
                s, p, _ = split_line(lines[j])
                where = (labels[self.node(s)] if s[0] == _BLANK else s) + b" " + p
            base = b"b" + sha256(where + b" " + hex_of(k)).hexdigest()[:20].encode()
            if base in seen:  # identical twins: numbered, interchangeable
                twins[base] = twins.get(base, 0) + 1
                labels[k] = base + b"n%d" % twins[base]
            else:
                seen.add(base)
                labels[k] = base
        self.labels = labels
        self.child = child
        return True

    def relabel(self) -> None:
        """Replace every blank token of :attr:`lines` by its label, in place, the lines kept sorted."""
        lines, labels, child = self.lines, self.labels, self.child
        subject_id = -1
        previous = b""
        for i, line in enumerate(lines):
            s, p, o = split_line(line)
            if s[0] == _BLANK:
                if s != previous:
                    subject_id = i
                    previous = s
                s = b"_:" + labels[subject_id]
            if child[i] >= 0:
                o = b"_:" + labels[child[i]]
            lines[i] = b"%s %s %s .\n" % (s, p, o)
        lines.sort()
