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
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib import SH

from axiskg.errors import InputError
from axiskg.rdfio.terms import TermConverter
from axiskg.shacl.results import Report, Result, report_graph_of
from axiskg.sparql.querying import solutions
from axiskg.vocab import CHECK, RDF_TYPE, VOCAB_GRAPH, compact, substitute

if TYPE_CHECKING:
    from axiskg.dataset import Data

LEVELS = ("ERROR", "WARN", "INFO")
_RANK = {level: i for i, level in enumerate(LEVELS)}
#: a rule's level as a SHACL severity: ERROR fails the run as a violation does
SEVERITY_OF = {"ERROR": "Violation", "WARN": "Warning", "INFO": "Info"}
LEVEL_OF = {severity: level for level, severity in SEVERITY_OF.items()}
_CONVERT = TermConverter()  # (IRIs, blank nodes and plain values of rule rows: no literal as written needed)


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


def run_checks(store: Data, profile: dict[str, str] | None = None) -> list[Result]:
    """Run every rule of ``profile`` (default profile if None) on ``store``: one result (the
    model ``validate`` reports in, :class:`axiskg.shacl.results.Result`) per row, focus node the
    entity, path the property, value the value, source shape and component the rule
    (``check:<rule>``), severity the rule's level (ERROR a violation, WARN a warning, INFO an
    info), message the rule's title; sorted by level, rule, entity, property and value. Where
    each entity is described (file and line) is what :func:`axiskg.shacl.locations.place` adds,
    as for ``validate``'s results. Rules that read :data:`VOCAB_GRAPH` run with the pinned vocabularies added to
    ``store`` (removed again after them, so the other rules never see them)."""
    profile = load_profile() if profile is None else profile
    rules = available_rules()
    found: dict[tuple, Result] = {}
    plain = [(n, lv) for n, lv in profile.items() if VOCAB_GRAPH not in rules[n].query]
    with_vocab = [(n, lv) for n, lv in profile.items() if VOCAB_GRAPH in rules[n].query]
    for group in (plain, with_vocab):
        if group is with_vocab and group:
            store.extend(_vocabulary_quads())
        try:
            for name, level in group:
                for solution in solutions(store, rules[name].query):
                    result = _result(rules[name], level, solution)
                    found.setdefault((level, name, result.focus, result.path, result.value), result)
        finally:
            if group is with_vocab and group:
                store.remove_graph(ox.NamedNode(VOCAB_GRAPH))
    return sorted(found.values(), key=_order)


def _result(rule: Rule, level: str, solution) -> Result:
    entity, prop, value = (solution[n] for n in ("entity", "property", "value"))
    focus = _term(entity) or ""
    severity = SEVERITY_OF[level]
    convert = _CONVERT
    return Result(
        severity=severity,
        focus=focus,
        path=_term(prop) or None,
        component=CHECK + rule.name,
        source_shape=CHECK + rule.name,
        value=_term(value),
        message=rule.title,
        focus_node=convert(entity) if entity is not None else None,
        path_node=convert(prop) if prop is not None else None,
        value_node=convert(value) if value is not None else None,
        shape_node=rdflib.URIRef(CHECK + rule.name),
        severity_node=SH[severity],
    )


def level_of(result: Result) -> str:
    """The profile level of a result of :func:`run_checks`: ERROR, WARN or INFO."""
    return LEVEL_OF[result.severity]


def rule_of(result: Result) -> str:
    """The rule a result of :func:`run_checks` comes from."""
    return result.source_shape.removeprefix(CHECK)


def _order(r: Result) -> tuple:
    return (_RANK[level_of(r)], rule_of(r), r.focus, r.path or "", r.value or "")


def _where(r: Result) -> str | None:
    """``file:line``, a file, or a project graph: where the result's entity is described."""
    return f"{r.source}:{r.line}" if r.source and r.line is not None else r.source


def count(results: list[Result], level: str) -> int:
    return sum(1 for r in results if level_of(r) == level)


def format_text(results: list[Result]) -> str:
    from axiskg.terminal import escape  # values and file names from the data: printed inert

    lines = []
    for r in results:
        value = f"  {compact(r.value)}" if r.value is not None else ""
        where = f"  ({_where(r)})" if r.source else ""
        lines.append(
            escape(f"{level_of(r):<5}  {rule_of(r)}  {compact(r.focus)}  {compact(r.path or '')}{value}{where}")
        )
    if lines:
        lines.append("")
    lines.append("  ".join(f"{level}: {count(results, level)}" for level in LEVELS))
    return "\n".join(lines) + "\n"


def format_tsv(results: list[Result]) -> str:
    """ROBOT's report TSV: Level, Rule Name, Subject, Property, Value."""

    def cell(text: str | None) -> str:
        return (text or "").replace("\t", " ").replace("\n", " ")

    rows = ["Level\tRule Name\tSubject\tProperty\tValue"]
    rows += [
        f"{level_of(r)}\t{rule_of(r)}\t{cell(compact(r.focus))}\t{cell(compact(r.path or ''))}\t{cell(compact(r.value))}"
        for r in results
    ]
    return "\n".join(rows) + "\n"


def format_json(results: list[Result]) -> str:
    doc = {
        "counts": {level.lower(): count(results, level) for level in LEVELS},
        "problems": [
            {
                "level": level_of(r),
                "rule": rule_of(r),
                "entity": r.focus,
                "property": r.path or "",
                "value": r.value,
                "source": _where(r),
            }
            for r in results
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "tsv": format_tsv, "json": format_json}


def as_report(results: list[Result]) -> Report:
    """``results`` as a :class:`axiskg.shacl.results.Report`, for the outputs ``validate`` writes
    (JUnit, GitHub annotations)."""
    ordered = sorted(results, key=Result.sort_key)
    return Report(conforms=not ordered, results=ordered, graph=report_graph_of(ordered, rdflib.Graph(), lambda n: []))
