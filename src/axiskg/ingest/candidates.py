"""Candidate entities of a drafted claim: existing entities one of whose labels occurs in its sentence.

Only entities already in the data are proposed (no new IRIs are made up): every IRI in a data graph
with an ``rdfs:label``, ``skos:prefLabel`` or ``skos:altLabel``, except the report's own machinery
(claims, sentences, report components, reports, their authors and curators, evidence). Labels match as whole words,
case-sensitively (``Japan`` is a name; ``japan`` is not), the longest label first, so "U.S.-Japan
alliance" wins over "Japan" where both would match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axiskg.sparql.querying import solutions
from axiskg.vocab import ONTOLOGY_GRAPH, sparql_prefixes

if TYPE_CHECKING:
    from axiskg.dataset import Data

#: labels shorter than this are not matched (too many false hits)
MIN_LABEL = 3

_PREFIXES = sparql_prefixes("axis", "rdfs", "skos", "oa") + """"""
_LABELS = (
    _PREFIXES
    + """SELECT ?entity ?label ?type WHERE {
  GRAPH ?g { ?entity rdfs:label|skos:prefLabel|skos:altLabel ?label }
  FILTER (?g != <ONTOLOGY_GRAPH> && isIRI(?entity))
  OPTIONAL { ?entity a ?type }
}""".replace("ONTOLOGY_GRAPH", ONTOLOGY_GRAPH)
)
#: the report's own machinery and every subclass of it (their instances are never candidates)
_MACHINERY = (
    _PREFIXES
    + """SELECT DISTINCT ?class WHERE {
  VALUES ?top { axis:Claim axis:Sentence axis:ReportComponent axis:Report axis:Author axis:Curator
                axis:EntityCandidate oa:SpecificResource oa:TextQuoteSelector oa:TextPositionSelector }
  ?class rdfs:subClassOf* ?top
}"""
)


@dataclass(frozen=True)
class Match:
    entity: str
    words: str  # as written in the sentence


class EntityIndex:
    """Labels of the existing entities, matched against sentences with one regular expression."""

    def __init__(self, labels: dict[str, set[str]]) -> None:
        self.by_label = labels
        usable = sorted((lb for lb in labels if len(lb) >= MIN_LABEL), key=lambda lb: (-len(lb), lb))
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(lb) for lb in usable) + r")(?!\w)") if usable else None
        )

    @classmethod
    def from_store(cls, store: Data) -> EntityIndex:
        machinery = {row["class"].value for row in solutions(store, _MACHINERY)}
        labels: dict[str, set[str]] = {}
        excluded: set[str] = set()
        for row in solutions(store, _LABELS):
            entity = row["entity"].value
            if row["type"] is not None and row["type"].value in machinery:
                excluded.add(entity)
            labels.setdefault(row["label"].value.strip(), set()).add(entity)
        kept = {label: found - excluded for label, found in labels.items()}
        return cls({label: found for label, found in kept.items() if found})

    def matches(self, sentence: str) -> list[Match]:
        """Each entity whose label occurs in ``sentence``, once, in order of first occurrence."""
        if self.pattern is None:
            return []
        out: dict[str, Match] = {}
        for found in self.pattern.finditer(sentence):
            for entity in sorted(self.by_label[found[0]]):
                out.setdefault(entity, Match(entity, found[0]))
        return list(out.values())
