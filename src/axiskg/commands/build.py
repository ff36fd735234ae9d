"""axiskg build: write the merged graph and the shapes to dist/."""

from __future__ import annotations

import argparse
from pathlib import Path

from axiskg.commands import root_of


def register(subparsers) -> None:
    p = subparsers.add_parser("build", help="write the merged graph (ttl, nt, jsonld, rdf) and shapes to dist/")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: <root>/dist)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg.build import build, triple_count

    written = build(root_of(args), args.out)
    for path in written.values():
        print(path)
    print(f"{triple_count(written['ntriples'])} triples")
    return 0
