"""axiskg stats: instance counts of the key classes, and the triple count."""

from __future__ import annotations

import argparse
import json

from axiskg.commands import root_of


def register(subparsers) -> None:
    p = subparsers.add_parser("stats", help="count instances of the key classes and triples")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg import loading
    from axiskg.stats import format_table, summary

    counts = summary(loading.load_store(root_of(args), progress=True))
    print(json.dumps(counts, indent=2) if args.json else format_table(counts))
    return 0
