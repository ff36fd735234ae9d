"""Option conventions every command follows: ``-o/--output FORMAT`` is the format of what it prints,
``--out PATH`` where it writes files. Older spellings still work and say so on stderr."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def deprecated(old: str, new: str) -> None:
    """Tell the user on stderr that ``old`` is an old spelling of ``new`` (it still works)."""
    print(f"axiskg: warning: {old} is deprecated and will be removed; use {new}", file=sys.stderr)


class _OldSpelling(argparse.Action):
    """An old option that sets the new option's value (``const`` if it takes no value), with a note."""

    def __init__(self, option_strings, dest, new: str = "", **kwargs) -> None:
        self.new = new
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        value = self.const if self.nargs == 0 else values
        deprecated(str(option_string), self.new if self.nargs == 0 else f"{self.new} {value}")
        setattr(namespace, self.dest, value)


class _FormatOrOldPath(argparse.Action):
    """``-o/--output`` of a command where it once named a file: a known format is the format; a
    value that looks like a file name (with a ``.`` or a ``/``) is still taken as the file
    (``--out PATH``), with a note; anything else is refused as an unknown format."""

    def __init__(self, option_strings, dest, formats: tuple[str, ...] = (), **kwargs) -> None:
        self.formats = formats
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if values in self.formats:
            setattr(namespace, self.dest, values)
        elif "." in str(values) or "/" in str(values):
            deprecated(f"{option_string} FILE", "--out FILE")
            namespace.out = Path(values)
        else:
            parser.error(f"argument -o/--output: invalid choice: {values!r} (choose from {', '.join(self.formats)})")


def add_output_format(
    parser: argparse.ArgumentParser,
    choices: tuple[str, ...],
    default: str | None = None,
    old: tuple[str, ...] = (),
    old_json: bool = False,
    old_path: bool = False,
    dest: str = "output",
    help: str | None = None,
) -> None:
    """``-o/--output FORMAT``: the format of what the command prints, one of ``choices`` (default
    ``default``, else the first). Old spellings that still work, each with a deprecation note:
    ``old`` options taking the format (``--format``), ``old_json`` for ``--json`` (``-o json``),
    ``old_path`` for an ``-o/--output FILE`` of old (a value that is no format is taken as ``--out``).
    The value is ``args.<dest>``; ``help`` replaces the standard help text."""
    default = default or choices[0]
    help = f"{help or 'format of what is printed'}: {', '.join(choices)} (default: {default})"
    common: dict = {"dest": dest, "default": default, "metavar": "FORMAT", "help": help}
    if old_path:
        parser.add_argument("-o", "--output", action=_FormatOrOldPath, formats=choices, **common)
    else:
        parser.add_argument("-o", "--output", choices=choices, **common)
    for option in old:
        parser.add_argument(option, dest=dest, choices=choices, action=_OldSpelling, new="-o", help=argparse.SUPPRESS)
    if old_json:
        parser.add_argument(
            "--json", dest=dest, nargs=0, const="json", action=_OldSpelling, new="-o json", help=argparse.SUPPRESS
        )


def add_out_path(parser: argparse.ArgumentParser, help: str, metavar: str = "PATH") -> None:
    """``--out PATH``: where the command writes its files."""
    parser.add_argument("--out", type=Path, metavar=metavar, help=help)
