"""axiskg build: write the merged graph and the shapes to dist/."""

from __future__ import annotations

import argparse
from pathlib import Path

from axiskg.commands import add_gate_argument, gate_wanted, refused, root_of
from axiskg.gate import Refused


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "build",
        help="write the merged graph (ttl, nt, jsonld, rdf) and shapes to dist/",
        description="Validate the project against its shapes first (any sh:Violation: the report is printed, "
        "nothing is written, exit code 1; --no-validate overrides), then merge the ontology (ontology/) and "
        "every data folder (data/<source>/) into "
        "dist/axiskg.{ttl,nt,jsonld,rdf} and the shapes into dist/shapes.ttl. Rebuilds are byte-identical; "
        "each file is written atomically, and bad input leaves dist/ untouched (exit code 2, naming the "
        "file and line).",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: <root>/dist)")
    p.add_argument(
        "--formats",
        metavar="LIST",
        help="comma-separated graph formats to write: turtle,ntriples,jsonld,rdfxml (default: all; "
        "turtle and ntriples are the fast ones for large graphs)",
    )
    p.add_argument(
        "--include-drafts", action="store_true", help="publish draft claims too (default: curated claims only)"
    )
    add_gate_argument(p, "build")
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    from axiskg.build import build
    from axiskg.inference import describe_counts

    validate = gate_wanted(args, "build")
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip()) if args.formats else None
    counts: dict[str, int] = {}
    try:
        written = build(
            root_of(args), args.out, formats, True, counts, include_drafts=args.include_drafts, validate=validate
        )
    except Refused as refusal:
        return refused(refusal, "build")
    for path in written.values():
        print(path)
    print(describe_counts(counts))
    return 0
