"""The endpoint's pages for people (#17): the query, editable, above its results and beside its
error; syntax errors with line, column and what was found; entity RDF with incoming links and
only the prefixes it uses; ``.ttl .nt .jsonld .rdf .html`` suffixes on ``/id/...`` and ``/ontology``."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
import rdflib
import rdflib.compare
from serve_helpers import REPO, Server, http

from axiskg.dataset import Dataset
from axiskg.rdfio.terms import to_rdflib
from axiskg.sparql.syntax import syntax_problem

JAPAN = "https://w3id.org/axiskg/id/actor/japan"
STATES = "SELECT ?s WHERE {\n  ?s a <https://w3id.org/axiskg/ontology#State>\n} ORDER BY ?s"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def server():
    srv = Server("--timeout", "5", "--workers", "1")
    yield srv
    srv.stop()


def post_form(server, **fields):
    return http("POST", server.url + "/sparql", urlencode(fields).encode(), {"Content-Type": FORM})


def textarea(page: str) -> str:
    m = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert m, page[:2000]
    return html.unescape(m.group(1))


def test_results_page_shows_the_query_editable_above_the_results(server):
    status, headers, body = post_form(server, query=STATES, format="html")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert textarea(page) == STATES
    assert '<input type="hidden" name="format" value="html">' in page and '<button type="submit">Run</button>' in page
    assert page.index("<textarea") < page.index("<table>")  # the query above its results
    assert page.count('<a href="/id/actor/') == 7  # the seven states, linked
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from a CDN


def test_a_syntax_error_is_shown_beside_the_query_with_line_and_column(server):
    query = "SELECT * WHERE { ?s ?p }"
    status, _, body = post_form(server, query=query, format="html")
    page = body.decode()
    assert status == 400
    assert textarea(page) == query  # kept, to be corrected
    error = re.search(
        r'<div class="query-error error" id="query-error" role="alert"><strong>Error</strong><p>(.*?)</p>', page, re.S
    )
    # column 18: where the triple pattern missing its object starts, as `axiskg query` says
    # (one locator for both, axiskg.sparql.syntax.locate)
    assert error and html.unescape(error.group(1)) == (
        "SPARQL syntax error at line 1, column 18: unexpected '}' (is a triple pattern missing its object?)"
    )
    # the same message for programs, as plain text
    status, _, text = http(
        "GET",
        server.url + "/sparql?" + urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 400 and text.decode().strip() == html.unescape(error.group(1))


def test_a_refused_query_keeps_the_query_too(server):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    status, _, body = post_form(server, query=query, format="html")
    assert status == 403 and textarea(body.decode()) == query
    assert "SERVICE is not allowed" in body.decode()


@pytest.mark.parametrize(
    "message, query, expected",
    [
        (
            "error at 1:25: expected one of LATERAL, SERVICE, [_]",
            "SELECT * WHERE { ?s ?p }",
            ("unexpected '}' (is a triple pattern missing its object?)", 1, 25),
        ),
        (
            "error at 3:10: expected one of LATERAL, SERVICE, [_]",
            "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p }",
            ("unexpected '}' (is a triple pattern missing its object?)", 3, 10),
        ),
        (
            'error at 1:26: expected one of ",", ".", ";", "{", "{|", "}", "~", [\'0\' ..= \'9\'], [\'_\'], [_]',
            "SELECT * WHERE { ?s ?p ?o",
            ("the query ends too early; expected ',', '.', ';', '{', '}'", 1, 26),
        ),
        (
            "error at 1:1: expected one of ASK, CONSTRUCT, DESCRIBE, SELECT",
            "SELEC * WHERE {}",
            ("unexpected 'SELEC'; expected ASK, CONSTRUCT, DESCRIBE, SELECT", 1, 1),
        ),
        (
            "error at 2:1: expected OPTIONAL",
            "SELECT * WHERE { ?s ?p }\n",  # pyoxigraph, with a final newline
            ("unexpected '}' (is a triple pattern missing its object?)", 1, 25),
        ),
        (
            "error at 3:10: expected one of BIND, [_]",
            "SELECT * WHERE {\n  ?s a ?c ;\n     ?p }",  # after ';': an object is missing
            ("unexpected '}' (is a triple pattern missing its object?)", 3, 10),
        ),
        ("something else", "x", ("something else", None, None)),
    ],
)
def test_syntax_problem_names_what_was_found(message, query, expected):
    assert syntax_problem(message, query) == expected


def _expected_entity_graph(iri: str) -> rdflib.Graph:
    """Outgoing triples, blank nodes below them, incoming triples from IRIs: from the project."""
    g = to_rdflib(Dataset.load(root=REPO))  # what serve loads
    node = rdflib.URIRef(iri)
    out = rdflib.Graph()
    todo = [node]
    while todo:
        s = todo.pop()
        for p, o in g.predicate_objects(s):
            out.add((s, p, o))
            if isinstance(o, rdflib.BNode):
                todo.append(o)
    for s, p in g.subject_predicates(node):
        if isinstance(s, rdflib.URIRef):
            out.add((s, p, node))
    return out


def test_entity_turtle_has_incoming_links_and_only_the_prefixes_it_uses(server):
    status, headers, body = http("GET", server.url + "/id/actor/japan.ttl")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    text = body.decode()
    got = rdflib.Graph().parse(data=text, format="turtle")
    assert rdflib.compare.isomorphic(got, _expected_entity_graph(JAPAN))
    assert (
        rdflib.URIRef("https://w3id.org/axiskg/id/mechanism/quad"),
        rdflib.URIRef("http://www.w3.org/ns/org#hasMember"),
        rdflib.URIRef(JAPAN),
    ) in got  # an incoming link
    declared = re.findall(r"^@prefix ([\w.-]*): ", text, re.M)
    body_text = re.sub(r"^@prefix .*\n", "", text, flags=re.M)
    assert declared and all(re.search(rf"(?<![\w.:/#<-]){re.escape(p)}:", body_text) for p in declared), declared
    assert len(declared) < 15


@pytest.mark.parametrize(
    "path, media",
    [
        ("/id/actor/japan.ttl", "text/turtle; charset=utf-8"),
        ("/id/actor/japan.nt", "application/n-triples"),
        ("/id/actor/japan.jsonld", "application/ld+json"),
        ("/id/actor/japan.rdf", "application/rdf+xml"),
        ("/id/actor/japan.html", "text/html; charset=utf-8"),
        ("/ontology.ttl", "text/turtle; charset=utf-8"),
        ("/ontology.nt", "application/n-triples"),
        ("/ontology.jsonld", "application/ld+json"),
        ("/ontology.rdf", "application/rdf+xml"),
        ("/ontology.html", "text/html; charset=utf-8"),
    ],
)
def test_file_suffixes_choose_the_format_whatever_the_accept_header(server, path, media):
    status, headers, body = http("GET", server.url + path, headers={"Accept": "text/html"})
    assert status == 200, body[:300]
    assert headers["Content-Type"] == media
    if media.startswith(("text/turtle", "application/n-triples")):
        fmt = "turtle" if "turtle" in media else "nt"
        assert len(rdflib.Graph().parse(data=body.decode(), format=fmt)) > 5


def test_unknown_suffix_and_unknown_entity(server):
    assert http("GET", server.url + "/ontology.xyz")[0] == 404
    assert http("GET", server.url + "/id/actor/nobody.ttl")[0] == 404


def test_an_old_component_iri_resolves_and_names_its_replacement(server):
    """The Document Introduction's paragraphs were published under /section/; the old IRI still
    answers, deprecated, with dcterms:isReplacedBy its IRI under /paragraph/, which answers too."""
    old = "https://w3id.org/axiskg/id/section/alliance-axis-2025/introduction-p5"
    new = "https://w3id.org/axiskg/id/paragraph/alliance-axis-2025/introduction-5"
    status, _, body = http("GET", server.url + "/id/section/alliance-axis-2025/introduction-p5.ttl")
    assert status == 200, body[:300]
    got = rdflib.Graph().parse(data=body.decode(), format="turtle")
    owl, dcterms = rdflib.OWL, rdflib.DCTERMS
    assert (rdflib.URIRef(old), owl.deprecated, rdflib.Literal(True)) in got
    assert (rdflib.URIRef(old), dcterms.isReplacedBy, rdflib.URIRef(new)) in got
    page = http("GET", server.url + "/id/section/alliance-axis-2025/introduction-p5.html")
    assert page[0] == 200 and "/id/paragraph/alliance-axis-2025/introduction-5" in page[2].decode()
    status, _, body = http("GET", server.url + "/id/paragraph/alliance-axis-2025/introduction-5.ttl")
    assert status == 200
    assert (rdflib.URIRef(new), rdflib.RDF.type, rdflib.URIRef("https://w3id.org/axiskg/ontology#Paragraph")) in (
        rdflib.Graph().parse(data=body.decode(), format="turtle")
    )
