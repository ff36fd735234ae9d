"""The Turtle of a large graph is written by worker processes, each on a range of whole subjects
(:class:`axiskg.rdfio.turtle.FileWriting`): the file must be byte for byte what one writer makes."""

import shutil

import pyoxigraph as ox
import pytest
from conftest import run_cli

from axiskg import paths, synth
from axiskg.rdfio import turtle

ROOT = paths.project_root()


def one_writer(ntriples):
    with turtle.FileWriting(ntriples, workers=1) as writing:
        return b"".join(writing.parts())


def test_axiskg_build_writes_a_large_graphs_turtle_with_workers_as_one_writer_would(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "data", root / "data")
    synth.write_corpus(root / "data", reports=30, seed=2, root=ROOT)
    out = tmp_path / "dist"
    done = run_cli("build", "--no-validate", "--out", str(out), "--formats", "turtle,ntriples", root=root)
    assert done.returncode == 0, done.stderr
    nt = out / "axiskg.nt"
    assert nt.stat().st_size >= turtle.PARALLEL_FROM  # so the workers wrote it
    ttl = (out / "axiskg.ttl").read_bytes()
    assert ttl == one_writer(nt)
    lines = nt.read_bytes().count(b"\n")
    assert sum(1 for _ in ox.parse(ttl, format=ox.RdfFormat.TURTLE)) == lines


@pytest.mark.parametrize("workers", [2, 3, 7])
def test_a_subject_is_never_split_between_workers(tmp_path, monkeypatch, workers):
    """One subject holds most of the lines, so every cut falls inside it at first."""
    ex = "https://w3id.org/axiskg/id/"
    lines = [f'<{ex}a> <{ex}p> "{i:05d}" .\n' for i in range(40)]
    lines += [f'<{ex}big> <{ex}p> "{i:05d}" .\n' for i in range(400)]
    lines += [f"<{ex}z{i:03d}> <{ex}q> <{ex}big> .\n" for i in range(30)]
    nt = tmp_path / "g.nt"
    nt.write_text("".join(sorted(lines)), encoding="utf-8")
    monkeypatch.setattr(turtle, "PARALLEL_FROM", 0)
    with turtle.FileWriting(nt, workers=workers) as writing:
        parts = writing.parts()
    assert len(parts) == workers + 1  # the prefixes, then one part per worker
    assert b"".join(parts) == one_writer(nt)
    assert b"".join(parts).count(b"<https://w3id.org/axiskg/id/big>") + b"".join(parts).count(b"id:big") >= 31


def test_a_failing_worker_is_an_error_in_the_parent_and_its_files_are_removed(tmp_path, monkeypatch):
    nt = tmp_path / "g.nt"
    nt.write_text("<urn:a> <urn:p> <urn:b> .\nthis is not N-Triples\n<urn:c> <urn:p> <urn:d> .\n", encoding="utf-8")
    monkeypatch.setattr(turtle, "PARALLEL_FROM", 0)
    with pytest.raises(RuntimeError), turtle.FileWriting(nt, workers=2) as writing:
        writing.parts()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_prefix_used_only_across_a_block_boundary_is_declared(tmp_path, monkeypatch, workers):
    nt = tmp_path / "g.nt"
    lines = [f"<urn:x:{i:04d}> <urn:x:p> <urn:x:o> .\n" for i in range(60)]
    lines.insert(30, '<urn:x:0029z> <http://purl.org/dc/terms/title> "t" .\n')
    nt.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(turtle, "_BLOCK", len("".join(lines[:30])) + 20)  # cuts inside the dcterms IRI
    monkeypatch.setattr(turtle, "PARALLEL_FROM", 0)
    with turtle.FileWriting(nt, workers=workers) as writing:
        ttl = b"".join(writing.parts())
    assert b"@prefix dcterms: <http://purl.org/dc/terms/> ." in ttl and b"dcterms:title" in ttl
