"""The modality of a sentence, guessed from the cue lexicon ``cues.tsv`` (data, not code).

:func:`modality_of` returns the modality (an ``axis:`` local name) and the cue words as they are
written in the sentence, so the claim's ``axis:modalityCue`` is a word sequence of its quote, as
``axiskg verify`` requires. No cue: the sentence is taken to state nothing (no draft claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from axiskg.errors import InputError


@dataclass(frozen=True)
class Cue:
    modality: str
    words: str  # as written in the sentence


@lru_cache(maxsize=1)
def lexicon() -> tuple[tuple[str, str], ...]:
    """``((cue, modality), ...)`` from ``cues.tsv``, longest cue first."""
    text = resources.files("axiskg.ingest").joinpath("cues.tsv").read_text(encoding="utf-8")
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cue, sep, modality = line.partition("\t")
        if not sep or not cue.strip() or not modality.strip():
            raise InputError("axiskg/ingest/cues.tsv", "expected cue<TAB>modality", n)
        rows.append((cue.strip(), modality.strip()))
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(cue).replace(r"\ ", r"\s+") for cue, _ in lexicon())
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _by_cue() -> dict[str, str]:
    return {cue.lower(): modality for cue, modality in lexicon()}


def modality_of(sentence: str) -> Cue | None:
    """The modality of ``sentence`` and the cue it is read from (the longest cue; ties: the first)."""
    by_cue = _by_cue()
    best: re.Match[str] | None = None
    for match in _pattern().finditer(sentence):
        if best is None or len(match[0]) > len(best[0]):
            best = match
    if best is None:
        return None
    return Cue(by_cue[" ".join(best[0].lower().split())], best[0])
