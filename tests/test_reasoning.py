"""axiskg reason: HermiT via owlready2 (needs Java; skipped only where there is none)."""

import json
import shutil
from pathlib import Path

import pytest
import rdflib
from conftest import run_cli

from axiskg.reasoning import explain_inconsistency, owl_view

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs java")
REPO = Path(__file__).resolve().parents[1]
PREFIXES = (
    "@prefix axis: <https://w3id.org/axiskg/ontology#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix id: <https://w3id.org/axiskg/id/> .\n"
)
AXIOMS = (
    PREFIXES
    + """
axis:Actor owl:disjointWith axis:Claim .
axis:leads a owl:ObjectProperty ; rdfs:domain axis:MilitaryCommand .
axis:founded a owl:DatatypeProperty ; rdfs:range xsd:date .
"""
)


@pytest.fixture
def reasoning_project(project):
    (project / "ontology" / "modules" / "axioms.ttl").write_text(AXIOMS)
    (project / "data" / "more.ttl").write_text(
        PREFIXES + 'id:hq axis:leads id:unit ; axis:founded "2025-03-24"^^xsd:date .\n'
    )
    return project


@needs_java
def test_consistent_with_inferred_types_and_dates(reasoning_project):
    proc = run_cli("reason", "-o", "json", root=reasoning_project)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["consistent"] is True and doc["unsatisfiableClasses"] == []
    # hq leads something, and leads has domain MilitaryCommand: a new type HermiT infers
    assert {
        "individual": "https://w3id.org/axiskg/id/hq",
        "class": "https://w3id.org/axiskg/ontology#MilitaryCommand",
    } in doc["inferredTypes"]["examples"]
    assert doc["inferredTypes"]["count"] == 1
    text = run_cli("reason", root=reasoning_project).stdout
    assert "Consistent: yes\n" in text and "  id:hq a axis:MilitaryCommand\n" in text


@needs_java
def test_inconsistency_is_explained(reasoning_project):
    (reasoning_project / "data" / "bad.ttl").write_text(PREFIXES + "id:x a axis:State , axis:CausalLink .\n")
    proc = run_cli("reason", root=reasoning_project)
    assert proc.returncode == 1, proc.stderr
    assert "Consistent: no\n" in proc.stdout
    assert (
        "  id:x cannot be both an axis:Actor and an axis:Claim, which are disjoint (axis:Actor owl:disjointWith "
        "axis:Claim): it is an axis:Actor because it is typed axis:State (axis:State ⊑ axis:Actor); it is an "
        "axis:Claim because it is typed axis:CausalLink (axis:CausalLink ⊑ axis:Claim).\n"
    ) in proc.stdout


@needs_java
def test_unsatisfiable_class(reasoning_project):
    (reasoning_project / "ontology" / "modules" / "unsat.ttl").write_text(
        PREFIXES + "axis:ArmedClaim a owl:Class ; rdfs:subClassOf axis:State , axis:Claim .\n"
    )
    proc = run_cli("reason", "-o", "json", root=reasoning_project)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["unsatisfiableClasses"] == ["https://w3id.org/axiskg/ontology#ArmedClaim"]


@needs_java
def test_real_ontology_and_data_are_consistent():
    proc = run_cli("reason", "-o", "json", root=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["consistent"] and doc["unsatisfiableClasses"] == []


def test_owl_view_turns_dates_into_datetimes():
    XSD = rdflib.XSD
    g = rdflib.Graph().parse(data=AXIOMS + 'id:hq axis:founded "2025-03-24"^^xsd:date .\n', format="turtle")
    g.add(
        (
            rdflib.URIRef("https://w3id.org/axiskg/id/hq"),
            rdflib.URIRef("https://w3id.org/axiskg/ontology#founded"),
            rdflib.Literal("2025-03-24Z", datatype=XSD.date, normalize=False),
        )
    )
    view = owl_view(g)
    assert not any(isinstance(o, rdflib.Literal) and o.datatype == XSD.date for o in view.objects())
    assert (None, rdflib.RDFS.range, XSD.date) not in view
    hq = rdflib.URIRef("https://w3id.org/axiskg/id/hq")
    founded = rdflib.URIRef("https://w3id.org/axiskg/ontology#founded")
    assert {str(o) for o in view.objects(hq, founded)} == {"2025-03-24T00:00:00", "2025-03-24T00:00:00Z"}
    assert (hq, rdflib.RDF.type, rdflib.OWL.NamedIndividual) in view


def test_explanation_via_domain():
    g = rdflib.Graph().parse(
        data=AXIOMS + "axis:MilitaryCommand a owl:Class ; rdfs:subClassOf axis:Actor .\n"
        "axis:Claim a owl:Class .\nid:c a axis:Claim ; axis:leads id:u .\n",
        format="turtle",
    )
    assert explain_inconsistency(g) == [
        "id:c cannot be both an axis:Actor and an axis:Claim, which are disjoint (axis:Actor owl:disjointWith "
        "axis:Claim): it is an axis:Actor because it is the subject of axis:leads, whose domain is "
        "axis:MilitaryCommand (axis:MilitaryCommand ⊑ axis:Actor); it is an axis:Claim because it is typed axis:Claim."
    ]


def test_no_java_is_a_clean_error(project, monkeypatch, tmp_path):
    env_path = tmp_path / "bin"
    env_path.mkdir()
    import os
    import subprocess
    import sys

    env = dict(os.environ, PATH=str(env_path))
    proc = subprocess.run(
        [sys.executable, "-m", "axiskg", "--root", str(project), "reason"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2 and "HermiT needs Java" in proc.stderr and "Traceback" not in proc.stderr


@needs_java
def test_reason_path_adds_to_the_project_data_and_only_replaces_it(reasoning_project, tmp_path):
    """A PATH is reasoned over with the project's data (its individuals in their context); with
    --only, without data/."""
    extra = tmp_path / "extra.ttl"
    # hq2 leads a unit the project's data knows: the type comes from the property's domain
    extra.write_text(PREFIXES + "id:hq2 axis:leads id:hq .\n")
    both = json.loads(run_cli("reason", "-o", "json", "--examples", "10", str(extra), root=reasoning_project).stdout)
    only = json.loads(
        run_cli("reason", "-o", "json", "--examples", "10", "--only", str(extra), root=reasoning_project).stdout
    )
    inferred = {
        (e["individual"].rsplit("/", 1)[1], e["class"].rsplit("#", 1)[1]) for e in both["inferredTypes"]["examples"]
    }
    assert {("hq", "MilitaryCommand"), ("hq2", "MilitaryCommand")} <= inferred  # hq from data/, hq2 from PATH
    assert {e["individual"].rsplit("/", 1)[1] for e in only["inferredTypes"]["examples"]} == {"hq2"}
    assert both["inferredTypes"]["count"] == only["inferredTypes"]["count"] + 1
    bad = run_cli("reason", "--only", root=reasoning_project)
    assert bad.returncode == 2 and "--only needs data PATHs" in bad.stderr


def test_owl_view_turns_gyears_into_datetimes():
    """OWL-Time's time:inXSDgYear takes xsd:gYear, which HermiT refuses: the view gives the start of the year."""
    XSD = rdflib.XSD
    year = rdflib.URIRef("http://www.w3.org/2006/time#inXSDgYear")
    g = rdflib.Graph()
    g.add((rdflib.URIRef("https://w3id.org/axiskg/id/period/2023"), year, rdflib.Literal("2023", datatype=XSD.gYear)))
    g.add(
        (
            rdflib.URIRef("https://w3id.org/axiskg/id/period/2024"),
            year,
            rdflib.Literal("2024Z", datatype=XSD.gYear, normalize=False),
        )
    )
    g.add((year, rdflib.RDFS.range, XSD.gYear))
    view = owl_view(g)
    assert not any(isinstance(o, rdflib.Literal) and o.datatype == XSD.gYear for o in view.objects())
    assert {(str(o), o.datatype) for o in view.objects(None, year)} == {
        ("2023-01-01T00:00:00", XSD.dateTime),
        ("2024-01-01T00:00:00Z", XSD.dateTime),
    }
    assert (year, rdflib.RDFS.range, XSD.dateTime) in view
