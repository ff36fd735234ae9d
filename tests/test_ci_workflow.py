"""The GitHub Actions workflow of docs/validation.md, run as CI would run it: its ``run:`` steps
that are ``axiskg`` commands, in a copy of a project with a violation in its data; every
annotation they print names a file and a line, and every JUnit file they write parses."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES

yaml = pytest.importorskip("yaml")  # (installed with pre-commit, in the test extra)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"
ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,:]+),line=(\d+)(?:,col=\d+)?,title=[^:]*::(.+)$")


def workflow() -> dict:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("## CI (GitHub Actions)", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    return yaml.safe_load(block)


def axiskg_steps() -> list[str]:
    """The ``run:`` scripts of the workflow whose commands are all ``axiskg`` commands."""
    steps = workflow()["jobs"]["validate"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    return [r for r in runs if all(line.strip().startswith("axiskg ") for line in r.strip().splitlines())]


def test_the_workflow_is_complete():
    steps = workflow()["jobs"]["validate"]["steps"]
    assert any(s.get("uses", "").startswith("actions/checkout") for s in steps)
    assert any("pip install" in s.get("run", "") for s in steps)
    runs = " ".join(axiskg_steps())
    for command in ("axiskg validate -o github", "axiskg validate -o junit", "axiskg check", "axiskg verify"):
        assert command in runs
    upload = [s for s in steps if "junit" in s.get("uses", "")]
    assert upload and upload[0]["if"] == "always()"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A user's repository: the fixture project, with a violating file in its data."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "project", repo)
    shutil.copy(FIXTURES / "violating.ttl", repo / "data" / "report" / "bad.ttl")
    return repo


def test_the_workflow_runs_and_its_annotations_name_file_and_line(repo):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("AXISKG_ROOT", None)
    codes, annotations = {}, []
    for script in axiskg_steps():
        proc = subprocess.run(
            ["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        codes[script.strip()] = proc.returncode
        annotations += [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert codes["axiskg validate -o github"] == 1  # the violating file fails the step
    assert codes["axiskg verify -o github"] == 0
    assert annotations
    for line in annotations:
        match = ANNOTATION.match(line)
        assert match, line
        assert (repo / match.group(2)).is_file(), line  # a path relative to the repository
    bad = [a for a in annotations if "file=data/report/bad.ttl,line=" in a and a.startswith("::error")]
    assert len(bad) >= 2  # validate's two violations, each on its line
    for report in ("validation.xml", "check.xml"):
        suites = ET.parse(repo / report).getroot()
        assert suites.tag == "testsuites" and int(suites.get("tests")) >= 1
    assert ET.parse(repo / "validation.xml").getroot().get("failures") == "2"
