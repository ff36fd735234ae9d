"""Blank-node shapes at scale (issue 25 item 3): a chain of a million blank nodes (1M triples)
and a list of a million items (2M triples), each added to a copy of the fixture project and
built by the default ``axiskg build`` (every format, validated first), against the documented
build figure (about 1.2 GB at 1M triples). For reference, the same project's ``axiskg validate``
(the build's first step) and the bare pyoxigraph load of the added file (the floor of anything
that holds the data in a store) are measured too; ``--restricted`` adds the build limited to
``--no-validate --formats turtle,ntriples``.

    .venv/bin/python benchmarks/bench_blank_nodes.py [--size 1000000] [--restricted]

Each command runs in its own process under ``/usr/bin/time -v``; the wall time, peak RSS and exit
code go to stdout and ``benchmarks/results/blank-nodes.json``. Run on demand, never by pytest.
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


AXISKG = str(REPO / ".venv" / "bin" / "axiskg")
BARE_LOAD = """import sys, pyoxigraph as ox
path = sys.argv[1]
fmt = ox.RdfFormat.N_TRIPLES if path.endswith(".nt") else ox.RdfFormat.TURTLE
store = ox.Store()
store.load(path=path, format=fmt)
print(len(store))
"""


def measure(argv: list[str], what: str) -> dict:
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr)
    seconds = sum(float(x) * 60**i for i, x in enumerate(reversed(wall.group(1).split(":")))) if wall else None
    return {
        "what": what,
        "exit": done.returncode,
        "seconds": seconds,
        "peak_mb": int(peak.group(1)) // 1024 if peak else None,
        "error": [] if done.returncode == 0 else done.stderr.split("\tCommand being timed")[0].splitlines()[-3:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument(
        "--restricted", action="store_true", help="also the build with --no-validate --formats turtle,ntriples"
    )
    opts = parser.parse_args()
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, file in (("chain", chain, "chain.nt"), ("list", items, "list.ttl")):
            root = Path(tmp) / name
            shutil.copytree(FIXTURE, root)
            (root / "data" / file).write_text(text(opts.size))
            base = [AXISKG, "--root", str(root)]
            runs = [
                (base + ["build", "--out", str(Path(tmp) / f"out-{name}")], "axiskg build"),
                (base + ["validate"], "axiskg validate"),
                (
                    [sys.executable, "-c", BARE_LOAD, str(root / "data" / file)],
                    "bare pyoxigraph Store.load of the file",
                ),
            ]
            if opts.restricted:
                restricted = ["--no-validate", "--formats", "turtle,ntriples"]
                runs.append(
                    (
                        base + ["build", "--out", str(Path(tmp) / f"out2-{name}"), *restricted],
                        "axiskg build " + " ".join(restricted),
                    )
                )
            results[name] = []
            for argv, what in runs:
                results[name].append(measure(argv, what))
                print(name, opts.size, json.dumps(results[name][-1]), flush=True)
    out = REPO / "benchmarks" / "results" / "blank-nodes.json"
    out.write_text(json.dumps({"size": opts.size, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
