"""The corpus generator (seeded, deterministic, report-shaped) and multi-report loading."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import run_main, source_graphs

from axiskg import paths, synth
from axiskg.dataset import Dataset
from axiskg.sparql import catalog, querying, tables
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parents[1]
GRAPH = GRAPH_NS


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    a = synth.write_corpus(tmp_path / "a", reports=2, seed=3, violations=4, root=ROOT)
    b = synth.write_corpus(tmp_path / "b", reports=2, seed=3, violations=4, root=ROOT)
    c = synth.write_corpus(tmp_path / "c", reports=2, seed=4, violations=4, root=ROOT)
    files = ["manifest.json", "synth-0001/report.nt", "synth-0002/report.nt"]
    assert [(tmp_path / "a" / f).read_bytes() for f in files] == [(tmp_path / "b" / f).read_bytes() for f in files]
    assert (tmp_path / "a" / "synth-0001/report.nt").read_bytes() != (
        tmp_path / "c" / "synth-0001/report.nt"
    ).read_bytes()
    assert a == b and a["injected"] != c["injected"]


def test_each_report_has_the_real_reports_proportions_under_its_own_iris(tmp_path):
    synth.write_corpus(tmp_path, reports=2, seed=1, root=ROOT)
    store = Dataset.load([tmp_path], inferred=False)
    real = Dataset.load(root=ROOT, inferred=False)
    count = """PREFIX axis: <https://w3id.org/axiskg/ontology#>
        SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES ?c { axis:Claim axis:CausalLink axis:State
            axis:Impact axis:Driver } ?x a ?c . FILTER(STRSTARTS(STR(?x), "https://w3id.org/axiskg/id/")) %s } GROUP BY ?c"""

    def counts(s, extra=""):
        return {r["c"].value: int(r["n"].value) for r in s.query(count % extra, use_default_graph_as_union=True)}

    per_report = counts(real, f"FILTER EXISTS {{ GRAPH <{GRAPH}alliance-axis-2025> {{ ?x a ?c }} }}")
    assert per_report[synth.AXIS + "CausalLink"] == 31 and len(per_report) == 5
    assert counts(store) == {k: 2 * v for k, v in per_report.items()}
    assert counts(store, 'FILTER(CONTAINS(STR(?x), "synth-0002"))') == per_report
    japan = "<https://w3id.org/axiskg/id/actor/japan>"
    shared = store.query(f"ASK {{ {{ ?s ?p {japan} }} UNION {{ {japan} ?p ?o }} }}", use_default_graph_as_union=True)
    assert not shared  # no IRI of the real report is reused


def test_without_injections_the_corpus_conforms(tmp_path):
    synth.write_corpus(tmp_path, reports=1, seed=9, root=ROOT)
    result = run_main("validate", str(tmp_path), "--output", "json", root=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"violation": 0' in result.stdout and '"warning": 0' in result.stdout


@pytest.fixture
def two_reports(tmp_path) -> Path:
    """A copy of the project whose data/ holds the real report and a synthetic one."""
    root = tmp_path / "project"
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copytree(ROOT / "data", root / "data")
    synth.write_corpus(tmp_path / "corpus", reports=1, seed=2, root=ROOT)
    shutil.copytree(tmp_path / "corpus" / "synth-0001", root / "data" / "synth-0001")
    return root


def _run(root: Path, name: str, params: dict | None = None) -> list[dict]:
    store = Dataset.load(root=root, inferred=False)
    query = next(q for q in catalog.load_catalog(root) if q.name == name)
    table = querying.run_local(store, query.render(params))
    return [dict(zip(table.columns, (tables.short(v) if v is not None else None for v in row))) for row in table.rows]


def test_each_report_folder_is_its_own_named_graph(two_reports):
    store = Dataset.load(root=two_reports, inferred=False)
    names = sorted(g.value for g in store.named_graphs())
    assert names == source_graphs(two_reports)
    assert GRAPH + "synth-0001" in names and names == sorted(source_graphs(ROOT) + [GRAPH + "synth-0001"])


def test_stored_queries_see_both_reports(two_reports):
    expected = list(csv.DictReader((ROOT / "tests/expected/axis-core-states.csv").open()))
    real = _run(two_reports, "axis-core-states")
    assert [r["stateLabel"] for r in real] == [r["stateLabel"] for r in expected] == ["Japan", "United States"]
    synthetic = _run(
        two_reports, "axis-core-states", {"family": "https://w3id.org/axiskg/id/mechanism/synth-0001-us-japan-plus"}
    )
    assert [(r["stateLabel"], r["mechanisms"]) for r in synthetic] == [(r["stateLabel"], r["mechanisms"]) for r in real]
    about_real = _run(two_reports, "claims-about")
    about_synth = _run(two_reports, "claims-about", {"entity": "https://w3id.org/axiskg/id/actor/synth-0001-japan"})
    assert len(about_real) == len(about_synth) > 0
    assert all("synth-0001" in str(r["claim"]) for r in about_synth)
    assert not any("synth-0001" in str(r["claim"]) for r in about_real)


def test_answers_grow_with_the_reports_not_with_their_square(tmp_path):
    """The real report says which state holds a shared code-list concept (``axis:OriginJapanCalculus
    axis:isHeldBy actor:japan``); a synthetic report does not restate it for its own copy of the
    state, or ``drivers-by-origin`` would give every driver once per report's state (5.8M rows at
    1M triples)."""
    drivers = catalog.find(catalog.load_catalog(ROOT), "drivers-by-origin").text

    def rows(reports: int) -> int:
        out = tmp_path / f"r{reports}"
        run_main("synth", "--reports", str(reports), "--out", str(out))
        (out / "manifest.json").unlink()
        store = Dataset.load([out], inferred=False)
        for path in paths.ontology_files(ROOT):  # (the origins' labels)
            store.add_file(path, ONTOLOGY_GRAPH)
        return len(querying.run_local(store, drivers).rows)

    one, three = rows(1), rows(3)
    assert one > 0 and three == 3 * one


@pytest.mark.parametrize("size", [["--triples", "6000"], ["--reports", "2"]])
def test_synth_loads_the_template_once(tmp_path, monkeypatch, size):
    """``synth`` loads the project (to copy its report) once, whether it is given a number of
    reports or of triples, and writes what the Python API writes for the same count."""
    loads = []
    real = synth.template_triples
    monkeypatch.setattr(synth, "template_triples", lambda root=None: loads.append(root) or real(root))
    done = run_main("synth", *size, "--seed", "5", "--violations", "3", "--out", str(tmp_path / "cli"), root=ROOT)
    assert done.returncode == 0, done.stderr
    assert len(loads) == 1
    monkeypatch.setattr(synth, "template_triples", real)
    synth.write_corpus(tmp_path / "api", reports=2, seed=5, violations=3, root=ROOT)
    files = ["manifest.json", "synth-0001/report.nt", "synth-0002/report.nt"]
    assert [(tmp_path / "cli" / f).read_bytes() for f in files] == [(tmp_path / "api" / f).read_bytes() for f in files]
