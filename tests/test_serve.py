"""``axiskg serve`` end to end: a real server process on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import http.client as httpclient
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode, urlsplit

import pytest
from conftest import run_main
from serve_helpers import REPO, Listener, Server, http
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from axiskg.dataset import Dataset
from axiskg.sparql import catalog, endpoint, querying

LIMIT = 1000
TIMEOUT = 2.0
JAPAN = "https://w3id.org/axiskg/id/actor/japan"
STATES = "SELECT ?s WHERE { ?s a <https://w3id.org/axiskg/ontology#State> } ORDER BY ?s"
JAPAN_LABEL = f'SELECT ?label WHERE {{ <{JAPAN}> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = "en") }}'
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 2.6k^3 rows
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server():
    srv = Server(
        "--timeout", str(TIMEOUT), "--limit", str(LIMIT), "--max-body", "16384", "--workers", "2", "--per-client", "32"
    )  # the tests are 20 clients on one address
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def store():
    return Dataset.load(root=REPO)  # what serve loads


def get(server, query: str, accept: str | None = None, **extra):
    headers = {"Accept": accept} if accept else {}
    return http("GET", f"{server.url}/sparql?{urlencode({'query': query, **extra})}", headers=headers)


def count(server) -> int:
    status, _, body = get(server, COUNT, "application/sparql-results+json")
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# --------------------------------------------------------------------------- protocol


def test_sparqlwrapper_select(server, store):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(STATES)
    client.setReturnFormat(JSON)
    for method in ("GET", POST):
        client.setMethod(method)
        got = [b["s"]["value"] for b in client.query().convert()["results"]["bindings"]]
        assert got == [str(r[0].value) for r in querying.run_local(store, STATES).rows]
        assert len(got) == 7 and JAPAN in got


def test_get_form_post_and_direct_post_agree(server):
    status, headers, by_get = get(server, STATES, "application/sparql-results+json")
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    form = http(
        "POST",
        server.url + "/sparql",
        urlencode({"query": STATES}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
    )
    direct = http(
        "POST",
        server.url + "/sparql",
        STATES.encode(),
        {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "application/sparql-results+json"},
    )
    assert form[0] == direct[0] == 200
    assert by_get == form[2] == direct[2]


@pytest.mark.parametrize(
    ("accept", "media", "body"),
    [
        ("text/csv", "text/csv; charset=utf-8", b"label\r\nJapan\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", b'?label\n"Japan"@en\n'),
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            b'{"head":{"vars":["label"]},"results":{"bindings":[{"label":{"type":"literal","value":"Japan","xml:lang":"en"}}]}}',
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="label"/></head>'
            b'<results><result><binding name="label"><literal xml:lang="en">Japan</literal></binding></result></results></sparql>',
        ),
        ("*/*", "application/sparql-results+json", None),
        ("text/csv;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values; charset=utf-8", None),
    ],
)
def test_select_formats_by_accept(server, accept, media, body):
    status, headers, got = get(server, JAPAN_LABEL, accept)
    assert status == 200 and headers["Content-Type"] == media
    if body is not None:
        assert got == body


def test_ask_and_construct_formats(server):
    ask = f"ASK {{ <{JAPAN}> a <https://w3id.org/axiskg/ontology#State> }}"
    assert get(server, ask, "application/sparql-results+json")[2] == b'{"head":{},"boolean":true}'
    assert b"<boolean>true</boolean>" in get(server, ask, "application/sparql-results+xml")[2]
    construct = f"CONSTRUCT {{ <{JAPAN}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} WHERE {{ <{JAPAN}> <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = 'ja') }}"
    status, headers, nt = get(server, construct, "application/n-triples")
    assert (status, headers["Content-Type"]) == (200, "application/n-triples")
    assert nt == f'<{JAPAN}> <http://www.w3.org/2000/01/rdf-schema#label> "日本"@ja .\n'.encode()
    status, headers, ttl = get(server, construct, "text/turtle")
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert 'actor:japan rdfs:label "日本"@ja' in ttl.decode()
    status, headers, jsonld = get(server, construct, "application/ld+json")
    assert headers["Content-Type"] == "application/ld+json"
    doc = json.loads(jsonld)  # compacted with the project's context, as the build's JSON-LD is
    assert {k: v for k, v in doc.items() if k != "@context"} == {"@id": "actor:japan", "label": {"ja": "日本"}}
    assert doc["@context"]["actor"] == "https://w3id.org/axiskg/id/actor/"
    # an independent JSON-LD processor reads it back as the very same triples
    from pyld import jsonld as pyld

    assert pyld.to_rdf(doc, {"format": "application/n-quads"}).encode() == nt
    assert get(server, construct, "text/csv")[0] == 406  # a graph cannot be CSV


def test_service_description(server):
    status, headers, body = http("GET", server.url + "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    text = body.decode()
    assert f"sd:endpoint <{server.url}/sparql>" in text
    assert "sd:supportedLanguage sd:SPARQL11Query" in text and "sd:UnionDefaultGraph" in text
    assert "<https://w3id.org/axiskg/graph/alliance-axis-2025>" in text


def test_every_stored_query_equals_the_local_result(server, store):
    stored = catalog.load_catalog(REPO)
    assert len(stored) >= 10
    for q in stored:
        sparql = q.render()
        local = querying.run_local(store, sparql, q.path)
        remote = endpoint.run_endpoint(server.url + "/sparql", sparql, source=q.path)
        assert remote.columns == local.columns, q.name
        assert remote.boolean == local.boolean, q.name
        if "ORDER BY" in sparql.upper():
            assert remote.rows == local.rows, q.name
        else:
            assert sorted(map(str, remote.rows)) == sorted(map(str, local.rows)), q.name


# --------------------------------------------------------------------------- safety


def test_update_is_refused_and_data_unchanged(server):
    before = count(server)
    insert = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    cases = [
        http(
            "POST",
            server.url + "/sparql",
            urlencode({"update": insert}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        http("POST", server.url + "/sparql", insert.encode(), {"Content-Type": "application/sparql-update"}),
        get(server, insert),
        get(server, "DELETE WHERE { ?s ?p ?o }"),
        http("GET", f"{server.url}/sparql?update={quote('CLEAR ALL')}"),
    ]
    for status, _, body in cases:
        assert (status, body) == (403, b"SPARQL Update is not allowed: this endpoint is read-only\n")
    assert before > 2000 and count(server) == before


def test_service_is_refused_before_any_connection(server):
    listener = Listener()
    try:
        target = f"http://127.0.0.1:{listener.port}/"
        outside = f"SELECT * WHERE {{ ?s ?p ?o SeRvIcE <{target}> {{ ?a ?b ?c }} }} LIMIT 1"
        status, _, body = get(server, outside)
        assert status == 403 and body.startswith(b"SERVICE is not allowed")
        in_comment = (
            f"SELECT ?s WHERE {{ ?s a <https://w3id.org/axiskg/ontology#State> # SeRvIcE <{target}> {{ }}\n }} LIMIT 1"
        )
        in_string = f'SELECT ?x WHERE {{ BIND("SERVICE <{target}> {{ }}" AS ?x) }}'
        in_iri = "SELECT ?x WHERE { BIND(<http://example.org/service> AS ?x) }"
        for query in (in_comment, in_string, in_iri):
            status, _, body = get(server, query, "application/sparql-results+json")
            assert status == 200, body
            assert len(json.loads(body)["results"]["bindings"]) == 1
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


def test_timeout_stops_the_query_while_others_are_served(server):
    results: dict = {}

    def slow():
        started = time.monotonic()
        results["slow"] = get(server, SLOW, timeout=60)
        results["slow_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    fast = [get(server, JAPAN_LABEL, "text/csv") for _ in range(20)]  # served meanwhile
    thread.join(timeout=60)
    assert all(r[0] == 200 and r[2] == b"label\r\nJapan\r\n" for r in fast)
    status, _, body = results["slow"]
    assert status == 503
    assert body == b"the query ran longer than the 2 s limit and was stopped\n"
    assert TIMEOUT <= results["slow_seconds"] < TIMEOUT + 5
    time.sleep(0.5)
    # the killed worker was replaced: two slow queries at once both time out, then all is well
    with ThreadPoolExecutor(2) as pool:
        assert [r[0] for r in pool.map(lambda _: get(server, SLOW, timeout=60), range(2))] == [503, 503]
    assert get(server, JAPAN_LABEL, "text/csv")[2] == b"label\r\nJapan\r\n"


def test_results_are_capped_and_say_so(server):
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o }", "text/tab-separated-values")
    assert status == 200
    assert body.count(b"\n") == LIMIT + 1  # header + LIMIT rows
    assert headers["X-Result-Truncated"] == "true" and headers["X-Result-Limit"] == str(LIMIT)
    assert "truncated to the first 1000 rows" in headers["Warning"]
    status, headers, _ = get(server, STATES, "text/csv")
    assert status == 200 and "X-Result-Truncated" not in headers
    status, headers, body = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert body.count(b"\n") == LIMIT and headers["X-Result-Truncated"] == "true"


def test_limits_and_bad_requests(server):
    big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 17000).encode()
    status, _, body = http("POST", server.url + "/sparql", big, {"Content-Type": "application/sparql-query"})
    assert status == 413 and body == b"request body too large: 17029 bytes (limit 16384, see --max-body)\n"
    chunked = http(
        "POST",
        server.url + "/sparql",
        iter([b"SELECT * WHERE { ?s ?p ?o } #", b"x" * 17000]),
        {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"},
    )
    assert chunked[:3:2] == (413, b"request body too large (limit 16384 bytes, see --max-body)\n")
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o } #" + "x" * 17000)
    assert status == 414
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o")
    assert status == 400 and body.startswith(
        b"SPARQL syntax error at line 1, column 26: the query ends too early; expected"
    )
    status, _, body = http("POST", server.url + "/sparql", b"query=x", {"Content-Type": "text/plain"})
    assert status == 415
    assert get(server, STATES, "image/png")[0] == 406
    assert get(server, STATES, format="csv")[2].startswith(b"s\r\nhttps://w3id.org/axiskg/id/actor/")


def test_concurrent_clients(server):
    """20 clients x 50 queries each on kept-alive connections: every answer right, no error."""
    expected = b"label\r\nJapan\r\n"
    path = "/sparql?" + urlencode({"query": JAPAN_LABEL})
    netloc = urlsplit(server.url).netloc

    def client(_):
        conn = httpclient.HTTPConnection(netloc, timeout=30)
        bad = 0
        for _ in range(50):
            conn.request("GET", path, headers={"Accept": "text/csv"})
            response = conn.getresponse()
            if response.status != 200 or response.read() != expected:
                bad += 1
        conn.close()
        return bad

    with ThreadPoolExecutor(20) as pool:
        assert sum(pool.map(client, range(20))) == 0


# --------------------------------------------------------------------------- Linked Data


def test_entity_page_html(server):
    status, headers, body = http("GET", server.url + "/id/actor/japan", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "<h1>Japan</h1>" in page
    assert (
        '<span class="literal" lang="ja">日本</span>' in page and '<span class="literal" lang="zh">日本</span>' in page
    )
    assert '<a href="/ontology#State"' in page  # type, linked locally
    assert "“Japan is establishing a permanent Joint Headquarters”" in page  # a quote
    assert "Document Introduction, paragraph 2" in page  # its section
    assert ">unhedged</a>" in page  # its modality
    assert 'href="/id/claim/alliance-axis-2025/p2-s2-4"' in page
    assert "http://www.wikidata.org/entity/Q17" in page


def test_claim_page_shows_its_evidence(server):
    status, _, body = http("GET", server.url + "/id/claim/alliance-axis-2025/p2-s2-4", headers={"Accept": "text/html"})
    assert status == 200
    assert body.decode().count("Japan is establishing a permanent Joint Headquarters") >= 2  # label, quote


@pytest.mark.parametrize(
    ("accept", "media", "needle"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", '"Japan"@en'),  # prefixed, in any order of triples
        ("application/ld+json", "application/ld+json", '"@id": "actor:japan"'),  # compacted with the release's context
        (
            "application/n-triples",
            "application/n-triples",
            f'<{JAPAN}> <http://www.w3.org/2000/01/rdf-schema#label> "日本"@ja .',
        ),
        ("*/*", "text/turtle; charset=utf-8", "a axis:State"),
    ],
)
def test_entity_content_negotiation(server, accept, media, needle):
    status, headers, body = http("GET", server.url + "/id/actor/japan", headers={"Accept": accept})
    assert (status, headers["Content-Type"]) == (200, media)
    assert needle in body.decode()
    assert headers["Vary"] == "Accept"


def test_unknown_entity_and_bad_accept(server):
    assert http("GET", server.url + "/id/actor/atlantis", headers={"Accept": "text/turtle"})[0] == 404
    status, _, body = http("GET", server.url + "/id/actor/atlantis", headers={"Accept": "text/html"})
    assert status == 404 and b"<h1>Error 404</h1>" in body
    assert http("GET", server.url + "/id/actor/japan", headers={"Accept": "image/png"})[0] == 406


def test_ontology_page(server):
    status, _, body = http("GET", server.url + "/ontology", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and '<dt id="Claim">' in page and '<dt id="CausalLink">' in page
    status, headers, body = http("GET", server.url + "/ontology?format=turtle")
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "<https://w3id.org/axiskg/ontology> a owl:Ontology" in body.decode()


def test_query_page_and_assets_are_local(server):
    status, _, body = http("GET", server.url + "/", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and '<form method="post" action="/sparql">' in page
    stored = catalog.load_catalog(REPO)
    for q in stored:
        assert f'<a href="/?stored={q.name}#query">edit</a>' in page
    assert "<script" not in page and 'src="http' not in page and 'href="http' not in page
    run_link = page.split('<a href="/sparql?')[1].split('"')[0].replace("&amp;", "&")
    status, headers, result = http("GET", f"{server.url}/sparql?{run_link}", headers={"Accept": "text/html"})
    assert status == 200 and b"<table>" in result
    status, headers, css = http("GET", server.url + "/static/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and b"font" in css
    status, _, edit = http("GET", f"{server.url}/?stored={stored[0].name}")
    assert stored[0].title.replace("'", "&#39;").replace('"', "&#34;") in edit.decode()


# --------------------------------------------------------------------------- command line


def test_port_in_use_and_bad_options_are_clear_errors():
    import socket

    from conftest import run_cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = run_cli("serve", "--port", str(port), root=REPO)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr == f"axiskg: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    proc = run_cli("serve", "--timeout", "0", root=REPO)
    assert proc.returncode == 2 and "--timeout: must be greater than 0: '0'" in proc.stderr


BROKEN = [
    "SELECT * WHERE { ?s ?p ?o",
    "SELECT * WHERE { ?s ?p }",
    "SELECT ?x WHERE {\n  ?x a <http://e/C> .\n  FILTER(?x = )\n}",
    "SELEC * WHERE {}",
    "PREFIX e: <http://e/>\nSELECT * WHERE { ?s ?p ?o }\nLIMIT x",
]


@pytest.mark.parametrize("query", BROKEN)
def test_cli_and_endpoint_place_a_syntax_error_alike(server, tmp_path, query):
    """One locator (axiskg.sparql.syntax.locate): `axiskg query --file` and /sparql name the same
    line, column and problem for the same text."""
    path = tmp_path / "broken.rq"
    path.write_text(query)
    proc = run_main("query", "--file", str(path), root=REPO)
    cli = re.search(r"broken\.rq:(\d+):(\d+): SPARQL syntax error: (.*)", proc.stderr)
    status, _, body = get(server, query)
    web = re.search(r"SPARQL syntax error at line (\d+), column (\d+): (.*)", body.decode())
    assert proc.returncode == 2 and status == 400 and cli and web, (proc.stderr, body)
    assert cli.groups() == web.groups()


def test_a_jsonld_answer_is_capped_by_its_compacted_size(server, store):
    """The answer-size cap (``--max-result-bytes``) measures the JSON-LD as sent, compacted with
    the release's context (which can make it larger than the expanded form pyoxigraph writes):
    an answer over the cap is cut to whole triples that fit, and reads back as those triples."""
    import pyoxigraph as ox
    import rdflib
    from pyld import jsonld as pyld

    query = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o FILTER isIRI(?s) } ORDER BY ?s ?o LIMIT 40"
    triples = list(store.query(query, use_default_graph_as_union=True))
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    expanded = len(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"")
    whole = get(server, query, "application/ld+json")[2]  # under the default cap of 8 MiB
    cap = len(whole) - 1000
    assert max(len(nt), expanded) < cap  # only the compacted form is over the cap
    srv = Server("--workers", "1", "--max-result-bytes", str(cap))
    try:
        status, headers, body = get(srv, query, "application/ld+json")
    finally:
        srv.stop()
    assert status == 200 and headers["X-Result-Truncated"] == "true", dict(headers)
    assert len(body) <= cap
    got = rdflib.Graph().parse(data=pyld.to_rdf(json.loads(body), {"format": "application/n-quads"}), format="nt")
    every = rdflib.Graph().parse(data=nt, format="nt")
    assert 0 < len(got) < len(every) and set(got) <= set(every)
