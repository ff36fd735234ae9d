"""How long writing the same bytes to new files takes, by the size of each ``write`` call: the
measurement behind :mod:`axiskg.slices` (writes of several megabytes at once were about thirty
times slower than writes of half a megabyte on this project's 2-processor virtual machines).

    .venv/bin/python benchmarks/bench_write_slices.py [--megabytes 80] [--runs 5]
        [--out benchmarks/results/write-slices.md]

Every file written is kept until the end of the run (as a build keeps its outputs), then removed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

SIZES = (64 << 10, 512 << 10, 1 << 20, 2 << 20, 8 << 20, 64 << 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=80)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "write-slices.md")
    args = parser.parse_args()
    data = os.urandom(1 << 20) * args.megabytes
    times: dict[int, list[float]] = {size: [] for size in SIZES}
    with tempfile.TemporaryDirectory(dir=args.out.parent) as folder:
        for run in range(args.runs):
            for size in SIZES:
                view = memoryview(data)
                start = time.perf_counter()
                with open(Path(folder) / f"{size}-{run}", "wb", buffering=0) as fh:
                    for at in range(0, len(view), size):
                        fh.write(view[at : at + size])
                times[size].append(time.perf_counter() - start)
    lines = [
        f"# Writing {args.megabytes} MB to a new file, by the size of each write",
        "",
        f"{platform.system()} {platform.release()}, {os.cpu_count()} processors; {args.runs} runs each, files kept.",
        "",
        "| bytes per write | best | median | worst |",
        "|---|---|---|---|",
    ]
    for size, runs in times.items():
        lines.append(f"| {size >> 10:,} KB | {min(runs):.3f} s | {statistics.median(runs):.3f} s | {max(runs):.3f} s |")
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
