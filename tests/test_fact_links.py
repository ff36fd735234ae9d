"""Curated facts and the claims they confirm, date or overtake: typed, attributed to the curators, never merged."""

from __future__ import annotations

from axiskg.dataset import Dataset
from axiskg.sparql import catalog, querying

FACT = "https://w3id.org/axiskg/id/fact/"
CLAIM = "https://w3id.org/axiskg/id/claim/alliance-axis-2025/"


def outcomes():
    store = Dataset.load(inferred=False)
    query = catalog.find(catalog.load_catalog(), "claim-outcomes")
    return [[None if t is None else t.value for t in row] for row in querying.run_local(store, query.render()).rows]


def test_the_plans_the_report_states_in_the_present_tense_were_carried_out_before_it_appeared():
    overtaken = [(r[0][len(CLAIM) :], r[4], r[5][len(FACT) :]) for r in outcomes() if r[3] == "overtakes"]
    assert overtaken == [
        ("p2-s2-2", "2025-03-30", "usfj-upgrade-phase-1-2025"),
        ("p2-s2-4", "2025-03-24", "jjoc-launched-2025"),
    ]


def test_every_link_is_the_curators_with_a_justification_and_facts_stay_facts():
    rows = outcomes()
    assert len(rows) == 9
    assert {r[9] for r in rows} == {"axiskg curators"} and all(r[8] for r in rows)
    store = Dataset.load(inferred=False)
    merged = list(
        store.query(
            """
        PREFIX axis: <https://w3id.org/axiskg/ontology#>
        SELECT ?x WHERE { ?x a axis:CuratedFact . { ?x a axis:Claim } UNION { ?x <http://www.w3.org/ns/prov#wasAttributedTo> [] } }""",
            use_default_graph_as_union=True,
        )
    )
    assert merged == []
    # the three facts added on 2026-11-29 are in, each with its primary source
    new = {"us-japan-summit-2024-04-10", "austin-jfhq-three-star-2024", "usfj-upgrade-phase-1-2025"}
    got = {
        r["f"].value[len(FACT) :]
        for r in store.query(
            "SELECT ?f WHERE { ?f a <https://w3id.org/axiskg/ontology#CuratedFact> ; <http://www.w3.org/ns/prov#hadPrimarySource> [] }",
            use_default_graph_as_union=True,
        )
    }
    assert new <= got and len(got) == 9
