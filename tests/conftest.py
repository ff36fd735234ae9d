"""Shared helpers: a throwaway copy of the fixture project, and running the CLI in a subprocess or in-process."""

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


def run_main(*args: str, root: Path | None = None, cwd: Path | None = None):
    """Run ``axiskg.cli.main(argv)`` in this process, as :func:`run_cli` runs the program: the
    same arguments, a CompletedProcess with the exit code and the captured stdout and stderr
    (argparse's exits included), ``$AXISKG_ROOT`` unset, ``cwd`` as the working folder. It saves
    the 0.3 s a new interpreter takes to import rdflib and pyoxigraph.

    Not for what only a separate process shows: byte-identical outputs across hash seeds, the
    network sandbox (``main(argv)`` does not enter it), signals, timeouts, the exit codes and
    messages of hostile input, the installed entry point; nor for ``--inference rdfs|owlrl``
    (owlrl changes rdflib's handling of literals for the rest of the process, and later tests in
    it then see violations) or ``reason`` (owlready2's one world). Those tests use :func:`run_cli`."""
    import contextlib
    import io

    from axiskg import cli

    argv = (["--root", str(root)] if root is not None else []) + list(args)
    out, err = io.StringIO(), io.StringIO()
    saved_root, here = os.environ.pop("AXISKG_ROOT", None), os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # argparse: --help, --version, usage errors
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        os.chdir(here)
        if saved_root is not None:
            os.environ["AXISKG_ROOT"] = saved_root
    return subprocess.CompletedProcess(["axiskg", *argv], code, _universal(out.getvalue()), _universal(err.getvalue()))


def _universal(text: str) -> str:
    """Newlines as run_cli's text mode reads a process's output (universal newlines: CSV's CRLF is LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_graphs(root: Path) -> list[str]:
    """The named graphs the loader makes for the project at ``root``, derived from its folders
    (``ontology`` and one per ``data/<source>/``; ``data`` for files directly in ``data/``), so
    that a new data folder needs no test edit."""
    from axiskg.vocab import GRAPH_NS

    data = Path(root) / "data"
    names = {"ontology"}
    if data.is_dir():
        for entry in data.iterdir():
            if entry.is_dir() and any(p.is_file() for p in entry.rglob("*")):
                names.add(entry.name)
            elif entry.is_file():
                names.add("data")
    return sorted(GRAPH_NS + n for n in names)


def canonical(graph) -> list[str]:
    """An rdflib graph's triples as sorted N-Triples lines with W3C RDFC-1.0 blank-node labels
    (pyoxigraph's ``Dataset.canonicalize``): two graphs are isomorphic exactly when these are equal.
    5x faster than ``rdflib.compare.isomorphic`` on the release, and a failure shows the differing
    triples."""
    import pyoxigraph as ox

    from axiskg.rdfio.terms import to_ox

    dataset = ox.Dataset(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(f"{q.triple} ." for q in dataset)


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


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory) -> Path:
    """``axiskg release`` of this checkout, run once per test module, as a user runs it."""
    out = tmp_path_factory.mktemp("release")
    proc = run_cli("release", "--out", str(out), root=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
    return out
