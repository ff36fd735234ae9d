"""axiskg check: ontology quality checks (ROBOT-report style SPARQL rules with a severity profile).

Exit codes: 0 no ERROR, 1 a rule of severity ERROR fired, 2 bad input or usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from axiskg.commands import add_format_in, root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="ontology quality checks (labels, definitions, naming, header, undeclared terms, ...)",
        description="Run the quality rules on the project's ontology and data (or the ontology and the "
        "given data PATHs); each problem names the file and line where its entity is described, where known. "
        "Exit codes: 0 no ERROR, 1 an ERROR rule fired, 2 bad input.",
    )
    p.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="data files or folders to check instead of data/"
    )
    add_format_in(p, "the data PATHs")
    p.add_argument(
        "--profile", type=Path, metavar="FILE", help="TSV of 'SEVERITY<TAB>rule' lines (default: the shipped profile)"
    )
    p.add_argument(
        "--output",
        "-o",
        choices=("text", "json", "tsv", "junit", "github"),
        default="text",
        help="report format (default: text); junit and github as axiskg validate writes them",
    )
    p.add_argument("--list-rules", action="store_true", help="list the rules and their severities, then exit")
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    from axiskg import checks
    from axiskg.commands.reports import errors_as_reports, write_report
    from axiskg.dataset import Dataset
    from axiskg.shacl.locations import Locations, place

    profile = checks.load_profile(args.profile)
    if args.list_rules:
        for name, rule in checks.available_rules().items():
            print(f"{profile.get(name, 'off'):<5}  {name}  {rule.description}")
        return EXIT_OK
    with errors_as_reports(args):
        root = root_of(args)
        store = Dataset.load(root=root, format=args.format_in, data=not args.paths, inferred=False)
        for path in args.paths:
            store.add_files(path, args.format_in)
        # each entity's file and line, found once for every output (as validate finds them)
        results = place(checks.run_checks(store, profile), Locations(store, root))
    if args.output in ("junit", "github"):  # the outputs validate writes, through the one result model
        return write_report(args, checks.as_report(results))
    sys.stdout.write(checks.FORMATTERS[args.output](results))
    return EXIT_VIOLATIONS if checks.count(results, "ERROR") else EXIT_OK
