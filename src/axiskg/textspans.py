"""Spans of a source text: reading it with its SHA-256, and Web Annotation selectors (sentences:
:mod:`axiskg.ingest.layout`).

Offsets everywhere are Unicode code points (Python ``str`` indices), 0-based, end exclusive, as
``oa:TextPositionSelector`` and the ontology's ``axis:startIndex``/``axis:endIndex`` define them.
Used by ``axiskg verify`` and ``axiskg evidence`` (:mod:`axiskg.ingest.evidence`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from axiskg.errors import InputError

#: the longest oa:prefix / oa:suffix written
CONTEXT = 32


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def read_text(path: Path | str) -> tuple[str, str]:
    """``(text, sha256 hex of its bytes)``; a missing, unreadable or non-UTF-8 file is an InputError."""
    from axiskg.rdfio.inputs import read_input

    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise InputError(path, "source text not found")
    data = read_input(path)  # a regular file only (a FIFO would hang, /dev/zero never end)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"the source text is not UTF-8 (byte {exc.start})", line) from None
    return text, hashlib.sha256(data).hexdigest()


def occurrences(text: str, needle: str) -> list[int]:
    """Every start offset of ``needle`` in ``text`` (overlapping ones included)."""
    out, at = [], text.find(needle)
    while needle and at != -1:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


@dataclass(frozen=True)
class Selection:
    """The two selectors of one quote: position (start, end) and quote context (prefix, suffix)."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def select(text: str, exact: str, within: tuple[int, int] | None = None) -> Selection:
    """Selectors for ``exact``: its one occurrence inside ``within`` (or the whole text), with up to
    :data:`CONTEXT` characters of prefix and suffix. ValueError when it is absent or not unique there."""
    lo, hi = within if within is not None else (0, len(text))
    hits = [at for at in occurrences(text, exact) if lo <= at and at + len(exact) <= hi]
    if len(hits) != 1:
        raise ValueError(f"{exact!r} occurs {len(hits)} times in [{lo}, {hi})")
    start = hits[0]
    end = start + len(exact)
    return Selection(start, end, exact, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def is_word_sequence(cue: str, quote: str) -> bool:
    """Whether ``cue`` occurs in ``quote`` as whole words (not inside a longer word)."""
    if not cue.strip():
        return False
    pattern = r"(?<!\w)" + re.escape(cue) + r"(?!\w)"
    return re.search(pattern, quote) is not None
