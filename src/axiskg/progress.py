"""A progress bar on stderr for long operations, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


@contextmanager
def bar(total: int, label: str, unit: str = "steps", stream=None):
    """``with bar(n, "validate") as step: ... step(1)``; silent unless ``stream`` is a terminal."""
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()) or total <= 0:
        yield lambda n=1: None
        return
    done = 0
    started = time.monotonic()

    def draw() -> None:
        width = 30
        filled = int(width * done / total)
        stream.write(
            f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {unit} "
            f"{time.monotonic() - started:.1f}s"
        )
        stream.flush()

    def step(n: int = 1) -> None:
        nonlocal done
        done = min(total, done + n)
        draw()

    draw()
    try:
        yield step
    finally:
        stream.write("\n")
        stream.flush()
