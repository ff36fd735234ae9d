"""axiskg evidence: recompute every claim's selectors, offsets and sentence links from its oa:exact.

Exit codes: 0 written, 1 quotes not found once in the text (listed; written with their quote
selector only), 2 bad input (no such report, its text missing or not the one it records).
"""

from __future__ import annotations

import argparse
import sys

from axiskg.commands import root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evidence",
        help="recompute selectors, offsets and sentence links of every claim's quote (data/ID/evidence.ttl)",
        description="For each report (or the one named), read its text from where the report says it is, "
        "check its SHA-256, and write data/ID/evidence.ttl: every claim's quote (oa:exact) found in the "
        "component it is stated in (else the whole text), with oa:prefix/oa:suffix, oa:start/oa:end and "
        "the sentences it lies in. Exit codes: 0 done, 1 quotes not found once (listed), 2 bad input.",
    )
    p.add_argument("report_ids", nargs="*", metavar="ID", help="reports to recompute (default: every report in data/)")
    p.add_argument(
        "--source", action="append", default=[], metavar="REPORT_IRI=FILE", help="the text of a report (repeatable)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg.ingest.regenerate import regenerate

    root = root_of(args)
    results = regenerate(root, args.report_ids, args.source)
    lost = 0
    for report_id, count, quotes in results:
        print(f"data/{report_id}/evidence.ttl: {count} claims' evidence written")
        for quote in quotes:
            print(f"not found once in the text: <{quote.claim}>: {quote.exact[:60]!r}", file=sys.stderr)
        lost += len(quotes)
    return EXIT_VIOLATIONS if lost else EXIT_OK
