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
        "--output", "-o", choices=("text", "json", "tsv"), default="text", help="report format (default: text)"
    )
    p.add_argument("--list-rules", action="store_true", help="list the rules and their severities, then exit")
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def run(args: argparse.Namespace) -> int:
    from axiskg import checks
    from axiskg.dataset import Dataset
    from axiskg.rdfio.sources import definition_locator

    profile = checks.load_profile(args.profile)
    if args.list_rules:
        for name, rule in checks.available_rules().items():
            print(f"{profile.get(name, 'off'):<5}  {name}  {rule.description}")
        return EXIT_OK
    root = root_of(args)
    store = Dataset.load(root=root, format=args.format_in, data=not args.paths, inferred=False)
    for path in args.paths:
        store.add_files(path, args.format_in)
    problems = checks.run_checks(store, profile, locate=definition_locator(store, root))
    sys.stdout.write(checks.FORMATTERS[args.output](problems))
    return EXIT_VIOLATIONS if checks.count(problems, "ERROR") else EXIT_OK
