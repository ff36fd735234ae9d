"""The W3C SHACL test suite (core and SPARQL) run through axiskg's validator, and its EARL report.

Reads every manifest under ``tests/`` of the suite (its folder given, or ``$AXISKG_SHACL_TESTS``),
runs each ``sht:Validate`` entry through :func:`axiskg.shacl.validate_files` (the default
engine: compiled to SPARQL, with the pyshacl fallback), and compares as the suite prescribes:
conformance, and the multiset of results by focus node, result path, value, severity, source
shape and constraint component, blank nodes compared by their structure (messages are not
compared). A ``sht:Failure`` entry passes when validation raises :class:`axiskg.errors.InputError`.

``python -m axiskg.shacl.w3c_suite --suite DIR --earl FILE`` writes the EARL report (``earl:Assertion``
per test, as in the implementation reports of the suite's repository) and prints the count per area
(``--suite`` may be left out when ``$AXISKG_SHACL_TESTS`` names the folder).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, SH
from rdflib.collection import Collection

import axiskg.shacl.validation  # noqa: F401  (quiets rdflib's log of ill-typed literals)
from axiskg.vocab import BASE

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
EARL = rdflib.Namespace("http://www.w3.org/ns/earl#")
DOAP = rdflib.Namespace("http://usefulinc.com/ns/doap#")
TEST_PREFIX = "urn:x-shacl-test:"  # the test IRIs the published EARL reports use
AXISKG = rdflib.URIRef(BASE + "software/axiskg")

#: the six things a result is compared by (messages are not)
COMPARED = (SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent)


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry."""

    id: str  # e.g. "core/node/minInclusive-001"
    label: str
    data: Path
    shapes: Path
    failure: bool  # mf:result sht:Failure: the input must be refused
    expected: frozenset | None  # (conforms, Counter of result keys) when not a failure
    conforms: bool | None

    @property
    def area(self) -> str:
        return "/".join(self.id.split("/")[:2])

    @property
    def iri(self) -> rdflib.URIRef:
        return rdflib.URIRef(TEST_PREFIX + "/" + self.id)


def _file(iri, tests: Path) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(str(iri)).path))


def _read(path: Path) -> rdflib.Graph:
    """A manifest with every literal as written (rdflib's own parser would normalise
    ``"2011-01-01"^^xsd:dateTime``, a store ``4.0``; the suite compares terms as written)."""
    from axiskg.shacl import read_shapes

    return read_shapes([path])


def cases(suite: Path) -> list[Case]:
    """Every ``sht:Validate`` entry of every manifest under ``suite``'s ``tests/`` (sorted by
    path): those ``tests/manifest.ttl`` includes, and ``sparql/component/nodeValidator-001``, a
    test file of the suite that no manifest includes."""
    tests = suite / "tests"
    out: list[Case] = []
    for path in sorted(tests.rglob("*.ttl")):
        if b"sht:Validate" not in path.read_bytes():
            continue
        g = _read(path)
        me = rdflib.URIRef(path.resolve().as_uri())
        for entries in g.objects(me, MF.entries):
            for test in Collection(g, entries):
                if (test, RDF.type, SHT.Validate) not in g:
                    continue
                action = g.value(test, MF.action)
                result = g.value(test, MF.result)
                rel = _file(test, tests).relative_to(tests.resolve())
                failure = result == SHT.Failure
                out.append(
                    Case(
                        id=str(rel.with_suffix("")) if rel.suffix == ".ttl" else str(rel),
                        label=str(g.value(test, rdflib.RDFS.label) or ""),
                        data=_file(g.value(action, SHT.dataGraph), tests),
                        shapes=_file(g.value(action, SHT.shapesGraph), tests),
                        failure=failure,
                        expected=None if failure else frozenset(expected_results(g, result).items()),
                        conforms=None if failure else bool(g.value(result, SH.conforms).toPython()),
                    )
                )
    return out


# --------------------------------------------------------------------------- structural keys


def term_key(graph: rdflib.Graph, term, depth: int = 0):
    """A term as a comparable value: IRIs and literals as themselves, a blank node as the
    (recursive) set of its outgoing edges in ``graph`` (lists and paths included)."""
    if term is None:
        return None
    if not isinstance(term, rdflib.BNode):
        if isinstance(term, rdflib.Literal):
            return ("literal", str(term), str(term.datatype or ""), (term.language or "").lower())
        return str(term)
    if depth > 12:
        return ("bnode", "...")
    return ("bnode", frozenset((str(p), term_key(graph, o, depth + 1)) for p, o in graph.predicate_objects(term)))


def result_key(graph: rdflib.Graph, result) -> tuple:
    return tuple(term_key(graph, graph.value(result, p)) for p in COMPARED)


def expected_results(graph: rdflib.Graph, report) -> Counter:
    return Counter(result_key(graph, r) for r in graph.objects(report, SH.result))


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    case: Case
    passed: bool
    detail: str  # why it failed ("" when passed)


def run_case_cli(case: Case) -> Outcome:
    """Run one case as a user does, ``axiskg validate DATA --shapes SHAPES -o turtle`` (the CLI's
    entry function), and compare the Turtle it prints, read by rdflib with every literal as
    written, with the expected report; a ``sht:Failure`` entry must exit 2 with a message."""
    import contextlib
    import io

    from axiskg import cli

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["validate", str(case.data), "--shapes", str(case.shapes), "-o", "turtle"])
    except Exception as exc:  # a crash is a failed test, reported with its type
        return Outcome(case, False, f"crashed: {type(exc).__name__}: {exc}")
    if "Traceback" in err.getvalue():
        return Outcome(case, False, f"traceback on stderr: {err.getvalue()}")
    if case.failure:
        refused = code == 2 and err.getvalue().startswith("axiskg: error:")
        return Outcome(case, refused, "" if refused else f"exit {code}, expected 2 with a message")
    if code not in (0, 1):
        return Outcome(case, False, f"exit {code}: {err.getvalue()}")
    keep, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # literals as written
    try:
        graph = rdflib.Graph().parse(data=out.getvalue(), format="turtle")
    finally:
        rdflib.NORMALIZE_LITERALS = keep
    outcome = compare(case, graph)
    assert case.expected is not None  # not a failure case
    violated = any(key[3] == str(SH.Violation) for key, _ in case.expected)
    if outcome.passed and code != int(violated):
        return Outcome(case, False, f"exit {code}, expected {int(violated)} (--fail-on violation)")
    return outcome


def run_case(case: Case) -> Outcome:
    """Validate one case with the default engine and compare with the expected report."""
    from axiskg.errors import InputError
    from axiskg.shacl import validate_files

    try:
        report = validate_files([case.data], [case.shapes])
    except InputError as exc:
        if case.failure:
            return Outcome(case, True, "")
        return Outcome(case, False, f"refused a valid input: {exc}")
    except Exception as exc:  # a crash is a failed test, reported with its type
        return Outcome(case, False, f"crashed: {type(exc).__name__}: {exc}")
    if case.failure:
        return Outcome(case, False, "accepted an input the suite says must be refused")
    return compare(case, report.standard_graph())


def compare(case: Case, graph: rdflib.Graph) -> Outcome:
    """The report ``graph`` against the case's expected report, as the suite prescribes."""
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    conforms = bool(graph.value(node, SH.conforms).toPython())
    got = expected_results(graph, node)
    assert case.expected is not None  # not a failure case
    want = Counter(dict(case.expected))
    problems = []
    if conforms != case.conforms:
        problems.append(f"conforms {conforms}, expected {case.conforms}")
    if got != want:
        missing, extra = want - got, got - want
        problems += [f"missing {k}" for k in missing.elements()] + [f"unexpected {k}" for k in extra.elements()]
    return Outcome(case, not problems, "; ".join(problems))


def earl_graph(outcomes: list[Outcome], date: str | None = None) -> rdflib.Graph:
    """The EARL report: one ``earl:Assertion`` per test, as the suite's published reports."""
    import datetime

    from axiskg import __version__

    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in (("earl", EARL), ("doap", DOAP), ("dc", rdflib.DCTERMS), ("xsd", rdflib.XSD)):
        g.bind(prefix, ns)
    g.add((AXISKG, RDF.type, DOAP.Project))
    g.add((AXISKG, RDF.type, EARL.TestSubject))
    g.add((AXISKG, RDF.type, EARL.Software))
    g.add((AXISKG, DOAP.name, rdflib.Literal("axiskg")))
    g.add((AXISKG, DOAP.programmingLanguage, rdflib.Literal("Python")))
    release = rdflib.BNode("release")
    g.add((AXISKG, DOAP.release, release))
    g.add((release, DOAP.revision, rdflib.Literal(__version__)))
    day = date or datetime.date.today().isoformat()
    for i, o in enumerate(outcomes):
        a = rdflib.BNode(f"a{i:03d}")
        r = rdflib.BNode(f"r{i:03d}")
        g.add((a, RDF.type, EARL.Assertion))
        g.add((a, EARL.assertedBy, AXISKG))
        g.add((a, EARL.subject, AXISKG))
        g.add((a, EARL.test, o.case.iri))
        g.add((a, EARL.mode, EARL.automatic))
        g.add((a, EARL.result, r))
        g.add((r, RDF.type, EARL.TestResult))
        g.add((r, EARL.outcome, EARL.passed if o.passed else EARL.failed))
        g.add((r, rdflib.DCTERMS.date, rdflib.Literal(day, datatype=rdflib.XSD.date)))
    return g


def counts(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """``{area: (passed, total)}`` in suite order."""
    out: dict[str, list[int]] = {}
    for o in outcomes:
        c = out.setdefault(o.case.area, [0, 0])
        c[0] += o.passed
        c[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m axiskg.shacl.w3c_suite", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--suite",
        type=Path,
        default=os.environ.get("AXISKG_SHACL_TESTS") or None,
        help="the suite's folder, holding tests/manifest.ttl (default: $AXISKG_SHACL_TESTS)",
    )
    p.add_argument("--earl", type=Path, help="write the EARL report (Turtle) here")
    p.add_argument("--date", help="the date written in the EARL report (default: today)")
    args = p.parse_args(argv)
    if args.suite is None:
        print(
            "axiskg: error: where is the W3C SHACL test suite? Give --suite DIR or set AXISKG_SHACL_TESTS",
            file=sys.stderr,
        )
        return 2
    suite = Path(args.suite)
    if not (suite / "tests" / "manifest.ttl").is_file():
        print(f"axiskg: error: no W3C SHACL test suite at {suite}", file=sys.stderr)
        return 2
    outcomes = [run_case(c) for c in cases(suite)]
    for o in outcomes:
        if not o.passed:
            print(f"FAILED {o.case.id}: {o.detail}")
    print("| area | passed |\n|---|---|")
    for area, (ok, total) in counts(outcomes).items():
        print(f"| {area} | {ok}/{total} |")
    print(f"| total | {sum(o.passed for o in outcomes)}/{len(outcomes)} |")
    if args.earl:
        from axiskg.atomic import atomic_write

        atomic_write(args.earl, earl_graph(outcomes, args.date).serialize(format="turtle", encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
