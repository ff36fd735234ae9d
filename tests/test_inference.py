"""What the inferred graph holds, through the one way to load (``Dataset.load``) and through
``axiskg build``, which answers the same queries without adding them to its store."""

import pyoxigraph as ox
from conftest import run_cli

from axiskg.dataset import Dataset
from axiskg.inference import INFERRED_GRAPH

AXIS = "https://w3id.org/axiskg/ontology#"
ID = "https://w3id.org/axiskg/id/"

# a general class axiom: an anonymous class as the subclass
GENERAL_AXIOMS = """
@prefix axis: <https://w3id.org/axiskg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
_:statelike a owl:Class ; owl:intersectionOf ( axis:State axis:MilitaryCommand ) ; rdfs:subClassOf axis:Driver .
<https://w3id.org/axiskg/id/hybrid> a _:statelike .
"""


def inferred(store: Dataset) -> set[tuple[str, str, str]]:
    graph = ox.NamedNode(INFERRED_GRAPH)
    return {
        (q.subject.value, q.predicate.value, q.object.value) for q in store.quads_for_pattern(None, None, None, graph)
    }


def test_a_blank_subclass_still_infers(project):
    (project / "ontology" / "general.ttl").write_text(GENERAL_AXIOMS, encoding="utf-8")
    got = inferred(Dataset.load(root=project))
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert (ID + "hybrid", rdf_type, AXIS + "Driver") in got
    # and the named closure still works beside them
    assert any(p == rdf_type and o == AXIS + "Actor" for _, p, o in got)


def test_build_publishes_what_the_loaded_dataset_infers(project, tmp_path):
    (project / "ontology" / "general.ttl").write_text(GENERAL_AXIOMS, encoding="utf-8")
    out = tmp_path / "dist"
    done = run_cli("build", "--no-validate", "--formats", "ntriples", "--out", str(out), root=project)
    assert done.returncode == 0, done.stderr
    published = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse((out / "axiskg.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }
    got = inferred(Dataset.load(root=project))
    assert got and got <= published


def test_builds_counts_are_its_published_lines_when_a_literal_is_written_two_ways(project):
    """``"05"`` and ``"5"`` are one value but two literals: both are published, and so are their
    two inferred ``nif:beginIndex`` copies, and the build's counts say so."""
    from axiskg.build import build

    (project / "ontology" / "positions.ttl").write_text(
        """@prefix axis: <https://w3id.org/axiskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
axis:startIndex rdfs:subPropertyOf nif:beginIndex .""",
        encoding="utf-8",
    )
    before: dict[str, int] = {}
    build(project, project / "a", ("ntriples",), counts=before)
    (project / "data" / "twice.ttl").write_text(
        """@prefix axis: <https://w3id.org/axiskg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/axiskg/id/x> axis:startIndex "05"^^xsd:integer, "5"^^xsd:integer .""",
        encoding="utf-8",
    )
    after: dict[str, int] = {}
    written = build(project, project / "b", ("ntriples",), counts=after)
    lines = written["ntriples"].read_bytes().splitlines()
    assert after["total"] == len(lines)
    assert [line for line in lines if b"beginIndex" in line and b"/id/x>" in line] == [
        b'<https://w3id.org/axiskg/id/x> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex> "05"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        b'<https://w3id.org/axiskg/id/x> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    ]
    assert (after["asserted"] - before["asserted"], after["inferred"] - before["inferred"]) == (2, 2)
