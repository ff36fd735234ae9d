"""Every individual a person sees in Protégé has a label (issue 26 item 3): the release's OWL file,
loaded with owlready2 as Protégé users load it, names each individual, including the 198 evidence,
quote and position nodes and the claim links that no one labels by hand (their labels are derived
by the build, axiskg.generated_labels)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["axiskg.owl", "axiskg.rdf"])
def test_every_individual_has_a_label_in_owlready2(release_dir, name):
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    world.get_ontology((release_dir / name).as_uri()).load()
    individuals = list(world.individuals())
    assert len(individuals) > 400
    unlabelled = sorted(i.iri for i in individuals if not i.label)
    assert unlabelled == []
    evidence = world["https://w3id.org/axiskg/id/claim/alliance-axis-2025/p2-s2-3/evidence"]
    assert [str(x) for x in evidence.label] == ["evidence of claim p2-s2-3 (alliance-axis-2025)"]
    quote = world["https://w3id.org/axiskg/id/claim/alliance-axis-2025/p2-s2-3/evidence/quote"]
    assert [str(x) for x in quote.label] == ["quote selector of claim p2-s2-3 (alliance-axis-2025)"]
    derived = [
        i
        for i in individuals
        if str(i.label[0]).startswith(("evidence of ", "quote selector of ", "position selector of "))
    ]
    assert len(derived) == 3 * 66


def test_a_labelled_node_keeps_its_own_label(tmp_path):
    """The derivation only fills gaps: a hand-written label wins, and the check can fail."""
    import pyoxigraph as ox

    from axiskg import generated_labels, inference

    store = ox.Store()
    g = ox.NamedNode("urn:g")
    ttl = """@prefix axis: <https://w3id.org/axiskg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <urn:x/claim/c1> axis:hasEvidence <urn:x/claim/c1/evidence> .
    <urn:x/claim/c2> axis:hasEvidence <urn:x/claim/c2/evidence> .
    <urn:x/claim/c2/evidence> rdfs:label "my own"@en ."""
    store.load(ttl.encode(), ox.RdfFormat.TURTLE, to_graph=g)
    labels = ox.parse(inference.answer(store, generated_labels.LABELS), format=ox.RdfFormat.N_TRIPLES)
    assert [(t.subject.value, t.object.value) for t in labels] == [("urn:x/claim/c1/evidence", "evidence of claim c1")]
