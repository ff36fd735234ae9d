"""Logging: quiet by default, ``-v`` says what is loaded and written, ``-vv`` more."""

from __future__ import annotations

from axiskg import cli


def test_quiet_by_default(project, tmp_path, capsys):
    assert cli.main(["--root", str(project), "build", "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err == ""


def test_verbose_names_each_file_written(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["--root", str(project), "-v", "build", "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    written = sorted(line.rsplit("/", 1)[1] for line in err if ": wrote " in line)
    assert written == ["axiskg.jsonld", "axiskg.nt", "axiskg.rdf", "axiskg.ttl", "shapes.ttl"]
    assert not any("loaded" in line for line in err)  # file by file only with -vv


def test_very_verbose_names_each_file_loaded(project, capsys):
    assert cli.main(["--root", str(project), "-vv", "stats"]) == 0
    err = capsys.readouterr().err
    loaded = sorted(p.name for p in (project / "ontology").glob("*.ttl"))
    for name in loaded:
        assert f"{name} into <https://w3id.org/axiskg/graph/ontology>" in err
