"""``axiskg ingest``: draft a report's graph in ``data/ID/`` from its plain text.

A new report gets ``report.ttl`` (metadata, SHA-256 and location of the text), ``text.ttl``
(divisions, paragraphs, sentences with offsets), ``drafts.ttl`` (draft claims) and
``evidence.ttl`` (both selectors of every quote). Running it again never rewrites what a curator
changed: with ``--force`` on an unchanged text it only adds drafts for sentences no claim rests on
yet; with ``--update`` on a changed text it rewrites the generated ``text.ttl``, the checksum and
location in ``report.ttl`` and ``evidence.ttl``, and lists the quotes that no longer match. Every
check runs before the first file is written.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from axiskg import atomic
from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.ingest import evidence
from axiskg.ingest.candidates import EntityIndex
from axiskg.ingest.drafts import Draft, drafts_ttl, quotes_ttl
from axiskg.ingest.layout import layout
from axiskg.ingest.report_files import MADE_BY, Metadata, SentenceRow, report_ttl, text_ttl
from axiskg.ingest.source import location_of, read_report_text
from axiskg.ingest.turtle import lit, namespaces
from axiskg.rdfio.reading import load_file
from axiskg.sparql.querying import solutions
from axiskg.vocab import DISPLAY_PREFIXES, GRAPH_NS, sparql_prefixes

#: a report ID: a safe path segment and IRI segment
SAFE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass
class Request:
    text: Path
    report_id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    authors: str | None = None
    language: str = "en"
    force: bool = False
    update: bool = False


@dataclass
class Outcome:
    folder: Path
    created: bool
    written: list[str] = field(default_factory=list)
    paragraphs: int = 0
    headings: int = 0
    sentences: int = 0
    drafts: list[Draft] = field(default_factory=list)
    lost: list[evidence.Quote] = field(default_factory=list)
    unchanged: bool = False


def check_request(req: Request) -> None:
    if not SAFE_ID.match(req.report_id) or ".." in req.report_id:
        raise InputError(
            None,
            f"--id {req.report_id!r}: not a safe report ID (lower-case letters, digits, '.', '_', '-'; "
            "starting and ending with a letter or digit; at most 64 characters)",
        )
    if req.published is not None:
        try:
            datetime.date.fromisoformat(req.published)
        except ValueError:
            raise InputError(None, f"--published {req.published!r}: not a date (YYYY-MM-DD)") from None
    if req.url is not None and not _URL.match(req.url):
        raise InputError(None, f"--url {req.url!r}: not an http(s) URL")


_RECORDED = (
    sparql_prefixes("spdx", prefixes=DISPLAY_PREFIXES)
    + """SELECT ?sha WHERE { <%s> spdx:checksum/spdx:checksumValue ?sha }"""
)
_SENTENCES = (
    sparql_prefixes("axis", "dcterms")
    + """SELECT ?s ?parent ?start ?end ?text WHERE {
  ?s a axis:Sentence ; dcterms:isPartOf ?parent ; axis:startIndex ?start ; axis:endIndex ?end ; axis:hasText ?text .
  ?parent dcterms:isPartOf* <%s> .
} ORDER BY ?start"""
)
_TAKEN = (
    sparql_prefixes("axis", "prov")
    + """SELECT ?claim ?sentence WHERE { ?claim prov:wasDerivedFrom <%s> OPTIONAL { ?claim axis:isStatedInSentence ?sentence } }"""
)


def ingest(root: Path, req: Request) -> Outcome:
    check_request(req)
    text, sha = read_report_text(req.text)
    folder = Path(root) / "data" / req.report_id
    report = namespaces(req.report_id)["report"] + req.report_id
    exists = folder.exists()
    if exists and not (req.force or req.update):
        raise InputError(
            folder,
            "report exists: --force adds drafts for sentences no claim rests on (curated work is kept); "
            "--update re-aligns after the text changed",
        )
    store = Dataset.load(root=root, inferred=False)
    recorded = next((r["sha"].value.lower() for r in solutions(store, _RECORDED % report)), None)
    changed = exists and recorded is not None and recorded != sha
    if changed and not req.update:
        raise InputError(
            req.text,
            f"the text changed since it was ingested (SHA-256 {sha}, the report records {recorded}): "
            "--update re-aligns the quotes that still match and lists those that do not",
        )
    blocks = layout(text, req.language)
    out = Outcome(folder, created=not exists)
    out.paragraphs = sum(b.kind == "paragraph" for b in blocks)
    out.headings = sum(b.kind == "heading" for b in blocks)
    files: dict[str, str] = {}
    if not exists or changed:
        text_file, rows = text_ttl(req.report_id, blocks, req.language)
        files["text.ttl"] = text_file
    else:
        rows = [
            SentenceRow(r["s"].value, r["parent"].value, int(r["start"].value), int(r["end"].value), r["text"].value)
            for r in solutions(store, _SENTENCES % report)
        ]
    out.sentences = len(rows)
    if not exists:
        title = req.title or next(b.span.text for b in blocks if b.kind == "title")
        meta = Metadata(
            req.report_id, title, req.published, req.url, req.authors, req.language, location_of(req.text, root), sha
        )
        files["report.ttl"] = report_ttl(meta)
    elif changed:
        _check_generated(folder / "text.ttl")
        files["report.ttl"] = _rechecksummed(folder, recorded or "", sha, location_of(req.text, root))
    taken_rows = list(solutions(store, _TAKEN % report))
    taken = {r["claim"].value for r in taken_rows}
    covered = {r["sentence"].value for r in taken_rows if r["sentence"] is not None and not changed}
    fresh = [row for row in rows if row.iri not in covered]
    old_drafts = (folder / "drafts.ttl").read_text(encoding="utf-8") if (folder / "drafts.ttl").exists() else ""
    added, out.drafts = drafts_ttl(req.report_id, fresh, EntityIndex.from_store(store), taken, first=not old_drafts)
    if out.drafts:
        files["drafts.ttl"] = old_drafts + ("\n" if old_drafts else "") + added
    out.unchanged = exists and not changed and not out.drafts
    if out.unchanged:
        return out
    files["evidence.ttl"], out.lost = _evidence(folder, req.report_id, report, text, files, out.drafts)
    for name in ("report.ttl", "text.ttl", "drafts.ttl", "evidence.ttl"):
        if name in files:
            atomic.atomic_write(folder / name, files[name].encode("utf-8"))
            out.written.append(name)
    return out


def _check_generated(path: Path) -> None:
    if path.exists() and not path.read_text(encoding="utf-8").startswith(f"# GENERATED by {MADE_BY}:"):
        raise InputError(
            path, f"not written by {MADE_BY}: re-align this report's sentences by hand, then run axiskg evidence"
        )


def _rechecksummed(folder: Path, old: str, new: str, location: str) -> str:
    """``report.ttl`` with the recorded checksum and location replaced (nothing else touched)."""
    path = folder / "report.ttl"
    body = path.read_text(encoding="utf-8") if path.exists() else ""
    if not old or body.count(old) != 1:
        raise InputError(path, f"cannot find the recorded SHA-256 {old} once in this file: update it by hand")
    body = body.replace(old, new)
    return re.sub(r'(axis:textLocation\s+)"[^"\n]*"', lambda m: m[1] + lit(location), body, count=1)


def _evidence(folder: Path, report_id: str, report: str, text: str, files: dict[str, str], drafts: list[Draft]):
    """evidence.ttl for the report as it will be: its files on disk, the new ones in place of the
    old, and the new drafts by what evidence needs of them (their quote, component and sentence;
    drafts.ttl on disk still holds only the earlier ones)."""
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")) if folder.exists() else []:
        if path.name not in files or path.name == "drafts.ttl":  # evidence.ttl: the quotes already there
            load_file(store, path, GRAPH_NS + report_id)
    for name, body in files.items():
        if name != "drafts.ttl":
            store.load(body.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH_NS + name))
    new = quotes_ttl(drafts, report).encode("utf-8")
    store.load(new, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH_NS + "quotes"))
    return evidence.evidence_ttl(
        report_id, report, text, evidence.read_layout(store, report), evidence.read_quotes(store, report)
    )
