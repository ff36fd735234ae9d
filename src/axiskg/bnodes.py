"""Deterministic blank-node labels without graph canonicalisation.

Our blank nodes are trees (OWL axioms and lists, evidence with its selector, checksums): each has
at most one incoming triple and no cycles. Such a blank node is labelled from a hash of its
content (its outgoing triples, nested blank nodes described recursively) and of the triple that
owns it, so the same graph always gets the same labels, in any process, in linear time.
:func:`stable_labels` returns ``None`` for graphs whose blank nodes are not trees; callers then use
full canonicalisation (:func:`rdflib.compare.to_canonical_graph`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox


def stable_labels(triples: Iterable[ox.Triple]) -> list[ox.Triple] | None:
    """``triples`` with blank nodes relabelled deterministically, or ``None`` if they are not trees."""
    triples = list(triples)
    out_edges: dict = {}
    owner: dict = {}
    blank = ox.BlankNode
    for t in triples:
        s, o = t.subject, t.object
        if type(s) is blank:
            out_edges.setdefault(s, []).append(t)
        if type(o) is blank:
            if o in owner:
                return None  # shared blank node: not a tree
            owner[o] = t
    if not out_edges and not owner:
        return triples
    content: dict = {}
    visiting: set = set()

    def describe(node) -> str:
        if not isinstance(node, ox.BlankNode):
            return str(node)
        found = content.get(node)
        if found is None:
            if node in visiting:
                raise _Cycle
            visiting.add(node)
            found = content[node] = "[" + " ; ".join(sorted(
                f"{t.predicate} {describe(t.object)}" for t in out_edges.get(node, []))) + "]"
            visiting.discard(node)
        return found

    labels: dict = {}
    used: dict = {}

    def label(node) -> str:
        found = labels.get(node)
        if found is None:
            via = owner.get(node)
            if via is None:
                where = ""
            else:
                parent = label(via.subject) if isinstance(via.subject, ox.BlankNode) else str(via.subject)
                where = f"{parent} {via.predicate}"
            base = "b" + hashlib.sha256(f"{where} {describe(node)}".encode()).hexdigest()[:20]
            n = used.get(base, 0)
            used[base] = n + 1  # identical twins: numbered (they are interchangeable)
            found = labels[node] = base if n == 0 else f"{base}n{n}"
        return found

    try:
        # label in a deterministic order so that numbered twins are numbered the same way
        for node in sorted(set(out_edges) | set(owner), key=lambda b: describe(b)):
            label(node)
    except (_Cycle, RecursionError):
        return None

    blank = ox.BlankNode
    new = {node: blank(name) for node, name in labels.items()}
    get = new.get
    return [ox.Triple(get(t.subject, t.subject), t.predicate, get(t.object, t.object))
            if type(t.subject) is blank or type(t.object) is blank else t for t in triples]


class _Cycle(Exception):
    pass
