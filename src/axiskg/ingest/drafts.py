"""Draft claims: one per sentence that states something, for a curator to accept, edit or reject.

A draft is an ``axis:Claim`` like any other (so the shapes, queries and ``verify`` see it) with
``axis:curationStatus axis:Draft``: its quote is the whole sentence, its modality and cue come from
:mod:`axiskg.ingest.cues`, and the existing entities named in the sentence are both its
``axis:isAbout`` and recorded as ``axis:EntityCandidate`` nodes with the words that matched. A
sentence with no cue states nothing and gets no draft; the report's title (part of the report
itself, not of a component) gets none either.
"""

from __future__ import annotations

from dataclasses import dataclass

from axiskg.ingest.candidates import EntityIndex
from axiskg.ingest.cues import modality_of
from axiskg.ingest.report_files import SentenceRow
from axiskg.ingest.turtle import head, lit, namespaces, prefix_lines, term
from axiskg.vocab import AXIS, OA, PROV

MADE_BY = "axiskg ingest"
#: longest paraphrase (rdfs:label) of a draft, in characters
LABEL_CHARS = 100
NOTE = "Drafted by axiskg ingest from its sentence: no structured statement yet; a curator checks the paraphrase, modality and entities."


@dataclass(frozen=True)
class Draft:
    claim: str
    exact: str
    component: str
    with_candidates: bool
    sentence: str


def label_of(sentence: str) -> str:
    words = " ".join(sentence.split())
    return words if len(words) <= LABEL_CHARS else words[: LABEL_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"


def drafts_ttl(
    report_id: str, sentences: list[SentenceRow], index: EntityIndex, taken: set[str], first: bool
) -> tuple[str, list[Draft]]:
    """Turtle for the drafts of ``sentences`` whose claim IRI is not in ``taken`` (with the file's
    head when ``first``, else with the prefix lines they use), and the drafts written."""
    ns = namespaces(report_id)
    report = ns["report"] + report_id
    what = (
        "Draft claims, one per sentence with a modality cue. Curate them here: correct the paraphrase, modality and\n"
        "# entities, then set axis:curationStatus axis:Curated (or axis:Rejected to keep it from being drafted again).\n"
        "# Running axiskg ingest again only appends drafts for sentences no claim rests on."
    )
    # an appended part declares its prefixes again (valid mid-file): the file's head may be older
    again = f"# Drafts added by {MADE_BY}; the prefixes they use:\n" + prefix_lines(report_id)
    out = [head(report_id, MADE_BY, what, generated=False) if first else again]
    written: list[Draft] = []
    for row in sentences:
        if row.parent == report:
            continue
        claim = ns["claim"] + row.iri[len(ns["sent"]) :] if row.iri.startswith(ns["sent"]) else None
        name = term(claim, ns["claim"], "claim") if claim else ""
        cue = modality_of(row.text)
        if claim is None or cue is None or claim in taken:
            continue
        matches = index.matches(row.text)
        lines = [
            f"{name} a axis:Claim ;",
            f"    rdfs:label {lit(label_of(row.text))}@en ;",
            "    axis:curationStatus axis:Draft ;",
            f"    prov:wasAttributedTo agent:{report_id}-authors ;",
            f"    prov:wasDerivedFrom report:{report_id} ;",
            f"    axis:isStatedIn {term(row.parent, ns['para'], 'para')} ;",
            f"    axis:hasModality axis:{cue.modality} ;",
            f"    axis:modalityCue {lit(cue.words)} ;",
        ]
        if matches:
            lines.append(f"    axis:isAbout {' , '.join(f'<{m.entity}>' for m in matches)} ;")
            lines.append(
                f"    axis:hasEntityCandidate {' , '.join(_candidate(claim, n, ns) for n in range(1, len(matches) + 1))} ;"
            )
        lines.append(f"    skos:editorialNote {lit(NOTE)}@en .")
        for n, match in enumerate(matches, 1):
            lines.append(
                f"{_candidate(claim, n, ns)} a axis:EntityCandidate ;\n"
                f"    rdfs:label {lit(f'candidate: {match.words}')}@en ;\n"
                f"    axis:candidateEntity <{match.entity}> ;\n"
                f"    axis:matchedText {lit(match.words)} ."
            )
        out.append("\n".join(lines) + "\n")
        written.append(Draft(claim, row.text, row.parent, bool(matches), row.iri))
    return "\n".join(out), written


def _candidate(claim: str, n: int, ns: dict[str, str]) -> str:
    return term(f"{claim}-candidate-{n}", ns["claim"], "claim")


def quotes_ttl(drafts: list[Draft], report: str) -> str:
    """The quotes of ``drafts`` as the evidence step reads them (never written to a file)."""
    out = [f"@prefix axis: <{AXIS}> .", f"@prefix oa: <{OA}> ."]
    for d in drafts:
        out.append(
            f"<{d.claim}> axis:hasEvidence <{d.claim}/evidence> ; axis:isStatedInSentence <{d.sentence}> ;\n"
            f"    axis:isStatedIn <{d.component}> ; <{PROV}wasDerivedFrom> <{report}> .\n"
            f"<{d.claim}/evidence> oa:hasSelector <{d.claim}/evidence/quote> .\n"
            f"<{d.claim}/evidence/quote> oa:exact {lit(d.exact)} ."
        )
    return "\n".join(out) + "\n"
