"""``report.ttl`` (the report's metadata, the curator's to edit) and ``text.ttl`` (its divisions,
paragraphs and sentences with offsets, generated) of a newly ingested report."""

from __future__ import annotations

from dataclasses import dataclass

from axiskg.ingest.layout import Block
from axiskg.ingest.turtle import head, lit, namespaces, nni

MADE_BY = "axiskg ingest"


@dataclass(frozen=True)
class Metadata:
    report_id: str
    title: str
    published: str | None  # xsd:date
    url: str | None
    authors: str | None
    language: str
    location: str
    sha256: str


@dataclass(frozen=True)
class SentenceRow:
    """One sentence as written to text.ttl: its IRI, the component it is part of, its span."""

    iri: str
    parent: str
    start: int
    end: int
    text: str


def report_ttl(meta: Metadata) -> str:
    agent = f"agent:{meta.report_id}-authors"
    who = (
        f"Authors of the report {meta.title!r}: {meta.authors}"
        if meta.authors
        else f"Authors of the report {meta.title!r} (not named)"
    )
    comment = (
        f"Stands for the authors the report names: {meta.authors}."
        if meta.authors
        else "The report's authors are not named; this node stands for them and records no guess of who they are."
    )
    lines = [
        "# The report: its metadata, written once by `axiskg ingest` and then the curator's to edit",
        "# (ingest --update rewrites only the checksum value and the text location).",
        *(line for line in head(meta.report_id, MADE_BY, "").splitlines() if line.startswith("@prefix")),
        "",
    ]
    body = [
        f"report:{meta.report_id} a axis:Report ;",
        f"    rdfs:label {lit(meta.title)}@{meta.language} ;",
        f"    dcterms:title {lit(meta.title)}@{meta.language} ;",
    ]
    if meta.published:
        body.append(f'    dcterms:issued "{meta.published}"^^xsd:date ;')
    if meta.url:
        body.append(f"    rdfs:seeAlso <{meta.url}> ;")
    body += [
        f'    dcterms:language "{meta.language}" ;',
        f"    prov:wasAttributedTo {agent} ;",
        f"    axis:textLocation {lit(meta.location)} ;",
        "    spdx:checksum [ a spdx:Checksum ;",
        "        spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
        f'        spdx:checksumValue "{meta.sha256}"^^xsd:hexBinary ] .',
        "",
        f"{agent} a axis:Author ;",
        f"    rdfs:label {lit(who)}@en ;",
        f"    rdfs:comment {lit(comment)}@en .",
        "",
    ]
    return "\n".join(lines + body)


def text_ttl(report_id: str, blocks: list[Block], language: str) -> tuple[str, list[SentenceRow]]:
    """The text of ``text.ttl`` and the sentences it declares (in document order).

    A heading opens an ``axis:Part`` (its verbatim ``dcterms:title``, spanning from the heading to
    the end of its last paragraph); a paragraph is an ``axis:Paragraph`` of the part it follows, or
    of the report before any heading; the title line is a sentence of the report itself.
    """
    ns = namespaces(report_id)
    report = ns["report"] + report_id
    out = [head(report_id, MADE_BY, "The report's divisions (one per heading), paragraphs and sentences.")]
    parts: list[tuple[int, Block, int]] = []  # (number, heading, end of its last paragraph)
    components: list[str] = []
    sentences: list[SentenceRow] = []
    ordinals: dict[str, int] = {}
    parent, paragraph = report, 0
    for block in blocks:
        if block.kind == "title":
            span = block.span
            sentences.append(SentenceRow(ns["sent"] + "title", report, span.start, span.end, span.text))
        elif block.kind == "heading":
            parts.append((len(parts) + 1, block, block.span.end))
            parent = ns["part"] + str(len(parts))
        else:
            paragraph += 1
            ordinals[parent] = ordinals.get(parent, 0) + 1
            where = "the report" if parent == report else f"Part {len(parts)}"
            components.append(
                f"para:{paragraph} a axis:Paragraph ;\n"
                f"    rdfs:label {lit(f'Paragraph {paragraph} ({where}, paragraph {ordinals[parent]})')}@en ;\n"
                f"    dcterms:isPartOf <{parent}> ;\n"
                f"    axis:hasOrdinal {ordinals[parent]} ;\n"
                f"    axis:startIndex {nni(block.span.start)} ; axis:endIndex {nni(block.span.end)} .\n"
            )
            if parts:
                number, heading, _ = parts[-1]
                parts[-1] = (number, heading, block.span.end)
            for n, span in enumerate(block.sentences, 1):
                iri = ns["sent"] + f"p{paragraph}-s{n}"
                sentences.append(SentenceRow(iri, ns["para"] + str(paragraph), span.start, span.end, span.text))
    for number, heading, end in parts:
        out.append(
            f"part:{number} a axis:Part ;\n"
            f"    rdfs:label {lit(f'Part {number}')}@en ;\n"
            f"    dcterms:title {lit(heading.span.text)}@{language} ;\n"
            f"    dcterms:isPartOf report:{report_id} ;\n"
            f"    axis:hasOrdinal {number} ;\n"
            f"    axis:startIndex {nni(heading.span.start)} ; axis:endIndex {nni(end)} .\n"
        )
    out += components
    ordinal: dict[str, int] = {}
    for row in sentences:
        ordinal[row.parent] = ordinal.get(row.parent, 0) + 1
        local = row.iri[len(ns["sent"]) :]
        label = "Report title" if local == "title" else _sentence_label(local)
        out.append(
            f"sent:{local} a axis:Sentence ;\n"
            f"    rdfs:label {lit(label)}@en ;\n"
            f"    dcterms:isPartOf <{row.parent}> ;\n"
            f"    axis:hasOrdinal {ordinal[row.parent]} ;\n"
            f"    axis:startIndex {nni(row.start)} ; axis:endIndex {nni(row.end)} ;\n"
            f"    axis:hasText {lit(row.text)} .\n"
        )
    return "\n".join(out), sentences


def _sentence_label(local: str) -> str:
    paragraph, _, sentence = local.partition("-s")
    return f"Paragraph {paragraph.removeprefix('p')}, sentence {sentence}"
