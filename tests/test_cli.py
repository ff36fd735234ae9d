import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, run_cli, run_main, snapshot

from axiskg import paths
from axiskg.cli import main

ROOT = paths.project_root(Path(__file__).parent)

DIST_FILES = ["axiskg.jsonld", "axiskg.nt", "axiskg.rdf", "axiskg.ttl", "shapes.ttl"]


def assert_input_error(proc, *needles):
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("axiskg: error: ")
    for needle in needles:
        assert needle in proc.stderr


def test_build_writes_dist(project):
    proc = run_main("build", root=project)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (project / "dist").iterdir()) == DIST_FILES
    assert proc.stdout.strip().endswith(" inferred)")


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
    ok = run_main("validate", root=project)
    assert ok.returncode == 0, ok.stderr
    assert "Conforms: yes" in ok.stdout
    shutil.copy(FIXTURES / "violating.ttl", project / "data" / "report" / "bad.ttl")
    bad = run_main("validate", root=project)
    assert bad.returncode == 1, bad.stderr
    assert "Violations: 2" in bad.stdout and "MinCountConstraintComponent" in bad.stdout


def test_stats_json_and_table(project):
    """Every class in use, counted with subclasses, largest first; readable labels; the graph's size."""
    proc = run_main("stats", "-o", "json", root=project)
    result = json.loads(proc.stdout)
    assert result["classes"] == {
        "axis:Claim": 2,
        "oa:SpecificResource": 2,
        "oa:TextQuoteSelector": 2,
        "axis:CausalLink": 1,
        "axis:CuratedFact": 1,
        "axis:Driver": 1,
        "axis:Impact": 1,
        "axis:MilitaryCommand": 1,
        "axis:State": 1,
    }
    assert result["labels"]["axis:MilitaryCommand"] == "military command"
    assert result["labels"]["oa:SpecificResource"] == "specific resource"  # no label: its local name in words
    triples = result["graph"]["triples"]
    assert triples["total"] == triples["asserted"] + triples["inferred"] > 0 and result["graph"]["named graphs"] == 4
    table = run_main("stats", root=project).stdout.splitlines()
    assert table[0].split() == ["class", "label", "instances"]
    assert table[1].split() == ["axis:Claim", "claim", "2"]
    assert table[4].split() == ["axis:CausalLink", "causal", "link", "1"]
    assert max(len(line) for line in table) <= 120


def test_stats_of_given_classes_and_of_an_extension(project):
    """--class counts the classes asked for (with subclasses); a class added by an extension is
    counted with no code change."""
    proc = run_main("stats", "-o", "json", "--class", "axis:Actor", "--class", "axis:Mechanism", root=project)
    assert json.loads(proc.stdout)["classes"] == {"axis:Actor": 2, "axis:Mechanism": 0}
    (project / "data" / "report" / "more.ttl").write_text(
        "@prefix axis: <https://w3id.org/axiskg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/axiskg/id/example/x> a axis:JointExercise ; rdfs:label "x"@en .\n'
    )
    result = json.loads(run_main("stats", "-o", "json", root=project).stdout)
    assert result["classes"]["axis:JointExercise"] == 1 and result["labels"]["axis:JointExercise"] == "joint exercise"
    bad = run_main("stats", "--class", "nope:Thing", root=project)
    assert bad.returncode == 2 and bad.stderr.startswith("axiskg: error: --class 'nope:Thing': not an IRI")


def test_root_from_env_and_cwd(project, monkeypatch, capsys):
    monkeypatch.setenv("AXISKG_ROOT", str(project))
    assert paths.project_root() == project.resolve()
    assert main(["stats", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"]["axis:State"] == 1
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


def test_demo_output_fits_120_columns(tmp_path):
    """Every axiskg command `make demo` runs (read from the Makefile) prints lines of at most 120
    characters; build and docs write to a temporary folder instead of dist/."""
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    run_lines = [line for line in recipe.splitlines() if "More:" not in line]  # not the closing hint
    commands = [shlex.split(c) for line in run_lines for c in re.findall(r"(?:^|;)\s*\$\(AXISKG\) ([^;\n]+)", line)]
    names = [c[0] for c in commands]
    assert names[:3] == ["build", "validate", "stats"] and names.count("query") >= 4 and "docs" in names
    for argv in commands:
        if argv[0] in ("build", "docs"):
            argv = argv + ["--out", str(tmp_path / argv[0])]
        proc = run_main(*argv, root=ROOT)
        assert proc.returncode == 0, (argv, proc.stderr)
        wide = [line for line in proc.stdout.splitlines() if len(line) > 120]
        assert wide == [], f"axiskg {' '.join(argv)}: {len(wide)} lines over 120 columns, e.g. {wide[0]!r}"


def test_query_columns_chooses_and_orders_columns():
    proc = run_main("query", "drivers-by-origin", "--columns", "polarityLabel,driverLabel", "-o", "csv", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "polarityLabel,driverLabel" and len(lines) > 5
    bad = run_main("query", "drivers-by-origin", "--columns", "nope", root=ROOT)
    assert bad.returncode == 2 and bad.stderr.startswith("axiskg: error: --columns: no column 'nope' in the results")


def test_every_command_has_a_description_in_its_help():
    from axiskg.cli import COMMANDS

    for name in COMMANDS:
        proc = run_main(name, "--help")
        assert proc.returncode == 0, name
        usage, _, rest = proc.stdout.partition("\n\n")
        description = rest.split("\n\n", 1)[0]
        assert not description.startswith(("positional arguments", "options")), (
            f"axiskg {name} --help has no description"
        )
        assert len(description.split()) >= 8, (name, description)


def test_a_reader_that_goes_away_is_not_an_error_but_a_broken_pipe_inside_is(monkeypatch, capsys):
    """``axiskg query ... | head`` exits 0 quietly; a pipe to one of the command's own processes
    that breaks (a worker that died) is an error, never a silent success."""
    reader, writer = os.pipe()
    os.close(reader)
    with open(writer, "w") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        assert main(["query", "claims-by-modality"]) == 0
    monkeypatch.undo()

    def broken(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("axiskg.commands.query.run", broken)
    assert main(["query", "claims-by-modality"]) == 2
    assert "axiskg: error: cannot continue: Broken pipe" in capsys.readouterr().err
