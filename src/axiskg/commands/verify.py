"""axiskg verify: check every claim's evidence and every sentence against the report's own text.

Exit codes: 0 every quote and sentence checks out, 1 errors found, 2 bad input (unreadable RDF,
a missing or unreadable source text, or a text whose SHA-256 is not the one the report records).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from axiskg.commands import root_of


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check every claim's quote, offsets and cues, and every sentence, against the report's text",
        description="Check the evidence of every claim (oa:exact at oa:start/oa:end, prefix and suffix, "
        "uniqueness, modality and causal cues inside the quote, the sentences it lies in) and every "
        "sentence resource against the source text, after checking the text's SHA-256 against the one "
        "the report records. Without PATH, the project's data. Each report's text is found from its "
        "axis:textLocation (relative to the project root, else to $AXISKG_SOURCES); --source and, for the "
        "project's report, $AXISKG_REPORT_TEXT override it. A text that is absent is a named warning "
        "(its claims are skipped), an error when CI=true. "
        "Exit codes: 0 all checks pass, 1 errors, 2 bad input.",
    )
    p.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="RDF files or folders to verify instead of data/"
    )
    p.add_argument("--format-in", metavar="FMT", help="parse the inputs as FMT whatever their extension")
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="REPORT_IRI=FILE",
        help="the text of a report (repeatable); prefixed names such as report:x are not expanded",
    )
    p.add_argument(
        "--output",
        "-o",
        choices=("text", "json", "junit", "github"),
        default="text",
        help="report format (default: text)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg.commands.reports import errors_as_reports, write_report
    from axiskg.dataset import Dataset
    from axiskg.ingest.texts import parse_source_options
    from axiskg.rdfio.sources import definition_locator
    from axiskg.verify import verify

    with errors_as_reports(args):
        root = root_of(args)
        sources = parse_source_options(args.source)
        if args.paths:
            store = Dataset.load(args.paths, format=args.format_in, inferred=False)
        else:
            store = Dataset.load(root=root, format=args.format_in, inferred=False)
        report = verify(store, sources, locate=definition_locator(store, root), root=root)  # file:line
    return write_report(args, report)
