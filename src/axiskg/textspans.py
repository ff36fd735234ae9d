"""Spans of a source text: reading it with its SHA-256, sentences, and Web Annotation selectors.

Offsets everywhere are Unicode code points (Python ``str`` indices), 0-based, end exclusive, as
``oa:TextPositionSelector`` and the ontology's ``axis:startIndex``/``axis:endIndex`` define them.
Used by the data generator (``data/<report>/make_text.py``) and by ``axiskg verify``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from axiskg.errors import InputError

#: the longest oa:prefix / oa:suffix written
CONTEXT = 32

# A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before white space
# and an upper-case letter, a digit or an opening quote -- unless the word before is an abbreviation.
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])")
ABBREVIATIONS = ("U.S.", "U.K.", "e.g.", "i.e.", "Mr.", "Ms.", "Dr.", "No.", "vs.", "etc.")


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


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The sentences of ``text[start:end]`` as spans of ``text`` (white space between them left out)."""
    end = len(text) if end is None else end
    block = text[start:end]
    out: list[Span] = []
    begin = 0
    for match in _BOUNDARY.finditer(block):
        stop = match.end()
        if any(block[: match.start() + 1].endswith(a) for a in ABBREVIATIONS):
            continue
        out.append(_trimmed(text, start + begin, start + stop))
        begin = stop
    if block[begin:].strip():
        out.append(_trimmed(text, start + begin, end))
    return out


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


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
