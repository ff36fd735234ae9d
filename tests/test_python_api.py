"""The Python API of docs/queries.md ("For programmers"), run as written, answers what the CLI does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import run_cli

REPO = Path(__file__).resolve().parents[1]


def _documented_example() -> str:
    text = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    section = text[text.index("## For programmers") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "docs/queries.md has no python block under 'For programmers'"
    return match.group(1)


def _run_python(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "AXISKG_ROOT"}  # the project found from the cwd
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cli_csv(*args: str) -> str:
    done = run_cli("query", *args, "--format", "csv", cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_documented_example_prints_what_the_cli_prints():
    code = _documented_example()
    api = _run_python(code)
    cli = _cli_csv("claims-about", "--param", "entity=actor:china")
    assert api == cli
    assert len(api.strip().splitlines()) - 1 == 5  # China is the subject of five claims (inferred included)


def test_the_documented_example_with_another_query_prints_what_the_cli_prints():
    code = _documented_example()
    assert '"claims-about"' in code and '{"entity": "actor:china"}' in code
    code = code.replace('"claims-about"', '"claims-by-modality"').replace('{"entity": "actor:china"}', "{}")
    api = _run_python(code)
    cli = _cli_csv("claims-by-modality")
    assert api == cli
    assert len(api.strip().splitlines()) - 1 == 66  # with the inferred graph; asserted only: 35
