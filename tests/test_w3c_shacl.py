"""The W3C SHACL test suite (core and SPARQL, 121 tests) through the default validation engine.

The suite is read from ``../shared/w3c-shacl-tests/`` (or ``$AXISKG_SHACL_TESTS``); without it
these tests skip with a loud reason (a failure under ``CI=true``). Each ``sht:Validate`` entry is
validated by :func:`axiskg.shacl.validate_files` and compared with the expected report as
the suite prescribes (:mod:`axiskg.shacl.w3c_suite`); each ``sht:Failure`` entry must raise
:class:`axiskg.errors.InputError` and make the CLI exit 2. Tests that cannot pass are listed in
:data:`KNOWN_FAILURES` with the reason, as strict xfails: fixing one turns it into a failure
here until it is taken off the list.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
import rdflib
from conftest import run_cli

from axiskg.shacl import w3c_suite

ROOT = Path(__file__).resolve().parents[1]
SUITE = Path(os.environ.get("AXISKG_SHACL_TESTS") or ROOT / ".." / "shared" / "w3c-shacl-tests")
EARL_FILE = ROOT / "benchmarks" / "results" / "earl.ttl"

#: the suite's tests the default engine does not pass, and why (each is a strict xfail)
KNOWN_FAILURES: dict[str, str] = {}


def _missing() -> str:
    return (
        f"W3C SHACL TEST SUITE NOT FOUND at {SUITE}: set AXISKG_SHACL_TESTS to its folder "
        "(CI always has ../shared/w3c-shacl-tests); the validator cannot be checked against it"
    )


def _cases() -> list:
    if not (SUITE / "tests" / "manifest.ttl").is_file():
        return []
    return w3c_suite.cases(SUITE)


CASES = _cases()


def _params(cases):
    for case in cases:
        marks = []
        if case.id in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case.id]))
        yield pytest.param(case, id=case.id, marks=marks)


@cache
def _outcomes() -> tuple:
    return tuple(w3c_suite.run_case(c) for c in CASES)


def test_the_suite_is_there_whole():
    if not CASES:
        pytest.skip(_missing())
    assert len(CASES) == 121
    assert sum(c.failure for c in CASES) == 7
    assert {c.area for c in CASES} == {
        "core/complex",
        "core/misc",
        "core/node",
        "core/path",
        "core/property",
        "core/targets",
        "core/validation-reports",
        "sparql/component",
        "sparql/node",
        "sparql/pre-binding",
        "sparql/property",
    }
    assert set(KNOWN_FAILURES) <= {c.id for c in CASES}


@pytest.mark.parametrize("case", list(_params(CASES)))
def test_w3c_case(case):
    outcome = w3c_suite.run_case(case)
    assert outcome.passed, outcome.detail


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.failure])
def test_refused_inputs_exit_2_from_the_cli(case, tmp_path):
    proc = run_cli("validate", "--shapes", str(case.shapes), str(case.data), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"axiskg: error: {case.shapes}"), proc.stderr


def test_comparison_can_fail():
    """The comparison is not vacuous: a report with one result less, or one more, fails."""
    if not CASES:
        pytest.skip(_missing())
    case = next(c for c in CASES if c.id == "core/node/minInclusive-001")
    emptied = w3c_suite.Case(case.id, case.label, case.data, case.shapes, False, frozenset(), False)
    assert not w3c_suite.run_case(emptied).passed
    wrong = w3c_suite.Case(case.id, case.label, case.data, case.shapes, False, case.expected, True)
    assert "conforms False, expected True" in w3c_suite.run_case(wrong).detail


def test_blank_nodes_are_compared_by_structure():
    g = rdflib.Graph().parse(
        data="""
        @prefix ex: <http://ex/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
        ex:a ex:p [ sh:inversePath ex:q ] . ex:b ex:p [ sh:inversePath ex:q ] . ex:c ex:p [ sh:inversePath ex:r ] .
    """,
        format="turtle",
    )
    key = {s: w3c_suite.term_key(g, g.value(s, rdflib.URIRef("http://ex/p"))) for s in g.subjects()}
    ex = rdflib.Namespace("http://ex/")
    assert key[ex.a] == key[ex.b] != key[ex.c]


def test_earl_report_is_current_and_in_the_w3c_format():
    """benchmarks/results/earl.ttl is what this run gives (regenerate: python -m axiskg.shacl.w3c_suite
    --suite ../shared/w3c-shacl-tests --earl benchmarks/results/earl.ttl), in the W3C reports' shape."""
    if not CASES:
        pytest.skip(_missing())
    earl = w3c_suite.EARL
    g = rdflib.Graph().parse(EARL_FILE, format="turtle")
    got = {}
    for a in g.subjects(rdflib.RDF.type, earl.Assertion):
        assert g.value(a, earl.assertedBy) == w3c_suite.AXISKG
        assert g.value(a, earl.subject) == w3c_suite.AXISKG
        got[str(g.value(a, earl.test))] = g.value(g.value(a, earl.result), earl.outcome)
    want = {str(o.case.iri): earl.passed if o.passed else earl.failed for o in _outcomes()}
    assert got == want
    assert sum(1 for v in got.values() if v == earl.passed) == 121 - len(KNOWN_FAILURES)


def test_the_runner_needs_the_suite_named(monkeypatch, tmp_path, capsys):
    """``python -m axiskg.shacl.w3c_suite`` has no built-in location: --suite or $AXISKG_SHACL_TESTS,
    else exit 2 saying so; a folder without the suite's manifest is exit 2 too."""
    monkeypatch.delenv("AXISKG_SHACL_TESTS", raising=False)
    assert w3c_suite.main([]) == 2
    assert "Give --suite DIR or set AXISKG_SHACL_TESTS" in capsys.readouterr().err
    assert w3c_suite.main(["--suite", str(tmp_path)]) == 2
    assert f"no W3C SHACL test suite at {tmp_path}" in capsys.readouterr().err


def test_the_runner_writes_the_earl_report_of_the_suite_it_is_given(monkeypatch, tmp_path, capsys):
    """One test of the suite copied into a folder of its own, named by $AXISKG_SHACL_TESTS: the
    runner runs just it, prints its table and writes its EARL assertion."""
    if not CASES:
        pytest.skip(_missing())
    one = tmp_path / "suite" / "tests" / "core" / "node" / "minInclusive-001.ttl"
    one.parent.mkdir(parents=True)
    one.write_bytes((SUITE / "tests" / "core" / "node" / "minInclusive-001.ttl").read_bytes())
    (tmp_path / "suite" / "tests" / "manifest.ttl").write_text("# the runner reads every manifest below\n")
    monkeypatch.setenv("AXISKG_SHACL_TESTS", str(tmp_path / "suite"))
    assert w3c_suite.main(["--earl", str(tmp_path / "earl.ttl"), "--date", "2026-01-01"]) == 0
    assert "| core/node | 1/1 |\n| total | 1/1 |" in capsys.readouterr().out
    g = rdflib.Graph().parse(tmp_path / "earl.ttl", format="turtle")
    (assertion,) = g.subjects(rdflib.RDF.type, w3c_suite.EARL.Assertion)
    assert g.value(assertion, w3c_suite.EARL.test) == rdflib.URIRef("urn:x-shacl-test:/core/node/minInclusive-001")
    assert g.value(g.value(assertion, w3c_suite.EARL.result), w3c_suite.EARL.outcome) == w3c_suite.EARL.passed


def test_documented_counts_are_current():
    if not CASES:
        pytest.skip(_missing())
    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for area, (ok, total) in w3c_suite.counts(list(_outcomes())).items():
        assert f"| {area} | {ok}/{total} |" in doc


@pytest.mark.parametrize("case", list(_params(CASES)))
def test_w3c_case_through_the_command_line(case):
    """``axiskg validate DATA --shapes SHAPES -o turtle``, the report read by rdflib (literals as
    written) and compared as the suite prescribes; exit 1 exactly when a violation is expected."""
    outcome = w3c_suite.run_case_cli(case)
    assert outcome.passed, outcome.detail


def test_cli_comparison_can_fail():
    if not CASES:
        pytest.skip(_missing())
    case = next(c for c in CASES if c.id == "core/node/minInclusive-001")
    emptied = w3c_suite.Case(case.id, case.label, case.data, case.shapes, False, frozenset(), False)
    assert "unexpected" in w3c_suite.run_case_cli(emptied).detail
