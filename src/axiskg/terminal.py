"""Text from files and data made safe to print on a terminal.

A literal, a file name or a parser message may hold control characters: ESC starts sequences
that clear the screen, move the cursor or write the clipboard (OSC 52), a carriage return or a
newline can draw a fake report line over or under a real one, and bidirectional overrides
reorder what is shown. :func:`escape` writes each such character as a visible escape
(``\\x1b``, ``\\n``, ``\\u202e``), so what is printed is what the input holds, readable and
inert. Every command that prints text taken from its inputs to a terminal goes through it.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 controls, DEL, C1 controls, and the bidirectional marks, embeddings, overrides and
# isolates (U+200E-200F, U+202A-202E, U+2066-2069)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(m: re.Match) -> str:
    char = m.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text: str, keep: str = "") -> str:
    """``text`` with every control character (and bidirectional override) written as a visible
    escape; the characters in ``keep`` (say ``"\\n"`` for text whose lines are the point, such
    as a CSV answer) are left as they are."""
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)
    return _UNSAFE.sub(_visible, text)


def for_stream(text: str, stream: TextIO, keep: str = "\n\t") -> str:
    """``text`` escaped (lines and tabs kept) when ``stream`` is a terminal, else as it is: a
    file or a pipe gets the exact bytes, a person the inert form."""
    isatty = getattr(stream, "isatty", None)
    return escape(text, keep) if isatty is not None and isatty() else text
