import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from axiskg.atomic import atomic_write
from axiskg.rdfio.formats import WRITTEN as FORMATS
from axiskg.rdfio.serialize import serialize

FIXTURE = Path(__file__).parent / "fixtures" / "blank-nodes.ttl"
PARSERS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}

SCRIPT = """
import hashlib, sys, rdflib
from axiskg.rdfio.formats import WRITTEN as FORMATS
from axiskg.rdfio.serialize import serialize
g = rdflib.Graph().parse(sys.argv[1])
for fmt in FORMATS:
    print(fmt, hashlib.sha256(serialize(g, fmt)).hexdigest())
"""


def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE)


def test_identical_bytes_across_processes():
    outputs = {
        seed: subprocess.run(
            [sys.executable, "-c", SCRIPT, str(FIXTURE)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(set(outputs.values())) == 1, outputs
    assert len(outputs["1"].splitlines()) == len(FORMATS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_is_isomorphic(fmt):
    g = graph()
    g.add(
        (
            rdflib.URIRef("http://x/a"),
            rdflib.URIRef("http://x/p"),
            rdflib.Literal('a<b>&\r\n"', datatype=rdflib.XSD.token),
        )
    )
    again = rdflib.Graph().parse(data=serialize(g, fmt), format=PARSERS[fmt])
    assert isomorphic(g, again)


def test_prefixes_and_sorted_ntriples():
    g = graph()
    ttl = serialize(g, "turtle").decode()
    assert "@prefix axis: <https://w3id.org/axiskg/ontology#> ." in ttl
    assert "@prefix id:" not in ttl  # data IRIs: one prefix per kind (PUBLISHED_PREFIXES), never id:actor\/x
    lines = serialize(g, "ntriples").decode().splitlines()
    assert lines == sorted(lines) and len(lines) == len(g)


def test_atomic_write(tmp_path):
    target = tmp_path / "sub" / "out.ttl"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["out.ttl"]


def test_turtle_from_ntriples_as_bytes_or_chunks_is_the_same_bytes():
    import pyoxigraph as ox

    from axiskg.rdfio import serialize as ser

    triples = [
        ox.Triple(
            ox.NamedNode(f"https://w3id.org/axiskg/id/s{i // 3:04d}"),
            ox.NamedNode(f"https://w3id.org/axiskg/ontology#p{i % 2}"),
            ox.Literal(f"v{i}"),
        )
        for i in range(30000)
    ]
    ntriples = b"".join(sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)))
    one = ser.write([ntriples], "turtle")
    lines = ntriples.splitlines(keepends=True)
    assert ser.write(lines, "turtle") == one  # read in blocks, never joined
    assert ser.write(lines[:100] + [b"".join(lines[100:])], "turtle") == one
    assert ser.write([], "turtle") == b""
    # only the prefixes in use are declared (the data IRIs fit none: no "id:" with escaped slashes)
    assert one.count(b"@prefix ") == 1 and one.startswith(b"@prefix axis: <https://w3id.org/axiskg/ontology#> .\n")
    assert b"<https://w3id.org/axiskg/id/s0000> axis:p0" in one
    assert one.count(b"\n") == 1 + 10000 * 2  # the prefix, then one line per subject and predicate
    assert {q.triple for q in ox.parse(one, format=ox.RdfFormat.TURTLE)} == set(triples)
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        ser.write(lines, "xml")


SHARED_BLANK_NODES = """@prefix : <http://x/> .
:a :p _:shared . :b :p _:shared . _:shared :q 1 . _:loop :r _:loop ."""


def test_blank_node_trees_get_content_hash_labels():
    import re

    labels = set(re.findall(r"_:\S+", serialize(graph(), "ntriples").decode()))
    assert labels and all(re.fullmatch(r"_:b[0-9a-f]{20}(n\d+)?", label) for label in labels)


def test_graphs_whose_blank_nodes_are_not_trees_are_canonicalised_by_rdfc():
    # two parses give different blank-node ids; the output must not depend on them
    first, second = (rdflib.Graph().parse(data=SHARED_BLANK_NODES, format="turtle") for _ in range(2))
    assert serialize(first, "ntriples") == serialize(second, "ntriples")
    again = rdflib.Graph().parse(data=serialize(first, "ntriples"), format="nt")
    assert isomorphic(first, again)
    assert sorted(set(re.findall(r"_:\S+", serialize(first, "ntriples").decode()))) == ["_:c14n0", "_:c14n1"]


def test_turtle_writes_names_with_slashes_as_full_iris_and_leaves_literals_alone():
    import pyoxigraph as ox

    from axiskg.rdfio import serialize as ser

    claim = "https://w3id.org/axiskg/id/claim/alliance-axis-2025/"
    axis = "https://w3id.org/axiskg/ontology#"
    triples = [
        ox.Triple(
            ox.NamedNode(claim + "p1/evidence/quote"), ox.NamedNode(axis + "text"), ox.Literal("see claim:p1\\/x, a\nb")
        ),
        ox.Triple(ox.NamedNode(claim + "p2"), ox.NamedNode(axis + "about"), ox.NamedNode(claim + "p2/e/1")),
        ox.Triple(ox.NamedNode(claim + "p3"), ox.NamedNode(axis + "about"), ox.NamedNode(claim + "p2")),
    ]
    ntriples = b"".join(sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)))
    assert ser.write([ntriples], "turtle").decode() == (
        f"@prefix claim: <{claim}> .\n"
        f"@prefix axis: <{axis}> .\n"
        f'<{claim}p1/evidence/quote> axis:text "see claim:p1\\\\/x, a\\nb" .\n'
        f"claim:p2 axis:about <{claim}p2/e/1> .\n"
        "claim:p3 axis:about claim:p2 .\n"
    )
    assert [q.triple for q in ox.parse(ser.write([ntriples], "turtle"), format=ox.RdfFormat.TURTLE)] == [
        q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    ]


def test_small_graphs_turtle_nests_blank_nodes_and_lists_for_readers():
    """shapes.ttl, void.ttl and validation reports are read by people: a blank node used once is
    written ``[ ... ]`` and a list ``( ... )`` (pyoxigraph's writer would give ``_:b...`` labels and
    ``rdf:first`` chains); the bytes stay the same for the same graph, and parse back to it."""
    text = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S sh:property [ sh:path ex:p ; sh:in ( "a" "b" ) ; sh:qualifiedValueShape [ sh:datatype ex:T ] ] ."""
    g = rdflib.Graph().parse(data=text, format="turtle")
    out = serialize(g, "turtle").decode("utf-8")
    assert "rdf:first" not in out and "_:" not in out, out
    assert 'sh:in ( "a" "b" )' in out and "sh:qualifiedValueShape [ sh:datatype" in out, out
    assert isomorphic(rdflib.Graph().parse(data=out, format="turtle"), g)
    again = rdflib.Graph().parse(data=text, format="turtle")  # other blank-node labels
    assert serialize(again, "turtle").decode("utf-8") == out


def test_used_prefixes_finds_namespaces_that_start_one_another_and_none_of_none():
    from axiskg.rdfio.turtle import used_prefixes

    lines = [b"<http://a/b/x> <http://q/y> <http://c/z> .\n"]
    prefixes = {"ab": "http://a/b/", "a": "http://a/", "c": "http://c/", "same": "http://a/", "d": "http://d/"}
    assert used_prefixes(lines, prefixes) == {
        "ab": "http://a/b/",
        "a": "http://a/",
        "c": "http://c/",
        "same": "http://a/",
    }
    assert used_prefixes(lines, {}) == {}
