"""Subcommands of the ``axiskg`` CLI, one module each (see :mod:`axiskg.cli`)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from axiskg.errors import InputError
from axiskg.gate import Refused

#: optional extra -> the top-level modules it installs (``pip install 'axiskg[EXTRA]'``)
EXTRAS: dict[str, tuple[str, ...]] = {
    "serve": ("starlette", "uvicorn", "jinja2"),
    "docs": ("pylode", "jinja2", "graphviz"),
    "reason": ("owlready2",),
    "publish": ("requests",),
}


class MissingExtra(InputError):
    """A command needs an optional dependency that is not installed."""

    def __init__(self, extra: str, module: str, command: str | None = None) -> None:
        who = f"'axiskg {command}'" if command else "this command"
        super().__init__(
            None,
            f"{who} needs the optional dependencies of the [{extra}] extra "
            f"(missing: {module}); install them with: pip install 'axiskg[{extra}]'",
        )
        self.extra, self.module = extra, module


def require(extra: str, command: str | None = None) -> None:
    """Raise :class:`MissingExtra` unless every module of ``extra`` can be imported."""
    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtra(extra, module, command)


def extra_of(module: str) -> str | None:
    """The extra that installs the top-level ``module``, if any."""
    return next((extra for extra, modules in EXTRAS.items() if module in modules), None)


def root_of(args: argparse.Namespace) -> Path:
    """The project root chosen by ``--root``, ``$AXISKG_ROOT`` or discovery."""
    from axiskg import paths

    return args.root.resolve() if getattr(args, "root", None) else paths.project_root()


def add_format_in(parser: argparse.ArgumentParser, what: str = "the data PATHs") -> None:
    """The ``--format-in`` option, naming the formats of :mod:`axiskg.rdfio.formats`."""
    from axiskg.rdfio.formats import FORMATS

    parser.add_argument(
        "--format-in", metavar="FMT", help=f"parse {what} as FMT ({', '.join(FORMATS)}) whatever their extension"
    )


def add_gate_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--no-validate`` for a command that validates the project before it writes anything."""
    parser.add_argument(
        "--no-validate",
        action="store_true",
        help=f"{what} even if the project's data violates its shapes (not recommended; a note on stderr says so)",
    )


def gate_wanted(args: argparse.Namespace, what: str) -> bool:
    """Whether ``what`` validates the project before it writes anything
    (:func:`axiskg.gate.refuse_violations`): yes, unless ``--no-validate``, which is noted on stderr."""
    import sys

    if getattr(args, "no_validate", False):
        print(f"axiskg: note: --no-validate: {what} without validating the data against the shapes", file=sys.stderr)
        return False
    return True


def refused(refusal: Refused, what: str) -> int:
    """Print the report of a gate's refusal of ``what`` and say so on stderr; the exit code (1)."""
    import sys

    from axiskg.commands.reports import use_color
    from axiskg.errors import EXIT_VIOLATIONS
    from axiskg.shacl.reporting import format_text

    sys.stdout.write(format_text(refusal.report, color=use_color()))
    print(
        f"axiskg: error: {what} refused: {refusal} (see above; fix them, or pass --no-validate to override); "
        "nothing was written",
        file=sys.stderr,
    )
    return EXIT_VIOLATIONS
