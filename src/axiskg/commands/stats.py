"""axiskg stats: instances of every class in use (or of the given classes), and the graph's size."""

from __future__ import annotations

import argparse
import json

from axiskg.commands import root_of


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "stats",
        help="count the instances of every class in use, and the graph's triples and terms",
        description="Count the instances of every class the data uses (with subclasses: axis:Actor counts "
        "states and commands), largest first, or of the classes given with --class; then the graph's "
        "triples, named graphs and the ontology's classes and properties (like ROBOT's measure). "
        "An extension's classes appear with no code change.",
    )
    p.add_argument(
        "--class",
        dest="classes",
        action="append",
        metavar="CLASS",
        help="count only this class (a CURIE such as axis:Actor, or an IRI); repeatable",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg.dataset import Dataset
    from axiskg.stats import format_table, measure

    result = measure(Dataset.load(root=root_of(args), progress=True, inferred=False), args.classes)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else format_table(result))
    return 0
