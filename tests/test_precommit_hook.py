"""The pre-commit hook as users run it: real ``pre-commit`` (``try-repo`` on this repository,
installed by pre-commit with pip) on a repository with a two-file dataset. A valid partial
commit passes, although the staged file refers to entities described in a file not staged; a
real violation in the staged file fails with its file and line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")

STATES = """@prefix axis: <https://w3id.org/axiskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/axiskg/id/actor/china> a axis:State ; rdfs:label "China"@en .
<https://w3id.org/axiskg/id/actor/russia> a axis:State ; rdfs:label "Russia"@en .
<https://w3id.org/axiskg/id/actor/iran> a axis:State ; rdfs:label "Iran"@en .
"""

GROUPING = """@prefix axis: <https://w3id.org/axiskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .

<https://w3id.org/axiskg/id/mechanism/axis3> a axis:MinilateralGrouping ;
    rdfs:label "{label}"@en ;
    org:hasMember <https://w3id.org/axiskg/id/actor/china> ,
        <https://w3id.org/axiskg/id/actor/russia> , <https://w3id.org/axiskg/id/actor/{third}> .
"""

pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists() and shutil.which("pre-commit") is None,
    reason="pre-commit is not installed (pip install -e '.[test]')",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository with data/states.ttl and data/grouping.ttl committed (no ontology/: the
    hook uses the ontology installed with axiskg), and pre-commit's cache of its own."""
    repo = tmp_path_factory.mktemp("users-repo")
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.org")
    _git(repo, "config", "user.name", "t")
    (repo / "data").mkdir()
    (repo / "data" / "states.ttl").write_text(STATES)
    (repo / "data" / "grouping.ttl").write_text(GROUPING.format(label="The three", third="iran"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "dataset")
    return repo


def _try_repo(repo: Path) -> subprocess.CompletedProcess:
    """``pre-commit try-repo`` of this checkout's axiskg-validate hook on the staged files."""
    env = dict(os.environ, PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home"))
    env.pop("AXISKG_ROOT", None)
    env.pop("VIRTUAL_ENV", None)
    tool = str(PRE_COMMIT) if PRE_COMMIT.exists() else "pre-commit"
    return subprocess.run(
        [tool, "try-repo", str(ROOT), "axiskg-validate", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_a_valid_partial_commit_passes(repo):
    """Only grouping.ttl is staged (a new label); its members are described in states.ttl."""
    (repo / "data" / "grouping.ttl").write_text(GROUPING.format(label="The three states", third="iran"))
    _git(repo, "add", "data/grouping.ttl")
    proc = _try_repo(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "axiskg validate (SHACL)" in proc.stdout and "Passed" in proc.stdout
    assert "Members of a mechanism are states." not in proc.stdout


def test_a_violation_in_the_staged_file_fails_with_its_line(repo):
    (repo / "data" / "grouping.ttl").write_text(GROUPING.format(label="The three", third="atlantis"))
    _git(repo, "add", "data/grouping.ttl")
    proc = _try_repo(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout
    assert "data/grouping.ttl\n  id:mechanism/axis3  (line 5)\n" in proc.stdout, proc.stdout
    assert proc.stdout.count("Members of a mechanism are states.") == 1
    assert "Traceback" not in proc.stdout + proc.stderr
