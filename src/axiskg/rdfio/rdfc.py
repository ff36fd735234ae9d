"""W3C RDFC-1.0 canonical blank-node labels under a work limit.

RDFC-1.0 (https://www.w3.org/TR/rdf-canon/) labels blank nodes that look alike by trying the
permutations of their neighbours: its work is exponential in a "poison" graph (ten blank nodes
all linked to each other took hours; 24 took gigabytes in seconds; a 2,000-node cycle, minutes),
and the spec asks implementations to stop such graphs
(https://www.w3.org/TR/rdf-canon/#dataset-poisoning). Two limits apply:

1. Before anything runs, :func:`estimated_work` counts what the algorithm will do from the
   first-degree hashes (linear time): for each blank node whose hash is not unique, the
   permutations of its alike neighbours times the square of the size of its connected part. Over
   ``AXISKG_CANON_WORK`` (default :data:`CANON_WORK`) the graph is refused at once (exit 2).
2. pyoxigraph's ``canonicalize`` then runs in a child process that the kernel stops past
   ``AXISKG_CANON_SECONDS`` of CPU (default :data:`CANON_SECONDS`) or ``AXISKG_CANON_MB`` of
   memory (default :data:`CANON_MB`): also exit 2, and nothing is written.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
from collections import Counter

from axiskg.errors import InputError

CANON_WORK = 1_000_000
CANON_SECONDS = 20
CANON_MB = 1024

_LINE = re.compile(rb"([^ \n]+) ([^ \n]+) ([^\n]+) \.\n")
_BLANK = 95  # ord("_")
_RDFC = """import sys, pyoxigraph as ox
d = ox.Dataset(ox.parse(sys.stdin.buffer.read(), format=ox.RdfFormat.N_TRIPLES, lenient=True))
d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
sys.stdout.buffer.write(ox.serialize((q.triple for q in d), format=ox.RdfFormat.N_TRIPLES) or b"")
"""


def _limit(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise InputError(None, f"{name}={text!r}: expected a whole number above 0")
    return int(text)


def estimated_work(data: bytes, stop: int) -> tuple[int, int]:
    """``(blank nodes, estimated steps)`` of RDFC-1.0 on the N-Triples ``data``; counting stops
    once the steps pass ``stop``."""
    triples = set(_LINE.findall(data))
    mentions: dict[bytes, list[bytes]] = {}
    links: dict[bytes, list[tuple[bytes, bytes, bytes]]] = {}  # node -> (position, predicate, other)
    for s, p, o in triples:
        for node in (s, o):
            if node[0] == _BLANK:
                quad = b" ".join((b"_:a" if t == node else b"_:z" if t[0] == _BLANK else t) for t in (s, p, o))
                mentions.setdefault(node, []).append(quad)
        if s[0] == _BLANK and o[0] == _BLANK and s != o:
            links.setdefault(s, []).append((b"o", p, o))
            links.setdefault(o, []).append((b"s", p, s))
    first = {n: hashlib.sha256(b"\n".join(sorted(q))).digest() for n, q in mentions.items()}
    alike = Counter(first.values())
    part = _part_sizes(links)
    work = 0
    for node, digest in first.items():
        if alike[digest] < 2:
            continue  # a unique first-degree hash: labelled at once
        groups = Counter((position, p, first[other]) for position, p, other in links.get(node, ()))
        permutations = 1
        for size in groups.values():
            permutations *= math.factorial(min(size, 20))
            if permutations > stop:
                return len(first), stop + 1
        work += permutations * part.get(node, 1) ** 2  # each node walks its part, copying its labels
        if work > stop:
            return len(first), work
    return len(first), work


def _part_sizes(links: dict[bytes, list[tuple[bytes, bytes, bytes]]]) -> dict[bytes, int]:
    """For each linked blank node, how many blank nodes its connected part holds."""
    size: dict[bytes, int] = {}
    for start in links:
        if start in size:
            continue
        members, todo = {start}, [start]
        while todo:
            for _, _, other in links[todo.pop()]:
                if other not in members:
                    members.add(other)
                    todo.append(other)
        for member in members:
            size[member] = len(members)
    return size


def refuse_poison(data: bytes, outcome: str) -> int:
    """The number of blank nodes in the N-Triples ``data``; :class:`InputError` (saying
    ``outcome``) when canonical labels would take more than ``AXISKG_CANON_WORK`` steps."""
    most = _limit("AXISKG_CANON_WORK", CANON_WORK)
    blank, work = estimated_work(data, most)
    if work > most:
        raise InputError(
            None,
            f"{blank:,} blank nodes, some alike and shared by several triples or on cycles: their "
            f"canonical labels (W3C RDFC-1.0) would take over {most:,} steps (AXISKG_CANON_WORK); {outcome}",
        )
    return blank


def rdfc_lines(data: bytes) -> list[bytes]:
    """N-Triples ``data`` with RDFC-1.0 blank-node labels, under both limits (see the module
    docs); :class:`InputError` past either."""
    blank = refuse_poison(data, "nothing was written")
    seconds, megabytes = _limit("AXISKG_CANON_SECONDS", CANON_SECONDS), _limit("AXISKG_CANON_MB", CANON_MB)

    def limits() -> None:  # in the child, before it runs
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    try:
        done = subprocess.run(
            [sys.executable, "-c", _RDFC], input=data, capture_output=True, preexec_fn=limits, timeout=seconds * 3 + 10
        )
        finished = done.returncode == 0
    except subprocess.TimeoutExpired:
        finished = False
    if not finished:
        raise InputError(
            None,
            f"{blank:,} blank nodes, some shared by several triples or on cycles: their canonical labels "
            f"(W3C RDFC-1.0) took more than the work limit of {seconds} s of CPU and {megabytes:,} MB "
            "(AXISKG_CANON_SECONDS, AXISKG_CANON_MB); nothing was written",
        )
    return done.stdout.splitlines(keepends=True)
