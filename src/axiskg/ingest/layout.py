"""The layout of a report's plain text: its title, headings, paragraphs and sentences, with offsets.

One line is one block (texts exported from web pages and word processors put a paragraph on one
line). The first line with words is the report's **title**. A **heading** is a short line (at most
:data:`HEADING_WORDS` words) that does not end like a sentence, or a line marked with ``#``; it opens
a new division of the report. A line with no letters (a date, a rule) is not prose and is left
out. Every other line is a **paragraph**; a list item's marker (``-``, ``*``, ``•``, ``1.``) is not
part of its text. Paragraphs are split into sentences by ``sentencex`` (a maintained, rule-based
segmenter with per-language abbreviation lists, so "U.S." does not end a sentence), which gives
character spans. Offsets are Unicode code points, 0-based, end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from axiskg.textspans import Span

#: the most words a heading line has
HEADING_WORDS = 8
_MARKER = re.compile(r"^(?:[-*\u2022]|\d{1,3}[.)])\s+")
_HASHES = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = ".!?:;,\"'\u201d\u2019)"


@dataclass
class Block:
    """One line of the text that matters: ``kind`` is ``title``, ``heading`` or ``paragraph``."""

    kind: str
    span: Span
    sentences: list[Span] = field(default_factory=list)


def trimmed(text: str, start: int, end: int) -> Span:
    """``text[start:end]`` without white space at either end, as a span of ``text``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def lines(text: str) -> list[Span]:
    """Every line of ``text`` with its white space trimmed (``\\r\\n`` and ``\\n`` end a line)."""
    out, at = [], 0
    for line in text.split("\n"):
        out.append(trimmed(text, at, at + len(line)))
        at += len(line) + 1
    return out


def sentences(text: str, span: Span, language: str = "en") -> list[Span]:
    """The sentences of ``span`` (a paragraph) as spans of ``text``."""
    from sentencex import get_sentence_boundaries

    out = []
    for found in get_sentence_boundaries(language, span.text):
        piece = trimmed(text, span.start + found["start_index"], span.start + found["end_index"])
        if piece.text:
            out.append(piece)
    return out


def is_heading(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= HEADING_WORDS and line[-1] not in _SENTENCE_END and (line[0].isupper() or line[0].isdigit())
    )


def layout(text: str, language: str = "en") -> list[Block]:
    """The title, headings and paragraphs of ``text`` in document order, paragraphs with sentences."""
    blocks: list[Block] = []
    for line in lines(text):
        if not any(ch.isalpha() for ch in line.text):
            continue  # blank, or no prose (a date, a rule, page numbers)
        if not blocks:
            blocks.append(Block("title", line, [line]))
            continue
        hashes = _HASHES.match(line.text)
        if hashes:
            blocks.append(Block("heading", trimmed(text, line.start + hashes.end(), line.end)))
            continue
        marker = _MARKER.match(line.text)
        if marker:
            item = trimmed(text, line.start + marker.end(), line.end)
            blocks.append(Block("paragraph", item, sentences(text, item, language)))
        elif is_heading(line.text):
            blocks.append(Block("heading", line))
        else:
            blocks.append(Block("paragraph", line, sentences(text, line, language)))
    return blocks
