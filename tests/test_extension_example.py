"""The worked extension example: copied into a project, it is picked up with no code change."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "extension-exercises"
AXIS = "https://w3id.org/axiskg/ontology#"
SHAPE = "https://w3id.org/axiskg/shapes#JointExerciseShape"


@pytest.fixture
def extended(tmp_path) -> Path:
    root = tmp_path / "extended"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(EXAMPLE / "ontology", root / "ontology", dirs_exist_ok=True)
    shutil.copytree(EXAMPLE / "data", root / "data")
    return root


def test_example_is_not_in_the_main_ontology():
    text = "".join(p.read_text() for p in (REPO / "ontology").rglob("*.ttl"))
    assert "JointExercise" not in text


def test_example_data_is_marked_as_examples():
    text = (EXAMPLE / "data" / "examples" / "exercises.ttl").read_text()
    assert text.count('rdfs:comment "Example data, not from the report"@en') == text.count(" a axis:")


def test_build_validate_check_pick_up_the_extension(extended):
    assert run_main("build", root=extended).returncode == 0
    merged = (extended / "dist" / "axiskg.nt").read_text()
    assert f"<{AXIS}JointExercise> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{AXIS}Initiative> ." in merged
    assert "https://w3id.org/axiskg/id/example/exercise-harbour-shield" in merged
    assert (
        SHAPE in (extended / "dist" / "shapes.ttl").read_text()
        or "JointExerciseShape" in (extended / "dist" / "shapes.ttl").read_text()
    )

    ok = run_main("validate", "-o", "json", root=extended)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert not any(r["sourceShape"].startswith(SHAPE) for r in json.loads(ok.stdout)["results"])

    check = run_main("check", "-o", "json", root=extended)
    assert check.returncode == 0, check.stdout
    assert not [
        p for p in json.loads(check.stdout)["problems"] if "Exercise" in p["entity"] or "hasParticipant" in p["entity"]
    ]


def test_violating_fixture_fires_the_example_shape(extended):
    proc = run_main("validate", "-o", "json", str(EXAMPLE / "fixtures" / "violating.ttl"), root=extended)
    assert proc.returncode == 1, proc.stderr
    violations = [r for r in json.loads(proc.stdout)["results"] if r["severity"] == "Violation"]
    assert [(r["focusNode"], r["resultPath"], r["sourceShape"]) for r in violations] == [
        (
            "https://w3id.org/axiskg/id/example/exercise-solo",
            AXIS + "hasParticipant",
            SHAPE + " sh:property [ sh:path axis:hasParticipant ]",
        )
    ]


def test_without_the_extension_the_shape_does_not_exist(tmp_path):
    root = tmp_path / "plain"
    shutil.copytree(REPO / "ontology", root / "ontology")
    proc = run_main("validate", "-o", "json", str(EXAMPLE / "fixtures" / "violating.ttl"), root=root)
    assert not any(r["sourceShape"].startswith(SHAPE) for r in json.loads(proc.stdout)["results"])
    # and axiskg check calls the unknown class and property what they are: undeclared
    check = json.loads(run_main("check", "-o", "json", str(EXAMPLE / "fixtures" / "violating.ttl"), root=root).stdout)
    assert {p["value"] for p in check["problems"] if p["rule"] == "undeclared_term"} == {
        AXIS + "JointExercise",
        AXIS + "hasParticipant",
    }
