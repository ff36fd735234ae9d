"""axiskg reason: OWL 2 DL reasoning with HermiT (via owlready2) over ontology + data.

Exit codes: 0 consistent, 1 inconsistent or unsatisfiable classes, 2 bad input or no Java.
"""

from __future__ import annotations

import argparse
import json
import os

from axiskg.commands import add_format_in, require, root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS, InputError


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
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


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
    # HermiT cannot continue on them (and takes 28 s on a 4 MiB literal, minutes on 50 MB)
    longest = int(float(os.environ.get("AXISKG_REASON_MAX_LITERAL_MB", "1")) * (1 << 20))
    refuse_bad_literals(store, root_of(args), xml=True, longest=longest)
    result = reasoning.reason(to_rdflib(store))
    if args.json:
        print(json.dumps(result.to_json(args.examples), indent=2, ensure_ascii=False))
    else:
        print(result.format_text(args.examples), end="")
    return EXIT_OK if result.consistent and not result.unsatisfiable else EXIT_VIOLATIONS
