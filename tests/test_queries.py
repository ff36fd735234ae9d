"""The stored query catalog (queries/*.rq), its expected results on the project's graph, and
`axiskg query` (listing, parameters, formats, errors)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_main

from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.sparql import catalog, endpoint, querying, tables

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).parent / "expected"
CATALOG = catalog.load_catalog(ROOT)
NAMES = [q.name for q in CATALOG]
CATALOG_SECTION = re.compile(r"<!-- BEGIN query catalog[^>]*-->\n(?P<table>.*?)<!-- END query catalog -->", re.S)


@pytest.fixture(scope="module")
def store():
    return Dataset.load(root=ROOT)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def ordered(query: catalog.StoredQuery) -> bool:
    return re.search(r"^\s*ORDER\s+BY\b", query.text, re.I | re.M) is not None


def assert_same_rows(query, got_csv: str) -> None:
    expected = csv_rows((EXPECTED / f"{query.name}.csv").read_text(encoding="utf-8"))
    got = csv_rows(got_csv)
    assert got[0] == expected[0]
    if ordered(query):
        assert got[1:] == expected[1:]
    else:
        assert sorted(got[1:]) == sorted(expected[1:])


# --------------------------------------------------------------------------- the catalog


def test_catalog_has_at_least_15_queries_each_with_expected_results():
    assert len(CATALOG) >= 15
    assert sorted(p.stem for p in EXPECTED.glob("*.csv")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_header_parses_and_names_a_question(name):
    q = catalog.find(CATALOG, name)
    assert q.title and q.title[0].isupper()
    assert q.question.endswith("?") and len(q.question.split()) >= 6
    assert q.columns and len(set(q.columns)) == len(q.columns)
    for p in q.params:
        assert p.default and p.description
        # the default resolves to a full IRI and is what the stored file's VALUES block holds
        assert f"VALUES ?{p.name} {{ {p.default} }}" in q.text


@pytest.mark.parametrize("name", NAMES)
def test_expected_results_on_the_project_graph(store, name):
    q = catalog.find(CATALOG, name)
    table = querying.run_local(store, q.render(), q.path)
    assert tuple(table.columns) == q.columns  # the header's columns are the query's variables
    if q.expect_empty:
        assert table.rows == []
    else:
        assert table.rows, f"{name} returns nothing but its header does not say 'expect: empty'"
    assert not any(isinstance(t, ox.BlankNode) for row in table.rows for t in row)
    assert_same_rows(q, tables.format_table(table, "csv"))


def test_portability_rules_hold_for_every_query():
    for q in CATALOG:
        body = q.text
        assert ordered(q), f"{q.name}: no ORDER BY"
        assert not re.search(r"\bGRAPH\b|\bSERVICE\b", body), q.name
        assert "lang(" in body, f"{q.name}: returns no labels"


def test_quality_query_finds_a_claim_without_evidence(store):
    """claims-without-evidence is empty on our data, and not because it cannot match."""
    q = catalog.find(CATALOG, "claims-without-evidence")
    bad = ox.NamedNode("https://w3id.org/axiskg/id/claim/test/unquoted")
    axis = "https://w3id.org/axiskg/ontology#"
    graph = ox.NamedNode("urn:x-test:extra")
    store2 = ox.Store()
    store2.extend(store.quads_for_pattern(None, None, None))
    store2.add(
        ox.Quad(
            bad,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(axis + "CausalLink"),
            graph,
        )
    )
    # as the build's inferred graph would type it
    store2.add(
        ox.Quad(
            bad, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(axis + "Claim"), graph
        )
    )
    store2.add(ox.Quad(bad, ox.NamedNode(axis + "hasModality"), ox.NamedNode(axis + "Possible"), graph))
    rows = querying.run_local(store2, q.render()).rows
    assert [(r[0].value, r[2].value) for r in rows] == [
        (bad.value, "component it is stated in"),
        (bad.value, "derivation from a report"),
        (bad.value, "verbatim quote"),
    ]


def test_parameter_changes_the_answer(store):
    q = catalog.find(CATALOG, "claims-about")
    china = querying.run_local(store, q.render({"entity": "actor:china"}))
    assert {r[0].value.rsplit("/", 1)[1] for r in china.rows} == {
        "abstract-3",
        "p5-s5-1",
        "p5-s5-2",
        "p5-s5-3",
        "title-1-3",
    }
    same = querying.run_local(store, q.render({"entity": "<https://w3id.org/axiskg/id/actor/china>"}))
    assert same.rows == china.rows
    states = catalog.find(CATALOG, "axis-core-states")
    # the Quad family of one: all four members sit in "every" mechanism of it
    rows = querying.run_local(store, states.render({"family": "mech:us-alliance-system"})).rows
    assert [r[1].value for r in rows] == ["Japan", "United States"]


def test_render_substitutes_a_full_iri_and_keeps_line_numbers():
    q = catalog.find(CATALOG, "claims-about")
    text = q.render({"entity": "actor:china"})
    assert "VALUES ?entity { <https://w3id.org/axiskg/id/actor/china> }" in text
    assert "actor:japan }" not in text
    assert text.count("\n") == q.text.count("\n")
    assert q.render() == q.text.replace("{ actor:japan }", "{ <https://w3id.org/axiskg/id/actor/japan> }")


@pytest.mark.parametrize(
    "params, message",
    [
        ({"actor": "actor:japan"}, "has no parameter 'actor' (it takes: entity)"),
        ({"entity": "nope:japan"}, "unknown prefix 'nope:'"),
        ({"entity": "actor:japan } ?s ?p ?o {"}, "is not an IRI or prefixed name"),
        ({"entity": "<http://x> } . ?s ?p ?o . { <http://y>"}, "is not an IRI or prefixed name"),
        ({"entity": '"Japan"'}, "is not an IRI or prefixed name"),
    ],
)
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(InputError) as err:
        catalog.find(CATALOG, "claims-about").render(params)
    assert message in str(err.value)
    assert str(err.value).startswith(str(ROOT / "queries" / "claims-about.rq"))


def test_header_errors_name_file_and_line(tmp_path):
    cases = {
        "no-title.rq": ("# question: Why?\n# columns: a\nSELECT ?a {}\n", "header has no '# title:' line"),
        "unknown.rq": (
            "# title: T\n# question: Why?\n# colums: a\nSELECT ?a {}\n",
            ":3: unknown header field 'colums'",
        ),
        "param.rq": (
            "# title: T\n# question: Why?\n# param: x = <http://a> -- x\n# columns: a\nSELECT ?a {}\n",
            ":3: parameter 'x' needs exactly one single-line 'VALUES ?x { ... }' block (found 0)",
        ),
        "expect.rq": (
            "# title: T\n# question: Why?\n# columns: a\n# expect: some\nSELECT ?a {}\n",
            ":4: the only expectation",
        ),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(InputError) as err:
            catalog.parse_query(tmp_path / name)
        assert message in str(err.value), str(err.value)
        assert str(err.value).startswith(str(tmp_path / name))


def test_continuation_lines_join_a_field(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# title: T\n# question: Which\n#   mechanisms?\n# columns: a, ?b\n\nSELECT ?a ?b {}\n")
    q = catalog.parse_query(path)
    assert (q.name, q.question, q.columns, q.params) == ("q", "Which mechanisms?", ("a", "b"), ())


# --------------------------------------------------------------------------- formats


def test_formats_follow_the_sparql_results_formats(store):
    q = catalog.find(CATALOG, "axis-core-states")
    table = querying.run_local(store, q.render())
    japan = "https://w3id.org/axiskg/id/actor/japan"
    assert tables.format_table(table, "csv") == (
        "state,stateLabel,mechanisms\r\n"
        f"{japan},Japan,4\r\n"
        "https://w3id.org/axiskg/id/actor/united-states,United States,4\r\n"
    )
    assert tables.format_table(table, "tsv").splitlines()[:2] == [
        "?state\t?stateLabel\t?mechanisms",
        f'<{japan}>\t"Japan"@en\t4',
    ]
    doc = json.loads(tables.format_table(table, "json"))
    assert doc["head"] == {"vars": ["state", "stateLabel", "mechanisms"]}
    assert doc["results"]["bindings"][0] == {
        "state": {"type": "uri", "value": japan},
        "stateLabel": {"type": "literal", "value": "Japan", "xml:lang": "en"},
        "mechanisms": {"type": "literal", "value": "4", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
    }
    # the JSON document reads back into the same table
    assert endpoint.table_from_json(doc).rows == table.rows


def test_table_is_aligned(store):
    q = catalog.find(CATALOG, "axis-core-states")
    out = tables.format_table(querying.run_local(store, q.render(), q.path), "table")
    assert out == (
        "state                stateLabel     mechanisms\n"
        "-------------------  -------------  ----------\n"
        "actor:japan          Japan          4\n"
        "actor:united-states  United States  4\n"
        "(2 rows)\n"
    )


# --------------------------------------------------------------------------- the command


def test_cli_runs_a_stored_query_as_csv():
    proc = run_main("query", "mechanisms-of-actor", "--param", "actor=actor:india", "--format", "csv", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert csv_rows(proc.stdout) == [
        ["mechanism", "mechanismLabel", "kindLabel", "partners", "includedIn", "includedInLabel"],
        [
            "https://w3id.org/axiskg/id/mechanism/quad",
            "Quad",
            "minilateral grouping",
            "3",
            "https://w3id.org/axiskg/id/mechanism/us-japan-plus",
            "U.S.-Japan+",
        ],
    ]


def test_cli_list_and_markdown():
    proc = run_main("query", "--list", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split()[0] for line in lines[::2]] == NAMES
    assert lines[1].strip() == CATALOG[0].question
    md = run_main("query", "--list", "--format", "markdown", root=ROOT)
    assert md.stdout == catalog.markdown_table(CATALOG)


def test_docs_catalog_table_is_the_generated_one():
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    m = CATALOG_SECTION.search(doc)
    assert m, "docs/queries.md has no generated catalog section"
    assert m["table"] == catalog.markdown_table(CATALOG)


def test_cli_unknown_query_lists_the_names():
    proc = run_main("query", "no-such-query", root=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == "axiskg: error: unknown query 'no-such-query'; the stored queries are:"
    assert [line.strip() for line in lines[1:]] == NAMES


@pytest.mark.parametrize(
    "args, message",
    [
        (["claims-about", "--param", "actor=actor:japan"], "has no parameter 'actor' (it takes: entity)"),
        (["claims-about", "--param", "entity"], "--param 'entity': expected KEY=VALUE"),
        (["claims-about", "--param", "entity=actor:japan }"], "is not an IRI or prefixed name"),
        (["causal-links", "--graph", "http://g"], "--graph needs --endpoint"),
        ([], "name a stored query"),
    ],
)
def test_cli_usage_errors(args, message):
    proc = run_main("query", *args, root=ROOT)
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr


def test_cli_malformed_query_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s WHERE {\n  ?s rdfs:label ?l .\n  FILTER( }\n"
    )
    proc = run_main("query", "--file", str(bad), root=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"axiskg: error: {bad}:4:3: SPARQL syntax error: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_refuses_service(tmp_path):
    query = tmp_path / "ssrf.rq"
    query.write_text(
        "# SERVICE in a comment is fine\nSELECT * WHERE {\n  SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }\n}\n"
    )
    proc = run_main("query", "--file", str(query), root=ROOT)
    assert proc.returncode == 2
    assert f"{query}:3: SERVICE is not allowed" in proc.stderr


def test_cli_runs_a_users_query_file(tmp_path):
    query = tmp_path / "mine.rq"
    query.write_text(
        "PREFIX axis: <https://w3id.org/axiskg/ontology#>\n"
        "SELECT (COUNT(?f) AS ?facts) WHERE { ?f a axis:CuratedFact }\n"
    )
    proc = run_main("query", "--file", str(query), "--format", "tsv", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "?facts\n9\n"
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s a <https://w3id.org/axiskg/ontology#CausalLink> }\n")
    proc = run_main("query", "--file", str(ask), "--format", "json", root=ROOT)
    assert json.loads(proc.stdout) == {"head": {}, "boolean": True}
    proc = run_main("query", "--file", str(query), "--param", "x=actor:japan", root=ROOT)
    assert proc.returncode == 2 and "has no '# param:' header" in proc.stderr


def test_cli_all_with_limit():
    proc = run_main("query", "--all", "--limit", "1", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    titles = [line for line in proc.stdout.splitlines() if line.startswith("== ")]
    assert titles == [f"== {q.name}: {q.title}" for q in CATALOG]
    assert "... 164 more rows (--limit 1)" in proc.stdout  # causal-paths has 165


def test_cli_sparql_prints_the_rendered_query():
    proc = run_main("query", "upstream-causes", "--param", "factor=trend:axis-ization", "--sparql", root=ROOT)
    assert proc.returncode == 0
    assert "VALUES ?factor { <https://w3id.org/axiskg/id/trend/axis-ization> }" in proc.stdout


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p 12SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_local_and_endpoint_runs_share_the_servers_safety_check(sparql):
    # pyoxigraph reads keywords without a word boundary: the CLI must refuse what the endpoint refuses.
    with pytest.raises(InputError):
        querying.check_query(sparql)


def test_blank_nodes_from_an_endpoint_answer_keep_their_identity():
    doc = {
        "head": {"vars": ["a", "b", "c"]},
        "results": {
            "bindings": [
                {
                    "a": {"type": "bnode", "value": "nodeID://b123"},
                    "b": {"type": "bnode", "value": "nodeID://b123"},
                    "c": {"type": "bnode", "value": "nodeID://b124"},
                }
            ]
        },
    }
    ((a, b, c),) = endpoint.table_from_json(doc).rows
    assert isinstance(a, ox.BlankNode) and a == b and a != c


# --------------------------------------------------------------------------- CONSTRUCT, DESCRIBE, warnings (#16)

CONSTRUCT = """PREFIX axis: <https://w3id.org/axiskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?state a axis:State ; rdfs:label ?label } WHERE { ?state a axis:State ; rdfs:label ?label FILTER(lang(?label) = "en") }
"""
DESCRIBE = "DESCRIBE <https://w3id.org/axiskg/id/actor/japan>\n"


def graph_of(text: str, fmt: ox.RdfFormat) -> set:
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=fmt)}


def test_construct_writes_turtle_ntriples_and_jsonld(tmp_path):
    f = tmp_path / "states.rq"
    f.write_text(CONSTRUCT)
    turtle = run_main("query", "--file", str(f), root=ROOT)
    assert turtle.returncode == 0, turtle.stderr
    assert turtle.stdout.startswith("@prefix ") and "actor:japan a axis:State" in turtle.stdout
    expected = graph_of(turtle.stdout, ox.RdfFormat.TURTLE)
    assert len(expected) == 14  # 7 states, each typed and labelled
    for fmt, syntax in (
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("turtle", ox.RdfFormat.TURTLE),
    ):
        proc = run_main("query", "--file", str(f), "--format", fmt, root=ROOT)
        assert proc.returncode == 0, proc.stderr
        assert graph_of(proc.stdout, syntax) == expected, fmt
    nt = run_main("query", "--file", str(f), "--format", "ntriples", root=ROOT).stdout.splitlines()
    assert nt == sorted(nt) and len(nt) == 14
    doc = json.loads(run_main("query", "--file", str(f), "--format", "jsonld", root=ROOT).stdout)
    japan = next(n for n in doc["@graph"] if n["@id"] == "actor:japan")
    assert japan["label"] == {"en": "Japan"} and japan["@type"] == "State"


def test_describe_returns_the_entity(tmp_path, store):
    f = tmp_path / "japan.rq"
    f.write_text(DESCRIBE)
    proc = run_main("query", "--file", str(f), "--format", "ntriples", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    japan = ox.NamedNode("https://w3id.org/axiskg/id/actor/japan")
    triples = graph_of(proc.stdout, ox.RdfFormat.N_TRIPLES)
    assert {t for t in triples if t.subject == japan} == {q.triple for q in store.quads_for_pattern(japan, None, None)}


def test_construct_turtle_writes_names_with_slashes_as_full_iris():
    claim = "https://w3id.org/axiskg/id/claim/alliance-axis-2025/"
    quote = ox.NamedNode(claim + "p1/evidence/quote")
    table = tables.Table([], [], triples=[ox.Triple(quote, ox.NamedNode(claim + "p1"), ox.NamedNode(claim + "p1"))])
    assert tables.format_triples(table, "turtle") == (
        f"@prefix claim: <{claim}> .\n<{claim}p1/evidence/quote> claim:p1 claim:p1 .\n"
    )


def test_graph_and_table_formats_are_not_mixed(tmp_path):
    f = tmp_path / "states.rq"
    f.write_text(CONSTRUCT)
    proc = run_main("query", "--file", str(f), "--format", "csv", root=ROOT)
    assert proc.returncode == 2 and "a CONSTRUCT or DESCRIBE answer is written as turtle" in proc.stderr
    proc = run_main("query", "axis-core-states", "--format", "turtle", root=ROOT)
    assert proc.returncode == 2 and "--format turtle is for CONSTRUCT and DESCRIBE answers" in proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr


def test_unknown_parameter_iri_warns(store):
    proc = run_main("query", "claims-about", "--param", "entity=actor:atlantis", "--format", "csv", root=ROOT)
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[1:] == []
    assert proc.stderr == (
        "axiskg: warning: --param entity: <https://w3id.org/axiskg/id/actor/atlantis> is not in "
        "the graph (no triple mentions it), so the answer says nothing about it\n"
    )
    known = run_main("query", "claims-about", "--param", "entity=actor:china", "--format", "csv", root=ROOT)
    assert known.returncode == 0 and known.stderr == "" and len(known.stdout.splitlines()) == 6
