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


# --------------------------------------------------------------------------- synth


@pytest.mark.parametrize(
    "args, message",
    [
        (["--reports", "1000000000000"], "--reports 1,000,000,000,000: over the 10,000 one run writes"),
        (["--triples", "-1"], "--triples must be at least 1 (got -1)"),
        (["--triples", "0"], "--triples must be at least 1 (got 0)"),
        (["--reports", "0"], "--reports must be at least 1 (got 0)"),
        (["--reports", "2", "--violations", "-1"], "--violations must not be negative (got -1)"),
    ],
)
def test_synth_refuses_sizes_it_cannot_write(tmp_path, args, message):
    out = tmp_path / "corpus"
    proc = cli("synth", *args, "--out", str(out), timeout=120)
    assert proc.returncode == 2 and message in proc.stderr
    assert not out.exists()


def test_synth_refuses_more_than_the_disk_holds(tmp_path):
    out = tmp_path / "corpus"
    proc = cli("synth", "--reports", "3", "--out", str(out), env={"AXISKG_SYNTH_MAX_REPORTS": "2"}, timeout=120)
    assert proc.returncode == 2 and "--reports 3: over the 2 one run writes" in proc.stderr
    many = "1000000000"  # about 440 PB
    proc = cli("synth", "--reports", many, "--out", str(out), env={"AXISKG_SYNTH_MAX_REPORTS": many}, timeout=120)
    assert proc.returncode == 2 and "1,000,000,000 reports need about" in proc.stderr and " GB free" in proc.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- no traceback

BAD_SELECT = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://e/S> a sh:NodeShape ; sh:targetNode <http://e/x> ;
  sh:sparql [ sh:message "m" ; sh:select \"\"\"SELECT $this WHERE { $this ?p ?o . FILTER( }\"\"\" ] .
"""


@pytest.mark.parametrize("option", [["--engine", "pyshacl"], ["--inference", "rdfs"]])
def test_a_syntax_error_in_a_shapes_query_is_named_in_pyshacl_too(project, tmp_path, evil_value, option):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(BAD_SELECT)
    proc = cli("validate", *option, "--shapes", str(shapes), str(evil_value), root=project, timeout=120)
    assert proc.returncode == 2
    assert "shapes: the sh:select of http://e/S: SPARQL syntax error at line 1, column 36 of the query" in proc.stderr


def test_a_long_literal_then_an_iri_with_an_escaped_space_is_a_bad_term(project, tmp_path):
    """Over 16 MiB, pyoxigraph cannot read the file, and rdflib reads it instead: rdflib lets
    ``<urn:a\\u0020b>`` through, which RDF forbids."""
    path = tmp_path / "big.ttl"
    path.write_text(
        '<http://e/s> <http://e/p> "' + "x" * (17 << 20) + '" .\n<http://e/s> <http://e/q> <urn:a\\u0020b> .\n'
    )
    for args in (["validate", str(path)], ["check", str(path)]):
        proc = cli(*args, root=project, timeout=120)
        assert proc.returncode == 2
        assert f"{path}: bad term: Invalid IRI code point ' '" in proc.stderr
