"""``axiskg verify``: check every claim's evidence and every sentence against the source text.

The graph is read from the store of :mod:`axiskg.dataset`; each report with evidence or sentences
needs its text (``sources``: report IRI -> file). The text's SHA-256 must equal the report's
``spdx:checksum``; otherwise (or when the text cannot be read) :class:`~axiskg.errors.InputError`.

Findings are :class:`axiskg.shacl.results.Result` objects in a :class:`axiskg.shacl.results.Report`, so the
formatters of :mod:`axiskg.shacl.reporting` print them: ``Violation`` for an error, ``Info`` for coverage
(a sentence no claim rests on). The finding's kind is the local name of its ``component``
(``https://w3id.org/axiskg/verify#<Kind>``), listed in :data:`KINDS`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from axiskg.ingest.texts import load_sources, missing_message
from axiskg.textspans import is_word_sequence, occurrences
from axiskg.vocab import AXIS, DISPLAY_PREFIXES, OA, VERIFY, sparql_prefixes

#: every kind of finding, with what it means
KINDS = {
    "MissingSelector": "the claim's evidence lacks a TextQuoteSelector or a TextPositionSelector",
    "OffsetsOutOfRange": "oa:start/oa:end (or a sentence's offsets) are not 0 <= start <= end <= length of the text",
    "ExactNotAtOffsets": "the text between oa:start and oa:end is not oa:exact",
    "ExactNotInText": "oa:exact does not occur in the text at all",
    "PrefixMismatch": "the text just before the quote does not end with oa:prefix",
    "SuffixMismatch": "the text just after the quote does not begin with oa:suffix",
    "AmbiguousExact": "oa:exact occurs more than once and oa:prefix/oa:suffix do not single one out",
    "CueNotInQuote": "a modality or causal cue is not a word sequence of any of the claim's quotes",
    "SentenceTextMismatch": "a sentence's text is not the slice of the text between its offsets",
    "QuoteOutsideSentences": "the quote does not lie within the sentences the claim is linked to",
    "NoSentence": "the claim is linked to no sentence",
    "SentenceWithoutClaim": "no claim rests on this sentence (coverage; reported as info)",
    "TextMissing": "the report's text is not where it says: its claims are skipped (a warning; an error when CI=true)",
}

_PREFIXES = sparql_prefixes("axis", "oa", "spdx", "dcterms", "prov", prefixes=DISPLAY_PREFIXES)

_EVIDENCE = (
    _PREFIXES
    + """
SELECT ?claim ?evidence ?source ?selector ?kind ?exact ?prefix ?suffix ?start ?end WHERE {
  ?claim axis:hasEvidence ?evidence .
  OPTIONAL { ?evidence oa:hasSource ?source }
  OPTIONAL {
    ?evidence oa:hasSelector ?selector .
    OPTIONAL { ?selector a ?kind FILTER(?kind IN (oa:TextQuoteSelector, oa:TextPositionSelector)) }
    OPTIONAL { ?selector oa:exact ?exact } OPTIONAL { ?selector oa:prefix ?prefix }
    OPTIONAL { ?selector oa:suffix ?suffix }
    OPTIONAL { ?selector oa:start ?start } OPTIONAL { ?selector oa:end ?end }
  }
}"""
)

_CUES = (
    _PREFIXES
    + """
SELECT ?claim ?property ?cue WHERE {
  VALUES ?property { axis:modalityCue axis:causalCue }
  ?claim ?property ?cue ; axis:hasEvidence [] .
}"""
)

_SENTENCES = (
    _PREFIXES
    + """
SELECT ?sentence ?report ?text ?start ?end WHERE {
  ?sentence a axis:Sentence ; dcterms:isPartOf+ ?report .
  ?report a axis:Report .
  OPTIONAL { ?sentence axis:hasText ?text }
  OPTIONAL { ?sentence axis:startIndex ?start } OPTIONAL { ?sentence axis:endIndex ?end }
}"""
)

_CLAIM_SENTENCES = (
    _PREFIXES
    + """
SELECT ?claim ?sentence WHERE { ?claim axis:isStatedInSentence ?sentence }"""
)

if TYPE_CHECKING:
    from axiskg.dataset import Data


@dataclass
class _Selector:
    kind: str | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None


def _value(term):
    return None if term is None else term.value


def _int(term) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value)
    except ValueError:
        return -1  # not an integer: reported as out of range


def _rows(store: Data, query: str):
    return store.query(query, use_default_graph_as_union=True)


class _Findings:
    def __init__(self, locate) -> None:
        self.locate = locate
        self.results: list = []

    def add(self, kind: str, focus: str, path: str | None, value, message: str, severity: str = "Violation") -> None:
        import rdflib

        from axiskg.rdfio.sources import split_location
        from axiskg.shacl.results import Result

        source, line = split_location(self.locate(rdflib.URIRef(focus)))
        self.results.append(
            Result(
                severity=severity,
                focus=focus,
                path=path,
                component=VERIFY + kind,
                source_shape="axiskg verify",
                value=None if value is None else str(value),
                message=message,
                source=source,
                line=line,
            )
        )


def verify(store: Data, sources: dict[str, Path], locate=None, root: Path | str | None = None):
    """Check the evidence and sentences in ``store`` against the reports' texts; a
    :class:`axiskg.shacl.results.Report` whose Violations are errors and whose Infos are coverage.

    With ``root``, reports not in ``sources`` are found from their declaration; one whose text is
    absent is a ``TextMissing`` warning naming it (outside CI) and its claims are not checked."""
    import rdflib

    from axiskg.shacl.results import Report, Result

    skipped: list = []
    texts = load_sources(store, sources, root, skipped)
    found = _Findings(locate or (lambda iri: None))
    for gone in skipped:
        found.add(
            "TextMissing",
            gone.report,
            AXIS + "textLocation",
            None,
            "skipped: " + missing_message(gone),
            severity="Warning",
        )
    quotes = _check_evidence(store, texts, found)
    _check_cues(store, quotes, found)
    _check_sentences(store, texts, quotes, found)
    results = sorted(found.results, key=Result.sort_key)
    # conforms as sh:conforms does: no result at all (coverage infos included); errors are Violations
    return Report(conforms=not results, results=results, graph=rdflib.Graph())


def _check_evidence(store, texts, found) -> dict[str, list[tuple[str, int, int, str]]]:
    """Check every claim's selectors; ``{claim: [(report, start, end, exact)]}`` of its verified quotes."""
    evidence: dict[tuple[str, str], dict] = {}
    for row in _rows(store, _EVIDENCE):
        key = (row["claim"].value, _value(row["evidence"]) or "")
        entry = evidence.setdefault(key, {"source": _value(row["source"]), "selectors": defaultdict(_Selector)})
        if row["selector"] is None:
            continue
        sel = entry["selectors"][_value(row["selector"])]
        kind = _value(row["kind"])
        if kind:
            sel.kind = kind[len(OA) :]
        sel.exact = _value(row["exact"]) if row["exact"] is not None else sel.exact
        sel.prefix = _value(row["prefix"]) if row["prefix"] is not None else sel.prefix
        sel.suffix = _value(row["suffix"]) if row["suffix"] is not None else sel.suffix
        sel.start = _int(row["start"]) if row["start"] is not None else sel.start
        sel.end = _int(row["end"]) if row["end"] is not None else sel.end
    quotes: dict[str, list[tuple[str, int, int, str]]] = defaultdict(list)
    for (claim, _), entry in sorted(evidence.items()):
        text = texts.get(entry["source"])
        if text is None:
            continue  # no source: the shapes report it
        quote = next((s for s in entry["selectors"].values() if s.kind == "TextQuoteSelector"), None)
        position = next((s for s in entry["selectors"].values() if s.kind == "TextPositionSelector"), None)
        if quote is None or position is None:
            missing = "oa:TextQuoteSelector" if quote is None else "oa:TextPositionSelector"
            found.add("MissingSelector", claim, AXIS + "hasEvidence", None, f"the evidence has no {missing}")
        if quote is None or quote.exact is None:
            continue
        span = _check_quote(claim, text, quote, position, found)
        if span is not None:
            quotes[claim].append((entry["source"], *span, quote.exact))
    return quotes


def _check_quote(claim, text, quote: _Selector, position: _Selector | None, found):
    exact = quote.exact or ""
    hits = occurrences(text, exact)
    if not hits:
        found.add("ExactNotInText", claim, OA + "exact", exact, "the quoted words do not occur in the source text")
        return None
    if position is not None and position.start is not None and position.end is not None:
        start, end = position.start, position.end
        if not 0 <= start <= end <= len(text):
            found.add(
                "OffsetsOutOfRange",
                claim,
                OA + "start",
                f"{start}..{end}",
                f"offsets {start}..{end} are outside the text (0..{len(text)})",
            )
            return None
        if text[start:end] != exact:
            found.add(
                "ExactNotAtOffsets",
                claim,
                OA + "exact",
                exact,
                f"the text at {start}..{end} is {text[start:end]!r}, not the quote",
            )
            return None
        ok = True
        if quote.prefix is not None and not text[:start].endswith(quote.prefix):
            found.add(
                "PrefixMismatch",
                claim,
                OA + "prefix",
                quote.prefix,
                f"the text before {start} is {text[max(0, start - len(quote.prefix)) : start]!r}",
            )
            ok = False
        if quote.suffix is not None and not text[end:].startswith(quote.suffix):
            found.add(
                "SuffixMismatch",
                claim,
                OA + "suffix",
                quote.suffix,
                f"the text after {end} is {text[end : end + len(quote.suffix)]!r}",
            )
            ok = False
        if ok:
            _check_unique(claim, text, quote, found)
        return (start, end)
    _check_unique(claim, text, quote, found)
    return (hits[0], hits[0] + len(exact)) if len(hits) == 1 else None


def _check_unique(claim, text, quote: _Selector, found) -> None:
    """The quote selector alone (exact with prefix and suffix) must pick one place in the text."""
    context = (quote.prefix or "") + (quote.exact or "") + (quote.suffix or "")
    n = len(occurrences(text, context))
    if n > 1:
        found.add(
            "AmbiguousExact",
            claim,
            OA + "exact",
            quote.exact,
            f"prefix + exact + suffix occurs {n} times in the text; lengthen oa:prefix/oa:suffix",
        )


def _check_cues(store, quotes, found) -> None:
    for row in _rows(store, _CUES):
        claim, prop, cue = row["claim"].value, row["property"].value, row["cue"].value
        spans = quotes.get(claim)
        if not spans:
            continue  # no verified quote: already reported
        if not any(is_word_sequence(cue, exact) for *_, exact in spans):
            found.add("CueNotInQuote", claim, prop, cue, "the cue words are not a word sequence of the claim's quote")


def _check_sentences(store, texts, quotes, found) -> None:
    sentences: dict[str, tuple[str, int, int]] = {}
    for row in _rows(store, _SENTENCES):
        sentence, report = row["sentence"].value, row["report"].value
        if report not in texts:
            continue  # its text is missing: skipped
        text = texts[report]
        start, end, said = _int(row["start"]), _int(row["end"]), _value(row["text"])
        if start is None or end is None or not 0 <= start <= end <= len(text):
            found.add(
                "OffsetsOutOfRange",
                sentence,
                AXIS + "startIndex",
                f"{start}..{end}",
                f"the sentence's offsets {start}..{end} are missing or outside the text (0..{len(text)})",
            )
            continue
        if said != text[start:end]:
            found.add(
                "SentenceTextMismatch",
                sentence,
                AXIS + "hasText",
                said,
                f"the text at {start}..{end} is {text[start:end]!r}",
            )
            continue
        sentences[sentence] = (report, start, end)
    linked: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, _CLAIM_SENTENCES):
        linked[row["claim"].value].add(row["sentence"].value)
    for claim, spans in sorted(quotes.items()):
        if not linked.get(claim):
            found.add("NoSentence", claim, AXIS + "isStatedInSentence", None, "the claim is linked to no sentence")
            continue
        own = [sentences[s] for s in linked[claim] if s in sentences]
        for report, start, end, _ in spans:
            covered: set[int] = set()
            for r, s, e in own:
                if r == report:
                    covered.update(range(max(s, start), min(e, end)))
            if not set(range(start, end)) - _gaps(texts[report], start, end) <= covered:
                found.add(
                    "QuoteOutsideSentences",
                    claim,
                    AXIS + "isStatedInSentence",
                    f"{start}..{end}",
                    "the quote is not within the sentences the claim is linked to",
                )
    used = {s for ss in linked.values() for s in ss}
    for sentence in sorted(set(sentences) - used):
        found.add(
            "SentenceWithoutClaim",
            sentence,
            AXIS + "isStatedInSentence",
            None,
            "no claim rests on this sentence",
            severity="Info",
        )


def _gaps(text: str, start: int, end: int) -> set[int]:
    """White-space offsets of ``text[start:end]`` (between sentences; no sentence covers them)."""
    return {i for i in range(start, end) if text[i].isspace()}
