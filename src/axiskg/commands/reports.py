"""The reports of the commands that report results (``validate``, ``check``, ``verify``): one
writer for the outputs they share (text, JSON, Turtle, JUnit, GitHub annotations) and their errors
as reports in the same format (:mod:`axiskg.shacl.reporting`)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING

from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS, InputError

if TYPE_CHECKING:
    from axiskg.shacl.results import Report


def use_color(stream=None) -> bool:
    """ANSI colours only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def write_report(args: argparse.Namespace, report: Report) -> int:
    """``report`` on stdout in ``--output`` (``--fail-on`` when the command has it, else
    violation); the exit code: 1 when a result is at or above that level, else 0."""
    from axiskg.shacl.reporting import FORMATTERS, fails

    fail_on = getattr(args, "fail_on", "violation")
    options: dict[str, object] = {"fail_on": fail_on}
    if args.output == "text":
        options["color"] = use_color()
    if args.output in ("junit", "github"):
        options["tool"] = f"axiskg {args.command}"
    sys.stdout.write(FORMATTERS[args.output](report, **options))  # type: ignore[arg-type]
    return EXIT_VIOLATIONS if fails(report, fail_on) else EXIT_OK


@contextlib.contextmanager
def errors_as_reports(args: argparse.Namespace, shape_files=()):
    """Input the run cannot use (an unreadable or missing file, a syntax error, refused shapes)
    is a report too, in the ``--output`` format (:func:`axiskg.shacl.reporting.format_error`), its file
    as given; then the error goes on to the CLI (stderr, exit 2)."""
    from axiskg.shacl.reporting import format_error

    try:
        yield
    except InputError as exc:
        error = _located(exc, shape_files)
        sys.stdout.write(format_error(error, args.output, f"axiskg {args.command}", _fail_on(args)))
        raise error from None
    except OSError as exc:
        error = _located(InputError(exc.filename, exc.strerror or str(exc)))
        sys.stdout.write(format_error(error, args.output, f"axiskg {args.command}", _fail_on(args)))
        raise error from None


def _located(exc: InputError, shape_files=()) -> InputError:
    """``exc`` naming its file as given; a shapes error names the shapes file (and, for a
    refused query, the line of the shape that holds it)."""
    from axiskg.shacl.locations import lines_in
    from axiskg.shacl.shape_queries import RefusedShape

    path, line = exc.path, exc.line
    if path == "shapes" and shape_files:
        path = str(shape_files[0])
        if isinstance(exc, RefusedShape):  # the shape's IRI where it is described, else its query key
            from rdflib import BNode

            target = str(exc.key if isinstance(exc.node, BNode) else exc.node)
            found = [(str(f), n) for f in shape_files if (n := lines_in(f, {target}).get(target)) is not None]
            if found:
                path, line = found[0]
    return InputError(path, exc.problem, line, exc.column)


def _fail_on(args: argparse.Namespace) -> str:
    return getattr(args, "fail_on", "violation")
