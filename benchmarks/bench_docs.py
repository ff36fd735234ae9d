"""Time the site, the pictures, the release and the diff (run on demand, not by pytest).

    .venv/bin/python benchmarks/bench_docs.py [--repeat N] [--out FILE]

Each step runs N times in this process (after one warm-up run, which also pays pyLODE's import);
the best and median wall-clock times go to benchmarks/results/docs.txt with the sizes written.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from axiskg import diff, release
from axiskg.dataset import Dataset
from axiskg.docs import pictures, site

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> tuple[float, float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "docs.txt")
    args = parser.parse_args()
    store = Dataset.load(root=ROOT, inferred=False)
    graphviz = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    rows = []

    def pictures_only():
        return {n: pictures.render_svg(p) for n, p in pictures.build_pictures(store).items()}

    for name, fn, size in (
        ("pictures (3 SVG, from store)", pictures_only, lambda r: sum(len(v) for v in r.values())),
        ("site: render_site (all pages)", lambda: site.render_site(ROOT), lambda r: sum(len(v) for v in r.values())),
        ("release: render_release", lambda: release.render_release(ROOT), lambda r: sum(len(v) for v in r.values())),
        ("diff: project vs itself", lambda: diff.diff_paths(ROOT, ROOT), lambda r: 0),
    ):
        median, best, result = timed(fn, args.repeat)
        rows.append(f"{name:<34}{median:>10.0f}{best:>10.0f}{size(result):>12}")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "axiskg"), "--root", str(ROOT), "docs", "--out", f"{tmp}/site"],
            check=True,
            capture_output=True,
        )
        cli_ms = (time.perf_counter() - t) * 1000
    rows.append(f"{'CLI: axiskg docs (new process)':<34}{cli_ms:>10.0f}{cli_ms:>10.0f}{'':>12}")
    lines = [
        f"# {platform.python_version()} on {platform.machine()}, {len(store)} quads, {graphviz}, "
        f"{args.repeat} runs each after a warm-up",
        f"{'step':<34}{'median ms':>10}{'best ms':>10}{'bytes':>12}",
        *rows,
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
