"""Exit codes and the one exception type for bad user input."""

from __future__ import annotations

from pathlib import Path

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
        from axiskg.terminal import escape  # a file name holding a newline or ESC: one inert line

        parts = [escape(str(self.path)) if self.path is not None else None, self.line, self.column]
        parts = [p for p in parts if p is not None]
        location = ":".join(str(p) for p in parts)
        return f"{location}: {self.problem}" if location else self.problem
