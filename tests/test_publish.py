"""axiskg publish without a real store: endpoint derivation, chunking, rebuilds, and a scripted
fake store (127.0.0.1, free port) for the failure paths: unreachable, refused, partial, fallback."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from conftest import run_cli

from axiskg.errors import InputError
from axiskg.publishing.chunks import chunk_triples, read_triples
from axiskg.publishing.endpoints import derive_endpoints
from axiskg.publishing.publish import DEFAULT_GRAPH, ensure_built

NT = (
    "<urn:a> <urn:p> <urn:b> .\n"
    '<urn:a> <urn:q> "x\\"y\\nz \u00e9"@en .\n'
    "<urn:a> <urn:ev> _:e1 .\n"
    "_:e1 <urn:sel> _:s1 .\n"
    '_:s1 <urn:exact> "quoted" .\n'
    "<urn:c> <urn:ev> _:e2 .\n"
    '_:e2 <urn:exact> "other" .\n'
    '<urn:c> <urn:p> "2025-12-22"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
)


@pytest.fixture
def nt_file(tmp_path):
    path = tmp_path / "graph.nt"
    path.write_text(NT, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    "endpoint, auth, gsp, update",
    [
        ("http://127.0.0.1:7878/query", False, "http://127.0.0.1:7878/store", "http://127.0.0.1:7878/update"),
        ("http://h:8890/sparql", True, "http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql-auth"),
        ("http://h:8890/sparql/", False, "http://h:8890/sparql-graph-crud", "http://h:8890/sparql"),
        ("http://h:3030/ds/sparql", False, "http://h:3030/ds/data", "http://h:3030/ds/update"),
        ("http://h:3030/ds/query", True, "http://h:3030/ds/data", "http://h:3030/ds/update"),
        (
            "http://h:7200/repositories/kg",
            True,
            "http://h:7200/repositories/kg/rdf-graphs/service",
            "http://h:7200/repositories/kg/statements",
        ),
        ("https://qlever.example/api/kg", False, None, "https://qlever.example/api/kg"),
    ],
)
def test_endpoints_derived_from_the_query_url(endpoint, auth, gsp, update):
    derived = derive_endpoints(endpoint, authenticated=auth)
    assert (derived.query, derived.gsp, derived.update) == (endpoint, gsp, update)


def test_explicit_urls_win_and_bad_urls_are_refused():
    derived = derive_endpoints("http://h/query", gsp="http://g/gsp", update="http://u/up")
    assert (derived.gsp, derived.update) == ("http://g/gsp", "http://u/up")
    with pytest.raises(InputError, match="is not an http"):
        derive_endpoints("ftp://h/query")
    with pytest.raises(InputError, match="--gsp 'file:/x' is not an http"):
        derive_endpoints("http://h/query", gsp="file:/x")


def test_literals_are_published_as_written(tmp_path):
    path = tmp_path / "d.nt"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    path.write_text(f'<http://e/a> <http://e/n> "05"^^<{xsd}int> .\n<http://e/a> <http://e/n> "5"^^<{xsd}integer> .\n')
    assert [str(t.object) for t in read_triples(path)] == [f'"05"^^<{xsd}int>', f'"5"^^<{xsd}integer>']


def test_chunks_never_split_blank_node_groups(nt_file):
    triples = read_triples(nt_file)
    assert len(triples) == 8
    chunks = chunk_triples(triples, size=2)
    sizes = [(len(c.triples), c.blank) for c in chunks]
    # 3 plain triples, then the group _:e1/_:s1 (3 triples, whole) and the group _:e2 (2 triples)
    assert sizes == [(2, False), (1, False), (3, True), (2, True)]
    for chunk in chunks:
        labels = {t.value for tr in chunk.triples for t in (tr.subject, tr.object) if isinstance(t, ox.BlankNode)}
        others = {
            t.value
            for c in chunks
            if c is not chunk
            for tr in c.triples
            for t in (tr.subject, tr.object)
            if isinstance(t, ox.BlankNode)
        }
        assert not labels & others
    assert [(len(c.triples), c.blank) for c in chunk_triples(triples, 4)] == [(3, False), (3, True), (2, True)]
    assert [(len(c.triples), c.blank) for c in chunk_triples(triples, 100)] == [(8, True)]
    # SPARQL Update keeps blank-node triples apart, in their own (smaller) chunks
    assert [(len(c.triples), c.blank) for c in chunk_triples(triples, 100, blank_size=3)] == [
        (3, False),
        (3, True),
        (2, True),
    ]


def test_ensure_built_builds_when_missing_or_stale(project):
    messages = []
    nt = ensure_built(project, log=messages.append)
    assert nt == project / "dist" / "axiskg.nt" and nt.exists()
    assert messages == [f"{nt} is missing: building"]
    assert ensure_built(project, log=messages.append) == nt and len(messages) == 1  # up to date
    source = project / "data" / "report" / "claims.ttl"
    later = nt.stat().st_mtime + 10
    os.utime(source, (later, later))
    ensure_built(project, log=messages.append)
    assert messages[1] == f"{nt} is older than {source}: building"


# --------------------------------------------------------------------------- a fake store


class FakeStore:
    """Keeps N-Triples bodies per graph; ``script`` changes its behaviour."""

    def __init__(self):
        self.graphs: dict[str, list[bytes]] = {}
        self.requests: list[tuple[str, str]] = []
        self.gsp_status = None  # e.g. 405: the Graph Store endpoint refuses
        self.fail_on_request = None  # (method, n): the n-th such request answers 500
        self.count_offset = 0  # the count query under-reports by this much
        self.user = None  # require HTTP Basic with this user:password

    def triples(self, graph):
        return sum(len([ln for ln in b.splitlines() if ln.strip()]) for b in self.graphs.get(graph, []))


def _handler(store: FakeStore):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status, body=b"", ctype="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="fake"')
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _handle(self):
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if store.user:
                import base64

                expected = "Basic " + base64.b64encode(store.user.encode()).decode()
                if self.headers.get("Authorization") != expected and url.path != "/query":
                    return self._reply(401, b"authentication required")
            store.requests.append((self.command, url.path))
            n = sum(1 for r in store.requests if r[0] == self.command)
            if store.fail_on_request == (self.command, n):
                return self._reply(500, b"disk full")
            graph = parse_qs(url.query).get("graph", [""])[0]
            if url.path == "/store":
                if store.gsp_status:
                    return self._reply(store.gsp_status, b"no graph store here")
                if self.command == "HEAD":
                    return self._reply(404)
                if self.command == "PUT":
                    store.graphs[graph] = [body]
                else:
                    store.graphs.setdefault(graph, []).append(body)
                return self._reply(201)
            if url.path == "/update":
                text = body.decode()
                if text.startswith("DROP SILENT GRAPH"):
                    store.graphs.pop(text.split("<")[1].split(">")[0], None)
                else:
                    g = text.split("GRAPH <")[1].split(">")[0]
                    inner = text.split("> {\n", 1)[1].rsplit("} }", 1)[0]
                    store.graphs.setdefault(g, []).append(inner.encode())
                return self._reply(200)
            if url.path == "/query":
                query = parse_qs(body.decode())["query"][0]
                g = query.split("GRAPH <")[1].split(">")[0]
                n = store.triples(g) - store.count_offset
                doc = {
                    "head": {"vars": ["n"]},
                    "results": {
                        "bindings": [
                            {
                                "n": {
                                    "type": "literal",
                                    "value": str(n),
                                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                                }
                            }
                        ]
                    },
                }
                return self._reply(200, json.dumps(doc).encode(), "application/sparql-results+json")
            return self._reply(404)

        do_GET = do_POST = do_PUT = do_HEAD = _handle

    return Handler


@pytest.fixture
def fake():
    store = FakeStore()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(store))
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    store.url = f"http://127.0.0.1:{server.server_address[1]}/query"
    try:
        yield store
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def publish(fake, nt_file, *extra):
    return run_cli("publish", "--endpoint", fake.url, "--file", str(nt_file), "--timeout", "10", *extra)


def test_gsp_put_then_post_and_republish_replaces(fake, nt_file):
    proc = publish(fake, nt_file, "--chunk-size", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"published 8 triples to <{DEFAULT_GRAPH}> via Graph Store Protocol (4 chunks, "
        + proc.stdout.split("(4 chunks, ")[1].splitlines()[0],
        f"verified: the store holds 8 triples in <{DEFAULT_GRAPH}>",
    ]
    assert fake.requests == [
        ("PUT", "/store"),
        ("POST", "/store"),
        ("POST", "/store"),
        ("POST", "/store"),
        ("POST", "/query"),
    ]
    assert publish(fake, nt_file, "--chunk-size", "2").returncode == 0
    assert fake.triples(DEFAULT_GRAPH) == 8  # replaced, not doubled


def test_falls_back_to_update_when_gsp_is_refused(fake, nt_file):
    fake.gsp_status = 405
    proc = publish(fake, nt_file, "--graph", "urn:g")
    assert proc.returncode == 0, proc.stderr
    assert "via SPARQL Update (2 chunks," in proc.stdout  # plain triples, blank-node triples
    assert (
        "Graph Store PUT (chunk 1 of 1) refused by "
        + fake.url.replace("/query", "/store")
        + ": HTTP 405: no graph store here: falling back to SPARQL Update at "
        + fake.url.replace("/query", "/update")
    ) in proc.stderr
    assert [r for r in fake.requests if r[1] == "/update"] == [("POST", "/update")] * 3  # DROP + 2 inserts
    assert fake.triples("urn:g") == 8


def test_partial_load_exits_4(fake, nt_file):
    fake.count_offset = 3
    proc = publish(fake, nt_file)
    assert proc.returncode == 4
    assert proc.stderr.strip() == (
        f"axiskg: error: partial load: <{DEFAULT_GRAPH}> on {fake.url} holds 5 triples, 8 were sent "
        "(Graph Store Protocol, 1 chunk(s))"
    )
    assert "Traceback" not in proc.stderr


def test_failure_in_the_middle_says_which_chunk(fake, nt_file):
    fake.fail_on_request = ("POST", 2)  # the 3rd Graph Store request, then the 2nd INSERT
    proc = publish(fake, nt_file, "--chunk-size", "2", "--method", "gsp")
    assert proc.returncode == 3
    assert proc.stderr.strip() == (
        f"axiskg: error: Graph Store POST (chunk 3 of 4) refused by {fake.url.replace('/query', '/store')}: "
        "HTTP 500: disk full"
    )


def test_unreachable_store_exits_3(tmp_path, nt_file):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_cli("publish", "--endpoint", f"http://127.0.0.1:{port}/query", "--file", str(nt_file))
    assert proc.returncode == 3
    assert proc.stderr.startswith(f"axiskg: error: cannot reach the store at http://127.0.0.1:{port}/store: ")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_credentials(fake, nt_file):
    fake.user = "alice:s3cret"
    denied = publish(fake, nt_file, "--method", "gsp")
    assert denied.returncode == 3
    assert "HTTP 401 (wrong or missing --user/--password)" in denied.stderr
    env_password = dict(os.environ, AXISKG_STORE_PASSWORD="s3cret")
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "axiskg", "publish", "--endpoint", fake.url, "--file", str(nt_file), "--user", "alice"],
        capture_output=True,
        text=True,
        env=env_password,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert fake.triples(DEFAULT_GRAPH) == 8


@pytest.mark.parametrize(
    "args, message",
    [
        (["--graph", "not an iri"], "--graph 'not an iri' is not an absolute IRI"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1 (got 0)"),
        (["--password", "x"], "--password (or $AXISKG_STORE_PASSWORD) needs --user"),
    ],
)
def test_bad_options_exit_2(fake, nt_file, args, message):
    proc = publish(fake, nt_file, *args)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"axiskg: error: {message}"
    assert fake.requests == []


def test_bad_file_exits_2(fake, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> .\n")
    proc = run_cli("publish", "--endpoint", fake.url, "--file", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"axiskg: error: {bad}:1:")
    assert fake.requests == []
