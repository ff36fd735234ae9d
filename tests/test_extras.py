"""Optional extras: the base install runs build/validate/check/query; the other commands name
the extra they need when it is missing (exit 2, no traceback)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from axiskg import cli
from axiskg.commands import EXTRAS

REPO = Path(__file__).resolve().parents[1]
#: what the extras install, as top-level module names
EXTRA_MODULES = sorted({m for modules in EXTRAS.values() for m in modules} | {"httptools", "uvloop"})

# Runs in a fresh interpreter in which every module of every extra is unimportable.
BASE_ONLY = """
import sys
for name in {modules!r}:
    sys.modules[name] = None  # "import name" raises ModuleNotFoundError
from axiskg import cli
root = sys.argv[1]
for argv in (["build"], ["validate"], ["check"], ["query", "--list"], ["stats"]):
    code = cli.main(["--root", root, *argv])
    print("RESULT", argv[0], code, flush=True)
"""


def test_base_install_runs_build_validate_check_query_without_the_extras(project):
    code = BASE_ONLY.format(modules=EXTRA_MODULES)
    done = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    lines = dict(line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RESULT "))
    # the fixture ontology lacks definitions: check reports them (1), as with every extra installed
    assert lines == {"build": "0", "validate": "0", "check": "1", "query": "0", "stats": "0"}, done.stdout


@pytest.mark.parametrize(
    "command, extra, argv",
    [
        ("serve", "serve", ["serve", "--port", "0"]),
        ("docs", "docs", ["docs"]),
        ("reason", "reason", ["reason"]),
        ("publish", "publish", ["publish", "--endpoint", "http://127.0.0.1:9/sparql"]),
    ],
)
def test_a_command_whose_extra_is_missing_names_it(command, extra, argv, project, monkeypatch, capsys):
    for module in EXTRAS[extra]:
        monkeypatch.setitem(sys.modules, module, None)
    assert cli.main(["--root", str(project), *argv]) == 2
    err = capsys.readouterr().err
    assert f"'axiskg {command}' needs the optional dependencies of the [{extra}] extra" in err
    assert f"pip install 'axiskg[{extra}]'" in err
    assert "Traceback" not in err


def test_a_missing_extra_module_imported_deep_down_is_reported_the_same_way(project, monkeypatch, capsys):
    """The CLI's net for an extra's module imported later than the command's own check."""
    monkeypatch.setattr("axiskg.commands.require", lambda *a: None)
    monkeypatch.setitem(sys.modules, "owlready2", None)
    assert cli.main(["--root", str(project), "reason"]) == 2
    assert "[reason] extra (missing: owlready2)" in capsys.readouterr().err


def test_extras_declared_in_pyproject_match_the_cli_table():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    assert set(EXTRAS) <= set(extras)
    base = " ".join(meta["dependencies"]).lower()
    for module in EXTRA_MODULES:  # no extra's package is a base dependency
        assert module not in base, module
    assert extras["all"] == [f"axiskg[{','.join(EXTRAS)}]"]


def test_the_pre_commit_hooks_install_only_the_base():
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "additional_dependencies" not in hooks
    assert "language: python" in hooks
