"""Media types the endpoint speaks, and content negotiation on the ``Accept`` header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from axiskg.rdfio import formats as rdf_formats


@dataclass(frozen=True)
class Format:
    media_type: str
    oxigraph: Any  # a QueryResultsFormat or RdfFormat (None: rendered as HTML by the app)
    aliases: tuple[str, ...] = ()


#: SELECT and ASK results (server preference first: JSON answers */*)
RESULT_FORMATS: dict[str, Format] = {
    "json": Format("application/sparql-results+json", ox.QueryResultsFormat.JSON, ("application/json",)),
    "xml": Format("application/sparql-results+xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    "csv": Format("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": Format("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    "html": Format("text/html", ox.QueryResultsFormat.JSON, ("application/xhtml+xml",)),
}

#: CONSTRUCT and DESCRIBE results, entity and ontology descriptions (Turtle answers */*)
GRAPH_FORMATS: dict[str, Format] = {
    **{
        name: Format(f.media_type, f.oxigraph, f.media_aliases)
        for name, f in ((n, rdf_formats.FORMATS[n]) for n in ("turtle", "ntriples", "jsonld", "rdfxml"))
    },
    "html": Format("text/html", None, ("application/xhtml+xml",)),
}


def turtle_prefixes() -> dict[str, str]:
    """Prefixes for Turtle output: the project's vocabularies and one per kind of entity."""
    from axiskg.vocab import PREFIXES, PROJECT_PREFIXES

    return {**{p: ns for p, ns in PREFIXES.items() if p not in ("sh", "id")}, **PROJECT_PREFIXES}


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range in ``ranges`` matching ``media_type`` (0: none)."""
    kind = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for media, q in ranges:
        level = 2 if media == media_type else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if level > specificity:
            best, specificity = q, level
    return best if specificity >= 0 else 0.0


def negotiate(accept: str | None, formats: dict[str, Format]) -> str | None:
    """The key of the format in ``formats`` the client prefers; the first one when ``accept``
    is missing or empty; ``None`` when it accepts none of them."""
    if not accept or not accept.strip():
        return next(iter(formats))
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for key, fmt in formats.items():
        q = max(_quality(m, ranges) for m in (fmt.media_type, *fmt.aliases))
        if q > best_q:
            best, best_q = key, q
    return best


def by_name(name: str, formats: dict[str, Format]) -> str | None:
    """A ``format=`` parameter (a key such as ``csv`` or a media type) as a key of ``formats``."""
    name = name.strip().lower()
    if name in formats:
        return name
    for key, fmt in formats.items():
        if name == fmt.media_type or name in fmt.aliases:
            return key
    return None
