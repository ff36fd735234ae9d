"""Media types the endpoint speaks, and the choice of an answer's format: the protocol's
``format``/``output``/``results`` parameters (the names SPARQLWrapper, Virtuoso and Joseki clients
send, or a media type) first, where one names a format for the query's kind of answer, else
content negotiation on the ``Accept`` header."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from axiskg.rdfio import formats as rdf_formats


@dataclass(frozen=True)
class Format:
    media_type: str
    oxigraph: Any  # a QueryResultsFormat or RdfFormat (None: rendered as HTML by the app)
    aliases: tuple[str, ...] = ()  # other media types that ask for it
    names: tuple[str, ...] = ()  # short names a ``format=`` parameter may give (besides the key)


#: SELECT and ASK results (server preference first: JSON answers */*)
RESULT_FORMATS: dict[str, Format] = {
    "json": Format(
        "application/sparql-results+json",
        ox.QueryResultsFormat.JSON,
        ("application/json", "text/javascript", "application/javascript"),
    ),
    "xml": Format("application/sparql-results+xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    "csv": Format("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": Format("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    "html": Format("text/html", ox.QueryResultsFormat.JSON, ("application/xhtml+xml",)),
}

#: what else asks for each RDF format: Turtle for N3 (Turtle is N3's subset), ``json`` and ``xml``
#: (SPARQLWrapper's names, sent for every query form) for JSON-LD and RDF/XML
_GRAPH_EXTRA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "turtle": (("application/turtle", "text/n3", "text/rdf+n3", "application/n3"), ("n3",)),
    "ntriples": ((), ()),
    "jsonld": (("application/x-json+ld",), ("json",)),
    "rdfxml": ((), ("rdf", "rdf+xml")),
}

#: CONSTRUCT and DESCRIBE results, entity and ontology descriptions (Turtle answers */*)
GRAPH_FORMATS: dict[str, Format] = {
    **{
        name: Format(f.media_type, f.oxigraph, f.media_aliases + media, f.aliases + names)
        for name, (media, names) in _GRAPH_EXTRA.items()
        for f in (rdf_formats.FORMATS[name],)
    },
    "html": Format("text/html", None, ("application/xhtml+xml",)),
}


def turtle_prefixes() -> dict[str, str]:
    """Prefixes for Turtle output: the ones every published file declares
    (:data:`axiskg.vocab.PUBLISHED_PREFIXES`), so served and released Turtle agree."""
    from axiskg.vocab import PUBLISHED_PREFIXES

    return dict(PUBLISHED_PREFIXES)


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
    """A ``format=`` value (a key such as ``csv``, a short name such as ``rdf+xml``, or a media
    type) as a key of ``formats``."""
    name = name.strip().lower()
    if name in formats:
        return name
    for key, fmt in formats.items():
        if name in fmt.names or name == fmt.media_type or name in fmt.aliases:
            return key
    return None


#: the parameters a client may name an answer's format with (SPARQLWrapper sends all three)
FORMAT_PARAMETERS = ("format", "output", "results")


def choose(accept: str | None, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """The (SELECT/ASK, CONSTRUCT/DESCRIBE) format keys for a request: for each kind, the first
    ``format``/``output``/``results`` value naming one of its formats, else the ``Accept``
    header's choice (``None``: nothing acceptable, 406). A value naming no format at all is an
    error (``ValueError``); one naming only the other kind's format (``csv`` for a CONSTRUCT)
    leaves the choice to ``Accept``, as a client sending one format for every query does expect."""
    # a value may list media types, as SPARQLWrapper sends its Accept header for JSON-LD
    values = [v for p in FORMAT_PARAMETERS for given in params.get(p, []) for v in given.split(",") if v.strip()]
    if not values:  # (a header longer than a real client's is not kept)
        return _by_accept(accept) if len(accept or "") <= 1024 else _by_accept.__wrapped__(accept)
    chosen: list[str | None] = []
    for formats in (RESULT_FORMATS, GRAPH_FORMATS):
        named = [k for k in (by_name(v, formats) for v in values) if k is not None]
        chosen.append(named[0] if named else negotiate(accept, formats))
    unknown = [v for v in values if by_name(v, RESULT_FORMATS) is None and by_name(v, GRAPH_FORMATS) is None]
    if unknown:
        raise ValueError(f"unknown format {unknown[0][:100]!r}")
    return chosen[0], chosen[1]


@lru_cache(maxsize=512)
def _by_accept(accept: str | None) -> tuple[str | None, str | None]:
    """The (SELECT/ASK, CONSTRUCT/DESCRIBE) format keys an ``Accept`` header asks for: a client
    sends the same header with every request, and weighing it against every format is most of
    the endpoint's own work for a quick query."""
    return negotiate(accept, RESULT_FORMATS), negotiate(accept, GRAPH_FORMATS)
