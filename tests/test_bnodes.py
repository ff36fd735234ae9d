"""Deterministic blank-node labels (axiskg.rdfio.bnodes) and the fast build that uses them."""

from __future__ import annotations

import pyoxigraph as ox
from conftest import run_main

from axiskg import build
from axiskg.rdfio import bnodes

EX = "http://example.org/"


def _t(s, p, o):
    def term(x):
        if isinstance(x, str) and x.startswith("_:"):
            return ox.BlankNode(x[2:])
        return ox.NamedNode(EX + x) if isinstance(x, str) else x

    return ox.Triple(term(s), ox.NamedNode(EX + p), term(o))


def _graph(a: str, b: str, c: str) -> list[ox.Triple]:
    """Two claims, each with an evidence tree (evidence -> selector -> quote); labels a, b, c."""
    return [
        _t("claim1", "evidence", f"_:{a}"),
        _t(f"_:{a}", "selector", f"_:{b}"),
        _t(f"_:{b}", "exact", ox.Literal("same words")),
        _t("claim2", "evidence", f"_:{c}"),
        _t(f"_:{c}", "source", "report"),
    ]


def test_labels_depend_on_content_and_owner_not_on_input_labels():
    one = sorted(map(str, bnodes.stable_labels(_graph("x", "y", "z"))))
    two = sorted(map(str, bnodes.stable_labels(list(reversed(_graph("q1", "q2", "q3"))))))
    assert one == two
    labels = {t.object.value for t in bnodes.stable_labels(_graph("x", "y", "z")) if isinstance(t.object, ox.BlankNode)}
    assert len(labels) == 3 and all(len(x) == 21 and x.startswith("b") for x in labels)


def test_identical_twins_under_one_owner_stay_two_nodes():
    twins = [
        _t("claim", "evidence", "_:a"),
        _t("_:a", "source", "report"),
        _t("claim", "evidence", "_:b"),
        _t("_:b", "source", "report"),
    ]
    out = bnodes.stable_labels(twins)
    assert len({t.object for t in out if t.predicate.value == EX + "evidence"}) == 2
    assert sorted(map(str, out)) == sorted(map(str, bnodes.stable_labels(list(reversed(twins)))))


def test_shared_or_cyclic_blank_nodes_are_refused():
    assert bnodes.stable_labels([_t("a", "p", "_:x"), _t("b", "p", "_:x")]) is None
    assert bnodes.stable_labels([_t("_:x", "p", "_:y"), _t("_:y", "p", "_:x")]) is None


def test_build_formats_option_writes_only_those(project, tmp_path):
    written = build.build(project, tmp_path / "d", ("turtle", "ntriples"))
    assert sorted(written) == ["ntriples", "shapes", "turtle"]
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["axiskg.nt", "axiskg.ttl", "shapes.ttl"]
    result = run_main("build", "--out", str(tmp_path / "e"), "--formats", "turtle,xml", root=project)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "axiskg: error: unknown output format 'xml'; choose from turtle, ntriples, jsonld, rdfxml"
    )


# --------------------------------------------------------------------------- N-Triples lines

NESTED = """
@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:claim1 ex:evidence [ ex:selector [ ex:exact "same \\"words\\"\\n é ✓" ; ex:start 3 ] ; ex:source ex:report ] .
ex:claim2 ex:evidence [ ex:source ex:report ] , [ ex:source ex:report ] .
ex:claim3 ex:evidence [ ex:note "twin"@en ] , [ ex:note "twin"@en ] ;
    ex:members ( ex:a ex:b [ ex:label "in a list" ] ( 1 2.5 "x _:y" ) ) .
ex:C owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:D ] .
[ ex:root "ownerless" ] .
[ ex:root "ownerless" ] .
<http://example.org/with%20é> ex:p [ ex:q "a _:b .\\tc"^^<http://example.org/dt> ] .
"""


def _triples(turtle: str) -> list[ox.Triple]:
    return list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))


def _lines(triples) -> list[bytes]:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)


def test_line_labels_equal_object_labels():
    triples = _triples(NESTED)
    expected = sorted(_lines(bnodes.stable_labels(triples)))
    got = bnodes.stable_label_lines(_lines(triples))
    assert sorted(got) == expected
    assert sum(1 for line in got if b"_:" in line) > 20
    # several lines per item and repeated lines are accepted
    lines = _lines(triples)
    assert sorted(bnodes.stable_label_lines([b"".join(lines[:5]), b"".join(lines[5:])] + lines[:3])) == expected


def test_line_labels_refuse_non_trees_like_object_labels():
    shared = [_t("a", "p", "_:x"), _t("b", "p", "_:x")]
    cyclic = [_t("_:x", "p", "_:y"), _t("_:y", "p", "_:x")]
    for triples in (shared, cyclic):
        assert bnodes.stable_labels(triples) is None
        assert bnodes.stable_label_lines(_lines(triples)) is None


def test_line_labels_without_blank_nodes():
    lines = _lines([_t("a", "p", "b")])
    assert bnodes.stable_label_lines(lines) == lines
    assert bnodes.stable_label_lines([]) == []


def test_take_blank_lines_splits_by_blank_node():
    triples = _triples(NESTED)
    data = b"".join(_lines(triples))
    blank: list[bytes] = []
    plain = bnodes.take_blank_lines(data, blank)
    plain_lines = plain.splitlines(keepends=True)
    blank_lines = b"".join(blank).splitlines(keepends=True)
    assert sorted(plain_lines + blank_lines) == sorted(data.splitlines(keepends=True))
    assert all(b"_:" not in line.split(b" ", 2)[0] + line.rsplit(b" ", 2)[-2] for line in plain_lines)
    assert all(line.startswith(b"_:") or line.rsplit(b" ", 2)[-2].startswith(b"_:") for line in blank_lines)
    assert any(b'"a _:b' in line for line in blank_lines)  # a blank node with "_:" in its literal
    assert bnodes.take_blank_lines(b"", []) == b""


def test_take_blank_lines_at_the_edges_of_a_block():
    """A block may end without its last newline, and ``_`` and ``_:`` turn up in IRIs and literals."""
    blank: list[bytes] = []
    data = b'_:x <p> <o_:r> .\n<s_> <p> "a _: b" .\n<s> <p_> _:q .\n<a> <p> _:b .'
    assert bnodes.take_blank_lines(data, blank) == b'<s_> <p> "a _: b" .\n'
    assert b"".join(blank) == b"_:x <p> <o_:r> .\n<s> <p_> _:q .\n<a> <p> _:b ."
    blank = []
    assert bnodes.take_blank_lines(b'<a> <p> "x _:b y" .', blank) == b'<a> <p> "x _:b y" .' and not blank


def test_a_chain_deeper_than_the_recursion_limit_gets_content_labels():
    """A long rdf:List is a chain of blank nodes as deep as the list is long: labelled like any
    tree (no recursion), the same labels whatever the input's labels, by diff too."""
    import sys

    depth = sys.getrecursionlimit() * 3

    def chain(prefix: str) -> bytes:
        lines = [f"<http://e/r> <http://e/list> _:{prefix}0 .\n"]
        lines += [f"_:{prefix}{i} <http://e/rest> _:{prefix}{i + 1} .\n" for i in range(depth)]
        return "".join(lines).encode()

    one, two = bnodes.stable_label_lines([chain("a")]), bnodes.stable_label_lines([chain("zz")])
    assert one is not None and sorted(one) == sorted(two)
    assert len(one) == depth + 1


def test_only_the_blank_node_lines_go_through_rdfc(project, tmp_path):
    """A large graph with one shared blank node: RDFC-1.0 labels only the lines that hold a
    blank node (the others cannot change them), so its work limit is not spent on the rest
    (it was: 300k plain triples took 12 s and failed under a 400 MB cap)."""
    import os
    import subprocess
    import sys

    with open(project / "data" / "many.nt", "w", encoding="utf-8") as fh:
        fh.writelines(f'<urn:x:{i}> <urn:x:p> "value number {i} with some text" .\n' for i in range(300_000))
        fh.write("<urn:x:a> <urn:x:q> _:b .\n<urn:x:c> <urn:x:q> _:b .\n")
    out = tmp_path / "out"
    env = dict(os.environ, AXISKG_CANON_MB="400")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "axiskg",
            "--root",
            str(project),
            "build",
            "--no-validate",
            "--formats",
            "ntriples",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    shared = [
        line
        for line in (out / "axiskg.nt").read_text().splitlines()
        if line.startswith("<urn:x:a>") or line.startswith("<urn:x:c>")
    ]
    assert len(shared) == 2 and shared[0].split()[-2] == shared[1].split()[-2]  # one node, shared
    assert shared[0].split()[-2].startswith("_:c14n")  # labelled by RDFC-1.0


def test_merge_sorted_places_few_lines_among_many_and_sorts_many():
    lines = [b"<a>\n", b"<c>\n", b"<e>\n"] * 1 + [f"<z{i:03}>\n".encode() for i in range(300)]
    lines.sort()
    for few in ([], [b"<b>\n", b"<d>\n", b"_:x\n"], [b"<0>\n"], [f"<y{i}>\n".encode() for i in range(50)]):
        assert bnodes.merge_sorted(list(lines), sorted(few)) == sorted(lines + few)
