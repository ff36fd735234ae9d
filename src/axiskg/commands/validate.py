"""axiskg validate: check RDF files (or the project's ontology + data) against SHACL shapes.

Exit codes: 0 conforms at the ``--fail-on`` level, 1 shapes violated, 2 unreadable input or
usage error (see docs/validation.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from axiskg.commands import add_format_in, root_of
from axiskg.commands.reports import errors_as_reports, write_report
from axiskg.shacl.reporting import FAIL_LEVELS, OUTPUTS

if TYPE_CHECKING:  # (no heavy imports at option-parsing time)
    from axiskg.shacl.results import Report


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
        help="shapes file or folder to use instead of the project's (repeatable): standard SHACL, "
        "the report holds these shapes' results only, on the PATHs alone (see docs/validation.md)",
    )
    p.add_argument(
        "--in-project",
        action="store_true",
        help="validate the PATHs in the context of their project: the project's data/ (the nearest "
        "folder from here holding data/ or ontology/) is loaded with them, so references across files "
        "resolve, and results are reported for the PATHs only (what the pre-commit hook runs)",
    )
    p.add_argument(
        "--context",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="with --in-project: more files or folders to load with the PATHs, instead of data/ (repeatable)",
    )
    p.add_argument(
        "--well-typed",
        action="store_true",
        help="with --shapes: also report ill-typed literals (axsh:WellTypedLiteralShape), "
        "which the project's own shapes always do",
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


def run(args: argparse.Namespace) -> int:
    with errors_as_reports(args, _shape_files(args)):
        report = _report(args)
    return write_report(args, report)


def _report(args: argparse.Namespace) -> Report:
    """The report of the run: the shapes' results, the project's own checks unless ``--shapes``
    (or ``--well-typed``), each result with the file and line of its focus node; a draft claim's
    shortcomings are warnings (``axiskg.ingest.curation``)."""
    from axiskg.ingest.curation import soften_drafts
    from axiskg.rdfio.sources import source_locator
    from axiskg.rdfio.terms import data_graph, ontology_graph, written_term
    from axiskg.shacl import project_checks
    from axiskg.shacl.locations import Locations, place
    from axiskg.shacl.results import Result

    root = root_of(args)
    store = _load(args, root)
    report: Report
    shapes = _shapes(args, root)
    own = []  # the project's own checks (see docs/validation.md)
    if not args.shapes or args.well_typed:
        own.append(lambda: project_checks.bad_literal_results(store, None if args.paths else root))
    if not args.shapes:
        own.append(lambda: project_checks.undeclared_term_results(store))
    if args.engine == "sparql" and args.inference == "none":
        from axiskg.shacl import validate_store

        report = validate_store(store, shapes, locate=source_locator(store), progress=True, beside=own)
        own_results = report.beside_results
        if report.fallback:
            print(
                f"axiskg: note: validated by pyshacl (not compiled to SPARQL): {', '.join(report.fallback)}",
                file=sys.stderr,
            )
    else:
        from axiskg.shacl.validation import validate

        report = validate(
            data_graph(store),
            shapes,
            ontology_graph(store),
            args.inference,
            locate=source_locator(store),
            written=written_term(store),
        )
        own_results = [r for check in own for r in check()]
    project_checks.add(report, store, own_results)
    report = soften_drafts(report, store)
    report.results = sorted(place(report.results, Locations(store, root)), key=Result.sort_key)
    if args.in_project and args.paths:
        from axiskg.shacl.locations import only_in

        only_in(report, args.paths)
    return report


def _shape_files(args: argparse.Namespace) -> list[Path]:
    """The shapes files of the run (for locating an error in them)."""
    from axiskg import paths

    try:
        if args.shapes:
            return [f for g in args.shapes for f in (paths.rdf_files_under(g) if g.is_dir() else [g])]
        return paths.shape_files(root_of(args))
    except OSError:
        return []


def _load(args: argparse.Namespace, root: Path):
    """The dataset to validate: the given PATHs plus the project's ontology (only the PATHs with
    ``--shapes``: someone else's shapes see their data graph alone), else the project."""
    from axiskg import paths
    from axiskg.dataset import Dataset
    from axiskg.vocab import ONTOLOGY_GRAPH

    if not args.paths:
        return Dataset.load(root=root, format=args.format_in, progress=True, inferred=False)
    given = list(args.paths)
    if args.in_project:
        given += _context(args)
    store = Dataset.load(given, format=args.format_in, progress=True, inferred=False)
    for path in [] if args.shapes else paths.ontology_files(root):
        store.add_file(path, ONTOLOGY_GRAPH)
    return store


def _context(args: argparse.Namespace) -> list[Path]:
    """The files loaded beside the PATHs with ``--in-project``: the ``--context`` files and
    folders, else the ``data/`` of the nearest folder (from the working folder up) holding
    ``data/`` or ``ontology/``; the PATHs themselves left out (each file is loaded once)."""
    from axiskg import paths

    folders = args.context
    if not folders:
        here = Path.cwd().resolve()
        home = next((f for f in (here, *here.parents) if (f / "data").is_dir() or (f / "ontology").is_dir()), None)
        folders = [home / "data"] if home is not None and (home / "data").is_dir() else []
    given = {p.resolve() for p in args.paths}
    files = [f for c in folders for f in (paths.rdf_files_under(c) if c.is_dir() else [c])]
    return sorted({f for f in files if f.resolve() not in given})


def _shapes(args: argparse.Namespace, root: Path):
    """``--shapes`` files (literals kept as written), else the project's shapes."""
    from axiskg.dataset import load_shapes
    from axiskg.shacl import read_shapes

    return read_shapes(args.shapes) if args.shapes else load_shapes(root)
