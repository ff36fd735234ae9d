"""Subcommands of the ``axiskg`` CLI, one module each (see :mod:`axiskg.cli`)."""

from __future__ import annotations

import argparse
from pathlib import Path


def root_of(args: argparse.Namespace) -> Path:
    """The project root chosen by ``--root``, ``$AXISKG_ROOT`` or discovery."""
    from axiskg import paths

    return args.root.resolve() if getattr(args, "root", None) else paths.project_root()


def add_format_in(parser: argparse.ArgumentParser, what: str = "the data PATHs") -> None:
    """The ``--format-in`` option, naming the formats of :mod:`axiskg.rdf_formats`."""
    from axiskg.rdf_formats import FORMATS

    parser.add_argument("--format-in", metavar="FMT",
                        help=f"parse {what} as FMT ({', '.join(FORMATS)}) whatever their extension")
