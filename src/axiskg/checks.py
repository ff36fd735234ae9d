"""Ontology quality checks, ROBOT-report style.

Each rule is a SPARQL SELECT in ``axiskg/check_rules/<rule>.rq`` returning ``?entity ?property
?value``; its header comments give ``# title:`` and ``# description:``. A profile (TSV lines
``SEVERITY<TAB>rule``, severities ``ERROR``, ``WARN``, ``INFO``; ``#`` starts a comment) says which
rules run and how severe they are; the default is ``check_rules/profile.tsv``.

The queries run on the store from :mod:`axiskg.dataset` with the union of all graphs as default
graph; the ontology is the named graph ``vocab.ONTOLOGY_GRAPH`` (written ``<{{ONTOLOGY_GRAPH}}>``
in the rule files, filled in by :func:`axiskg.vocab.substitute`), every other
named graph is data. While the rules run, the pinned term lists of the reused vocabularies
(``axiskg/vocabularies/<prefix>.txt``: a ``# namespace:`` header, then one local name a line) sit in
the named graph :data:`VOCAB_GRAPH`: each namespace ``a check:PinnedNamespace``, each term
``a check:PinnedTerm``; rules read them there (``reused_term_unknown``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.errors import InputError
from axiskg.sparql.querying import solutions
from axiskg.vocab import CHECK, RDF_TYPE, VOCAB_GRAPH, compact, substitute

if TYPE_CHECKING:
    from axiskg.dataset import Data

LEVELS = ("ERROR", "WARN", "INFO")
_RANK = {level: i for i, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR | WARN | INFO
    rule: str
    entity: str
    property: str
    value: str | None
    source: str | None = None  # where the entity is described: "file:line", a file, or a project graph
    #: the RDF terms of the row (pyoxigraph), for the one result model (:func:`as_report`)
    terms: tuple = field(default=(), compare=False, repr=False)

    def sort_key(self) -> tuple:
        return (_RANK[self.level], self.rule, self.entity, self.property, self.value or "")


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    description: str
    query: str


def _rules_dir():
    return resources.files("axiskg") / "check_rules"


def _header(text: str, key: str) -> str:
    for line in text.splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return ""


def available_rules() -> dict[str, Rule]:
    """Every rule shipped with axiskg, by name."""
    out = {}
    for entry in _rules_dir().iterdir():
        if entry.name.endswith(".rq"):
            text = substitute(entry.read_text(encoding="utf-8"))
            name = entry.name[: -len(".rq")]
            out[name] = Rule(name, _header(text, "title") or name, _header(text, "description"), text)
    return dict(sorted(out.items()))


def load_profile(path: Path | str | None = None) -> dict[str, str]:
    """``{rule: level}`` from a profile file (default: the shipped ``profile.tsv``)."""
    if path is None:
        text, where = (_rules_dir() / "profile.tsv").read_text(encoding="utf-8"), "profile.tsv"
    else:
        from axiskg.rdfio.inputs import read_input

        path = Path(path)
        try:  # a regular file only (a FIFO would hang, /dev/zero never end)
            text, where = read_input(path).decode("utf-8"), str(path)
        except UnicodeDecodeError as exc:
            raise InputError(path, f"cannot read: {exc}") from None
    known = available_rules()
    profile: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 2 or fields[0].upper() not in _RANK:
            raise InputError(where, f"expected 'SEVERITY<TAB>rule' with SEVERITY in {', '.join(LEVELS)}", number)
        if fields[1] not in known:
            raise InputError(where, f"unknown rule {fields[1]!r} (known: {', '.join(known)})", number)
        profile[fields[1]] = fields[0].upper()
    return profile


def _term(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"
    return term.value  # literal: its lexical form


def pinned_vocabularies() -> dict[str, frozenset[str]]:
    """``{namespace: local names}`` of every reused vocabulary whose term list ships with axiskg."""
    out = {}
    for entry in sorted((resources.files("axiskg") / "vocabularies").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".txt"):
            continue
        text = entry.read_text(encoding="utf-8")
        out[_header(text, "namespace")] = frozenset(
            line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
        )
    return out


def _vocabulary_quads() -> list[ox.Quad]:
    graph, kind = ox.NamedNode(VOCAB_GRAPH), ox.NamedNode(RDF_TYPE)
    quads = []
    for namespace, terms in pinned_vocabularies().items():
        quads.append(ox.Quad(ox.NamedNode(namespace), kind, ox.NamedNode(CHECK + "PinnedNamespace"), graph))
        quads += [ox.Quad(ox.NamedNode(namespace + t), kind, ox.NamedNode(CHECK + "PinnedTerm"), graph) for t in terms]
    return quads


def run_checks(store: Data, profile: dict[str, str] | None = None, locate=None) -> list[Problem]:
    """Run every rule of ``profile`` (default profile if None) on ``store``; sorted problems.
    ``locate(iri)`` (e.g. :func:`axiskg.rdfio.sources.definition_locator`) gives each problem's source.
    Rules that read :data:`VOCAB_GRAPH` run with the pinned vocabularies added to ``store``
    (removed again after them, so the other rules never see them)."""
    profile = load_profile() if profile is None else profile
    rules = available_rules()
    problems = set()
    plain = [(n, lv) for n, lv in profile.items() if VOCAB_GRAPH not in rules[n].query]
    with_vocab = [(n, lv) for n, lv in profile.items() if VOCAB_GRAPH in rules[n].query]
    for group in (plain, with_vocab):
        if group is with_vocab and group:
            store.extend(_vocabulary_quads())
        try:
            for name, level in group:
                for solution in solutions(store, rules[name].query):
                    entity = _term(solution["entity"]) or ""
                    problems.add(
                        Problem(
                            level,
                            name,
                            entity,
                            _term(solution["property"]) or "",
                            _term(solution["value"]),
                            locate(entity) if locate is not None and entity else None,
                            (solution["entity"], solution["property"], solution["value"]),
                        )
                    )
        finally:
            if group is with_vocab and group:
                store.remove_graph(ox.NamedNode(VOCAB_GRAPH))
    return sorted(problems, key=Problem.sort_key)


def count(problems: list[Problem], level: str) -> int:
    return sum(1 for p in problems if p.level == level)


def format_text(problems: list[Problem]) -> str:
    from axiskg.terminal import escape  # values and file names from the data: printed inert

    lines = []
    for p in problems:
        value = f"  {compact(p.value)}" if p.value is not None else ""
        where = f"  ({p.source})" if p.source else ""
        lines.append(escape(f"{p.level:<5}  {p.rule}  {compact(p.entity)}  {compact(p.property)}{value}{where}"))
    if lines:
        lines.append("")
    lines.append("  ".join(f"{level}: {count(problems, level)}" for level in LEVELS))
    return "\n".join(lines) + "\n"


def format_tsv(problems: list[Problem]) -> str:
    """ROBOT's report TSV: Level, Rule Name, Subject, Property, Value."""

    def cell(text: str | None) -> str:
        return (text or "").replace("\t", " ").replace("\n", " ")

    rows = ["Level\tRule Name\tSubject\tProperty\tValue"]
    rows += [
        f"{p.level}\t{p.rule}\t{cell(compact(p.entity))}\t{cell(compact(p.property))}\t{cell(compact(p.value))}"
        for p in problems
    ]
    return "\n".join(rows) + "\n"


def format_json(problems: list[Problem]) -> str:
    doc = {
        "counts": {level.lower(): count(problems, level) for level in LEVELS},
        "problems": [
            {
                "level": p.level,
                "rule": p.rule,
                "entity": p.entity,
                "property": p.property,
                "value": p.value,
                "source": p.source,
            }
            for p in problems
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "tsv": format_tsv, "json": format_json}

#: a rule's level as a SHACL severity: ERROR fails the run as a violation does
SEVERITY_OF = {"ERROR": "Violation", "WARN": "Warning", "INFO": "Info"}


def as_report(problems: list[Problem]):
    """``problems`` in the one result model (:class:`axiskg.shacl.results.Report`), so that
    ``check`` writes the outputs ``validate`` writes (JUnit, GitHub annotations): focus node the
    entity, path the property, value the value, source shape and component the rule
    (``check:<rule>``), message the rule's title, file and line where the entity is described."""
    import rdflib
    from rdflib import SH

    from axiskg.rdfio.sources import split_location
    from axiskg.rdfio.terms import TermConverter
    from axiskg.shacl.results import Report, Result, report_graph_of

    convert = TermConverter()
    rules = available_rules()
    results = []
    for p in problems:
        entity, prop, value = (convert(t) if t is not None else None for t in (p.terms or (None, None, None)))
        source, line = split_location(p.source)
        severity = SEVERITY_OF[p.level]
        results.append(
            Result(
                severity=severity,
                focus=p.entity,
                path=p.property or None,
                component=CHECK + p.rule,
                source_shape=CHECK + p.rule,
                value=p.value,
                message=rules[p.rule].title if p.rule in rules else p.rule,
                source=source,
                line=line,
                focus_node=entity,
                path_node=prop,
                value_node=value,
                shape_node=rdflib.URIRef(CHECK + p.rule),
                severity_node=SH[severity],
            )
        )
    results.sort(key=Result.sort_key)
    return Report(conforms=not results, results=results, graph=report_graph_of(results, rdflib.Graph(), lambda n: []))
