"""The ``axiskg`` command line.

Each subcommand lives in ``axiskg.commands.<name>`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func(args) -> int``. Command modules are imported lazily and
their ``register`` must not import heavy libraries (rdflib, pyshacl, pyoxigraph), so
``axiskg --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import select
import sys
from collections.abc import Callable
from pathlib import Path

from axiskg.errors import EXIT_INPUT, EXIT_INTERRUPTED, InputError

COMMANDS = (
    "build",
    "validate",
    "verify",
    "check",
    "reason",
    "stats",
    "query",
    "publish",
    "docs",
    "release",
    "diff",
    "serve",
    "synth",
    "ingest",
    "evidence",
)


def _register(subparsers, name: str) -> None:
    importlib.import_module(f"axiskg.commands.{name}").register(subparsers)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that subcommand's module is imported."""
    from axiskg import __version__

    parser = argparse.ArgumentParser(prog="axiskg", description="Build, check and query the axiskg knowledge graph.")
    parser.add_argument("--version", action="version", version=f"axiskg {__version__}")
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="project root (default: $AXISKG_ROOT, else the nearest folder with ontology/)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="say what is loaded and written on stderr (-vv: more detail)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is None or name == only:
            _register(subparsers, name)
        else:  # listed in --help without importing its module
            subparsers.add_parser(name, help=f"(see: axiskg {name} --help)")
    return parser


def _requested_command(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (the first positional argument), if any."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--root":
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _configure_logging(verbosity: int) -> Callable[[], None]:
    """Quiet by default (warnings only); ``-v`` shows what is loaded and written, ``-vv`` more.

    Returns the undo: :func:`main` may run many times in one process (tests, callers from
    Python), and a handler left behind would keep the level it set and keep writing to the
    ``sys.stderr`` of that run, which may be closed by then."""
    import logging

    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logger = logging.getLogger("axiskg")
    saved = logger.level, logger.propagate
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("axiskg: %(name)s: %(message)s"))
    logger.setLevel(level)
    logger.addHandler(handler)
    logger.propagate = False

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]

    return undo


def main(argv: list[str] | None = None) -> int:
    """Run the CLI. Run as a program (``argv`` not given), the commands that execute SPARQL or
    read an ontology (``query`` without ``--endpoint``, ``validate``, ``check``, ``build``,
    ``release``, ``stats``, ``reason``, ``docs``) first cut the process off the network
    (:mod:`axiskg.sandbox`); called with ``argv`` from Python, they do not."""
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    undo_logging: Callable[[], None] = lambda: None
    try:
        parser = build_parser(only=_requested_command(argv))
        args = parser.parse_args(argv)
        undo_logging = _configure_logging(args.verbose)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return EXIT_INPUT
        offline = getattr(args, "offline", None)
        if as_program and offline is not None and offline(args):
            from axiskg import sandbox

            sandbox.enter(f"axiskg {args.command}")
        return int(args.func(args))
    except ModuleNotFoundError as exc:  # an optional dependency imported deeper down
        from axiskg.commands import MissingExtra, extra_of

        top = (exc.name or "").split(".")[0]
        extra = extra_of(top)
        if extra is None:
            raise
        print(f"axiskg: error: {MissingExtra(extra, top, _requested_command(argv))}", file=sys.stderr)
        return EXIT_INPUT
    except InputError as exc:
        from axiskg.terminal import escape  # file names and excerpts of inputs: printed inert

        print(f"axiskg: error: {escape(str(exc), keep=chr(10))}", file=sys.stderr)
        return EXIT_INPUT
    except MemoryError as exc:  # pyoxigraph's writers refuse any value over 16 MiB (a 50 MB literal)
        print(
            f"axiskg: error: cannot continue: {exc or 'out of memory'} (a single value over 16 MiB, "
            "which pyoxigraph cannot write, or too little memory)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("axiskg: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError as exc:
        if _stdout_closed():  # the reader went away (``axiskg query ... | head``): not an error
            return 0
        print(f"axiskg: error: cannot continue: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"axiskg: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    finally:
        undo_logging()


def _stdout_closed() -> bool:
    """Whether standard output is a pipe whose reader has gone, as opposed to a broken pipe
    inside the command (the kernel flags the write end of a pipe without a reader with POLLERR)."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no file descriptor, or no poll()
        return False


if __name__ == "__main__":
    sys.exit(main())
