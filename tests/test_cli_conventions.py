"""One option convention in every command: ``-o/--output FORMAT`` is the format of what is
printed, ``--out PATH`` where files go. The old spellings (``--json``, ``--format``, ``diff -o
FILE``) still work, with a deprecation note on stderr; ``diff -o json`` no longer writes a file
named ``json``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from conftest import run_cli, run_main

from axiskg import paths
from axiskg.cli import COMMANDS, build_parser

ROOT = paths.project_root(Path(__file__).parent)
#: commands that print in a choice of formats, and one format besides the default
PRINTED = {
    "validate": "json",
    "verify": "json",
    "check": "json",
    "reason": "json",
    "stats": "json",
    "query": "csv",
    "diff": "markdown",
}
#: commands that write files, and so take --out
WRITERS = {"build", "release", "docs", "diff", "synth"}


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = build_parser(only=name)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_spells_its_options_alike(name):
    shown = [a for a in _subparser(name)._actions if a.help != argparse.SUPPRESS]
    by_option = {o: a for a in shown for o in a.option_strings}
    if name in PRINTED:
        assert by_option["-o"] is by_option["--output"], name
        assert PRINTED[name] in (by_option["-o"].choices or getattr(by_option["-o"], "formats", ())), name
    else:
        assert "-o" not in by_option and "--output" not in by_option, name
    assert ("--out" in by_option) == (name in WRITERS), name
    assert not {"--format", "--json"} & set(by_option), name  # only as hidden old spellings


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (("stats", "--json"), ("stats", "-o", "json")),
        (("query", "axis-core-states", "--format", "csv"), ("query", "axis-core-states", "--output", "csv")),
        (("query", "--list", "--format", "markdown"), ("query", "--list", "-o", "markdown")),
    ],
)
def test_old_spellings_still_work_with_a_note(old, new):
    before, after = run_main(*old, root=ROOT), run_main(*new, root=ROOT)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and before.stdout
    assert "deprecated" in before.stderr and " -o " in before.stderr and after.stderr == ""


def test_reason_prints_json_with_o_and_old_json(tmp_path):
    new = run_cli("reason", "-o", "json", root=ROOT)
    old = run_cli("reason", "--json", root=ROOT)
    assert new.returncode == old.returncode == 0, new.stderr
    assert json.loads(new.stdout)["consistent"] is True
    assert json.loads(old.stdout)["inferredTypes"] == json.loads(new.stdout)["inferredTypes"]
    assert "use -o json" in old.stderr and "deprecated" not in new.stderr


def test_diff_output_is_the_format_and_out_the_file(tmp_path):
    old_dir, new_dir = str(ROOT / "ontology"), str(ROOT / "ontology")
    md = run_main("diff", old_dir, new_dir, "-o", "markdown", cwd=tmp_path)
    assert md.returncode == 0 and md.stdout.startswith("## axiskg diff") and md.stderr == ""
    proc = run_main("diff", old_dir, new_dir, "-o", "json", cwd=tmp_path)
    assert proc.returncode == 2 and "invalid choice: 'json'" in proc.stderr
    assert not (tmp_path / "json").exists()
    out = tmp_path / "changes.md"
    proc = run_main("diff", old_dir, new_dir, "-o", "markdown", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "" and out.read_text() == md.stdout
    # the old spellings: --format, and -o naming a file
    old = tmp_path / "old.md"
    proc = run_main("diff", old_dir, new_dir, "--format", "markdown", "-o", str(old), cwd=tmp_path)
    assert proc.returncode == 0 and old.read_text() == md.stdout
    assert "--format is deprecated" in proc.stderr and "use --out FILE" in proc.stderr


@pytest.mark.parametrize("name", ["validate", "check", "verify"])
def test_report_commands_take_o_and_output(name):
    short = run_main(name, "-o", "json", root=ROOT)
    long = run_main(name, "--output", "json", root=ROOT)
    assert short.returncode == long.returncode == 0, short.stderr
    assert json.loads(short.stdout) == json.loads(long.stdout)
