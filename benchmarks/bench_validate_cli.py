"""``axiskg validate FILE`` or ``axiskg build`` from the command line against the bare pyoxigraph
parse, before/after.

    .venv/bin/python benchmarks/bench_validate_cli.py --before ../before --corpus /tmp/corpus1m.nt
        [--after .] [--runs 3] [--out benchmarks/results/validate-1m.md]
    .venv/bin/python benchmarks/bench_validate_cli.py --task build --project DIR --before ../before
        --corpus /tmp/corpus1m.nt [--out benchmarks/results/build-1m.md]

``--task build`` runs ``axiskg --root DIR build --no-validate --formats turtle,ntriples`` on a
project whose ``ontology/`` is the ontology and whose ``data/`` holds the corpus, into a temp
folder; memory is then the peak of the *summed* PSS of the command's process tree
(``measure_tree``, in a second run of each command, the bare parse's too, so that the sampling
does not slow the timed run), since the build's published union is made by worker processes.

The corpus is an N-Triples file (e.g. the ontology plus ``axiskg synth --triples 1000000
--violations 40``). Each round runs, each in its own process and measured by ``/usr/bin/time``
(wall seconds, peak RSS): the bare parse (``pyoxigraph.Store().bulk_load`` of the file), then
``axiskg validate FILE`` of each checkout, in alternating order. The table gives the best and
the median of the runs, and the ratios of the best runs to the best bare parse (the goal: at most
3x its time and 1.1x its memory). Run on demand, never by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE = (
    "import sys, pyoxigraph as ox\n"
    "s = ox.Store(); s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES); print(len(s))\n"
)


def timed(cmd: list[str], cwd: Path, tree: bool = False) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MB, exit code) of ``cmd`` run in ``cwd``; ``tree``: the peak of
    the summed PSS of its process tree instead, measured in a second run: sampling
    ``/proc/*/smaps_rollup`` every 20 ms takes processor time from the command (about a second of
    a 12 s build on two processors), so the wall time comes from the run that is not sampled."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, capture_output=True, text=True, check=False)
    wall, kb = proc.stderr.strip().splitlines()[-1].split()
    if not tree:
        return float(wall), int(kb) // 1024, proc.returncode
    figures = subprocess.run(
        [sys.executable, str(HERE / "measure_tree.py"), "run", *cmd], cwd=cwd, capture_output=True, text=True
    )
    told = json.loads(figures.stdout.strip().splitlines()[-1])
    return float(wall), told["peak_tree_pss_mb"], proc.returncode or told["rc"]


def commit(tree: Path) -> str:
    head = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return head.stdout.strip() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout (with its .venv)")
    parser.add_argument("--after", type=Path, default=HERE.parent)
    parser.add_argument("--corpus", type=Path, required=True, help="an N-Triples file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--task", choices=("validate", "build"), default="validate")
    parser.add_argument("--project", type=Path, help="for --task build: the project to build")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "validate-1m.md")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    corpus = str(args.corpus.resolve())
    runs: dict[str, list[tuple[float, int]]] = {"bare parse": [], "before": [], "after": []}
    load_start = os.getloadavg()[0]
    build = args.task == "build"
    if build and args.project is None:
        parser.error("--task build needs --project")
    out_dir = tempfile.mkdtemp(prefix="bench-build-")

    def command(tree: Path) -> list[str]:
        axiskg = str(tree / ".venv" / "bin" / "axiskg")
        if not build:
            return [axiskg, "validate", corpus]
        return [
            axiskg,
            "--root",
            str(args.project.resolve()),
            "build",
            "--no-validate",
            "--formats",
            "turtle,ntriples",
            "--out",
            out_dir,
        ]

    for i in range(args.runs):
        wall, mb, _ = timed([str(trees["after"] / ".venv" / "bin" / "python"), "-c", BARE, corpus], HERE, build)
        runs["bare parse"].append((wall, mb))
        print(f"run {i + 1} bare parse: {wall:.2f} s {mb} MB", file=sys.stderr)
        for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
            tree = trees[side]
            wall, mb, rc = timed(command(tree), tree, build)
            runs[side].append((wall, mb))
            print(f"run {i + 1} {args.task} {side}: {wall:.2f} s {mb} MB (exit {rc})", file=sys.stderr)
    bare_s = min(w for w, _ in runs["bare parse"])
    bare_mb = min(m for _, m in runs["bare parse"])
    lines = [
        f"# `axiskg {args.task}` of {args.corpus.name}: before/after against the bare parse",
        "",
        f"Command: `{' '.join(command(Path('<checkout>')))}`"
        + (
            "; wall time from a run of its own; memory, from a second run: the peak summed PSS of the"
            " process tree, sampled every 20 ms"
            if build
            else "; memory: peak RSS"
        ),
        "",
        f"before: `{trees['before']}` at {commit(trees['before'])}; after: `{trees['after']}` at "
        f"{commit(trees['after'])}; {os.cpu_count()} cores; load average at start {load_start:.1f}, at end "
        f"{os.getloadavg()[0]:.1f}; {args.runs} runs each, alternated.",
        "",
        "| run | best (median) wall | peak RSS (best run, max) | time / bare parse | memory / bare parse |",
        "|---|---|---|---|---|",
    ]
    for name, figures in runs.items():
        best = min(figures)
        lines.append(
            f"| {name} | {best[0]:.2f} s ({statistics.median(w for w, _ in figures):.2f} s) | "
            f"{best[1]} MB, {max(m for _, m in figures)} MB | {best[0] / bare_s:.2f}x | {best[1] / bare_mb:.2f}x |"
        )
    lines += [
        "",
        "Every run: " + "; ".join(f"{n} " + ", ".join(f"{w:.2f} s/{m} MB" for w, m in f) for n, f in runs.items()),
        "",
        f"Reproduce: `python benchmarks/bench_validate_cli.py {' '.join(sys.argv[1:])}`",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
