import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, run_cli, snapshot

from axiskg import paths
from axiskg.cli import main

DIST_FILES = ["axiskg.jsonld", "axiskg.nt", "axiskg.rdf", "axiskg.ttl", "shapes.ttl"]


def assert_input_error(proc, *needles):
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("axiskg: error: ")
    for needle in needles:
        assert needle in proc.stderr


def test_build_writes_dist(project):
    proc = run_cli("build", root=project)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (project / "dist").iterdir()) == DIST_FILES
    assert proc.stdout.strip().endswith("triples")


def test_build_is_byte_identical_across_processes(project, tmp_path):
    assert run_cli("build", root=project, seed="1").returncode == 0
    assert run_cli("build", "--out", str(tmp_path / "again"), root=project, seed="2").returncode == 0
    assert snapshot(project / "dist") == snapshot(tmp_path / "again")


def test_malformed_turtle_leaves_dist_untouched(project):
    assert run_cli("build", root=project).returncode == 0
    before = snapshot(project / "dist")
    bad = project / "data" / "report" / "broken.ttl"
    bad.write_text('@prefix axis: <https://w3id.org/axiskg/ontology#> .\n\naxis:a axis:b "unterminated .\n')
    proc = run_cli("build", root=project)
    assert_input_error(proc, f"{bad}:3:")
    assert snapshot(project / "dist") == before


def test_non_utf8_file(project):
    bad = project / "data" / "latin1.ttl"
    bad.write_bytes(b'<http://a> <http://b> "caf\xe9" .\n')
    assert_input_error(run_cli("build", root=project), f"{bad}:1:", "UTF-8")
    assert not (project / "dist").exists()


def test_empty_file(project):
    bad = project / "data" / "report" / "empty.ttl"
    bad.write_bytes(b"")
    for command in ("build", "validate", "stats"):
        assert_input_error(run_cli(command, root=project), f"{bad}: file is empty")


def test_validate_exit_codes(project):
    ok = run_cli("validate", root=project)
    assert ok.returncode == 0, ok.stderr
    assert "Conforms: yes" in ok.stdout
    shutil.copy(FIXTURES / "violating.ttl", project / "data" / "report" / "bad.ttl")
    bad = run_cli("validate", root=project)
    assert bad.returncode == 1, bad.stderr
    assert "Violations: 2" in bad.stdout and "MinCountConstraintComponent" in bad.stdout


def test_stats_json_and_table(project):
    proc = run_cli("stats", "--json", root=project)
    counts = json.loads(proc.stdout)
    assert counts["axis:Actor"] == 2  # a State and a MilitaryCommand, via rdfs:subClassOf
    assert counts["axis:Claim"] == 2 and counts["axis:CausalLink"] == 1
    assert counts["axis:CuratedFact"] == 1 and counts["axis:Mechanism"] == 0
    assert counts["triples"] > 0
    table = run_cli("stats", root=project).stdout.splitlines()
    assert table[0].split() == ["axis:Actor", "2"] and len(table) == 11


def test_root_from_env_and_cwd(project, monkeypatch, capsys):
    monkeypatch.setenv("AXISKG_ROOT", str(project))
    assert paths.project_root() == project.resolve()
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["axis:State"] == 1
    monkeypatch.delenv("AXISKG_ROOT")
    assert paths.project_root(project / "data" / "report") == project.resolve()
    # discovered from the working directory, no --root
    assert run_cli("stats", cwd=project / "data").returncode == 0


def test_usage_errors(capsys, tmp_path):
    assert main([]) == 2
    assert main(["--root", str(tmp_path), "build"]) == 2
    assert "no ontology files" in capsys.readouterr().err


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, contextlib, io\n"
        "from axiskg import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: cli.main(['--help'])\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph', 'owlready2') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
