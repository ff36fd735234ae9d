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


def test_main_leaves_no_handler_behind(project, monkeypatch, capsys):
    """main() run from Python, then the stream it logged to closed: later logging goes nowhere."""
    import io
    import logging
    import sys

    logger = logging.getLogger("axiskg")
    before = (list(logger.handlers), logger.level, logger.propagate)
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    assert cli.main(["--root", str(project), "-vv", "stats"]) == 0
    assert "loaded" in first.getvalue()
    first.close()
    assert (list(logger.handlers), logger.level, logger.propagate) == before
    later = io.StringIO()
    monkeypatch.setattr(sys, "stderr", later)
    logging.getLogger("axiskg.rdfio").debug("after main")
    assert later.getvalue() == ""
