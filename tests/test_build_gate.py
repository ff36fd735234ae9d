"""A build never publishes invalid data: ``axiskg build`` and ``axiskg release`` validate the
project first and refuse (exit 1, the report printed, the output folder byte-identical) when there
is any sh:Violation; ``--no-validate`` overrides, and says so on stderr."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_main


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command, out", [("build", "dist"), ("release", "dist/release")])
def test_violating_data_is_refused_and_the_output_left_untouched(project, command, out):
    ok = run_main(command, root=project)
    assert ok.returncode == 0, ok.stderr
    before = _tree(project / out)
    assert before  # something was written by the conforming run

    shutil.copy(FIXTURES / "violating.ttl", project / "data" / "report" / "bad.ttl")
    refused = run_main(command, root=project)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert (
        "Violations: 2\nWarnings: 1\nInfos: 0\nConforms: no (2 violations, 1 warning); fails at --fail-on violation\n"
        in refused.stdout
    )
    assert "data/report/bad.ttl\n  id:actor/nolabel  (line 5)\n    Violation" in refused.stdout  # where, what
    assert f"axiskg: error: {command} refused: the data has 2 SHACL violation(s)" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _tree(project / out) == before  # byte-identical, nothing added or removed

    forced = run_main(command, "--no-validate", root=project)
    assert forced.returncode == 0, forced.stderr
    assert f"axiskg: note: --no-validate: {command} without validating" in forced.stderr
    assert _tree(project / out) != before  # the invalid data went in only because it was asked


def test_warnings_alone_do_not_stop_a_build(project):
    bad = (FIXTURES / "violating.ttl").read_text()
    claim = bad.split("\n<https://w3id.org/axiskg/id/actor")[0].replace(
        "axis:CausalLink ;", 'axis:CausalLink ; rdfs:label "x"@en ;'
    )
    (project / "data" / "report" / "warn.ttl").write_text(claim + "\n")
    proc = run_main("build", root=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / "dist" / "axiskg.ttl").is_file()


@pytest.mark.parametrize("command", ["build", "release"])
def test_the_gate_validates_the_dataset_the_command_publishes(project, monkeypatch, command):
    """``axiskg build`` validates and publishes one loading of the project (release loads it once
    more for the views the store gives: TriG, OWL, VoID)."""
    from axiskg.dataset import Dataset

    loads = []
    load = Dataset.load.__func__

    def counted(cls, *args, **kwargs):
        if not args and kwargs.get("paths") is None:  # the project (not a file of shapes)
            loads.append(kwargs.get("root"))
        return load(cls, *args, **kwargs)

    monkeypatch.setattr(Dataset, "load", classmethod(counted))
    proc = run_main(command, root=project)
    assert proc.returncode == 0, proc.stderr
    assert len(loads) == (1 if command == "build" else 2)
