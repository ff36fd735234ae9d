"""Shared helpers: a throwaway copy of the fixture project, and running the CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/project (tiny ontology, shapes and data)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def run_cli(*args: str, root: Path | None = None, seed: str = "0", cwd: Path | None = None):
    """Run ``python -m axiskg`` in a separate process; returns the CompletedProcess."""
    env = dict(os.environ, PYTHONHASHSEED=seed)
    env.pop("AXISKG_ROOT", None)
    argv = [sys.executable, "-m", "axiskg"]
    if root is not None:
        argv += ["--root", str(root)]
    return subprocess.run(argv + list(args), capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
