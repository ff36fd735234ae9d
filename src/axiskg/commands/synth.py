"""axiskg synth: write a seeded corpus of synthetic reports (for scale tests and benchmarks)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from axiskg.commands import root_of


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "synth",
        help="write a seeded corpus of synthetic reports shaped like the real one",
        description="Write N synthetic reports (the real report's graph under new IRIs, seeded variations) "
        "to OUT/synth-NNNN/report.nt, with a known, counted set of injected SHACL faults listed in "
        "OUT/manifest.json. Copy the folders into data/ to load them as reports of their own.",
    )
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--reports", type=int, metavar="N", help="number of reports")
    size.add_argument("--triples", type=int, metavar="T", help="about T triples (as many reports as that takes)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    p.add_argument(
        "--violations",
        type=int,
        default=0,
        metavar="K",
        help="faults to inject, spread over reports and fault kinds (default: 0)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg import synth
    from axiskg.progress import bar

    root = root_of(args)
    reports, template = synth.plan(args.reports, args.triples, args.violations, root)
    with bar(reports, "synth", "reports") as progress:
        manifest = synth.write_corpus(args.out, reports, args.seed, args.violations, root, progress, template)
    print(json.dumps({k: v for k, v in manifest.items() if k != "injected"}))
    return 0
