"""axiskg reason: OWL 2 DL reasoning with HermiT (via owlready2) over ontology + data.

Exit codes: 0 consistent, 1 inconsistent or unsatisfiable classes, 2 bad input or no Java.
"""

from __future__ import annotations

import argparse
import json
import sys

from axiskg.commands import add_format_in, require, root_of
from axiskg.commands.options import add_output_format
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS, InputError
from axiskg.limits import env_limit


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reason",
        help="check OWL consistency with HermiT; list unsatisfiable classes and inferred types",
        description="Reason with HermiT (OWL 2 DL, needs Java) over the ontology and the project's data, plus "
        "any data PATHs (added to the project's data, so new individuals are classified in their context; "
        "--only: the PATHs instead of data/). Reports consistency (an inconsistency is explained in words), "
        "unsatisfiable classes and inferred types. Exit codes: 0 consistent, 1 inconsistent or unsatisfiable "
        "classes, 2 bad input or no Java.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="data files or folders to add to the project's data")
    p.add_argument("--only", action="store_true", help="reason over the ontology and the PATHs only, without data/")
    add_format_in(p, "the data PATHs")
    p.add_argument("--examples", type=int, default=5, metavar="N", help="inferred types to show (default: 5)")
    add_output_format(p, ("text", "json"), old_json=True)
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    require("reason", "reason")
    from axiskg import reasoning
    from axiskg.dataset import Dataset
    from axiskg.rdfio.literal_checks import refuse_bad_literals
    from axiskg.rdfio.terms import to_rdflib

    if args.only and not args.paths:
        raise InputError(
            None, "--only needs data PATHs to reason over (without them there is nothing but the ontology)"
        )
    store = Dataset.load(root=root_of(args), data=not args.only, inferred=False)  # --format-in is for the PATHs
    for path in args.paths:
        store.add_files(path, args.format_in)
    # HermiT cannot continue on them (and its time grows quickly with a literal's length)
    longest = env_limit("AXISKG_REASON_MAX_LITERAL_MB", 1, whole=False, unit=1 << 20)
    refuse_bad_literals(store, root_of(args), xml=True, longest=longest)
    graph = to_rdflib(store)
    for iri in reasoning.outside_imports(graph):
        print(f"axiskg: note: owl:imports <{iri}> not followed: reason uses the project's files only", file=sys.stderr)
    result = reasoning.reason(graph)
    if args.output == "json":
        print(json.dumps(result.to_json(args.examples), indent=2, ensure_ascii=False))
    else:
        print(result.format_text(args.examples), end="")
    return EXIT_OK if result.consistent and not result.unsatisfiable else EXIT_VIOLATIONS
