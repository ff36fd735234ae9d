"""Hostile input, round 3 (issue 25): no small file keeps a command busy for minutes. Each case
runs the command as a user does, with a subprocess timeout far above the seconds it takes, and
asserts its exit code and message."""

from __future__ import annotations

import resource
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
    assert "shapes.ttl:2: the sh:select of http://e/S: SPARQL syntax error at line 1, column 36 of the query" in (
        proc.stderr
    )


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


# --------------------------------------------------------------------------- blank nodes


def _all_linked(n: int) -> str:
    return "".join(f"_:b{i} <http://e/p> _:b{j} .\n" for i in range(n) for j in range(n) if i != j)


def _cycle(n: int) -> str:
    return "".join(f"_:c{i} <http://e/p> _:c{(i + 1) % n} .\n" for i in range(n))


POISON = {
    "10 all linked": ("poison.nt", _all_linked(10)),
    "24 all linked": ("poison.nt", _all_linked(24)),
    "2,000-cycle": ("poison.nt", _cycle(2000)),
}


@pytest.mark.parametrize("command", ["build", "release"])
@pytest.mark.parametrize("case", sorted(POISON))
def test_poison_blank_nodes_stop_at_the_work_limit(project, command, case):
    """RDFC-1.0 is exponential on these (10 all linked took > 180 s, 24 > 4 GB, the cycle > 180 s
    and 1 GB): its work is estimated first and refused in seconds, nothing written."""
    name, text = POISON[case]
    (project / "data" / name).write_text(text)
    started = time.monotonic()
    proc = cli(command, "--no-validate", "--out", str(project / "out"), root=project, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 2, proc.stderr
    assert "their canonical labels (W3C RDFC-1.0) would take over 1,000,000 steps (AXISKG_CANON_WORK)" in proc.stderr
    assert not (project / "out").exists()
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1 << 20  # KiB: < 1 GB


def test_rdfc_past_its_cpu_limit_is_stopped_by_the_kernel(project):
    """With the estimate out of the way, the child that runs RDFC-1.0 is stopped by its CPU limit."""
    (project / "data" / "poison.nt").write_text(_all_linked(10))
    env = {"AXISKG_CANON_WORK": str(10**18), "AXISKG_CANON_SECONDS": "1"}
    proc = cli("build", "--no-validate", "--out", str(project / "out"), root=project, env=env, timeout=120)
    assert proc.returncode == 2
    assert "took more than the work limit of 1 s of CPU and 1,024 MB (AXISKG_CANON_SECONDS, AXISKG_CANON_MB)" in (
        proc.stderr
    )
    assert not (project / "out").exists()


def test_small_shared_and_cyclic_blank_nodes_still_build_identically(project, tmp_path):
    (project / "data" / "shared.nt").write_text(_cycle(30) + _all_linked(3))
    outputs = []
    for n in (1, 2):
        proc = cli("build", "--no-validate", "--out", str(tmp_path / f"out{n}"), root=project, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / f"out{n}").iterdir())})
    assert outputs[0] == outputs[1]
    assert outputs[0]["axiskg.nt"].count(b"_:c14n") >= 2 * 30 + 2 * 6  # RDFC-1.0 labels (and the project's own)


DEEP = {
    "list": "<http://e/s> <http://e/p> " + "( " * 1000 + '"x"' + " )" * 1000 + " .\n",
    "nested": "<http://e/s> <http://e/p> " + "[ <http://e/p> " * 1000 + '"x"' + " ]" * 1000 + " .\n",
}


@pytest.mark.parametrize("command", ["build", "release"])
@pytest.mark.parametrize("case", sorted(DEEP))
def test_a_1000_deep_collection_is_written_in_every_format(project, command, case):
    """2 KB that took 112 s and then a RecursionError from the JSON-LD writer: labelled without
    recursion (linear), written by JSON-LD on a deep stack."""
    (project / "data" / "deep.ttl").write_text(DEEP[case])
    out = project / "out"
    started = time.monotonic()
    proc = cli(command, "--out", str(out), root=project, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 0, proc.stderr
    import json

    import pyoxigraph as ox

    nt = ox.Dataset(ox.parse(path=str(out / "axiskg.nt"), format=ox.RdfFormat.N_TRIPLES))
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # the file nests deeper than json's default allows
    try:
        jsonld = json.loads((out / "axiskg.jsonld").read_text())
    finally:
        sys.setrecursionlimit(limit)
    assert "@graph" in jsonld and len(nt) > 1000


@pytest.mark.parametrize("case", sorted(POISON))
def test_diff_stops_poison_blank_nodes_at_the_same_limit(tmp_path, case):
    name, text = POISON[case]
    path = tmp_path / name
    path.write_text(text)
    started = time.monotonic()
    proc = cli("diff", str(path), str(path), timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 2
    assert "would take over 1,000,000 steps (AXISKG_CANON_WORK); diff cannot compare them" in proc.stderr


# --------------------------------------------------------------------------- deep RDF/XML

XML_HEAD = (
    '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">\n'
)


def _striped(n: int) -> str:
    return (
        XML_HEAD
        + '<rdf:Description rdf:about="http://e/s">\n'
        + "<ex:p><rdf:Description>" * n
        + "<ex:q>x</ex:q>"
        + "</rdf:Description></ex:p>" * n
        + "</rdf:Description>\n</rdf:RDF>\n"
    )


def _parse_type_resource(n: int) -> str:
    return (
        XML_HEAD
        + '<rdf:Description rdf:about="http://e/s">\n'
        + '<ex:p rdf:parseType="Resource">' * n
        + "<ex:q>x</ex:q>"
        + "</ex:p>" * n
        + "</rdf:Description>\n</rdf:RDF>\n"
    )


@pytest.mark.parametrize("command", [["validate", "{f}"], ["diff", "{f}", "{f}"], ["check", "{f}"], ["build"]])
@pytest.mark.parametrize("case", ["60k striped", "100k parseType"])
def test_deep_rdf_xml_is_refused_past_the_documented_depth(project, tmp_path, command, case):
    """pyoxigraph's RDF/XML parser is quadratic in depth (75 s for validate, > 120 s for diff):
    the depth is measured first (expat, linear) and refused past 10,000 (AXISKG_MAX_XML_DEPTH)."""
    path = (project / "data" if command == ["build"] else tmp_path) / "deep.rdf"
    path.write_text(_striped(60_000) if case == "60k striped" else _parse_type_resource(100_000))
    started = time.monotonic()
    proc = cli(*[a.format(f=path) for a in command], root=project, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 2
    assert "deep.rdf:4: refused: XML elements nested over 10,000 deep" in proc.stderr
    assert "(AXISKG_MAX_XML_DEPTH)" in proc.stderr


def test_rdf_xml_within_the_depth_loads(project, tmp_path):
    path = tmp_path / "deep.rdf"
    path.write_text(_striped(3_000))
    proc = cli("validate", str(path), root=project, timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc = cli("validate", str(path), root=project, env={"AXISKG_MAX_XML_DEPTH": "100"}, timeout=120)
    assert proc.returncode == 2 and "refused: XML elements nested over 100 deep" in proc.stderr
