"""Hostile input, round 3 (issue 25): no small file keeps a command busy for minutes. Each case
runs the command as a user does, with a subprocess timeout far above the seconds it takes, and
asserts its exit code and message."""

from __future__ import annotations

import time

import pytest
from test_hostile_cli import cli

EVIL_VALUE = '<http://e/x> <http://www.w3.org/2000/01/rdf-schema#label> "' + "a" * 34 + '!" .\n'
PATTERN_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://e/S> a sh:NodeShape ; sh:targetNode <http://e/x> ;
  sh:property [ sh:path rdfs:label ; sh:pattern "{pattern}" ] .
"""
REGEX_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://e/S> a sh:NodeShape ; sh:targetNode <http://e/x> ;
  sh:sparql [ sh:message "no match" ; sh:select \"\"\"SELECT $this WHERE {{
    $this <http://www.w3.org/2000/01/rdf-schema#label> ?l . FILTER(!{function}) }}\"\"\" ] .
"""


@pytest.fixture
def evil_value(tmp_path):
    path = tmp_path / "value.nt"
    path.write_text(EVIL_VALUE)
    return path


# --------------------------------------------------------------------------- ReDoS


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
@pytest.mark.parametrize(
    "shape",
    [
        PATTERN_SHAPE.format(pattern="^(a+)+$"),
        REGEX_SHAPE.format(function='REGEX(?l, "^(a+)+$")'),
        REGEX_SHAPE.format(function='REGEX(REPLACE(?l, "^(a+)+$", "b"), "^b$")'),
    ],
    ids=["sh:pattern", "REGEX", "REPLACE"],
)
def test_catastrophic_backtracking_is_linear_in_every_engine(project, tmp_path, evil_value, engine, shape):
    """``^(a+)+$`` against 34 ``a`` and ``!``: Python's ``re`` takes hours; RE2 and Rust's regex
    (pyoxigraph) take microseconds, and the value does not match: one violation."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(shape)
    started = time.monotonic()
    proc = cli("validate", "--engine", engine, "--shapes", str(shapes), str(evil_value), root=project, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 1, proc.stderr
    assert "Violations: 1\n" in proc.stdout


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_a_pattern_with_a_backreference_is_refused_by_name(project, tmp_path, evil_value, engine):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PATTERN_SHAPE.format(pattern="^(a+)\\\\1$"))
    proc = cli("validate", "--engine", engine, "--shapes", str(shapes), str(evil_value), root=project, timeout=120)
    assert proc.returncode == 2
    assert "regular expression '^(a+)\\\\1$': invalid escape sequence: \\1 (axiskg matches regular" in proc.stderr


def test_a_pattern_with_flags_still_matches(project, tmp_path, evil_value):
    """Flags i and x (XPath's: whitespace in the expression is dropped) through RE2."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PATTERN_SHAPE.format(pattern="^ A+ ! $").replace('"^ A+ ! $" ]', '"^ A+ ! $" ; sh:flags "ix" ]'))
    proc = cli("validate", "--shapes", str(shapes), str(evil_value), root=project, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_query_regex_is_linear(project, tmp_path):
    (project / "data" / "value.nt").write_text(EVIL_VALUE)
    query = tmp_path / "q.rq"
    query.write_text('SELECT ?l WHERE { ?s ?p ?l FILTER(REGEX(?l, "^(a+)+$")) }\n')
    started = time.monotonic()
    proc = cli("query", "--file", str(query), "--format", "csv", root=project, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 0 and proc.stdout == "l\n"
