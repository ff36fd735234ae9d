"""Exit codes and the one exception type for bad user input."""

from __future__ import annotations

import re
from pathlib import Path

from axiskg.terminal import escape

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2  # unreadable input or usage error
EXIT_INTERRUPTED = 130


class InputError(Exception):
    """Input the user can fix: a missing, empty, undecodable or malformed file, or a bad option.

    ``str()`` renders ``path:line:column: problem``, leaving out the parts that are unknown.
    """

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        # a file name holding a newline or ESC: one inert line
        parts = [escape(str(self.path)) if self.path is not None else None, self.line, self.column]
        parts = [p for p in parts if p is not None]
        location = ":".join(str(p) for p in parts)
        return f"{location}: {self.problem}" if location else self.problem


#: the most characters of the input a parser's message may quote (a token, a text event)
EXCERPT = 24
_QUOTED = re.compile(rf"'[^']*'|\"[^\"]*\"|\S{{{EXCERPT + 1},}}")


def excerpt(text: str, longest: int = EXCERPT) -> str:
    """``text`` cut to ``longest`` characters (``…`` marks the cut), control characters and
    bidirectional overrides escaped (:func:`axiskg.terminal.escape`: ``\\x00``, ``\\u202e``), so
    that no message, on a terminal or in a JSON, JUnit or GitHub report, shows a file's content,
    moves the terminal's cursor or reverses the text shown."""
    return escape(text if len(text) <= longest else text[:longest] + "…")


def parser_message(message: str) -> str:
    """A parser's error message as shown to the user: every quoted part and every long run
    without spaces (both usually the input itself: a secret in a file that is not RDF, such as
    ``/etc/passwd``) cut to a short :func:`excerpt`, control characters and bidirectional
    overrides escaped."""

    def shorten(m: re.Match) -> str:
        part = m.group()
        if part[:1] in "'\"" and len(part) >= 2:
            return part[0] + excerpt(part[1:-1]) + part[-1]
        return excerpt(part)

    return excerpt(_QUOTED.sub(shorten, message), 300)
