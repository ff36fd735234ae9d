"""axiskg release: the release files (every syntax, named graphs, shapes, VoID + DCAT)."""

from __future__ import annotations

import argparse
from pathlib import Path

from axiskg.commands import add_gate_argument, gate_wanted, refused, root_of
from axiskg.gate import Refused
from axiskg.vocab import BASE


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "release",
        help="write the release files (ttl, nt, jsonld + context, rdf, trig, shapes, VoID/DCAT) to dist/release/",
        description="Write the release: the merged graph as Turtle, N-Triples, JSON-LD (with its "
        "context file), RDF/XML; TriG with one named graph per source; the shapes; and void.ttl "
        "(VoID + DCAT: counts, classes, licence, version, download links, checksums). The "
        "ontology's owl:versionIRI/versionInfo are set from the package version. Repeated "
        "releases are byte-identical.",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: <root>/dist/release)")
    p.add_argument(
        "--include-drafts", action="store_true", help="publish draft claims too (default: curated claims only)"
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"where the files will be published, for the download links (default: {BASE}release/<version>/)",
    )
    add_gate_argument(p, "release")
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    from axiskg.release import release

    validate = gate_wanted(args, "release")
    try:
        written = release(
            root_of(args), args.out, base_url=args.base_url, include_drafts=args.include_drafts, validate=validate
        )
    except Refused as refusal:
        return refused(refusal, "release")
    for path in written.values():
        print(path)
    return 0
