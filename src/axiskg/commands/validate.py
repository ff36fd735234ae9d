"""axiskg validate: check the project's ontology and data against its SHACL shapes."""

from __future__ import annotations

import argparse

from axiskg.commands import root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS


def register(subparsers) -> None:
    p = subparsers.add_parser("validate", help="validate ontology + data against the shapes")
    p.add_argument("--format-in", metavar="FMT", help="parse the data files as FMT (turtle, nt, nq, trig, json-ld, xml)")
    p.add_argument(
        "--inference",
        choices=("none", "rdfs", "owlrl", "both"),
        default="none",
        help="entailment before validating (default: none)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg import loading
    from axiskg.validation import format_text, validate

    root = root_of(args)
    store = loading.load_store(root, format=args.format_in)
    shapes = loading.load_shapes(root)
    report = validate(loading.data_graph(store), shapes, loading.ontology_graph(store), args.inference)
    print(format_text(report), end="")
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS
