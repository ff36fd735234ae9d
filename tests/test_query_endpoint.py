"""The stored queries through SPARQLWrapper against a real SPARQL endpoint: an Oxigraph server
process (the `oxigraph` package from PyPI) started on 127.0.0.1 and a free port, always stopped.

The server holds the project's graph twice: merged in its default graph, and as the named graphs
of Dataset.load() (ontology, alliance-axis-2025, facts, inferred), which `--graph`
selects."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_cli, run_main
from test_queries import CATALOG, EXPECTED, NAMES, ROOT, assert_same_rows

from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.sparql import catalog, tables
from axiskg.sparql.endpoint import run_endpoint
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH
from stores import oxigraph_binary

GRAPHS = [
    ONTOLOGY_GRAPH,
    GRAPH_NS + "alliance-axis-2025",
    GRAPH_NS + "facts",
    GRAPH_NS + "inferred",
]
STARTUP_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"oxigraph did not answer within {STARTUP_TIMEOUT} s")


def serve_oxigraph(binary: str, db: Path, *options: str):
    """Run ``oxigraph serve-read-only`` on ``db`` (127.0.0.1, a free port); yields its query URL."""
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(db), *options, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_until_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def project_oxigraph_db(work: Path, merged: bool = False) -> tuple[str, Path]:
    """An Oxigraph database in ``work`` holding what ``axiskg serve`` loads (its named graphs;
    with ``merged``, their union in the default graph too); returns (binary, database folder).
    Skips (a failure under CI=true) where the oxigraph server is not installed."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    store = Dataset.load(root=ROOT)
    files = [work / "graphs.nq"]
    store.dump(str(files[0]), format=ox.RdfFormat.N_QUADS)
    if merged:
        files.append(work / "merged.nt")
        files[1].write_bytes(ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES))
    db = work / "db"
    for data in files:
        subprocess.run(
            [binary, "load", "--location", str(db), "--file", str(data)], check=True, capture_output=True, timeout=120
        )
    return binary, db


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    yield from serve_oxigraph(
        *project_oxigraph_db(tmp_path_factory.mktemp("oxigraph"), merged=True), "--timeout-s", "30"
    )


@pytest.mark.parametrize("name", NAMES)
def test_same_results_on_the_endpoint(endpoint, name):
    q = catalog.find(CATALOG, name)
    table = run_endpoint(endpoint, q.render(), timeout=30)
    assert tuple(table.columns) == q.columns
    assert bool(table.rows) is not q.expect_empty
    assert_same_rows(q, tables.format_table(table, "csv"))


@pytest.mark.parametrize("name", ["timeline", "claims-about", "causal-paths"])
def test_same_results_from_named_graphs(endpoint, name):
    q = catalog.find(CATALOG, name)
    table = run_endpoint(endpoint, q.render(), graph=GRAPHS)
    assert_same_rows(q, tables.format_table(table, "csv"))
    # only the facts graph: no ontology and no claims, so no claim matches
    rows = run_endpoint(endpoint, q.render(), graph=GRAPHS[2]).rows
    if name == "timeline":  # the nine facts, each without a claim beside it
        assert [(r[0].value, r[4]) for r in rows] == [
            ("2022-01-01", None),
            ("2023-08-18", None),
            ("2024-04-10", None),
            ("2024-04-11", None),
            ("2024-05-10", None),
            ("2024-07-28", None),
            ("2024-07-28", None),
            ("2025-03-24", None),
            ("2025-03-30", None),
        ]
    else:
        assert rows == []


def test_cli_on_the_endpoint_with_a_parameter(endpoint):
    proc = run_main(
        "query", "claims-about", "--param", "entity=actor:china", "--format", "csv", "--endpoint", endpoint, root=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    local = run_main("query", "claims-about", "--param", "entity=actor:china", "--format", "csv", root=ROOT)
    assert proc.stdout == local.stdout and len(proc.stdout.splitlines()) == 6


def test_cli_on_the_endpoint_matches_the_expected_file(endpoint):
    proc = run_main("query", "axis-core-states", "--format", "csv", "--endpoint", endpoint, root=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (EXPECTED / "axis-core-states.csv").read_text(encoding="utf-8")


def test_unreachable_endpoint_is_one_line_exit_2():
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    proc = run_cli("query", "causal-links", "--endpoint", url, "--timeout", "5", root=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"axiskg: error: {url}: cannot reach the SPARQL endpoint")
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_endpoint_refusing_the_query_is_an_input_error(endpoint):
    # valid SPARQL 1.1 that this endpoint refuses: a function it does not know
    with pytest.raises(InputError) as err:
        run_endpoint(endpoint, "SELECT * WHERE { BIND(<http://example.org/nosuchfunction>(1) AS ?x) }")
    assert str(err.value).startswith(f"{endpoint}: endpoint refused the query")


def test_construct_and_describe_on_the_endpoint(endpoint, tmp_path):
    from test_queries import CONSTRUCT, DESCRIBE

    for text in (CONSTRUCT, DESCRIBE):
        f = tmp_path / "q.rq"
        f.write_text(text)
        local = run_main("query", "--file", str(f), "--format", "ntriples", root=ROOT)
        remote = run_main("query", "--file", str(f), "--format", "ntriples", "--endpoint", endpoint, root=ROOT)
        assert remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout and len(local.stdout.splitlines()) >= 8


def test_unknown_parameter_iri_warns_on_the_endpoint(endpoint):
    proc = run_main("query", "claims-about", "--param", "entity=actor:atlantis", "--endpoint", endpoint, root=ROOT)
    assert proc.returncode == 0 and "(0 rows)" in proc.stdout
    assert (
        "axiskg: warning: --param entity: <https://w3id.org/axiskg/id/actor/atlantis> is not in the graph"
        in proc.stderr
    )
