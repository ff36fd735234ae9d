"""SPARQLWrapper, as users call it, against ``axiskg serve`` and the Oxigraph server on the same
data: every return format x every query form x GET and POST must have the same outcome on both
(success or error, and the same parsed answer).

SPARQLWrapper sends its return format both as an ``Accept`` header and as ``format``/``output``/
``results`` parameters (``rdf+xml``, ``json-ld``, ``n3``, ... and, for some, the media types); a
format that does not fit the query form (``csv`` for a CONSTRUCT) comes with ``Accept: */*``.
"""

from __future__ import annotations

import io
import json
import subprocess
import time
import warnings
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic
from rdflib.query import Result
from serve_helpers import REPO, Server, http
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from axiskg.dataset import Dataset
from stores import free_port, oxigraph_binary

JAPAN = "<https://w3id.org/axiskg/id/actor/japan>"
STATE = "<https://w3id.org/axiskg/ontology#State>"
QUERIES = {
    "SELECT": f"SELECT ?s ?label WHERE {{ ?s a {STATE} ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
    "ASK": f"ASK {{ ?s a {STATE} }}",
    "CONSTRUCT": f"CONSTRUCT {{ {JAPAN} ?p ?o }} WHERE {{ {JAPAN} ?p ?o }}",
    "DESCRIBE": f"DESCRIBE {JAPAN}",
}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

RETURN_FORMATS = (JSON, XML, RDFXML, TURTLE, N3, CSV, TSV, JSONLD, RDF)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(axiskg serve's endpoint, the Oxigraph server's endpoint), both on the data serve loads
    and both answering with the union of the named graphs as the default graph."""
    binary = oxigraph_binary()
    assert binary, "the oxigraph server is part of the test extra (pip install -e '.[test]')"
    folder = tmp_path_factory.mktemp("oxigraph")
    data = folder / "data.nq"
    data.write_bytes(Dataset.load(root=REPO).dump(format=ox.RdfFormat.N_QUADS) or b"")
    subprocess.run([binary, "load", "--location", str(folder / "db"), "--file", str(data)], check=True, timeout=120)
    port = free_port()
    oxigraph = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
        + ["--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    server = Server("--per-client", "0")
    try:
        deadline = time.monotonic() + 30
        while not _up(url):
            assert time.monotonic() < deadline and oxigraph.poll() is None, "the Oxigraph server did not start"
            time.sleep(0.1)
        yield server.url + "/sparql", url
    finally:
        server.stop()
        oxigraph.terminate()
        oxigraph.wait(timeout=15)


def _up(url: str) -> bool:
    try:
        return http("GET", url + "?query=ASK%7B%7D", timeout=2)[0] == 200
    except OSError:
        return False


def _solutions(result: Result) -> tuple:
    if result.type == "ASK":
        return ("boolean", bool(result.askAnswer))
    return ("rows", sorted(tuple(str(row[v]) if row[v] is not None else None for v in result.vars) for row in result))


def _graph(data: bytes | str, content_type: str) -> rdflib.Graph:
    media = content_type.split(";")[0].strip()
    fmt = {"application/n-quads": "nquads", "application/n-triples": "nt", "text/turtle": "turtle"}[media]
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=fmt)
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    return graph


def outcome(endpoint: str, return_format: str, form: str, method: str) -> tuple:
    """What a SPARQLWrapper user gets: the parsed answer, normalised so that two servers'
    equal answers compare equal (a graph up to blank-node names, rows as a sorted list)."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(return_format)
    client.setMethod(method)
    client.setTimeout(30)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper warns when it sends Accept: */*
            answer = client.query()
            content_type = answer.info()["content-type"]
            converted = answer.convert()
    except Exception as exc:  # noqa: BLE001 - the outcome compared is which error a user sees
        return ("error", type(exc).__name__)
    if isinstance(converted, dict) and ("results" in converted or "boolean" in converted):
        return _solutions(Result.parse(source=io.StringIO(json.dumps(converted)), format="json"))
    if isinstance(converted, Document):
        return _solutions(Result.parse(source=io.BytesIO(converted.toxml("utf-8")), format="xml"))
    if isinstance(converted, rdflib.Graph):
        return ("graph", to_isomorphic(converted))
    if "text/csv" in content_type or "tab-separated" in content_type:
        text = converted.decode() if isinstance(converted, bytes) else converted
        return ("table", sorted(text.splitlines()))
    return ("graph", to_isomorphic(_graph(converted, content_type)))


@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_matrix_matches_oxigraph(servers, form):
    ours, oxigraph = servers
    for return_format in RETURN_FORMATS:
        for method in ("GET", POST):
            expected = outcome(oxigraph, return_format, form, method)
            got = outcome(ours, return_format, form, method)
            assert got[0] == expected[0] != "error", (form, return_format, method, got[:1], expected[:1])
            assert got == expected, (form, return_format, method)
