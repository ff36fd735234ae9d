"""Shared helpers: a throwaway copy of the fixture project, and running the CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def listener():
    """A TCP socket on 127.0.0.1 counting the connections it gets: proof that none was made."""
    from serve_helpers import Listener

    lst = Listener()
    yield lst
    lst.close()


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


def source_graphs(root: Path) -> list[str]:
    """The named graphs the loader makes for the project at ``root``, derived from its folders
    (``ontology`` and one per ``data/<source>/``; ``data`` for files directly in ``data/``), so
    that a new data folder needs no test edit."""
    from axiskg import loading

    data = Path(root) / "data"
    names = {"ontology"}
    if data.is_dir():
        for entry in data.iterdir():
            if entry.is_dir() and any(p.is_file() for p in entry.rglob("*")):
                names.add(entry.name)
            elif entry.is_file():
                names.add("data")
    return sorted(loading.GRAPH_NS + n for n in names)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI (``CI=true``) a skipped test is a failure: CI installs everything the tests need
    (Java, Graphviz, Chromium, Virtuoso, the report's text), so a skip there means a broken set-up.
    Tests may opt out with ``@pytest.mark.ci_may_skip(reason)``."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") != "true" or not report.skipped or item.get_closest_marker("ci_may_skip"):
        return
    if hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped under CI=true, which must run every test: {reason}"


def pytest_configure(config):
    config.addinivalue_line("markers", "ci_may_skip(reason): a skip that is legitimate even under CI")
