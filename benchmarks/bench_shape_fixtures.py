"""Time SHACL validation of the shape fixtures and of the project data (run on demand, not by pytest).

    .venv/bin/python benchmarks/bench_shape_fixtures.py [--repeat N] [--out FILE]

For every fixture of tests/shapes/ (and for the project data) validation runs as
``axiskg.shacl.validation.validate`` does it ("plain") and with rdflib prepared queries
(``prepared_sparql()`` of tests/test_shapes.py, which the tests use); the best of N runs per
input is kept. Writes totals and per-input means to benchmarks/results/shape_fixtures.txt.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_shapes as T  # noqa: E402

from axiskg.dataset import Dataset  # noqa: E402
from axiskg.rdfio.terms import data_graph  # noqa: E402
from axiskg.shacl.validation import validate  # noqa: E402


def best_of(repeat: int, data, shapes, ont, prepared: bool) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        if prepared:
            with T.prepared_sparql():
                validate(data, shapes, ont)
        else:
            validate(data, shapes, ont)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "shape_fixtures.txt")
    args = parser.parse_args()
    shapes, ont = T.shapes(), T.ontology()
    fixtures = [T.fixture_data(fx) for fx in T.FIXTURES]
    store = Dataset.load(root=ROOT, inferred=False)
    project = data_graph(store)
    validate(fixtures[0], shapes, ont)  # warm-up: imports
    rows = []
    for name, datas in (("fixtures", fixtures), ("project data", [project])):
        plain = sum(best_of(args.repeat, d, shapes, ont, False) for d in datas)
        prepared = sum(best_of(args.repeat, d, shapes, ont, True) for d in datas)
        rows.append(
            f"{name:<14}{len(datas):>6}{plain:>10.2f}{prepared:>12.2f}"
            f"{plain / len(datas) * 1000:>14.0f}{prepared / len(datas) * 1000:>14.0f}"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"# {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus, load {load:.1f}, "
        f"best of {args.repeat} runs per input; seconds in total, milliseconds per input",
        f"{'input':<14}{'count':>6}{'plain s':>10}{'prepared s':>12}{'plain ms/1':>14}{'prepared ms/1':>14}",
        *rows,
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
