"""How far each report's claims are curated, and what that changes for validate, build and stats.

A claim's ``axis:curationStatus`` is ``axis:Draft`` (drafted by ``axiskg ingest``), ``axis:Curated``
or ``axis:Rejected``; a claim without one counts as curated. Drafts are first-class data: they are
validated, but what a shape finds wrong with a draft is a Warning (a curator has not read it yet),
and they are published only on request (``--include-drafts``); rejected claims never are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.sparql.querying import solutions
from axiskg.vocab import AXIS, SH, sparql_prefixes

if TYPE_CHECKING:
    from axiskg.dataset import Data

#: statuses whose claims are not published unless asked for (Draft) or ever (Rejected)
UNPUBLISHED = (AXIS + "Draft", AXIS + "Rejected")

_STATUS = sparql_prefixes("axis") + """SELECT ?claim ?status WHERE { ?claim axis:curationStatus ?status }"""
_PROGRESS = (
    sparql_prefixes("axis", "rdfs", "prov")
    + """SELECT ?report ?status (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?report a axis:Report .
  ?claim a/rdfs:subClassOf* axis:Claim ; prov:wasDerivedFrom ?report .
  OPTIONAL { ?claim axis:curationStatus ?given }
  BIND(COALESCE(?given, axis:Curated) AS ?status)
} GROUP BY ?report ?status"""
)


def statuses(store: Data) -> dict[str, str]:
    """``{claim IRI: status IRI}`` of the claims that record a status."""
    return {r["claim"].value: r["status"].value for r in solutions(store, _STATUS)}


_WHY = {AXIS + "Draft": "draft claim, not yet curated", AXIS + "Rejected": "rejected claim, never published"}


def soften_drafts(report, store: Data):
    """``report`` (an :class:`axiskg.shacl.validation.Report`) with the Violations whose focus node is a
    draft or rejected claim (neither is published) turned into Warnings, their message saying so."""
    drafts = {c: s for c, s in statuses(store).items() if s in UNPUBLISHED}
    if not drafts:
        return report
    import rdflib

    results = []
    for r in report.results:
        if r.severity == "Violation" and r.focus_node is not None and str(r.focus_node) in drafts:
            r = dataclasses.replace(
                r,
                severity="Warning",
                severity_node=rdflib.URIRef(SH + "Warning"),
                message=f"({_WHY[drafts[str(r.focus_node)]]}) {r.message or ''}".rstrip(),
            )
        results.append(r)
    results.sort(key=lambda r: r.sort_key())
    return dataclasses.replace(report, results=results)


@dataclass(frozen=True)
class Progress:
    report: str
    curated: int
    draft: int
    rejected: int

    @property
    def total(self) -> int:
        return self.curated + self.draft + self.rejected


def progress(store: Data) -> list[Progress]:
    """Claims per report by curation status, reports in IRI order."""
    counts: dict[str, dict[str, int]] = {}
    for row in solutions(store, _PROGRESS):
        counts.setdefault(row["report"].value, {})[row["status"].value] = int(row["n"].value)
    return [
        Progress(report, c.get(AXIS + "Curated", 0), c.get(AXIS + "Draft", 0), c.get(AXIS + "Rejected", 0))
        for report, c in sorted(counts.items())
    ]


def drop_unpublished(store: Data, include_drafts: bool = False) -> int:
    """Remove from ``store`` the claims that are not to be published (rejected ones, and drafts
    unless ``include_drafts``) with what hangs off them: evidence, selectors, entity candidates.
    The number of claims removed."""
    gone = {
        c for c, s in statuses(store).items() if s == AXIS + "Rejected" or (s == AXIS + "Draft" and not include_drafts)
    }
    for claim in gone:
        for iri in _owned(store, claim):
            node = ox.NamedNode(iri)
            for quad in list(store.quads_for_pattern(node, None, None, None)):
                store.remove(quad)
            for quad in list(store.quads_for_pattern(None, None, node, None)):
                store.remove(quad)
    return len(gone)


_OWNED = (
    sparql_prefixes("axis", "oa")
    + """SELECT DISTINCT ?x WHERE {
  { BIND(<CLAIM> AS ?x) } UNION { <CLAIM> axis:hasEvidence ?x } UNION { <CLAIM> axis:hasEvidence/oa:hasSelector ?x }
  UNION { <CLAIM> axis:hasEntityCandidate ?x }
}"""
)


def _owned(store: Data, claim: str) -> list[str]:
    rows = solutions(store, _OWNED.replace("CLAIM", claim))
    return [r["x"].value for r in rows if isinstance(r["x"], ox.NamedNode)]
