"""axiskg check: each rule fires on its fixture (and only there), profile handling, CLI."""

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_main

from axiskg import checks
from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH

CHECKS = FIXTURES / "checks"
REPO = Path(__file__).resolve().parents[1]
A = "https://w3id.org/axiskg/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
VANN = "http://purl.org/vocab/vann/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
JAPAN = "https://w3id.org/axiskg/id/actor/japan"
ID = "https://w3id.org/axiskg/id/"
TIME = "http://www.w3.org/2006/time#"
PROV = "http://www.w3.org/ns/prov#"

#: rule -> the exact (entity, property, value) triples it reports on its fixture
EXPECTED = {
    "missing_label": {(A + "Region", RDFS + "label", None)},
    "missing_definition": {(A + "Region", SKOS + "definition", None)},
    "multiple_labels": {(A + "State", RDFS + "label", "state"), (A + "State", RDFS + "label", "nation state")},
    "multiple_definitions": {
        (A + "State", SKOS + "definition", "An actor that is a sovereign country."),
        (A + "State", SKOS + "definition", "An actor with a territory."),
    },
    "duplicate_label": {
        (A + "State", RDFS + "label", "state"),
        (A + "Country", RDFS + "label", "State"),
        (A + "Actor", RDFS + "label", "actor"),
    },  # a class and an individual share a label
    "reused_term_unknown": {
        (TIME + "inXSDGYear", RDF_TYPE, TIME + "inXSDGYear"),
        (ID + "claim/x", PROV + "wasAttributedBy", PROV + "wasAttributedBy"),
        (ID + "claim/x/quote", RDF_TYPE, "http://www.w3.org/ns/oa#TextQuote"),
    },
    "unstructured_claim": {
        (ID + "claim/plain", SKOS + "editorialNote", "The sentence only says what the report analyses.")
    },
    "unstructured_claim_without_reason": {(ID + "claim/bare", SKOS + "editorialNote", None)},
    "annotation_whitespace": {(A + "Region", RDFS + "label", "region ")},
    "naming_pattern": {
        (A + "military_command", RDF_TYPE, OWL + "Class"),
        (A + "HasMember", RDF_TYPE, OWL + "ObjectProperty"),
    },
    "ontology_header": {
        ("https://w3id.org/axiskg/ontology/extra", OWL + "versionIRI", None),
        ("https://w3id.org/axiskg/ontology/extra", VANN + "preferredNamespaceUri", None),
    },
    "undeclared_term": {
        (JAPAN, RDF_TYPE, A + "Actr"),
        (JAPAN, "http://www.w3.org/ns/prov#wasDerivedFrom", "http://www.w3.org/ns/prov#wasDerivedFrom"),
        (JAPAN, A + "status", A + "status"),
        (JAPAN, A + "status", A + "Plannned"),
    },
    "dangling_reference": {
        (A + "Command", RDFS + "subClassOf", A + "Actorr"),
        (A + "commands", RDFS + "range", A + "Force"),
    },
    "deprecated_reference": {
        (A + "Nation", RDFS + "subClassOf", A + "Country"),  # a term the ontology deprecates
        (ID + "claim/r/1", A + "hasAlly", ID + "section/r/introduction-p1"),
    },  # and an old component IRI the data deprecates; the claim that uses the new one is fine
    "component_iri_kind": {
        (ID + "section/r/introduction-p1", RDF_TYPE, A + "Paragraph"),
        (ID + "paragraph/r/part-1", RDF_TYPE, A + "Part"),
    },
    "definition_contains_label": {(A + "Region", SKOS + "definition", "A region of the world.")},
}


#: rules that fire on another rule's fixture by design (an unstructured claim without a reason is listed too)
ALSO = {"unstructured_claim_without_reason": {"unstructured_claim"}}


def store_with(*fixtures: Path) -> Dataset:
    """The base ontology with ``fixtures``: ``*.data.ttl`` in a data graph, the others in the ontology's."""
    store = Dataset()
    store.add_file(CHECKS / "base.ttl", ONTOLOGY_GRAPH)
    for fixture in fixtures:
        graph = GRAPH_NS + "data" if fixture.name.endswith(".data.ttl") else ONTOLOGY_GRAPH
        store.add_file(fixture, graph)
    return store


def test_every_rule_has_a_fixture_and_is_in_the_profile():
    rules = set(checks.available_rules())
    fixtures = {p.name.split(".")[0] for p in CHECKS.glob("*.ttl")} - {"base"}
    assert rules == fixtures == set(EXPECTED) == set(checks.load_profile())


def test_base_fixture_is_clean():
    assert checks.run_checks(store_with()) == []


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fires_on_its_fixture_only(rule):
    fixtures = sorted(CHECKS.glob(f"{rule}.*ttl"))  # a rule may have one in the ontology and one in data
    problems = [p for p in checks.run_checks(store_with(*fixtures)) if checks.rule_of(p) not in ALSO.get(rule, ())]
    assert {checks.rule_of(p) for p in problems} == {rule}, problems
    got = {(p.focus, p.path or "", p.value) for p in problems}
    assert got == EXPECTED[rule]
    assert {checks.level_of(p) for p in problems} == {checks.load_profile()[rule]}


def test_real_data_uses_no_deprecated_resource():
    """The old IRIs of the report's components (under /section/) are kept, deprecated, and nothing uses them."""
    store = Dataset.load(root=REPO, inferred=False)
    problems = checks.run_checks(store, {"deprecated_reference": "WARN"})
    assert problems == [], checks.format_text(problems)
    kept = store.query(
        "SELECT (COUNT(DISTINCT ?old) AS ?n) WHERE { ?old <http://www.w3.org/2002/07/owl#deprecated> true ; "
        "<http://purl.org/dc/terms/isReplacedBy> ?new . ?new ?p ?o . "
        'FILTER(CONTAINS(STR(?old), "/id/section/") && !CONTAINS(STR(?new), "/id/section/")) }',
        use_default_graph_as_union=True,
    )
    assert int(next(iter(kept))[0].value) == 10  # abstract, introduction, its 5 paragraphs, 3 parts


def test_real_ontology_and_data_have_no_error():
    problems = checks.run_checks(Dataset.load(root=REPO, inferred=False))
    errors = [p for p in problems if checks.level_of(p) == "ERROR"]
    assert errors == [], checks.format_text(errors)


def test_profile_file(tmp_path):
    profile = tmp_path / "profile.tsv"
    profile.write_text("# only one rule, downgraded\nINFO\tmissing_label\n")
    store = store_with(CHECKS / "missing_label.ttl")
    assert [
        (checks.level_of(p), checks.rule_of(p)) for p in checks.run_checks(store, checks.load_profile(profile))
    ] == [("INFO", "missing_label")]
    profile.write_text("ERROR\tno_such_rule\n")
    with pytest.raises(InputError, match="unknown rule 'no_such_rule'") as info:
        checks.load_profile(profile)
    assert info.value.line == 1
    profile.write_text("FATAL\tmissing_label\n")
    with pytest.raises(InputError, match="SEVERITY"):
        checks.load_profile(profile)


def test_cli_exit_codes_and_outputs(project, tmp_path):
    root = tmp_path / "clean"
    (root / "ontology").mkdir(parents=True)
    (root / "ontology" / "base.ttl").write_bytes((CHECKS / "base.ttl").read_bytes())
    ok = run_main("check", root=root)
    assert (ok.returncode, ok.stdout) == (0, "ERROR: 0  WARN: 0  INFO: 0\n")
    # a typo in data given as PATH: ERROR, exit 1
    typo = CHECKS / "undeclared_term.data.ttl"
    proc = run_main("check", str(typo), root=root, cwd=tmp_path)  # (the typo file is not below the cwd: absolute)
    assert proc.returncode == 1
    # each problem names the file and line where its entity is described
    line = 1 + typo.read_text().splitlines().index(
        next(x for x in typo.read_text().splitlines() if x.startswith(f"<{JAPAN}>"))
    )
    assert f"ERROR  undeclared_term  id:actor/japan  rdf:type  axis:Actr  ({typo}:{line})\n" in proc.stdout
    tsv = run_main("check", "-o", "tsv", str(typo), root=root).stdout.splitlines()
    assert tsv[0] == "Level\tRule Name\tSubject\tProperty\tValue" and len(tsv) == 5
    doc = json.loads(run_main("check", "-o", "json", str(typo), root=root, cwd=tmp_path).stdout)
    assert doc["counts"] == {"error": 4, "warn": 0, "info": 0}
    assert {
        "level": "ERROR",
        "rule": "undeclared_term",
        "entity": JAPAN,
        "property": RDF_TYPE,
        "value": A + "Actr",
        "source": f"{typo}:{line}",
    } in doc["problems"]
    # only WARN: exit 0
    (root / "ontology" / "ws.ttl").write_bytes((CHECKS / "annotation_whitespace.ttl").read_bytes())
    assert run_main("check", root=root).returncode == 0
    # bad input: exit 2, file and line named
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    proc = run_main("check", str(bad), root=root)
    assert proc.returncode == 2 and f"{bad}:1:" in proc.stderr and "Traceback" not in proc.stderr


def test_problems_in_project_files_name_file_and_line(project):
    """A problem about a term of the project's ontology or data names the file under ontology/ or
    data/<source>/ and the line where the term is first described."""
    module = project / "ontology" / "modules" / "late.ttl"
    module.write_text(
        "@prefix axis: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\n\n"
        "axis:LateClass a owl:Class .\n"
    )
    proc = run_main("check", "-o", "json", root=project, cwd=project)
    problems = [p for p in json.loads(proc.stdout)["problems"] if p["entity"] == A + "LateClass"]
    assert problems and {p["source"] for p in problems} == {"ontology/modules/late.ttl:5"}


def test_the_unstructured_claims_of_the_project_are_a_short_list_each_with_a_reason():
    problems = [
        p
        for p in checks.run_checks(Dataset.load(root=REPO, inferred=False))
        if checks.rule_of(p) == "unstructured_claim"
    ]
    claim = "https://w3id.org/axiskg/id/claim/alliance-axis-2025/"
    assert sorted(p.focus[len(claim) :] for p in problems) == [
        "p1-s1-1",
        "p1-s1-2",
        "p1-s3-1",
        "p2-s1-1",
        "p2-s3-2",
        "p2-s3-5",
        "p3-s1-1",
        "p5-s1-1",
    ]
    assert all(p.value and p.value != "(no reason given)" for p in problems)


def test_every_output_locates_a_blank_node_entity(project, tmp_path):
    """Each output places its problems the one way validate does (shacl.locations.place): a
    problem about a blank node names the file and line of the named node it hangs from, in the
    text and JSON reports as in the JUnit and GitHub ones."""
    data = tmp_path / "anon.ttl"
    data.write_text(
        f"@prefix axis: <https://w3id.org/axiskg/ontology#> .\n\n<{JAPAN}> axis:hasAlly [\n    a axis:Actr\n] .\n"
    )
    problems = json.loads(run_main("check", "-o", "json", str(data), root=project, cwd=tmp_path).stdout)["problems"]
    anon = [p for p in problems if p["entity"].startswith("_:")]
    assert anon and {p["source"] for p in anon} == {"anon.ttl:3"}, problems
    text = run_main("check", str(data), root=project, cwd=tmp_path).stdout
    assert "undeclared_term  _:" in text and "axis:Actr  (anon.ttl:3)" in text, text
    github = run_main("check", "-o", "github", str(data), root=project, cwd=tmp_path).stdout
    assert "::error file=anon.ttl,line=3," in github, github
