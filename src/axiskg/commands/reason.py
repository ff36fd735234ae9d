"""axiskg reason: OWL 2 DL reasoning with HermiT (via owlready2) over ontology + data.

Exit codes: 0 consistent, 1 inconsistent or unsatisfiable classes, 2 bad input or no Java.
"""

from __future__ import annotations

import argparse
import json

from axiskg.commands import root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS


def register(subparsers) -> None:
    p = subparsers.add_parser("reason", help="check OWL consistency with HermiT; list unsatisfiable classes and inferred types")
    p.add_argument("paths", nargs="*", metavar="PATH", help="data files or folders to reason over instead of data/")
    p.add_argument("--format-in", metavar="FMT", help="parse the data PATHs as FMT whatever their extension")
    p.add_argument("--examples", type=int, default=5, metavar="N", help="inferred types to show (default: 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg import loading, reasoning

    store = loading.load_store(root_of(args), format=args.format_in, data=not args.paths)
    for path in args.paths:
        loading.load_into(store, path, args.format_in)
    result = reasoning.reason(loading.to_rdflib(store))
    if args.json:
        print(json.dumps(result.to_json(args.examples), indent=2, ensure_ascii=False))
    else:
        print(result.format_text(args.examples), end="")
    return EXIT_OK if result.consistent and not result.unsatisfiable else EXIT_VIOLATIONS
