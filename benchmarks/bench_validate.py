"""Validation speed against the bare parse, in one run (the issue's measure: validate <= 2x parse).

    .venv/bin/python benchmarks/bench_validate.py [--sizes 100000] [--compare-src DIR] [--name NAME]

For each size, the project with a synthetic corpus (``bench_scale.make_project``: the real report
plus ``axiskg synth`` reports with injected faults) is measured in fresh subprocesses, best of 3:
the bare pyoxigraph parse of every file (``ox-parse``) and load + shapes + validation with the
default engine (``axiskg-validate``). ``--compare-src DIR`` measures the same validation with the
axiskg source tree in DIR too (e.g. a checkout of main's ``src``; measured by that checkout's own
``benchmarks/bench_scale.py`` when it has one, so a renamed module does not matter), the runs
alternating between the two trees, for a before/after figure.
Results: ``benchmarks/results/NAME.json`` and ``NAME.md`` (``validate`` by default). Run on
demand, never by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scale  # noqa: E402

RESULTS = bench_scale.RESULTS


def _script(src: Path | None) -> str:
    """The measuring script: the ``benchmarks/bench_scale.py`` of the checkout ``src`` is in (its
    measuring code matches its modules), else this one."""
    if src is not None:
        theirs = src.resolve().parent / "benchmarks" / "bench_scale.py"
        if theirs.is_file():
            return str(theirs)
    return bench_scale.__file__


def _child(task: str, root: Path, out: Path, src: Path | None) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, _script(src), "--measure", task, "--root", str(root), "--dist", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{task} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _best(task: str, root: Path, out: Path, src: Path | None = None, runs: int = 3) -> dict:
    return min((_child(task, root, out, src) for _ in range(runs)), key=lambda r: r["seconds"])


def _best_alternating(task: str, root: Path, out: Path, src: Path, runs: int = 3) -> tuple[dict, dict]:
    """Best of ``runs`` with this tree and with ``src``, the runs alternating (so a change in the
    machine's load falls on both)."""
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(_child(task, root, out, None))
        theirs.append(_child(task, root, out, src))
    return min(ours, key=lambda r: r["seconds"]), min(theirs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--compare-src", type=Path, help="an axiskg src/ tree to measure as well")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="validate", help="results file name (default: validate)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            root, manifest = bench_scale.make_project(Path(tmp), size, args.seed)
            parse = _best("ox-parse", root, Path(tmp) / "out")
            if args.compare_src:
                validate, before = _best_alternating("axiskg-validate", root, Path(tmp) / "out", args.compare_src)
            else:
                validate = _best("axiskg-validate", root, Path(tmp) / "out")
            row = {
                "size": size,
                "triples": parse["triples"],
                "parse_s": parse["seconds"],
                "validate_s": validate["seconds"],
                "validate_mb": validate["peak_mb"],
                "ratio": validate["seconds"] / parse["seconds"],
                "results": validate["results"],
                "injected": len(manifest["injected"]),
                "fallback": validate["fallback"],
            }
            if args.compare_src:
                row.update(before_s=before["seconds"], before_mb=before["peak_mb"], before_results=before["results"])
            rows.append(row)
            print(json.dumps(row))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = [
        "| triples | bare parse | axiskg validate | ratio | peak memory | results (injected faults) |"
        + (" before this change |" if args.compare_src else ""),
        "|---|---|---|---|---|---|" + ("---|" if args.compare_src else ""),
    ]
    for r in rows:
        line = (
            f"| {r['triples']:,} | {r['parse_s']:.2f} s | {r['validate_s']:.2f} s | {r['ratio']:.1f}x | "
            f"{r['validate_mb']:.0f} MB | {r['results']} ({r['injected']}) |"
        )
        if args.compare_src:
            line += f" {r['before_s']:.2f} s, {r['before_mb']:.0f} MB, {r['before_results']} results |"
        lines.append(line)
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
