"""axiskg verify: check every claim's evidence and every sentence against the report's own text.

Exit codes: 0 every quote and sentence checks out, 1 errors found, 2 bad input (unreadable RDF,
a missing or unreadable source text, or a text whose SHA-256 is not the one the report records).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from axiskg.commands import root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS, InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check every claim's quote, offsets and cues, and every sentence, against the report's text",
        description="Check the evidence of every claim (oa:exact at oa:start/oa:end, prefix and suffix, "
        "uniqueness, modality and causal cues inside the quote, the sentences it lies in) and every "
        "sentence resource against the source text, after checking the text's SHA-256 against the one "
        "the report records. Without PATH, the project's data. The project's report text is read from "
        "$AXISKG_REPORT_TEXT or ../shared/seed/alliance-axis-report.txt. "
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


def parse_sources(given: list[str], root: Path) -> dict[str, Path]:
    from axiskg.verify import project_report_text
    from axiskg.vocab import PROJECT_REPORT

    sources = {PROJECT_REPORT: project_report_text(root)}
    for item in given:
        iri, sep, file = item.partition("=")
        if not sep or not iri or not file:
            raise InputError(None, f"--source {item!r}: expected REPORT_IRI=FILE")
        sources[iri.strip("<>")] = Path(file)
    return sources


def run(args: argparse.Namespace) -> int:
    from axiskg.commands.validate import use_color
    from axiskg.dataset import Dataset
    from axiskg.rdfio.sources import definition_locator
    from axiskg.reporting import FORMATTERS, fails
    from axiskg.verify import verify

    root = root_of(args)
    sources = parse_sources(args.source, root)
    if args.paths:
        store = Dataset.load(args.paths, format=args.format_in, inferred=False)
    else:
        store = Dataset.load(root=root, format=args.format_in, inferred=False)
    report = verify(store, sources, locate=definition_locator(store, root))  # file:line
    options: dict[str, object] = {"color": use_color()} if args.output == "text" else {}
    if args.output in ("junit", "github"):
        options["tool"] = "axiskg verify"
    sys.stdout.write(FORMATTERS[args.output](report, **options))  # type: ignore[arg-type]
    return EXIT_VIOLATIONS if fails(report) else EXIT_OK
