"""Extending the project needs no test edit: in a temporary copy of the project, add a data folder,
an ontology module and a shape with its fixtures, following docs/extending.md step by step, then
run the copy's shape meta-tests, the new shape's fixture tests and the release tests (pytest in a
subprocess): they pass.
Without the fixtures the meta-tests fail, as docs/extending.md says (so the run can fail)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "extension-exercises"
#: what a copy of the project needs to run its tests (not the venv, git, build output, tool caches or
#: benchmarks; build/ and .mypy_cache/ are written by test_packaging.py and test_style.py, maybe while
#: this copies, when `make test` runs tests in parallel)
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "dist",
    "build",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "benchmarks",
    "*.egg-info",
)

# the fixtures of docs/extending.md step 3, for the example's axsh:JointExerciseShape
BASE_ADDITION = """
# A joint exercise (the extension of docs/extending.md): the focus node of axsh:JointExerciseShape.
init:exercise-base a axis:JointExercise ;
    rdfs:label "Base exercise"@en ;
    axis:initiatedBy actor:us ;
    axis:hasParticipant actor:us , actor:japan .
"""
PREFIXES = """@prefix axis:  <https://w3id.org/axiskg/ontology#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix actor: <https://w3id.org/axiskg/id/actor/> .
@prefix init:  <https://w3id.org/axiskg/id/initiative/> .
"""
FIXTURES = {
    "ok.ttl": PREFIXES
    + """
init:exercise-three a axis:JointExercise ;
    rdfs:label "Three-state exercise"@en ;
    axis:initiatedBy actor:japan ;
    axis:hasParticipant actor:us , actor:japan , actor:korea .
""",
    "bad-one-participant.ttl": PREFIXES
    + """
init:exercise-solo a axis:JointExercise ;
    rdfs:label "Solo drill"@en ;
    axis:initiatedBy actor:us ;
    axis:hasParticipant actor:us .
""",
    "bad-one-participant.expected.tsv": "Violation\tid:initiative/exercise-solo\taxis:hasParticipant\tsh:MinCountConstraintComponent\n",
}
TESTS = ["tests/test_shapes.py", "tests/test_release.py"]
#: of the copy's tests: every test that is not one fixture's (the meta-tests, the project data, the
#: release), and the new shape's fixtures. The other shapes' fixtures, and the meta-test that every
#: shape fires in some bad fixture (with the test that it can fail), would validate each of the 224
#: fixtures again with pyshacl (20 s); the extension changes none of them, and its own bad fixture
#: must make its shape fire.
SELECTED = "(not fixture_gives and not fire) or JointExerciseShape"


def _copy_project(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=SKIP, symlinks=True)
    return target


def _extend(root: Path, fixtures: bool) -> None:
    """docs/extending.md: a module, a shape, a data folder; with ``fixtures``, step 3's fixtures."""
    shutil.copy(EXAMPLE / "ontology" / "modules" / "exercises.ttl", root / "ontology" / "modules" / "exercises.ttl")
    shutil.copy(EXAMPLE / "ontology" / "shapes" / "exercises.ttl", root / "ontology" / "shapes" / "exercises.ttl")
    shutil.copytree(EXAMPLE / "data" / "examples", root / "data" / "examples")
    if fixtures:
        folder = root / "tests" / "shapes" / "JointExerciseShape"
        folder.mkdir()
        for name, text in FIXTURES.items():
            (folder / name).write_text(text, encoding="utf-8")
        with (root / "tests" / "shapes" / "base.ttl").open("a", encoding="utf-8") as f:
            f.write(BASE_ADDITION)


def _pytest(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """Run the copy's tests; returns the process and each test's outcome by its id."""
    env = dict(os.environ)
    env.pop("AXISKG_ROOT", None)
    env.pop("AXISKG_UPDATE_EXPECTED", None)
    report = root / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcomes[name] = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
    return proc, outcomes


def test_an_extension_with_its_fixtures_keeps_the_tests_green(tmp_path):
    root = _copy_project(tmp_path / "axiskg")
    _extend(root, fixtures=True)
    proc, outcomes = _pytest(root, *TESTS, "-k", SELECTED)
    failed = sorted(name for name, outcome in outcomes.items() if outcome != "passed")
    assert proc.returncode == 0 and failed == [], proc.stdout[-4000:] + proc.stderr[-2000:]
    # the new shape's fixtures ran, and the release has the new data folder as its own named graph
    ran = [name for name in outcomes if "JointExerciseShape" in name]
    assert len(ran) == 2, ran
    assert outcomes["tests.test_release::test_trig_has_one_named_graph_per_source"] == "passed"
    assert (
        outcomes["tests.test_shapes::test_every_class_used_in_the_project_data_is_checked_by_a_node_shape"] == "passed"
    )


def test_without_the_fixtures_the_meta_tests_say_what_is_missing(tmp_path):
    root = _copy_project(tmp_path / "axiskg")
    _extend(root, fixtures=False)
    # (the third meta-test, that every shape fires in some bad fixture, validates every fixture:
    # 20 s; that it names a shape without fixtures is tested in tests/test_shapes.py)
    proc, outcomes = _pytest(
        root, "tests/test_shapes.py", "-k", "every_folder_is_a_shape or base_world_has_a_focus_node"
    )
    failed = sorted(name.rsplit("::", 1)[1] for name, outcome in outcomes.items() if outcome == "failed")
    assert proc.returncode == 1
    assert failed == [
        "test_base_world_has_a_focus_node_for_every_node_shape",
        "test_every_folder_is_a_shape_with_ok_and_bad_fixtures",
    ], proc.stdout[-3000:]
    assert "JointExerciseShape" in proc.stdout
