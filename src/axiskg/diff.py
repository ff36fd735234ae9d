"""A semantic diff of two versions of the graph: what a change did, for a reviewer.

* **terms** -- typed IRIs (classes, properties, concepts, entities, claims ...) added or removed,
  and terms newly deprecated (``owl:deprecated true``, with ``dcterms:isReplacedBy``);
* **triples** added and removed, grouped by subject. Triples on blank nodes (a claim's evidence
  and selector) are shown under the IRI that owns them, with the path from it
  (``[axis:hasEvidence/oa:hasSelector] oa:exact "..."``).

Blank nodes are compared by content, so re-serialising a file or reordering it shows no change:
blank-node trees (every blank node has at most one incoming triple, no cycles: all of ours) get
the labels the build gives them (:func:`axiskg.rdfio.bnodes.stable_labels`: a hash of their
content and owner, without recursion, in linear time); other blank nodes
go through :func:`rdflib.compare.to_canonical_graph`, at most :data:`MAX_CANONICAL_BNODES` of
them. Inputs over :data:`MAX_TRIPLES` triples are refused, counted before anything is stored
(rdflib holds about 1.3 KB per triple; measured in docs/validation.md). Ill-typed literals are noted on stderr, never as a traceback. Text and Markdown output.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, BNode, Literal, URIRef
from rdflib.compare import to_canonical_graph

from axiskg import vocab
from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.limits import env_limit
from axiskg.rdfio import bnodes
from axiskg.rdfio.literal_checks import literal_problems
from axiskg.rdfio.rdfc import refuse_poison
from axiskg.rdfio.reading import count_triples, expand_path
from axiskg.rdfio.terms import to_ox, to_rdflib
from axiskg.vocab import PREFIXES

DCTERMS_REPLACED_BY = URIRef(vocab.DCTERMS + "isReplacedBy")
FORMATS = ("text", "markdown")
#: the most triples in one version (``AXISKG_DIFF_MAX_TRIPLES`` to change)
MAX_TRIPLES = 100_000
#: the most blank nodes outside trees (shared or in cycles) that full canonicalisation may take
MAX_CANONICAL_BNODES = 2_000
#: blank-node paths are shown up to this many steps, then "/…"
MAX_PATH_STEPS = 12


@dataclass(frozen=True)
class Term:
    iri: str
    kinds: tuple[str, ...]  # compact names of its rdf:types
    replaced_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    sign: str  # "+" or "-"
    path: str  # "" for the subject itself, else "[p1/p2]" for a blank node below it
    predicate: str
    object: str

    def line(self) -> str:
        where = f"{self.path} " if self.path else ""
        return f"{self.sign} {where}{self.predicate} {self.object}"


@dataclass
class GraphDiff:
    added_terms: list[Term] = field(default_factory=list)
    removed_terms: list[Term] = field(default_factory=list)
    deprecated_terms: list[Term] = field(default_factory=list)
    by_subject: dict[str, list[Change]] = field(default_factory=dict)  # compact subject -> changes

    @property
    def added(self) -> int:
        return sum(c.sign == "+" for cs in self.by_subject.values() for c in cs)

    @property
    def removed(self) -> int:
        return sum(c.sign == "-" for cs in self.by_subject.values() for c in cs)

    @property
    def empty(self) -> bool:
        return not (self.by_subject or self.added_terms or self.removed_terms or self.deprecated_terms)


# --------------------------------------------------------------------------- names


def compact(term, prefixes: dict[str, str] = PREFIXES) -> str:
    """A readable name: ``prefix:local`` by the longest matching namespace, else ``<iri>``."""
    if isinstance(term, Literal):
        if term.datatype is not None:
            return f"{Literal(str(term)).n3()}^^{compact(term.datatype, prefixes)}"
        return term.n3()
    if isinstance(term, BNode):
        return "[]"
    return vocab.compact(str(term), prefixes, brackets=True)


# --------------------------------------------------------------------------- diffing


def _terms(graph: rdflib.Graph) -> dict[str, Term]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for s, cls in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef):
            kinds[str(s)].add(compact(cls))
    return {iri: Term(iri, tuple(sorted(k))) for iri, k in kinds.items()}


def _deprecated(graph: rdflib.Graph) -> dict[str, Term]:
    out = {}
    for s, value in graph.subject_objects(OWL.deprecated):
        if isinstance(s, URIRef) and isinstance(value, Literal) and value.toPython() is True:
            kinds = tuple(sorted(compact(c) for c in graph.objects(s, RDF.type)))
            repl = tuple(sorted(compact(r) for r in graph.objects(s, DCTERMS_REPLACED_BY)))
            out[str(s)] = Term(str(s), kinds, repl)
    return out


def _owners(graph: rdflib.Graph) -> dict[BNode, tuple[str, str]]:
    """Each blank node -> (the IRI that owns it, the property path from there), by a
    breadth-first walk from the IRIs; the smallest (owner, path) wins, so the result is stable."""
    best: dict[BNode, tuple[str, str]] = {}
    for s, p, o in graph:
        if isinstance(o, BNode) and not isinstance(s, BNode):
            cand = (compact(s), compact(p))
            if o not in best or cand < best[o]:
                best[o] = cand
    frontier = sorted(best, key=lambda b: best[b])
    while frontier:
        nxt = []
        for b in frontier:
            owner, path = best[b]
            deep = path.endswith("/…") or path.count("/") >= MAX_PATH_STEPS - 1
            for p, o in sorted(graph.predicate_objects(b), key=lambda po: (po[0], str(po[1]))):
                if isinstance(o, BNode) and o not in best:  # paths stop growing at MAX_PATH_STEPS
                    best[o] = (owner, path if path.endswith("/…") else f"{path}/…" if deep else f"{path}/{compact(p)}")
                    nxt.append(o)
        frontier = nxt
    return best


def _view(triple, owners: dict) -> tuple[str, str, str, str]:
    """A triple as a reviewer sees it: (subject or owning IRI, path to the blank node, predicate,
    object); blank node objects show as ``[]``."""
    s, p, o = triple
    if isinstance(s, BNode):
        owner, path = owners.get(s, ("[] (unattached blank node)", ""))
        return owner, f"[{path}]" if path else "", compact(p), compact(o)
    return compact(s), "", compact(p), compact(o)


def diff_graphs(old: rdflib.Graph, new: rdflib.Graph) -> GraphDiff:
    """What changed from ``old`` to ``new``.

    Triples are compared exactly, blank nodes by canonical labels (hashes of their content). A
    change deep in a blank-node tree (a claim's quote) changes the labels of the blank nodes
    above it too, so those triples differ as well but read the same: after mapping each triple
    to its owner and path, pairs that read the same on both sides cancel, and only the real
    change is listed."""
    c_old, c_new = canonical(old), canonical(new)
    t_old, t_new = set(c_old), set(c_new)
    owners_old, owners_new = _owners(c_old), _owners(c_new)
    removed = Counter(_view(t, owners_old) for t in t_old - t_new)
    added = Counter(_view(t, owners_new) for t in t_new - t_old)
    same = removed & added
    removed -= same
    added -= same

    result = GraphDiff()
    old_terms, new_terms = _terms(old), _terms(new)
    result.added_terms = [new_terms[t] for t in sorted(set(new_terms) - set(old_terms), key=compact_iri)]
    result.removed_terms = [old_terms[t] for t in sorted(set(old_terms) - set(new_terms), key=compact_iri)]
    old_dep, new_dep = _deprecated(old), _deprecated(new)
    result.deprecated_terms = [new_dep[t] for t in sorted(set(new_dep) - set(old_dep), key=compact_iri)]

    changes: dict[str, list[Change]] = defaultdict(list)
    for sign, views in (("-", removed), ("+", added)):
        for (subject, path, p, o), n in views.items():
            changes[subject].extend([Change(sign, path, p, o)] * n)
    order = {"-": 0, "+": 1}
    result.by_subject = {
        subject: sorted(cs, key=lambda c: (c.path, c.predicate, order[c.sign], c.object))
        for subject, cs in sorted(changes.items())
    }
    return result


def compact_iri(iri: str) -> str:
    return vocab.compact(iri, brackets=True)


def canonical(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` with blank nodes labelled by content (see the module's docs)."""
    # the build's content labels (trees), from the lines with a blank node, as pyoxigraph writes them
    lines = [
        f"{to_ox(s)} {to_ox(p)} {to_ox(o)} .\n".encode()
        for s, p, o in graph
        if isinstance(s, BNode) or isinstance(o, BNode)
    ]
    labels = bnodes.stable_label_map(lines)
    if labels is None:
        count = len({t for triple in graph for t in triple if isinstance(t, BNode)})
        if count > MAX_CANONICAL_BNODES:
            raise InputError(
                None,
                f"{count} blank nodes that are shared or on cycles: diff compares at most "
                f"{MAX_CANONICAL_BNODES} such (canonicalising them can take hours)",
            )
        refuse_poison(graph.serialize(format="nt", encoding="utf-8"), "diff cannot compare them")
        return to_canonical_graph(graph)
    if not labels:
        return graph

    def relabel(term):
        return BNode(labels[f"_:{term}".encode()][2:].decode()) if isinstance(term, BNode) else term

    out = rdflib.Graph()
    for s, p, o in graph:
        out.add((relabel(s), p, relabel(o)))
    return out


# --------------------------------------------------------------------------- inputs


def load_version(path: Path | str) -> rdflib.Graph:
    """One version of the graph: a project folder (with ``ontology/``), or RDF files/folders;
    refused beyond :data:`MAX_TRIPLES`; ill-typed literals are noted on stderr."""
    import sys

    from axiskg import paths

    path = Path(path)
    project = path.is_dir() and (path / "ontology").is_dir()
    files = paths.ontology_files(path) + paths.data_files(path) if project else expand_path(path)
    # counted before anything is stored: a 2M-item list is refused in seconds, not after 4 GB
    most = env_limit("AXISKG_DIFF_MAX_TRIPLES", MAX_TRIPLES)
    if count_triples(files, most) > most:
        raise InputError(path, f"over {most} triples: more than diff compares (AXISKG_DIFF_MAX_TRIPLES)")
    if project:
        store, root = Dataset.load(root=path, inferred=False), path
    else:
        store, root = Dataset.load([path], inferred=False), None
    for problem in literal_problems(store, root):
        print(f"axiskg: warning: {problem}", file=sys.stderr)
    return to_rdflib(store, as_written=True)


def checkout(root: Path, rev: str, into: Path) -> Path:
    """The project's ``ontology/`` and ``data/`` at git revision ``rev``, extracted into ``into``."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", rev, "--", "ontology", "data"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise InputError(None, "git is not installed") from None
    if proc.returncode != 0:
        problem = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise InputError(root, f"cannot read revision {rev!r}: {problem[-1] if problem else 'git archive failed'}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def diff_paths(old: Path | str, new: Path | str) -> GraphDiff:
    return diff_graphs(load_version(old), load_version(new))


def diff_revision(root: Path, rev: str, new: Path | str | None = None) -> GraphDiff:
    """The project at ``rev`` against ``new`` (default: the working tree of ``root``)."""
    with tempfile.TemporaryDirectory(prefix="axiskg-diff-") as tmp:
        old_graph = load_version(checkout(root, rev, Path(tmp)))
    return diff_graphs(old_graph, load_version(new if new is not None else root))


# --------------------------------------------------------------------------- output


def _term_line(t: Term) -> str:
    kinds = f" ({', '.join(t.kinds)})" if t.kinds else ""
    repl = f", replaced by {', '.join(t.replaced_by)}" if t.replaced_by else ""
    return f"{compact_iri(t.iri)}{kinds}{repl}"


def _summary(d: GraphDiff) -> list[str]:
    return [
        f"terms: {len(d.added_terms)} added, {len(d.removed_terms)} removed, {len(d.deprecated_terms)} deprecated",
        f"triples: {d.added} added, {d.removed} removed, in {len(d.by_subject)} subjects",
    ]


def format_text(d: GraphDiff, old: str, new: str) -> str:
    lines = [f"axiskg diff {old} -> {new}"]
    if d.empty:
        return "\n".join(lines + ["no differences"]) + "\n"
    lines += _summary(d)
    for title, terms, mark in (
        ("terms added", d.added_terms, "+"),
        ("terms removed", d.removed_terms, "-"),
        ("terms deprecated", d.deprecated_terms, "!"),
    ):
        if terms:
            lines += ["", f"{title}:"] + [f"  {mark} {_term_line(t)}" for t in terms]
    lines += ["", "triples by subject:"]
    for subject, changes in d.by_subject.items():
        lines.append(f"  {subject}")
        lines += [f"    {c.line()}" for c in changes]
    return "\n".join(lines) + "\n"


def format_markdown(d: GraphDiff, old: str, new: str) -> str:
    lines = [f"## axiskg diff: `{old}` → `{new}`", ""]
    if d.empty:
        return "\n".join(lines + ["No differences."]) + "\n"
    lines += [f"- {s}" for s in _summary(d)]
    for title, terms in (
        ("Terms added", d.added_terms),
        ("Terms removed", d.removed_terms),
        ("Terms deprecated", d.deprecated_terms),
    ):
        if terms:
            lines += ["", f"### {title}", "", "| term | kind | replaced by |", "|---|---|---|"]
            lines += [f"| `{compact_iri(t.iri)}` | {', '.join(t.kinds)} | {', '.join(t.replaced_by)} |" for t in terms]
    lines += ["", "### Triples by subject"]
    for subject, changes in d.by_subject.items():
        lines += ["", f"#### `{subject}`", "", "```diff"] + [c.line() for c in changes] + ["```"]
    return "\n".join(lines) + "\n"


def format_diff(d: GraphDiff, old: str, new: str, fmt: str = "text") -> str:
    return format_markdown(d, old, new) if fmt == "markdown" else format_text(d, old, new)
