"""Deterministic blank-node labels without graph canonicalisation.

Our blank nodes are trees (OWL axioms and lists, evidence with its selector, checksums): each has
at most one incoming triple and no cycles. Such a blank node is labelled from a hash of its
content (its outgoing triples, nested blank nodes described recursively) and of the triple that
owns it, so the same graph always gets the same labels, in any process, in linear time.
:func:`stable_label_lines` works on N-Triples lines (the build never makes Python term objects);
:func:`stable_labels` is the same on pyoxigraph triples. Both return ``None`` for graphs whose
blank nodes are not trees; :func:`canonical_lines` then uses W3C RDFC-1.0.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
from collections.abc import Iterable

import pyoxigraph as ox


def canonical_lines(triples: Iterable[ox.Triple]) -> list[bytes]:
    """``triples`` as sorted, de-duplicated N-Triples lines with canonical blank-node labels:
    the content-hash labels of :func:`stable_label_lines` when the blank nodes are trees, else
    W3C RDFC-1.0 (pyoxigraph's ``Dataset.canonicalize``). Every canonical output is made
    from these lines."""
    triples = list(triples)
    lines = stable_label_lines([ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""])
    if lines is None:
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        data = ox.serialize((q.triple for q in dataset), format=ox.RdfFormat.N_TRIPLES) or b""
        lines = data.splitlines(keepends=True)
    return sorted(set(lines))


def stable_labels(triples: Iterable[ox.Triple]) -> list[ox.Triple] | None:
    """``triples`` (repeats dropped) with blank nodes relabelled deterministically, or ``None``
    if they are not trees: :func:`stable_label_lines` on their N-Triples."""
    lines = stable_label_lines([ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""])
    if lines is None:
        return None
    return [q.triple for q in ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)]


#: one N-Triples line as pyoxigraph writes it: subject, predicate, object, `` .``
_LINE = re.compile(rb"([^ \n]+) ([^ \n]+) ([^\n]+) \.\n")
_BLANK = 95  # ord("_"): a subject or object token starting with it is a blank node (``_:x``)


def stable_label_lines(lines: Iterable[bytes]) -> list[bytes] | None:
    """N-Triples lines (``S P O .`` and a newline, as pyoxigraph writes them; an item may hold
    several whole lines; repeated lines count once) with blank nodes relabelled exactly as
    :func:`stable_labels` relabels the same triples, or ``None`` if the blank nodes are not
    trees. Lines without a blank node come back unchanged. The order of the result is not fixed."""
    triples = list(dict.fromkeys(_LINE.findall(b"".join(lines))))
    new = _relabelling(triples)
    if new is None:
        return None
    get = new.get
    return [b"%s %s %s .\n" % (get(s, s), p, get(o, o)) for s, p, o in triples]


def stable_label_map(lines: Iterable[bytes]) -> dict[bytes, bytes] | None:
    """The relabelling :func:`stable_label_lines` applies to ``lines``: each blank node's token
    (``_:x``) -> its new one, or ``None`` if the blank nodes are not trees. Only the lines with a
    blank node matter, so a caller with other lines too (a huge literal) may leave those out."""
    return _relabelling(list(dict.fromkeys(_LINE.findall(b"".join(lines)))))


def _relabelling(triples: list) -> dict[bytes, bytes] | None:
    """Blank-node token -> content label for the ``(subject, predicate, object)`` tokens."""
    with_blank_object = [t for t in triples if t[2][0] == _BLANK]
    owner = {t[2]: t for t in with_blank_object}
    if len(owner) != len(with_blank_object):
        return None  # shared blank node: not a tree
    del with_blank_object
    out_edges: dict = {}
    # a subject's lines mostly come together (pyoxigraph writes a graph subject by subject)
    for subject, group in itertools.groupby([t for t in triples if t[0][0] == _BLANK], key=operator.itemgetter(0)):
        edges = out_edges.get(subject)
        if edges is None:
            out_edges[subject] = list(group)
        else:
            edges.extend(group)
    if not out_edges and not owner:
        return {}
    nodes = set(out_edges) | owner.keys()
    content = _contents(out_edges, nodes)
    if content is None:
        return None  # a cycle: not a tree
    labels: dict = {}
    used: dict = {}
    sha256 = hashlib.sha256
    # the same order as stable_labels (UTF-8 bytes sort like the strings they encode)
    for start in sorted(nodes, key=content.__getitem__):
        chain = []  # ``start`` and its owners up to the first labelled one (or the root)
        node = start
        while node not in labels:
            chain.append(node)
            via = owner.get(node)
            if via is None or via[0][0] != _BLANK:
                break
            node = via[0]
        for node in reversed(chain):  # each owner is labelled before what it owns
            via = owner.get(node)
            if via is None:
                where = b""
            else:
                subject = via[0]
                where = (labels[subject] if subject[0] == _BLANK else subject) + b" " + via[1]
            base = b"b" + sha256(where + b" " + content[node]).hexdigest()[:20].encode()
            n = used.get(base, 0)
            used[base] = n + 1  # identical twins: numbered (they are interchangeable)
            labels[node] = base if n == 0 else base + b"n%d" % n

    return {node: b"_:" + name for node, name in labels.items()}


def _contents(out_edges: dict, nodes: set) -> dict | None:
    """Each blank node's content, ``[p o ; ...]`` with its outgoing edges sorted and nested blank
    nodes described in place; ``None`` on a cycle. Iterative (no recursion limit: a list of a
    million items is a chain a million deep), linear in the edges."""
    content: dict = {}
    for root in nodes:
        if root in content:
            continue
        stack, on_path = [root], {root}
        while stack:
            node = stack[-1]
            pending = [t[2] for t in out_edges.get(node, ()) if t[2][0] == _BLANK and t[2] not in content]
            if pending:
                if any(o in on_path for o in pending):
                    return None
                stack.extend(pending)
                on_path.update(pending)
                continue
            stack.pop()
            on_path.discard(node)
            parts = sorted(
                t[1] + b" " + (content[t[2]] if t[2][0] == _BLANK else t[2]) for t in out_edges.get(node, ())
            )
            content[node] = b"[" + b" ; ".join(parts) + b"]"
    return content
