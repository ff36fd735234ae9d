"""axiskg diff OLD NEW: a semantic diff of two versions of the graph."""

from __future__ import annotations

import argparse
from pathlib import Path

from axiskg.commands import root_of
from axiskg.commands.options import add_out_path, add_output_format

EXIT_SAME, EXIT_DIFFERENT = 0, 1


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "diff",
        help="semantic diff of two graph versions: terms added/removed/deprecated, triples by subject",
        description="Compare two versions of the graph. OLD and NEW are each a project folder (with "
        "ontology/ and data/) or RDF files/folders. With --rev REV, OLD is the project at git "
        "revision REV and NEW defaults to the working tree. Exit status: 0 no differences, "
        "1 differences, 2 bad input.",
    )
    p.add_argument("old", nargs="?", type=Path, metavar="OLD", help="the old version")
    p.add_argument("new", nargs="?", type=Path, metavar="NEW", help="the new version")
    p.add_argument("--rev", metavar="REV", help="compare the project at git revision REV (e.g. HEAD~1, v0.1.0)")
    add_output_format(p, ("text", "markdown"), old=("--format",), old_path=True, help="format of the report")
    add_out_path(p, "write the report to PATH instead of printing it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg import diff
    from axiskg.atomic import atomic_write
    from axiskg.errors import InputError

    if args.rev:
        if args.new is not None:
            raise InputError(None, "with --rev give at most one path (NEW)")
        root = root_of(args)
        new = args.old if args.old is not None else root
        result = diff.diff_revision(root, args.rev, new)
        old_name, new_name = f"{args.rev}", str(new)
    else:
        if args.old is None or args.new is None:
            raise InputError(None, "give OLD and NEW (or --rev REV)")
        result = diff.diff_paths(args.old, args.new)
        old_name, new_name = str(args.old), str(args.new)
    report = diff.format_diff(result, old_name, new_name, args.output)
    if args.out is not None:
        atomic_write(args.out, report.encode("utf-8"))
    else:
        print(report, end="")
    return EXIT_SAME if result.empty else EXIT_DIFFERENT
