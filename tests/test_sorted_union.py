"""The published union of a large graph is made by worker processes, each on a range of subjects
(:class:`axiskg.rdfio.sorted_union.Union`): the N-Triples must be the sorted, distinct lines, and
the Turtle byte for byte what one writer makes of them, whatever the number of workers."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_cli

from axiskg import paths, synth
from axiskg.rdfio import sorted_union, turtle, union_worker
from axiskg.rdfio.sorted_union import Graph, Union

ROOT = paths.project_root()
EX = "https://w3id.org/axiskg/id/"


def one_writer(nt: bytes) -> bytes:
    return turtle.write(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), turtle.used_prefixes(nt))


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A project whose published union is large enough for the workers."""
    root = tmp_path_factory.mktemp("large") / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "data", root / "data")
    synth.write_corpus(root / "data", reports=30, seed=2, root=ROOT)
    return root


def test_axiskg_build_writes_a_large_graph_with_workers_as_one_writer_would(tmp_path, large):
    root = large
    out = tmp_path / "dist"
    done = run_cli("build", "--no-validate", "--out", str(out), "--formats", "turtle,ntriples", root=root)
    assert done.returncode == 0, done.stderr
    nt = (out / "axiskg.nt").read_bytes()
    assert len(nt) >= sorted_union.PARALLEL_FROM  # so the workers made it
    lines = nt.splitlines(keepends=True)
    assert lines == sorted(set(lines))
    ttl = (out / "axiskg.ttl").read_bytes()
    assert ttl == one_writer(nt)
    assert sum(1 for _ in ox.parse(ttl, format=ox.RdfFormat.TURTLE)) == len(lines)
    assert f"{len(lines)} triples".encode() in done.stdout.encode()


def graphs(folder):
    """Three graphs: repeats across them, one subject holding most lines (so every cut falls
    inside it at first), blank-node trees in several ranges, a literal to put back as written,
    and an inferred graph."""
    a = [f'<{EX}a> <{EX}p> "{i:05d}" .\n' for i in range(40)]
    a += [f'<{EX}big> <{EX}p> "{i:05d}" .\n' for i in range(400)]
    a += [f'<{EX}z{i:03d}> <{EX}q> _:n{i} .\n_:n{i} <{EX}v> "{i}" .\n' for i in range(0, 30, 3)]
    a.append(f'<{EX}w> <{EX}n> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    b = [f"<{EX}z{i:03d}> <{EX}q> <{EX}big> .\n" for i in range(30)] + a[::7]
    inferred = [f"<{EX}z{i:03d}> <{EX}r> <{EX}big> .\n" for i in range(30)]
    # an inferred copy of a literal the files wrote two ways is two lines
    inferred.append(f'<{EX}w> <{EX}m> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    swaps = {
        "a": {a[-1].encode(): a[-1].replace('"5"', '"05"').encode()},
        "i": {
            inferred[-1].encode(): (inferred[-1].replace('"7"', '"07"') + inferred[-1].replace('"7"', '"007"')).encode()
        },
    }
    out = []
    for name, lines, is_inferred in (("a", a, False), ("b", b, False), ("i", inferred, True)):
        path = folder / f"{name}.nt"
        path.write_text("".join(reversed(lines)), encoding="utf-8")
        out.append(Graph(path, swaps.get(name), is_inferred))
    return out


def made(tmp_path, workers):
    folder = tmp_path / f"w{workers if isinstance(workers, int) else 'ahead'}"
    folder.mkdir()
    with Union(graphs(folder), folder, turtle=True, workers=workers) as union:
        counts = union.counts()
        nt = union.ntriples().read_bytes()
        ttl = union.turtle().read_bytes()
        lines = union.lines()
    assert sorted(p.name for p in folder.iterdir()) == ["a.nt", "b.nt", "i.nt"]  # its files are removed
    return counts, nt, ttl, lines


@pytest.mark.parametrize("workers", [2, 3, 7])
def test_workers_make_what_one_process_makes(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(sorted_union, "PARALLEL_FROM", 0)
    alone = made(tmp_path, 1)
    counts, nt, ttl, lines = made(tmp_path, workers)
    assert (counts, nt, ttl, lines) == alone
    assert lines == sorted(set(lines)) and b"".join(lines) == nt
    assert counts.lines == len(lines) and counts.inferred == 32
    assert ttl == one_writer(nt)
    assert b'"05"^^' in nt and b'"5"^^' not in nt  # put back as written, by whichever worker has it
    assert b'"07"^^' in nt and b'"007"^^' in nt and b'"7"^^' not in nt
    assert nt.count(b"_:") == 20  # 10 trees, each a subject once and an object once, labelled once
    assert sum(1 for _ in ox.parse(ttl, format=ox.RdfFormat.TURTLE)) == len(lines)


def test_workers_started_ahead_are_taken_by_a_large_union_and_stopped_by_a_small_one(tmp_path, monkeypatch):
    """``build`` starts the workers before its load (:class:`sorted_union.Workers`)."""
    alone = made(tmp_path, 1)
    monkeypatch.setattr(sorted_union, "PARALLEL_FROM", 0)
    with sorted_union.Workers(2) as workers:
        ahead = list(workers.processes)
        assert made(tmp_path, workers) == alone
        assert workers.processes == [] and all(p.poll() is not None for p in ahead)  # taken, and done
    monkeypatch.setattr(sorted_union, "PARALLEL_FROM", 1 << 40)
    with sorted_union.Workers(2) as workers:
        ahead = list(workers.processes)
        (tmp_path / "small").mkdir()
        with Union(graphs(tmp_path / "small"), tmp_path / "small", turtle=True, workers=workers) as union:
            assert union.counts() == alone[0]  # made in this process
        assert all(p.poll() is not None for p in ahead)  # not needed: stopped


@pytest.mark.parametrize("broken", ["turtle", "reading"])
def test_a_failing_worker_is_an_error_in_the_parent_and_its_files_are_removed(tmp_path, monkeypatch, broken):
    monkeypatch.setattr(sorted_union, "PARALLEL_FROM", 0)
    nt = tmp_path / "g.nt"
    nt.write_text("<urn:a> <urn:p> <urn:b> .\nthis is not N-Triples\n<urn:c> <urn:p> <urn:d> .\n", encoding="utf-8")
    graphs = [Graph(nt)] if broken == "turtle" else [Graph(nt), Graph(tmp_path / "gone.nt")]
    if broken == "reading":
        (tmp_path / "gone.nt").write_text("<urn:e> <urn:p> <urn:f> .\n", encoding="utf-8")
    with pytest.raises(RuntimeError), Union(graphs, tmp_path, turtle=True, workers=2) as union:
        if broken == "reading":
            (tmp_path / "gone.nt").unlink()  # before the workers read it (they start in a new interpreter)
        union.counts()  # the N-Triples are made, or an error raised
        union.turtle()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt"]


def test_a_prefix_used_only_across_a_block_boundary_is_declared(tmp_path, monkeypatch):
    nt = tmp_path / "g.nt"
    lines = [f"<urn:x:{i:04d}> <urn:x:p> <urn:x:o> .\n" for i in range(60)]
    lines.insert(30, '<urn:x:0029z> <http://purl.org/dc/terms/title> "t" .\n')
    nt.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(union_worker, "BLOCK", len("".join(lines[:30])) + 20)  # cuts inside the dcterms IRI
    with Union([Graph(nt)], tmp_path, turtle=True, workers=1) as union:
        ttl = union.turtle().read_bytes()
    assert b"@prefix dcterms: <http://purl.org/dc/terms/> ." in ttl and b"dcterms:title" in ttl


def workers_of(pid: int) -> list[int]:
    """The union's worker processes among ``pid``'s children (``python -m axiskg.rdfio.union_worker``)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:  # a thread that has ended
            continue
        for child in children:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"axiskg.rdfio.union_worker" in command:
                found.append(int(child))
    return found


def build_until_a_worker_starts(root: Path, out: Path) -> tuple[subprocess.Popen, int]:
    """``axiskg build`` of ``root``, and the first union worker seen, as it starts (its
    interpreter takes far longer to start than this loop takes to see it)."""
    command = [sys.executable, "-m", "axiskg", "--root", str(root), "build", "--no-validate", "--out", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        found = workers_of(proc.pid)
        if found:
            return proc, found[0]
    proc.kill()
    pytest.fail(f"no union worker seen (exit code {proc.poll()})")


def gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0] == b"Z":
                return True  # dead, not yet reaped by init
        except OSError:
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("how", ["ctrl-c", "worker killed"])
def test_an_interrupted_or_killed_union_leaves_no_traceback_no_worker_and_no_output(tmp_path, large, how):
    """Ctrl-C reaches the command's process group; the OOM killer sends SIGKILL to a worker alone.
    Either way: a one-line message, the matching exit code, no worker left, nothing written."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "axiskg.nt").write_bytes(b"kept\n")
    proc, worker = build_until_a_worker_starts(large, out)
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(worker, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)
    err = stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    if how == "ctrl-c":
        assert proc.returncode == 130 and "interrupted" in err, err
    else:
        assert proc.returncode == 2 and "out of memory" in err and "SIGKILL" in err, err
    assert sorted(p.name for p in out.iterdir()) == ["axiskg.nt"] and (out / "axiskg.nt").read_bytes() == b"kept\n"
    assert gone(worker)
