"""axiskg stats: instances of every class in use (or of the given classes), and the graph's size."""

from __future__ import annotations

import argparse
import json

from axiskg.commands import root_of
from axiskg.commands.options import add_output_format


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "stats",
        help="count the instances of every class in use, and the graph's triples and terms",
        description="Count the instances of every class the data uses (with subclasses: axis:Actor counts "
        "states and commands), largest first, or of the classes given with --class; then the graph's "
        "triples (asserted, inferred and their total: what build and the release publish), named graphs and "
        "the ontology's classes and properties (like ROBOT's measure). "
        "An extension's classes appear with no code change.",
    )
    p.add_argument(
        "--class",
        dest="classes",
        action="append",
        metavar="CLASS",
        help="count only this class (a CURIE such as axis:Actor, or an IRI); repeatable",
    )
    add_output_format(p, ("text", "json"), old_json=True, help="format of what is printed (text: a table)")
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    from axiskg.dataset import Dataset
    from axiskg.stats import format_table, measure

    result = measure(Dataset.load(root=root_of(args), progress=True), args.classes)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.output == "json" else format_table(result))
    return 0
