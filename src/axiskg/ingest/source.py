"""A report's plain text: read it with the checks ingest needs, and find it again from where the
report says it is (``axis:textLocation``, with its SHA-256 in ``spdx:checksum``).

A location is a path relative to the project root (``../shared/seed/report.txt`` is fine), or,
when the text lies outside it, relative to the sources folder ``$AXISKG_SOURCES``. Offsets into the
text are Unicode code points of the decoded text, so the text must be UTF-8.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from axiskg.errors import InputError
from axiskg.limits import env_limit
from axiskg.rdfio.inputs import read_input

#: the longest text ingest accepts, in MB; ``AXISKG_MAX_TEXT_MB`` to change it
DEFAULT_MAX_TEXT_MB = 16
#: the environment variable naming a folder of report texts
SOURCES_ENV = "AXISKG_SOURCES"


def max_text_bytes() -> int:
    return env_limit("AXISKG_MAX_TEXT_MB", DEFAULT_MAX_TEXT_MB, whole=False, unit=1 << 20)


def read_report_text(path: Path) -> tuple[str, str]:
    """``(text, SHA-256 hex of its bytes)`` of a report's text file.

    Refused (:class:`InputError`, exit 2) before anything is written: a missing or non-regular
    file, one over :func:`max_text_bytes`, a binary file (NUL bytes), one that is not UTF-8
    (line and byte named) and one with no words in it.
    """
    path = Path(path)
    limit = max_text_bytes()
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_input names the problem
    if size > limit:
        raise InputError(
            path, f"refused: {size} bytes, over the {limit >> 20} MB limit for a report's text (AXISKG_MAX_TEXT_MB)"
        )
    data = read_input(path)
    if len(data) > limit:
        raise InputError(path, f"refused: over the {limit >> 20} MB limit for a report's text (AXISKG_MAX_TEXT_MB)")
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(path, f"a binary file, not a plain text (NUL byte at offset {nul})", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line) from None
    if not any(ch.isalpha() for ch in text):
        raise InputError(path, "the text is empty (no words in it)")
    return text, hashlib.sha256(data).hexdigest()


def sources_folder() -> Path | None:
    folder = os.environ.get(SOURCES_ENV, "").strip()
    return Path(folder) if folder else None


def location_of(path: Path, root: Path) -> str:
    """How the report records where ``path`` is: relative to the sources folder when it lies in
    it, else relative to ``root`` (with ``..`` where needed), in POSIX form."""
    absolute = Path(os.path.abspath(path))
    folder = sources_folder()
    if folder is not None:
        try:
            return absolute.relative_to(Path(os.path.abspath(folder))).as_posix()
        except ValueError:
            pass
    return Path(os.path.relpath(absolute, os.path.abspath(root))).as_posix()


def candidates_for(location: str, root: Path) -> list[Path]:
    """Where a recorded location may be, in the order looked at: the root, then the sources folder."""
    places = [Path(root) / location]
    folder = sources_folder()
    if folder is not None:
        places.append(folder / location)
    return places


def find_text(location: str, root: Path) -> Path | None:
    """The first existing file for ``location`` (see :func:`candidates_for`), else None."""
    return next((p for p in candidates_for(location, root) if p.is_file()), None)
