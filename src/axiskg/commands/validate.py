"""axiskg validate: check RDF files (or the project's ontology + data) against SHACL shapes.

Exit codes: 0 conforms at the ``--fail-on`` level, 1 shapes violated, 2 unreadable input or
usage error (see docs/validation.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from axiskg.commands import add_format_in, root_of
from axiskg.errors import EXIT_OK, EXIT_VIOLATIONS
from axiskg.reporting import FAIL_LEVELS, OUTPUTS

if TYPE_CHECKING:  # (no heavy imports at option-parsing time)
    from axiskg.validation import Report


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate",
        help="validate RDF files (default: the project's ontology + data) against the shapes",
        description="Validate RDF files or folders against the project's SHACL shapes and ontology "
        "(or --shapes). Without PATH, validates the project's ontology + data/. "
        "Exit codes: 0 conforms, 1 shapes violated, 2 unreadable input or usage error.",
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="RDF files or folders to validate")
    add_format_in(p, "the inputs")
    p.add_argument(
        "--shapes",
        type=Path,
        action="append",
        metavar="FILE",
        help="shapes file or folder to use instead of the project's (repeatable)",
    )
    p.add_argument(
        "--inference",
        choices=("none", "rdfs", "owlrl", "both"),
        default="none",
        help="entailment before validating (default: none)",
    )
    p.add_argument(
        "--engine",
        choices=("sparql", "pyshacl"),
        default="sparql",
        help="sparql: the shapes compiled to SPARQL over the embedded store (fast, same results "
        "as pyshacl; shapes it cannot compile go to pyshacl); pyshacl: pyshacl for everything. "
        "--inference other than none always uses pyshacl (default: sparql)",
    )
    p.add_argument(
        "--fail-on",
        choices=FAIL_LEVELS,
        default="violation",
        help="lowest severity that makes the run fail with exit code 1 (default: violation)",
    )
    p.add_argument("--output", "-o", choices=OUTPUTS, default="text", help="report format (default: text)")
    p.set_defaults(func=run, offline=lambda a: True)  # see axiskg.sandbox


def use_color(stream=None) -> bool:
    """ANSI colours only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def run(args: argparse.Namespace) -> int:
    from axiskg.rdfio.sources import source_locator
    from axiskg.rdfio.terms import data_graph, ontology_graph, written_term
    from axiskg.reporting import FORMATTERS, fails
    from axiskg.validation import add_bad_literals

    root = root_of(args)
    store = _load(args, root)
    report: Report
    shapes = _shapes(args, root)
    if args.engine == "sparql" and args.inference == "none":
        from axiskg.shacl import validate_store

        report = validate_store(store, shapes, locate=source_locator(store), progress=True)
        if report.fallback:
            print(
                f"axiskg: note: validated by pyshacl (not compiled to SPARQL): {', '.join(report.fallback)}",
                file=sys.stderr,
            )
    else:
        from axiskg.validation import validate

        report = validate(
            data_graph(store),
            shapes,
            ontology_graph(store),
            args.inference,
            locate=source_locator(store),
            written=written_term(store),
        )
    # ill-typed literals are violations whatever the shapes say (file and line in each)
    add_bad_literals(report, store, None if args.paths else root)
    options = {"fail_on": args.fail_on}
    if args.output == "text":
        options["color"] = use_color()
    sys.stdout.write(FORMATTERS[args.output](report, **options))
    return EXIT_VIOLATIONS if fails(report, args.fail_on) else EXIT_OK


def _load(args: argparse.Namespace, root: Path):
    """The store to validate: the given PATHs plus the project's ontology, else the project."""
    from axiskg import paths
    from axiskg.dataset import Dataset
    from axiskg.rdfio.reading import load_file
    from axiskg.vocab import ONTOLOGY_GRAPH

    if not args.paths:
        return Dataset.load(root=root, format=args.format_in, progress=True, inferred=False)
    store = Dataset.load(args.paths, format=args.format_in, progress=True, inferred=False)
    for path in paths.ontology_files(root):
        load_file(store, path, ONTOLOGY_GRAPH)
    return store


def _shapes(args: argparse.Namespace, root: Path):
    """``--shapes`` files (literals kept as written), else the project's shapes."""
    from axiskg.dataset import load_shapes
    from axiskg.shacl import read_shapes

    return read_shapes(args.shapes) if args.shapes else load_shapes(root)


# --------------------------------------------------------------------------- the gate of build and release


def add_gate_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--no-validate`` for a command that validates the project before it writes anything."""
    parser.add_argument(
        "--no-validate",
        action="store_true",
        help=f"{what} even if the project's data violates its shapes (not recommended; a note on stderr says so)",
    )


def validate_first(args: argparse.Namespace, what: str) -> int | None:
    """Validate the project (default engine) before ``what`` writes anything: ``None`` when it may
    go on (no sh:Violation, or ``--no-validate``, which is noted on stderr); else the report is
    printed, the refusal said on stderr, and the exit code (1) returned."""
    from axiskg.dataset import Dataset, load_shapes
    from axiskg.rdfio.sources import source_locator
    from axiskg.reporting import fails, format_text
    from axiskg.shacl import validate_store

    if getattr(args, "no_validate", False):
        print(f"axiskg: note: --no-validate: {what} without validating the data against the shapes", file=sys.stderr)
        return None
    root = root_of(args)
    store = Dataset.load(root=root, inferred=False)
    report = validate_store(store, load_shapes(root), locate=source_locator(store))
    if not fails(report, "violation"):
        return None
    sys.stdout.write(format_text(report, color=use_color()))
    print(
        f"axiskg: error: {what} refused: the data has {report.count('Violation')} SHACL violation(s) "
        "(see above; fix them, or pass --no-validate to override); nothing was written",
        file=sys.stderr,
    )
    return EXIT_VIOLATIONS
