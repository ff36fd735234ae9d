"""Before/after at one corpus size, in one run: two checkouts, the same corpus, runs alternated.

    .venv/bin/python benchmarks/bench_before_after.py --before ../main [--after .] [--size 1000000]
        [--runs 3] [--out benchmarks/results/before-after]

Each checkout is measured with its own ``.venv/bin/python`` and its own
``benchmarks/bench_scale.py --measure TASK`` (bare pyoxigraph parse, build, validate, load + every
stored query), so each side runs exactly its code. The corpus is made once, by this checkout's
``bench_scale.make_project``. Memory is the peak RSS summed over the measured process and every
process it forks (``measure_tree``), so a build that forks is not flattered. The best wall time of
the runs is reported (the machine is shared), with the median beside it. Writes ``OUT.json`` and
``OUT.md``. Run on demand, never by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_scale  # noqa: E402
from measure_tree import measure  # noqa: E402

TASKS = ("ox-parse", "axiskg-build", "axiskg-validate", "axiskg-queries")


def run(tree: Path, task: str, root: Path, dist: Path) -> dict:
    python = tree / ".venv" / "bin" / "python"
    cmd = [
        str(python),
        str(tree / "benchmarks" / "bench_scale.py"),
        "--measure",
        task,
        "--root",
        str(root),
        "--dist",
        str(dist),
    ]
    tree_figures, out = measure(task, cmd, stdout=subprocess.PIPE)
    if tree_figures["rc"] != 0 or not out:
        return {"error": f"exit {tree_figures['rc']}"}
    inner = json.loads(out.strip().splitlines()[-1])
    inner["tree_rss_mb"] = tree_figures["peak_tree_rss_mb"]
    return inner


def summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if "seconds" in r]
    if not ok:
        return {"error": runs[0].get("error", "failed") if runs else "no run"}
    out = {
        "best_s": min(r["seconds"] for r in ok),
        "median_s": statistics.median(r["seconds"] for r in ok),
        "peak_mb": max(r["tree_rss_mb"] for r in ok),
        "runs_s": [round(r["seconds"], 2) for r in ok],
    }
    if "queries" in ok[0]:
        out["queries"] = {q: min(r["queries"][q]["s"] for r in ok if q in r["queries"]) for q in ok[0]["queries"]}
    return out


def commit(tree: Path) -> str:
    """``tree``'s path and commit (``+`` if it has uncommitted changes)."""
    git = ["git", "-C", str(tree)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return f"{tree} at {head or '?'}{'+' if dirty.stdout.strip() else ''}"


def change(before: float, after: float) -> str:
    return f"{(after - before) / before * 100:+.0f}%" if before else "-"


def markdown(doc: dict) -> str:
    lines = [
        f"# Before/after at {doc['triples']:,} triples",
        "",
        f"before: `{doc['before']}`; after: `{doc['after']}`; {doc['machine']}; load average at start "
        f"{doc['load_start']}, at end {doc['load_end']}; {doc['runs']} runs each, alternated.",
        "",
        "| task | before: best (median) / peak tree RSS | after: best (median) / peak tree RSS | time | memory |",
        "|---|---|---|---|---|",
    ]
    for task in doc["tasks"]:
        b, a = doc["tasks"][task]["before"], doc["tasks"][task]["after"]
        if "error" in a or "error" in b:
            lines.append(f"| {task} | {b.get('error', '')} | {a.get('error', '')} | - | - |")
            continue
        lines.append(
            f"| {task} | {b['best_s']:.2f} s ({b['median_s']:.2f}) / {b['peak_mb']} MB | "
            f"{a['best_s']:.2f} s ({a['median_s']:.2f}) / {a['peak_mb']} MB | "
            f"{change(b['best_s'], a['best_s'])} | {change(b['peak_mb'], a['peak_mb'])} |"
        )
    b, a = (
        doc["tasks"].get("axiskg-queries", {}).get("before", {}),
        doc["tasks"].get("axiskg-queries", {}).get("after", {}),
    )
    if "queries" in b and "queries" in a:
        lines += [
            "",
            "Stored queries, best of 3 in each of the runs, seconds:",
            "",
            "| query | before | after | change |",
            "|---|---|---|---|",
        ]
        for q in sorted(set(b["queries"]) | set(a["queries"])):
            qb, qa = b["queries"].get(q), a["queries"].get(q)
            lines.append(
                f"| {q} | {qb if qb is None else f'{qb:.3f}'} | {qa if qa is None else f'{qa:.3f}'} | "
                f"{change(qb, qa) if qb and qa and qb >= 0.01 else '(< 10 ms)'} |"
            )
    lines += ["", f"Reproduce: `{doc['command']}`", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout (with its .venv)")
    parser.add_argument("--after", type=Path, default=HERE.parent)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "before-after")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, of {', '.join(TASKS)}")
    args = parser.parse_args()
    tasks = [t for t in TASKS if t in args.tasks.split(",")]
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    results: dict = {task: {side: [] for side in trees} for task in tasks}
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        root, manifest = bench_scale.make_project(Path(tmp), args.size, args.seed)
        for i in range(args.runs):
            for task in tasks:
                for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
                    r = run(trees[side], task, root, Path(tmp) / f"dist-{side}-{task}-{i}")
                    results[task][side].append(r)
                    print(
                        f"run {i + 1} {task} {side}: {r.get('seconds', 0):.2f} s {r.get('tree_rss_mb', 0)} MB "
                        f"{r.get('error', '')}",
                        file=sys.stderr,
                    )
        triples = next(
            (r["triples"] for r in results.get("ox-parse", {}).get("after", []) if "triples" in r), manifest["triples"]
        )
    doc = {
        "before": commit(trees["before"]),
        "after": commit(trees["after"]),
        "triples": triples,
        "runs": args.runs,
        "machine": f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}",
        "load_start": round(load_start, 1),
        "load_end": round(os.getloadavg()[0], 1),
        "command": "python benchmarks/bench_before_after.py " + " ".join(sys.argv[1:]),
        "tasks": {task: {side: summary(results[task][side]) for side in trees} for task in tasks},
        "raw": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
    md = markdown(doc)
    args.out.with_suffix(".md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
