"""Shapes are untrusted input: the SPARQL they carry never reaches a network, and any error while
running it is a clean message with exit code 2.

The listener on 127.0.0.1 (conftest) stands for the outside world: a shapes file whose ``sh:select`` (or a
validator's ``sh:ask``) names it in a ``SERVICE`` clause must make ``axiskg validate`` exit 2
with the gate's message, whichever engine runs the shapes, and the listener must receive nothing.
The first test proves the listener would see the engine's request if the gate let it through.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import run_cli, run_main

from axiskg import shacl
from axiskg.errors import InputError
from axiskg.shacl import execute, shape_queries

DATA = "<http://ex.org/a> a <http://ex.org/C> ; <http://ex.org/p> 1 .\n"


def _files(tmp_path: Path, shapes: str) -> tuple[Path, Path]:
    data = tmp_path / "data.ttl"
    data.write_text(DATA)
    sh = tmp_path / "shapes.ttl"
    sh.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .\n" + shapes)
    return data, sh


def _select_shape(port: int, service: str = "SERVICE") -> str:
    return f'''ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select """SELECT $this WHERE {{ {service} <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}""" ] .
    '''


def _ask_component(port: int) -> str:
    return f'''ex:Component a sh:ConstraintComponent ;
        sh:parameter [ sh:path ex:limit ] ;
        sh:validator [ a sh:SPARQLAskValidator ;
            sh:ask """ASK {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p $value }} }}""" ] .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:limit 3 .
    '''


def _rule(port: int) -> str:
    return f'''ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:rule [ a sh:SPARQLRule ;
            sh:construct """CONSTRUCT {{ $this ex:q 1 }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}""" ] .
    '''


def test_the_listener_sees_an_unguarded_service_request(listener):
    """Without the gate, pyoxigraph itself connects: the listener is a real witness."""
    before = listener.connections
    store = ox.Store()
    thread = threading.Thread(
        target=lambda: _swallow(
            lambda: list(
                store.query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}")
            )
        ),
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 10
    while listener.connections == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections > before
    thread.join(timeout=10)


def _swallow(fn) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - the connection is closed on purpose
        pass


@pytest.mark.parametrize(
    "engine",
    [["--engine", "sparql"], ["--engine", "pyshacl"], ["--inference", "rdfs"]],
    ids=["sparql", "pyshacl", "inference"],
)
@pytest.mark.parametrize("kind", ["select", "select-escaped", "ask-validator", "construct-rule"])
def test_service_in_a_shapes_file_exits_2_and_connects_nowhere(listener, tmp_path, engine, kind):
    port, before = listener.port, listener.connections
    text = {
        "select": _select_shape(port),
        "select-escaped": _select_shape(port, r"\\u0053ERVICE"),
        "ask-validator": _ask_component(port),
        "construct-rule": _rule(port),
    }[kind]
    data, shapes = _files(tmp_path, text)
    proc = run_cli("validate", *engine, "--shapes", str(shapes), str(data), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "SERVICE is not allowed" in proc.stderr
    # the shapes file and the line of the shape holding the query
    assert re.match(rf"axiskg: error: {re.escape(str(shapes))}:\d+: the sh:", proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    time.sleep(0.3)  # the listener accepts every 0.2 s at most
    assert listener.connections == before


@pytest.mark.parametrize(
    "query, problem",
    [
        ("SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }", "MINUS"),
        ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
        ("SELECT $this WHERE { BIND (1 AS $value) $this ?p ?o }", "pre-bound variable $value"),
        ("SELECT $this WHERE { { SELECT ?o WHERE { $this ?p ?o } } }", "must project"),
        ("INSERT DATA { <http://ex.org/x> <http://ex.org/y> 1 }", "Update"),
    ],
)
def test_forbidden_forms_are_refused_before_running(query, problem):
    g = rdflib.Graph().parse(
        data=f'''@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """{query}""" ] .''',
        format="turtle",
    )
    with pytest.raises(InputError) as err:
        shape_queries.check_shapes(g)
    assert problem in str(err.value)


def test_a_join_safe_query_is_not_refused():
    g = rdflib.Graph().parse(
        data='''@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """
            SELECT $this ?value WHERE { $this <http://ex.org/p> ?value . FILTER NOT EXISTS { $this <http://ex.org/q> ?value } }""" ] .''',
        format="turtle",
    )
    shape_queries.check_shapes(g)  # no exception
    assert shape_queries.this_by_join(str(next(g.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#select")))))


def test_syntax_error_in_a_shape_query_is_a_clean_exit_2(tmp_path):
    data, shapes = _files(
        tmp_path,
        '''ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select """SELECT $this WHERE { $this ex:p }""" ] .''',
    )
    proc = run_cli("validate", "--shapes", str(shapes), str(data), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert re.match(
        r"axiskg: error: \S+\.ttl: the sh:select of http://ex.org/S: SPARQL syntax error at line 1, column 22 of the query",
        proc.stderr,
    ), proc.stderr
    assert "Traceback" not in proc.stderr


_BROKEN = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://ex.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:prefixes ex:ont ; sh:select \"\"\"
        SELECT $this
        WHERE {
          $this ex:p ?o .
          FILTER (?o > ) }\"\"\" ] .
ex:ont sh:declare [ sh:prefix "ex" ; sh:namespace "http://ex.org/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
"""


def test_a_syntax_error_in_a_shape_query_reads_the_same_from_either_engine(tmp_path):
    """Both engines meet the query's syntax error in the same place, before either runs: the
    shapes file and the shape's line, then the line and column within the query text (not
    within the query an engine makes of it, with its PREFIX lines)."""
    data, shapes = _files(tmp_path, "")
    shapes.write_text(_BROKEN)
    errors = []
    for engine in ([], ["--engine", "pyshacl"]):
        proc = run_main("validate", *engine, "--shapes", str(shapes), str(data), cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        errors.append(proc.stderr)
    assert errors[0] == errors[1]
    assert errors[0] == (
        f"axiskg: error: {shapes}:3: the sh:select of http://ex.org/S: SPARQL syntax error at line 5, "
        "column 11 of the query: unexpected '}'; expected ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT ...\n"
    ), errors[0]


def test_an_error_inside_a_worker_thread_becomes_input_error(monkeypatch, tmp_path):
    """Whatever a query raises in the thread pool reaches the caller as InputError naming the
    shape (the CLI prints it and exits 2), never as a traceback."""
    data, shapes = _files(
        tmp_path,
        '''ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select """SELECT $this WHERE { FILTER (bound($currentShape)) $this <http://ex.org/p> ?o }""" ] .''',
    )

    def boom(*args, **kwargs):
        raise RuntimeError("evaluation failed")

    monkeypatch.setattr(execute, "run_job", boom)
    with pytest.raises(InputError) as err:
        shacl.validate_files([data], [shapes])
    assert str(err.value) == ("shapes: cannot run the query of http://ex.org/S: RuntimeError: evaluation failed")


def test_each_prefix_declaration_is_checked_once(monkeypatch):
    """check_shapes checks every declaration once (check_declarations) and builds each query's
    PREFIX lines from that, for our engine's and for pyshacl's prefixes alike."""
    g = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:ont a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://ex.org/" ] ,
            [ sh:prefix "e2" ; sh:namespace "http://ex.org/2/" ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:sparql [ sh:prefixes ex:ont ; sh:select "SELECT $this WHERE { $this ex:p ?o }" ] ,
                [ sh:prefixes ex:ont ; sh:select "SELECT $this WHERE { $this e2:p ?o }" ] ,
                [ sh:prefixes ex:ont ; sh:select "SELECT $this WHERE { $this ex:q ?o }" ] .""",
        format="turtle",
    )
    seen = []
    check = shape_queries._declaration
    monkeypatch.setattr(shape_queries, "_declaration", lambda g, d: seen.append(d) or check(g, d))
    shape_queries.check_shapes(g)
    assert len(seen) == len(set(seen)) == 2
    assert shape_queries.prefixes(g, next(g.subjects(shape_queries.SH.select, None))) == (
        "PREFIX e2: <http://ex.org/2/>\nPREFIX ex: <http://ex.org/>\n"
    )
