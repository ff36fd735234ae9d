"""Time every stored query on the embedded store (run on demand, not by pytest).

    .venv/bin/python benchmarks/bench_queries.py [--repeat N] [--out FILE]

Writes one line per query (rows, median and best milliseconds over N runs, after one warm-up run)
to benchmarks/results/queries.txt, plus the time to load the store.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from axiskg.dataset import Dataset
from axiskg.sparql import catalog, querying

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "queries.txt")
    args = parser.parse_args()
    start = time.perf_counter()
    store = Dataset.load(root=ROOT)  # what query and serve load
    load_ms = (time.perf_counter() - start) * 1000
    lines = [
        f"# {platform.python_version()} on {platform.machine()}, {len(store)} quads, "
        f"Dataset.load {load_ms:.0f} ms, {args.repeat} runs each",
        f"{'query':<26}{'rows':>6}{'median ms':>12}{'best ms':>10}",
    ]
    for q in catalog.load_catalog(ROOT):
        sparql = q.render()
        rows = len(querying.run_local(store, sparql).rows)  # warm-up
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            querying.run_local(store, sparql)
            times.append((time.perf_counter() - t) * 1000)
        lines.append(f"{q.name:<26}{rows:>6}{statistics.median(times):>12.2f}{min(times):>10.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
