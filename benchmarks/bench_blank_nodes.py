"""Blank-node shapes at scale (issue 25 item 3): a chain of a million blank nodes and a list of a
million items, each added to a copy of the fixture project and built as the documented build
figure was measured (``--formats turtle,ntriples``; docs/performance.md: about 1.2 GB at 1M
triples), plus the full build (every format, validated first).

    .venv/bin/python benchmarks/bench_blank_nodes.py [--size 1000000] [--full]

Each build runs under ``/usr/bin/time -v``; the wall time, peak RSS and exit code go to stdout
and ``benchmarks/results/blank-nodes.json``. Run on demand, never by pytest.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "project"


def chain(n: int) -> str:
    lines = ["<http://e/s> <http://e/p> _:b0 ."]
    lines += [f"_:b{i} <http://e/p> _:b{i + 1} ." for i in range(n)]
    lines.append(f'_:b{n} <http://e/p> "end" .')
    return "\n".join(lines) + "\n"


def items(n: int) -> str:
    return "<http://e/s> <http://e/p> ( " + " ".join(f'"{i}"' for i in range(n)) + " ) .\n"


def measure(root: Path, out: Path, args: list[str]) -> dict:
    argv = ["/usr/bin/time", "-v", str(REPO / ".venv" / "bin" / "axiskg"), "--root", str(root), "build"]
    done = subprocess.run(argv + ["--out", str(out), *args], capture_output=True, text=True)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr)
    seconds = sum(float(x) * 60**i for i, x in enumerate(reversed(wall.group(1).split(":")))) if wall else None
    return {
        "args": args,
        "exit": done.returncode,
        "seconds": seconds,
        "peak_mb": int(peak.group(1)) // 1024 if peak else None,
        "error": [] if done.returncode == 0 else done.stderr.split("\tCommand being timed")[0].splitlines()[-3:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true", help="also the full build (all formats, validated)")
    opts = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, file in (("chain", chain, "chain.nt"), ("list", items, "list.ttl")):
            root = Path(tmp) / name
            shutil.copytree(FIXTURE, root)
            (root / "data" / file).write_text(text(opts.size))
            runs = [["--no-validate", "--formats", "turtle,ntriples"]] + ([[]] if opts.full else [])
            results[name] = [measure(root, Path(tmp) / f"out-{name}-{i}", args) for i, args in enumerate(runs)]
            for run in results[name]:
                print(name, opts.size, json.dumps(run), flush=True)
    out = REPO / "benchmarks" / "results" / "blank-nodes.json"
    out.write_text(json.dumps({"size": opts.size, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
