"""Deterministic blank-node labels (axiskg.bnodes) and the fast build that uses them."""

from __future__ import annotations

import pyoxigraph as ox

from axiskg import bnodes, build

from conftest import run_cli

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
        _t("claim1", "evidence", f"_:{a}"), _t(f"_:{a}", "selector", f"_:{b}"),
        _t(f"_:{b}", "exact", ox.Literal("same words")),
        _t("claim2", "evidence", f"_:{c}"), _t(f"_:{c}", "source", "report"),
    ]


def test_labels_depend_on_content_and_owner_not_on_input_labels():
    one = sorted(map(str, bnodes.stable_labels(_graph("x", "y", "z"))))
    two = sorted(map(str, bnodes.stable_labels(list(reversed(_graph("q1", "q2", "q3"))))))
    assert one == two
    labels = {t.object.value for t in bnodes.stable_labels(_graph("x", "y", "z")) if isinstance(t.object, ox.BlankNode)}
    assert len(labels) == 3 and all(len(x) == 21 and x.startswith("b") for x in labels)


def test_identical_twins_under_one_owner_stay_two_nodes():
    twins = [_t("claim", "evidence", "_:a"), _t("_:a", "source", "report"),
             _t("claim", "evidence", "_:b"), _t("_:b", "source", "report")]
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
    result = run_cli("build", "--out", str(tmp_path / "e"), "--formats", "turtle,xml", root=project)
    assert result.returncode == 2
    assert result.stderr.strip() == "axiskg: error: unknown output format 'xml'; choose from turtle, ntriples, jsonld, rdfxml"
