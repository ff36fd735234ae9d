"""Counts of instances per key class, and of triples."""

from __future__ import annotations

import pyoxigraph as ox

AXIS = "https://w3id.org/axiskg/ontology#"

#: the classes summarised, in display order (local names in ``axis:``)
CLASSES = (
    "Actor",
    "State",
    "Mechanism",
    "Initiative",
    "Claim",
    "CausalLink",
    "Driver",
    "CentralTrend",
    "Impact",
    "CuratedFact",
)

_INSTANCES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a/rdfs:subClassOf* <{cls}> }}
"""
_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def _count(store: ox.Store, query: str) -> int:
    solutions = store.query(query, use_default_graph_as_union=True)
    return int(next(iter(solutions))["n"].value)


def summary(store: ox.Store) -> dict[str, int]:
    """``{"axis:Actor": n, ..., "triples": n}``: instances counted with subclasses (via the
    ``rdfs:subClassOf*`` closure in the union of all graphs), triples distinct across graphs."""
    result = {f"axis:{name}": _count(store, _INSTANCES.format(cls=AXIS + name)) for name in CLASSES}
    result["triples"] = _count(store, _TRIPLES)
    return result


def format_table(counts: dict[str, int]) -> str:
    width = max(len(k) for k in counts)
    num = max(len(str(v)) for v in counts.values())
    return "\n".join(f"{k:<{width}}  {v:>{num}}" for k, v in counts.items())
