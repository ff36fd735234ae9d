"""Big bytes written to a file a slice at a time.

Writes of 2 MB or more into the page cache took up to thirty times as long as the same bytes
written in slices of half a megabyte (80 MB: 0.2-0.7 s against 0.016-0.026 s, on the Linux 6.18
2-processor virtual machines this project is built and tested on;
``benchmarks/bench_write_slices.py``, ``benchmarks/results/write-slices.md``). Slices cost
nothing elsewhere, so every writer of large outputs goes through :func:`write_in_slices`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

#: bytes given to one ``write``
SLICE = 512 << 10


def write_in_slices(fh: BinaryIO, data: bytes | bytearray | memoryview) -> None:
    """Write all of ``data`` to ``fh``, at most :data:`SLICE` bytes per call."""
    if len(data) <= SLICE:
        fh.write(data)
        return
    view = memoryview(data)
    for start in range(0, len(view), SLICE):
        fh.write(view[start : start + SLICE])


def write_at(path: str | Path, at: int, data: bytes) -> None:
    """``data`` written into the file ``path`` (made if missing, never truncated) from byte
    ``at``, at most :data:`SLICE` bytes per call: for writers that each fill their own part of
    one file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        pwrite_in_slices(fd, at, data)
    finally:
        os.close(fd)


def pwrite_in_slices(fd: int, at: int, data: bytes) -> None:
    """All of ``data`` written at byte ``at`` of the open file ``fd``, in slices."""
    view = memoryview(data)
    done = 0
    while done < len(view):
        done += os.pwrite(fd, view[done : done + SLICE], at + done)
