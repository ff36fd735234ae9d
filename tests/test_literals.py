"""Typed literals as written (issue 14, #13's W3C case): the store rewrites them, the loader
keeps them; ill-typed literals are violations of ``axiskg validate`` in every output format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib
from conftest import run_cli, run_main
from rdflib import SH
from test_report_turtle import _well_formed

from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.rdfio import bulk_load, literal_checks, literals
from axiskg.rdfio.literal_checks import bad_literals
from axiskg.rdfio.terms import TermConverter, to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
REWRITTEN = f"""@prefix xsd: <{XSD}> .
<http://e/a> <http://e/n> "01"^^xsd:integer, "1"^^xsd:integer, "+1"^^xsd:integer ;
    <http://e/b> "300"^^xsd:byte, "5"^^xsd:int, "1"^^xsd:boolean, "2024-01-01"^^xsd:date .
_:x <http://e/n> "007"^^xsd:long .
<http://e/a> <http://e/c> "01.50"^^xsd:decimal .
"""

REWRITTEN_NT = "".join(
    f'{s} <http://e/{p}> "{v}"^^<{XSD}{t}> .\n'
    for s, p, v, t in [
        ("<http://e/a>", "n", "01", "integer"),
        ("<http://e/a>", "n", "1", "integer"),
        ("<http://e/a>", "n", "+1", "integer"),
        ("<http://e/a>", "b", "300", "byte"),
        ("<http://e/a>", "b", "5", "int"),
        ("<http://e/a>", "b", "1", "boolean"),
        ("<http://e/a>", "b", "2024-01-01", "date"),
        ("_:x", "n", "007", "long"),
        ("<http://e/a>", "c", "01.50", "decimal"),
    ]
)


def _written(path, monkeypatch) -> set:
    """The file's triples as rdflib reads them (another parser: the oracle), lexical forms kept."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    monkeypatch.setattr(rdflib.term, "_NORMALIZE_LITERALS", False, raising=False)
    g = rdflib.Graph().parse(path)
    return {(s, p, o) for s, p, o in g if not isinstance(s, rdflib.BNode)} | {
        ("_", p, o) for s, p, o in g if isinstance(s, rdflib.BNode)
    }


def _triples(graph: rdflib.Graph) -> set:
    return {(s if not isinstance(s, rdflib.BNode) else "_", p, o) for s, p, o in graph}


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_the_store_rewrites_literals_and_the_loader_gives_them_back_as_written(tmp_path, suffix, monkeypatch):
    path = tmp_path / ("data" + suffix)
    path.write_text(REWRITTEN)
    if suffix == ".nt":
        path.write_text(REWRITTEN_NT)
    store = Dataset.load([path], inferred=False)
    stored = {
        q.object.value + "^" + q.object.datatype.value.split("#")[1] for q in store if isinstance(q.object, ox.Literal)
    }
    assert {"1^integer", "300^integer", "5^integer", "true^boolean", "7^integer", "1.5^decimal"} <= stored
    assert "300^byte" not in stored  # (what the store does: the reason for axiskg.rdfio.literals)
    written = _written(path, monkeypatch)
    assert len(written) == 9
    assert _triples(to_rdflib(store, as_written=True)) == written
    assert _triples(to_rdflib(store)) == written  # as written is the default
    assert _triples(to_rdflib(store, as_written=False)) != written  # (as the store holds them: what SPARQL sees)


def test_an_ntriples_file_without_rewritten_literals_is_bulk_loaded_with_no_record(tmp_path):
    path = tmp_path / "plain.nt"
    path.write_text(
        f'<http://e/a> <http://e/n> "1"^^<{XSD}integer> .\n<http://e/a> <http://e/d> "2024-01-01"^^<{XSD}date> .\n'
    )
    store = Dataset.load([path], inferred=False)
    assert literals.table(store) is None and len(store) == 2
    path.write_text(f'<http://e/a> <http://e/n> "01"^^<{XSD}integer> .\n')
    assert literals.table(Dataset.load([path], inferred=False)) is not None


def test_an_ntriples_file_is_recorded_as_it_loads(tmp_path):
    path = tmp_path / "d.nt"
    path.write_text(REWRITTEN_NT)
    store = Dataset.load([path], inferred=False)
    record = store.written
    assert len(record.quads) == 6  # 01, 1, +1 share one stored quad
    assert len(list(store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))) == 7
    x = next(q.subject for q in store if isinstance(q.subject, ox.BlankNode))  # the blank-node line too
    assert literals.written_at(store, x, None, ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))) == [
        ox.Literal("007", datatype=ox.NamedNode(XSD + "long"))
    ]


def _many_pieces(lines: int) -> str:
    """N-Triples whose blank node ``_:b`` is written at the start and at the end, with rewritten
    literals between."""
    body = "".join(f'<http://e/s{i}> <http://e/n> "0{i}"^^<{XSD}integer> .\n' for i in range(lines))
    return f'_:b <http://e/v> "x" .\n{body}<http://e/a> <http://e/c> _:b .\n'


@pytest.mark.parametrize("held", [32 << 20, 10])  # read once; too many blank lines: read twice
def test_a_file_loaded_in_pieces_keeps_its_blank_nodes_and_its_literals(tmp_path, monkeypatch, held):
    monkeypatch.setattr(bulk_load, "_PIECE", 256)  # (many pieces)
    monkeypatch.setattr(bulk_load, "_HELD", held)
    path = tmp_path / "d.nt"
    path.write_text(_many_pieces(200))
    store = Dataset.load([path], inferred=False)
    assert len(store) == 202
    blanks = {q.subject for q in store if isinstance(q.subject, ox.BlankNode)}
    blanks |= {q.object for q in store if isinstance(q.object, ox.BlankNode)}
    assert len(blanks) == 1  # one label, one node, across the pieces
    assert len(store.written.quads) == 200  # every "0" + i is rewritten
    assert literals.written_at(
        store, ox.NamedNode("http://e/s150"), None, ox.Literal("150", datatype=ox.NamedNode(XSD + "integer"))
    ) == [ox.Literal("0150", datatype=ox.NamedNode(XSD + "integer"))]


def test_a_syntax_error_in_a_later_piece_loads_nothing_and_names_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_load, "_PIECE", 256)
    path = tmp_path / "d.nt"
    path.write_text(_many_pieces(200) + "<http://e/a> <http://e/c> oops .\n")
    dataset = Dataset()
    with pytest.raises(InputError) as caught:
        dataset.add_file(path, "urn:x-test:g")
    assert caught.value.line == 203
    assert len(dataset) == 0 and not dataset.written.quads


def test_a_blank_node_line_the_store_keeps_as_written_leaves_the_file_to_one_bulk_load(tmp_path):
    path = tmp_path / "d.nt"
    path.write_text(
        f'_:c <http://e/v> "0A1B"^^<{XSD}hexBinary> .\n<http://e/a> <http://e/c> _:c .\n'
        f'<http://e/a> <http://e/n> "01"^^<{XSD}integer> .\n'
    )
    store = Dataset.load([path], inferred=False)
    assert len(store) == 3 and len({q.subject for q in store if isinstance(q.subject, ox.BlankNode)}) == 1
    assert [(s.value, o.value) for s, _, o, _ in literals.written_quads(store, store) if o.value == "01"] == [
        ("http://e/a", "01")
    ]
    assert all(not isinstance(key[0], ox.BlankNode) for key in literals.table(store).quads)


@pytest.mark.parametrize("blank_rewritten", [False, True])
def test_an_ntriples_file_read_in_pieces_loads_as_a_whole(tmp_path, monkeypatch, blank_rewritten):
    """N-Triples is streamed into the store a piece at a time (a 1M-triple file is never held
    whole): a blank node keeps one identity across pieces, literals are recorded as written, and
    a syntax error names its line in the whole file."""
    monkeypatch.setattr(bulk_load, "_PIECE", 64)  # many pieces, lines cut across them
    typed = f'"07"^^<{XSD}long>' if blank_rewritten else f'"0A1B"^^<{XSD}hexBinary>'
    lines = [f'<http://e/a{i}> <http://e/n> "0{i}"^^<{XSD}integer> .\n' for i in range(40)]
    lines[5:5] = [f"_:b <http://e/v> {typed} .\n"]
    lines += ["<http://e/z> <http://e/c> _:b .\n"]
    path = tmp_path / "d.nt"
    path.write_text("".join(lines))
    store = Dataset.load([path], inferred=False)
    assert len(store) == 42 and len({q.subject for q in store if isinstance(q.subject, ox.BlankNode)}) == 1
    blank = next(q.subject for q in store if isinstance(q.subject, ox.BlankNode))
    assert any(q.object == blank for q in store)
    written = {(s.value, o.value) for s, _, o, _ in literals.written_quads(store, store) if isinstance(o, ox.Literal)}
    assert ("http://e/a7", "07") in written and ("http://e/a39", "039") in written
    path.write_text("".join(lines[:30]) + "<http://e/x> <http://e/n> oops .\n" + "".join(lines[30:]))
    with pytest.raises(InputError) as err:
        Dataset.load([path], inferred=False)
    assert err.value.line == 31


def test_a_whitespace_only_ntriples_file_is_refused_as_empty(tmp_path):
    path = tmp_path / "blank.nt"
    path.write_text(" \n" * 50_000)
    with pytest.raises(InputError, match="empty"):
        Dataset.load([path], inferred=False)


def test_integers_are_judged_in_range_as_rdflib_judges_them():
    """The cheap check of integer-derived literals agrees with rdflib's on every bound."""
    values = ["0", "-0", "+0", "007", "+5", "-1", "1", "-129", "-128", "127", "128", "255", "256", "-32769"]
    values += [
        str(sign * (2**bits + delta)) for bits in (15, 16, 31, 32, 63, 64) for delta in (-1, 0) for sign in (1, -1)
    ]
    for datatype in literal_checks._INTEGER_RANGES:
        for value in values:
            literal = ox.Literal(value, datatype=ox.NamedNode(datatype))
            expected = rdflib.Literal(value, datatype=rdflib.URIRef(datatype), normalize=False).ill_typed is True
            assert literal_checks.integer_ill_typed(literal) is expected, (value, datatype)
    assert literal_checks.integer_ill_typed(ox.Literal(" 5", datatype=ox.NamedNode(XSD + "int"))) is None
    assert literal_checks.integer_ill_typed(ox.Literal("5", datatype=ox.NamedNode(XSD + "decimal"))) is None


def test_threads_asking_at_once_all_get_the_whole_record(tmp_path):
    import threading

    path = tmp_path / "many.nt"
    path.write_text("".join(f'<http://e/a{i}> <http://e/n> "0{i}"^^<{XSD}integer> .\n' for i in range(20_000)))
    store = Dataset.load([path], inferred=False)
    seen: list[int] = []

    def ask() -> None:
        record = literals.table(store)
        seen.append(len(record.quads) if record is not None else 0)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [20_000] * 4


def test_a_turtle_file_with_no_typed_literal_nor_bare_number_is_bulk_loaded(tmp_path):
    path = tmp_path / "plain.ttl"
    path.write_text('<http://e/a1> <http://e/n> ( "01" "1.50" ) .\n')
    assert literals.table(Dataset.load([path], inferred=False)) is None
    path.write_text("<http://e/a1> <http://e/n> ( 01 1.50 ) .\n")
    store = Dataset.load([path], inferred=False)
    assert {str(o) for _, _, o in to_rdflib(store, as_written=True) if isinstance(o, rdflib.Literal)} == {
        "01",
        "1.50",
    }


def test_seventeen_datasets_alive_each_keep_their_own_literals_as_written(tmp_path):
    """The record of literals as written belongs to its dataset: no registry shared by the
    process forgets the oldest one, nor hands one dataset another's literals."""
    datasets = []
    for i in range(17):
        path = tmp_path / f"d{i}.nt"
        path.write_text(f'<http://e/a> <http://e/n> "0{i + 1}"^^<{XSD}integer> .\n')
        datasets.append(Dataset.load([path], inferred=False))
    for i, dataset in enumerate(datasets):
        (value,) = set(to_rdflib(dataset).objects())
        assert str(value) == f"0{i + 1}", i  # store 0 still says "01", not the store's "1"
        (row,) = dataset.select("SELECT ?o WHERE { ?s ?p ?o }")
        assert row[0].value == str(i + 1)  # (what the store holds)


def test_a_stored_literal_is_given_as_written_only_when_one_form_became_it(tmp_path):
    path = tmp_path / "d.ttl"
    path.write_text(REWRITTEN)
    store = Dataset.load([path], inferred=False)
    convert = TermConverter(store)
    integer = ox.Literal("300", datatype=ox.NamedNode(XSD + "integer"))
    assert convert(integer) == rdflib.Literal("300", datatype=rdflib.XSD.byte, normalize=False)
    one = ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))  # "01", "1" and "+1" became it
    assert convert(one) == rdflib.Literal("1", datatype=rdflib.XSD.integer)
    assert TermConverter()(integer) == rdflib.Literal("300", datatype=rdflib.XSD.integer)


def test_a_literal_written_two_ways_in_two_files_is_given_as_stored(tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.nt"
    a.write_text(f'<http://e/r> <http://e/card> "1"^^<{XSD}nonNegativeInteger> .\n')
    b.write_text(f'<http://e/x> <http://e/n> "1"^^<{XSD}integer> .\n')
    store = Dataset.load([a, b], inferred=False)
    one = ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))
    assert literals.as_written(store, one) == one  # not the ontology's nonNegativeInteger
    store.remove(
        ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode("http://e/n"), one, ox.NamedNode(b.resolve().as_uri()))
    )
    literals.table(store).resolved.clear()
    assert literals.as_written(store, one) == ox.Literal("1", datatype=ox.NamedNode(XSD + "nonNegativeInteger"))


def test_a_long_ntriples_line_keeps_its_literals_as_written(tmp_path):
    path = tmp_path / "long.nt"
    path.write_text(
        f'<http://e/a> <http://e/l> "{"x" * (17 << 20)}" .\n<http://e/a> <http://e/n> "0300"^^<{XSD}byte> .\n'
    )
    store = Dataset.load([path], inferred=False)
    (bad,) = bad_literals(store)
    assert (bad.literal.value, bad.literal.datatype.value, bad.line) == ("0300", XSD + "byte", 2)


# --------------------------------------------------------------------------- validate

ILL = f"""@prefix xsd: <{XSD}> .
<http://e/a> <http://e/n> "abc"^^xsd:integer ;
    <http://e/d> "2024-13-45"^^xsd:date .
<http://e/a> <http://e/b> "300"^^xsd:byte , "5"^^xsd:int .
"""
COMPONENT = "https://w3id.org/axiskg/shapes#WellTypedLiteralConstraintComponent"
SHAPE = "https://w3id.org/axiskg/shapes#WellTypedLiteralShape"
EXPECTED = {  # (path, value, line, problem)
    ("http://e/n", '"abc"^^xsd:integer', 2, "'abc' is not a valid xsd:integer"),
    ("http://e/d", '"2024-13-45"^^xsd:date', 3, "'2024-13-45' is not a valid xsd:date"),
    ("http://e/b", '"300"^^xsd:byte', 4, "'300' is not a valid xsd:byte"),
}


@pytest.fixture
def ill(tmp_path):
    path = tmp_path / "ill.ttl"
    path.write_text(ILL)
    return path


def _validate(project, ill, *options):
    proc = run_cli("validate", str(ill), *options, root=project)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def test_ill_typed_literals_are_violations_in_the_text_report(project, ill):
    out = _validate(project, ill)
    for path, value, line, problem in EXPECTED:
        assert (
            f"    Violation WellTypedLiteralConstraintComponent\n      path    {path}\n      value   {value}\n"
            f"      message {ill}:{line}: ill-typed literal: {problem}\n      shape   axsh:WellTypedLiteralShape\n"
        ) in out
    assert out.count("WellTypedLiteralConstraintComponent") == 3  # "5"^^xsd:int is well typed
    assert out.endswith(
        "Violations: 3\nWarnings: 0\nInfos: 0\nConforms: no (3 violations); fails at --fail-on violation\n"
    )


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_ill_typed_literals_are_violations_in_the_json_report(project, ill, engine):
    report = json.loads(_validate(project, ill, "--output", "json", "--engine", engine, "--fail-on", "info"))
    assert (report["conforms"], report["failed"], report["counts"]["violation"]) == (False, True, 3)
    got = {(r["resultPath"], r["value"], r["line"], r["message"]) for r in report["results"]}
    assert got == {(p, v, n, f"{ill}:{n}: ill-typed literal: {m}") for p, v, n, m in EXPECTED}
    assert {
        (r["focusNode"], r["source"], r["severity"], r["sourceConstraintComponent"], r["sourceShape"])
        for r in report["results"]
    } == {("http://e/a", str(ill), "Violation", COMPONENT, SHAPE)}


def test_ill_typed_literals_are_results_of_the_standard_turtle_report(project, ill):
    g = rdflib.Graph().parse(data=_validate(project, ill, "--output", "turtle"), format="turtle")
    ok, text = _well_formed(g)
    assert ok, text
    (report,) = g.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms) == rdflib.Literal(False)
    got = {
        (
            g.value(r, SH.focusNode),
            g.value(r, SH.resultPath),
            g.value(r, SH.value),
            g.value(r, SH.sourceConstraintComponent),
            g.value(r, SH.sourceShape),
        )
        for r in g.objects(report, SH.result)
    }
    a, e = rdflib.URIRef("http://e/a"), rdflib.Namespace("http://e/")
    assert got == {
        (a, e.n, rdflib.Literal("abc", datatype=rdflib.XSD.integer), rdflib.URIRef(COMPONENT), rdflib.URIRef(SHAPE)),
        (
            a,
            e.d,
            rdflib.Literal("2024-13-45", datatype=rdflib.XSD.date),
            rdflib.URIRef(COMPONENT),
            rdflib.URIRef(SHAPE),
        ),
        (a, e.b, rdflib.Literal("300", datatype=rdflib.XSD.byte), rdflib.URIRef(COMPONENT), rdflib.URIRef(SHAPE)),
    }


def test_ill_typed_literals_fail_the_junit_report(project, ill):
    suite = ET.fromstring(_validate(project, ill, "--output", "junit")).find("testsuite")
    assert suite.get("failures") == "1"
    (case,) = suite.findall("testcase")
    assert case.get("classname") == str(ill) and case.get("name") == "http://e/a [axsh:WellTypedLiteralShape]"
    failure = case.find("failure").text
    assert all(f"{ill}:{n}: ill-typed literal: {m}" in failure for _, _, n, m in EXPECTED)


def test_ill_typed_literals_are_github_annotations_on_their_line(project, ill):
    lines = _validate(project, ill, "--output", "github").splitlines()
    for path, value, line, problem in EXPECTED:
        assert (
            f"::error file={ill},line={line},title=WellTypedLiteralConstraintComponent on http%3A//e/a::"
            f"Violation: WellTypedLiteralConstraintComponent; path {path}; value {value}; "
            f"message {ill}:{line}: ill-typed literal: {problem}"
        ) in lines
    assert lines[-1] == (
        "axiskg validate: 3 violation(s), 0 warning(s), 0 info(s); conforms: no; fails at --fail-on violation"
    )


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_values_are_reported_as_written(project, tmp_path, engine):
    data = tmp_path / "d.ttl"
    data.write_text(
        f'@prefix xsd: <{XSD}> .\n<http://e/i> <http://e/q> "07"^^xsd:integer ; <http://e/r> "0300"^^xsd:long .\n'
    )
    shapes = tmp_path / "s.ttl"
    shapes.write_text(f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <{XSD}> .
<http://e/s> a sh:NodeShape ; sh:targetNode <http://e/i> ;
    sh:property [ sh:path <http://e/q> ; sh:maxInclusive 5 ] ;
    sh:property [ sh:path <http://e/r> ; sh:datatype xsd:string ] .
""")
    proc = run_cli("validate", "--shapes", str(shapes), str(data), "--output", "json", "--engine", engine, root=project)
    report = json.loads(proc.stdout)
    assert [(r["resultPath"], r["value"]) for r in report["results"]] == [
        ("http://e/q", '"07"^^xsd:integer'),
        ("http://e/r", '"0300"^^xsd:long'),
    ]


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_sh_in_compares_literals_as_written(project, tmp_path, engine):
    """sh:in is term equality (SHACL §4.8.3) on the data as written: "01" is not the member "1",
    and "1"^^xsd:nonNegativeInteger is its member although the store holds it as xsd:integer."""
    data = tmp_path / "d.ttl"
    data.write_text(
        f"@prefix xsd: <{XSD}> .\n"
        '<http://e/a> <http://e/p> "01"^^xsd:integer .\n'
        '<http://e/b> <http://e/p> "1"^^xsd:nonNegativeInteger .\n'
        '<http://e/c> <http://e/p> "2"^^xsd:integer .\n'
        '<http://e/d> <http://e/p> "2"^^xsd:int .\n'
    )
    shapes = tmp_path / "s.ttl"
    shapes.write_text(f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <{XSD}> .
<http://e/s> a sh:NodeShape ; sh:targetSubjectsOf <http://e/p> ;
    sh:property [ sh:path <http://e/p> ; sh:in ( "1"^^xsd:integer "1"^^xsd:nonNegativeInteger "2"^^xsd:integer ) ] .
""")
    proc = run_main(
        "validate", "--shapes", str(shapes), str(data), "--output", "json", "--engine", engine, root=project
    )
    report = json.loads(proc.stdout)
    assert [(r["focusNode"], r["value"]) for r in report["results"]] == [
        ("http://e/a", '"01"^^xsd:integer'),
        ("http://e/d", '"2"^^xsd:int'),
    ]


def test_bad_literals_of_a_file_the_loader_saw_whole_are_found_without_a_scan(tmp_path):
    path = tmp_path / "d.nt"
    path.write_text(f'<http://e/a> <http://e/n> "abc"^^<{XSD}integer> .\n<http://e/a> <http://e/m> "x" .\n')
    store = Dataset.load([path], inferred=False)
    assert path.resolve().as_uri() in store.written.census  # (what lets bad_literals skip its scan)
    assert [(b.literal.value, b.line) for b in bad_literals(store)] == [("abc", 1)]


@pytest.mark.parametrize("text", ["a\x01b", "a\\u0001b", "a\\u001fb", "a\\U0000FFFEb", "a\ufffeb"])
def test_a_character_xml_cannot_carry_is_found_in_a_file_the_loader_saw_whole(tmp_path, text):
    path = tmp_path / "d.nt"
    path.write_text(f'<http://e/a> <http://e/m> "ok" .\n<http://e/a> <http://e/m> "{text}" .\n', encoding="utf-8")
    store = Dataset.load([path], inferred=False)
    assert bad_literals(store) == []
    assert [(b.subject.value, b.line) for b in bad_literals(store, xml=True)] == [("http://e/a", 2)]


def test_a_triple_added_after_the_load_is_checked_too(tmp_path):
    path = tmp_path / "d.nt"
    path.write_text(f'<http://e/a> <http://e/n> "1"^^<{XSD}integer> .\n')
    store = Dataset.load([path], inferred=False)
    graph = ox.NamedNode(path.resolve().as_uri())
    store.add(
        ox.Quad(
            ox.NamedNode("http://e/b"),
            ox.NamedNode("http://e/n"),
            ox.Literal("x", datatype=ox.NamedNode(XSD + "date")),
            graph,
        )
    )
    assert [b.literal.value for b in bad_literals(store)] == ["x"]


def test_a_graph_named_by_a_blank_node_is_scanned_beside_one_the_loader_saw(tmp_path):
    plain = tmp_path / "d.nt"
    plain.write_text(f'<http://e/a> <http://e/n> "abc"^^<{XSD}integer> .\n')
    quads = tmp_path / "q.nq"
    quads.write_text(f'<http://e/b> <http://e/n> "1"^^<{XSD}integer> _:g .\n')
    store = Dataset.load([plain, quads], inferred=False)
    assert plain.resolve().as_uri() in store.written.census
    assert [b.literal.value for b in bad_literals(store)] == ["abc"]  # (a blank node in VALUES: a syntax error)
