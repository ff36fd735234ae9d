"""The code's own checks: ruff (lint) and mypy (types), configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    if shutil.which(name):
        return [name]
    pytest.skip(f"{name} is not installed (pip install -e '.[test]')")


def _run(*command: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def test_ruff_finds_nothing():
    done = _run(*_tool("ruff"), "check", "--no-cache", "src", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_applied():
    """The code is in ``ruff format``'s style (run it before committing)."""
    done = _run(*_tool("ruff"), "format", "--check", "--no-cache", "src", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing():
    done = _run(*_tool("mypy"), "--cache-dir", str(REPO / ".mypy_cache"), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
