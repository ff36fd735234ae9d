"""``evidence.ttl`` of a report: both selectors of every claim's quote, and the sentences it lies in,
recomputed from each claim's ``oa:exact`` alone (the generic form of a per-report generator).

Input, all from the graph: the report's sentences and the spans of its components (a component's
own ``axis:startIndex``/``axis:endIndex``, else the span of the sentences that are part of it), and
for every claim derived from the report the quote (``axis:hasEvidence/oa:hasSelector/oa:exact``) and
the component it is stated in. The quote is looked for inside that component, then in the whole
text; it must occur once. A quote that is not found (the text changed) is listed, and written with
its quote selector alone so that ``axiskg verify`` keeps reporting it until a curator fixes it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axiskg.ingest.turtle import head, lit, namespaces, nni, term
from axiskg.sparql.querying import solutions
from axiskg.textspans import CONTEXT, Selection, occurrences
from axiskg.vocab import sparql_prefixes

if TYPE_CHECKING:
    from axiskg.dataset import Data

MADE_BY = "axiskg evidence"

_PREFIXES = sparql_prefixes("axis", "oa", "prov", "dcterms") + """"""
_SENTENCES = (
    _PREFIXES
    + """SELECT ?sentence ?parent ?start ?end WHERE {
  ?sentence a axis:Sentence ; dcterms:isPartOf ?parent ; axis:startIndex ?start ; axis:endIndex ?end .
  ?parent dcterms:isPartOf* ?report .
}"""
)
_COMPONENTS = (
    _PREFIXES
    + """SELECT ?component ?parent ?start ?end WHERE {
  ?component dcterms:isPartOf ?parent . ?parent dcterms:isPartOf* ?report .
  OPTIONAL { ?component axis:startIndex ?start ; axis:endIndex ?end }
}"""
)
_QUOTES = (
    _PREFIXES
    + """SELECT ?claim ?exact ?component ?sentence WHERE {
  ?claim prov:wasDerivedFrom ?report ; axis:hasEvidence/oa:hasSelector/oa:exact ?exact .
  OPTIONAL { ?claim axis:isStatedIn ?component }
  OPTIONAL { ?claim axis:isStatedInSentence ?sentence }
}"""
)


@dataclass(frozen=True)
class Quote:
    claim: str
    exact: str
    component: str | None
    sentences: tuple[str, ...] = ()  # the sentences it was last found in (a hint where to look first)


@dataclass
class Layout:
    """What the graph says about a report's text: its sentences and component spans."""

    sentences: list[tuple[str, int, int]]  # (IRI, start, end), by start
    spans: dict[str, tuple[int, int]]  # component IRI -> (start, end)

    def __post_init__(self) -> None:
        self.starts = [s for _, s, _ in self.sentences]
        self.by_iri = {iri: (s, e) for iri, s, e in self.sentences}


def _bind(query: str, report: str) -> str:
    return query.replace("?report", f"<{report}>")


def read_layout(store: Data, report: str) -> Layout:
    sentences: list[tuple[str, int, int]] = []
    children: dict[str, list[tuple[int, int]]] = {}
    for row in solutions(store, _bind(_SENTENCES, report)):
        start, end = int(row["start"].value), int(row["end"].value)
        sentences.append((row["sentence"].value, start, end))
        children.setdefault(row["parent"].value, []).append((start, end))
    sentences.sort(key=lambda s: (s[1], s[2], s[0]))
    spans: dict[str, tuple[int, int]] = {}
    parents: dict[str, str] = {}
    for row in solutions(store, _bind(_COMPONENTS, report)):
        component = row["component"].value
        parents[component] = row["parent"].value
        if row["start"] is not None:
            spans[component] = (int(row["start"].value), int(row["end"].value))
    for component, found in children.items():
        if component not in spans and found:
            spans[component] = (min(s for s, _ in found), max(e for _, e in found))
    return Layout(sentences, spans)


def read_quotes(store: Data, report: str) -> list[Quote]:
    found: dict[tuple[str, str, str | None], set[str]] = {}
    for r in solutions(store, _bind(_QUOTES, report)):
        key = (r["claim"].value, r["exact"].value, r["component"] and r["component"].value)
        found.setdefault(key, set()).update([r["sentence"].value] if r["sentence"] is not None else [])
    quotes = [Quote(claim, exact, component, tuple(sorted(s))) for (claim, exact, component), s in found.items()]
    return sorted(quotes, key=lambda q: (q.claim, q.exact))


def locate(text: str, exact: str, *within: tuple[int, int] | None) -> Selection | None:
    """``exact``'s one occurrence inside the first span of ``within`` that holds exactly one, else
    in the whole text; None when it is not unique anywhere it is looked for."""
    if not exact:
        return None
    start = None
    for span in within:
        if span is None:
            continue
        first = text.find(exact, span[0], span[1])
        if first != -1 and text.find(exact, first + 1, span[1]) == -1:
            start = first
            break
    if start is None:
        hits = occurrences(text, exact)
        if len(hits) != 1:
            return None
        start = hits[0]
    end = start + len(exact)
    return Selection(start, end, exact, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def _sentence_span(layout: Layout, sentences: tuple[str, ...]) -> tuple[int, int] | None:
    spans = [layout.by_iri[iri] for iri in sentences if iri in layout.by_iri]
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def _overlapping(layout: Layout, start: int, end: int) -> list[str]:
    """The sentences that share a code point with ``[start, end)`` (sentences do not overlap)."""
    at = max(0, bisect.bisect_right(layout.starts, start) - 1)
    out = []
    while at < len(layout.sentences) and layout.sentences[at][1] < end:
        iri, s, e = layout.sentences[at]
        if s < end and start < e:
            out.append(iri)
        at += 1
    return out


def evidence_ttl(
    report_id: str, report: str, text: str, layout: Layout, quotes: list[Quote]
) -> tuple[str, list[Quote]]:
    """The text of ``evidence.ttl`` and the quotes that could not be placed in ``text``."""
    ns = namespaces(report_id)
    out = [
        head(
            report_id,
            MADE_BY,
            "Each claim's evidence with its two selectors, and the sentences its quote lies in. To change a quote, edit\n"
            "# its oa:exact here (or give a new claim <CLAIM/evidence/quote> oa:exact) and run `axiskg evidence`; the rest\n"
            "# of this file is rewritten from the text.",
            generated=False,
        ),
        "",
    ]
    lost: list[Quote] = []
    seen: set[str] = set()
    for quote in quotes:
        if quote.claim in seen:
            lost.append(quote)  # one quote per claim: a second one is listed, not written
            continue
        seen.add(quote.claim)
        sel = locate(
            text, quote.exact, _sentence_span(layout, quote.sentences), layout.spans.get(quote.component or "")
        )
        claim, ev = quote.claim, quote.claim + "/evidence"
        if sel is None:
            lost.append(quote)
            out.append(
                f"<{claim}> axis:hasEvidence <{ev}> .\n"
                f"<{ev}> a oa:SpecificResource ;\n    oa:hasSource <{report}> ;\n    oa:hasSelector <{ev}/quote> .\n"
                f"<{ev}/quote> a oa:TextQuoteSelector ;\n    oa:exact {lit(quote.exact)} .\n"
            )
            continue
        inside = [term(s, ns["sent"], "sent") for s in _overlapping(layout, sel.start, sel.end)]
        links = f" ;\n    axis:isStatedInSentence {' , '.join(inside)} .\n" if inside else " .\n"
        out.append(
            f"<{claim}> axis:hasEvidence <{ev}>{links}"
            f"<{ev}> a oa:SpecificResource ;\n"
            f"    oa:hasSource <{report}> ;\n"
            f"    oa:hasSelector <{ev}/quote> , <{ev}/position> .\n"
            f"<{ev}/quote> a oa:TextQuoteSelector ;\n"
            f"    oa:exact {lit(sel.exact)} ;\n"
            f"    oa:prefix {lit(sel.prefix)} ;\n"
            f"    oa:suffix {lit(sel.suffix)} .\n"
            f"<{ev}/position> a oa:TextPositionSelector ;\n"
            f"    oa:start {nni(sel.start)} ;\n"
            f"    oa:end {nni(sel.end)} .\n"
        )
    return "\n".join(out), lost
