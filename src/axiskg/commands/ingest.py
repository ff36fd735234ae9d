"""axiskg ingest: draft a new report's graph (data/ID/) from its plain text.

Exit codes: 0 written (or nothing to add), 1 quotes that no longer match the text (listed), 2 bad
input (unreadable, binary, non-UTF-8, empty or oversized text; an unsafe ID; an existing report
without --force/--update; a changed text without --update). Nothing is written on exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from axiskg.commands import root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="draft a new report's graph in data/ID/ from its plain text (sentences, offsets, draft claims)",
        description="Read a report's plain text (UTF-8) and write data/ID/: report.ttl (metadata, the text's "
        "SHA-256 and where it is found), text.ttl (divisions, paragraphs and sentences with offsets), "
        "drafts.ttl (a draft claim per sentence with a modality cue, with candidate entities) and "
        "evidence.ttl (both selectors of every quote). Running it again keeps what a curator changed. "
        "Exit codes: 0 done, 1 quotes no longer found in the text (listed), 2 bad input (nothing written).",
    )
    p.add_argument("text", type=Path, metavar="TEXT", help="the report's plain text (UTF-8)")
    p.add_argument("--id", required=True, dest="report_id", metavar="ID", help="the report's ID: data/ID/, report:ID")
    p.add_argument("--title", help="the report's title (default: its first line)")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="the date the report was published")
    p.add_argument("--url", help="where the report is published (http or https)")
    p.add_argument("--authors", help="who wrote it, as one line (default: an agent that says they are not named)")
    p.add_argument("--language", default="en", help="the text's language, for sentence splitting (default: en)")
    p.add_argument(
        "--force", action="store_true", help="run again on an existing report: add drafts, keep curated work"
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="the text changed: rewrite sentences, checksum and evidence; list quotes that no longer match",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from axiskg.ingest.run import Request, ingest

    root = root_of(args)
    req = Request(
        args.text,
        args.report_id,
        args.title,
        args.published,
        args.url,
        args.authors,
        args.language,
        args.force,
        args.update,
    )
    out = ingest(root, req)
    where = f"data/{args.report_id}/"
    if out.unchanged:
        print(f"{where}: the text is unchanged and every sentence with a cue has a claim: nothing to add")
        return EXIT_OK
    print(
        f"{where}: {out.headings} headings, {out.paragraphs} paragraphs, {out.sentences} sentences; "
        f"{len(out.drafts)} new draft claims ({sum(d.with_candidates for d in out.drafts)} with candidate entities)"
    )
    print(f"wrote {', '.join(where + name for name in out.written)}")
    for quote in out.lost:
        print(f"no longer matches the text: <{quote.claim}>: {quote.exact[:60]!r}", file=sys.stderr)
    if out.lost:
        print(
            f"{len(out.lost)} quotes no longer match: fix their oa:exact, then run axiskg evidence {args.report_id}",
            file=sys.stderr,
        )
        return EXIT_VIOLATIONS
    print(f"next: curate {where}drafts.ttl, then axiskg evidence {args.report_id}; axiskg verify; axiskg validate")
    return EXIT_OK
