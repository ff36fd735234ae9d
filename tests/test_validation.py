import shutil
from pathlib import Path

from axiskg.dataset import Dataset, load_shapes
from axiskg.rdfio.terms import data_graph, ontology_graph
from axiskg.shacl.reporting import fails, format_text
from axiskg.shacl.validation import validate

FIXTURES = Path(__file__).parent / "fixtures"
AXIS = "https://w3id.org/axiskg/ontology#"
SH = "http://www.w3.org/ns/shacl#"
ID = "https://w3id.org/axiskg/id/"


def run(root):
    store = Dataset.load(root=root, inferred=False)
    return validate(data_graph(store), load_shapes(root), ontology_graph(store))


def test_conforming_fixture(project):
    report = run(project)
    assert report.conforms and report.results == []


def test_violating_fixture_reports_exact_results(project):
    shutil.copy(FIXTURES / "violating.ttl", project / "data" / "report" / "bad.ttl")
    report = run(project)
    assert not report.conforms
    got = [(r.severity, r.focus, r.path, r.component_name, r.source_shape) for r in report.results]
    assert got == [
        ("Violation", ID + "actor/nolabel", None, "SPARQLConstraintComponent", AXIS + "ActorShape"),
        # CausalLink is a subclass of Claim: the target reaches it through the ontology
        (
            "Violation",
            ID + "claim/test/9",
            "http://www.w3.org/2000/01/rdf-schema#label",
            "MinCountConstraintComponent",
            AXIS + "ClaimShape sh:property [ sh:path rdfs:label ]",
        ),
        (
            "Warning",
            ID + "claim/test/9",
            "axis:hasEvidence / oa:hasSelector / oa:exact",
            "MinCountConstraintComponent",
            AXIS + "ClaimShape sh:property [ sh:path axis:hasEvidence / oa:hasSelector / oa:exact ]",
        ),
    ]
    assert report.results[1].component == SH + "MinCountConstraintComponent"
    text = format_text(report)
    assert (
        "Violations: 2\nWarnings: 1\nInfos: 0\nConforms: no (2 violations, 1 warning); fails at --fail-on violation\n"
        in text
    )
    assert text.index("id:actor/nolabel") < text.index("id:claim/test/9")


def test_warnings_alone_do_not_fail_but_do_not_conform(project):
    """As sh:conforms says (any result breaks conformance), while the run fails only at
    --fail-on's level (violations by default)."""
    bad = (FIXTURES / "violating.ttl").read_text()
    # keep only the claim, and give it a label: what is left is the Warning
    claim = bad.split("\n<https://w3id.org/axiskg/id/actor")[0].replace(
        "axis:CausalLink ;", 'axis:CausalLink ; rdfs:label "x"@en ;'
    )
    (project / "data" / "report" / "warn.ttl").write_text(claim + "\n")
    report = run(project)
    assert report.conforms is False
    assert not fails(report, "violation") and fails(report, "warning")
    assert [r.severity for r in report.results] == ["Warning"]
