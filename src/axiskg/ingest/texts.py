"""Which file holds each report's text: ``--source`` overrides, then ``$AXISKG_REPORT_TEXT`` for the
project's own report, then the report's declaration (``axis:textLocation``, relative to the project
root or to ``$AXISKG_SOURCES``). Used by ``verify`` and ``evidence``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from axiskg.errors import InputError
from axiskg.ingest.source import candidates_for
from axiskg.sparql.querying import solutions
from axiskg.textspans import read_text
from axiskg.vocab import DISPLAY_PREFIXES, PROJECT_REPORT, sparql_prefixes

if TYPE_CHECKING:
    from axiskg.dataset import Data

_DECLARED = (
    sparql_prefixes("axis")
    + """SELECT ?report ?location WHERE { ?report a axis:Report OPTIONAL { ?report axis:textLocation ?location } }"""
)


@dataclass(frozen=True)
class Located:
    report: str
    path: Path | None  # None: not found
    looked_at: tuple[Path, ...]  # where it was looked for (for the message)
    how: str  # "--source", "$AXISKG_REPORT_TEXT", "axis:textLocation" or "no declaration"


def locate(report: str, location: str | None, root: Path, overrides: dict[str, Path]) -> Located:
    if report in overrides:
        return Located(report, overrides[report], (overrides[report],), "--source")
    env = os.environ.get("AXISKG_REPORT_TEXT", "").strip()
    if report == PROJECT_REPORT and env:
        return Located(report, Path(env), (Path(env),), "$AXISKG_REPORT_TEXT")
    if location is None:
        return Located(report, None, (), "no declaration")
    places = tuple(candidates_for(location, root))
    found = next((p for p in places if p.exists() or p.is_symlink()), None)
    return Located(report, found, places, "axis:textLocation")


def locate_all(store: Data, root: Path, overrides: dict[str, Path]) -> dict[str, Located]:
    """Every report of the graph and where its text is (or was looked for)."""
    out = {}
    for row in solutions(store, _DECLARED):
        report = row["report"].value
        location = row["location"].value if row["location"] is not None else None
        out[report] = locate(report, location, root, overrides)
    for report, path in overrides.items():
        out.setdefault(report, Located(report, path, (path,), "--source"))
    return out


def missing_message(found: Located) -> str:
    if found.how == "no declaration":
        return (
            f"no text for report <{found.report}>: it declares no axis:textLocation "
            f"(add one, or use --source {found.report}=FILE)"
        )
    where = " or ".join(str(p) for p in found.looked_at)
    return f"no text for report <{found.report}>: not found at {where} (set $AXISKG_SOURCES or use --source)"


def parse_source_options(given: list[str]) -> dict[str, Path]:
    """``--source REPORT_IRI=FILE`` options as ``{report IRI: path}``."""
    sources = {}
    for item in given:
        iri, sep, file = item.partition("=")
        if not sep or not iri or not file:
            raise InputError(None, f"--source {item!r}: expected REPORT_IRI=FILE")
        sources[iri.strip("<>")] = Path(file)
    return sources


_REPORTS = (
    sparql_prefixes("axis", "oa", "spdx", "dcterms", prefixes=DISPLAY_PREFIXES)
    + """SELECT DISTINCT ?report ?sha WHERE {
  { ?report a axis:Report } UNION { [] axis:hasEvidence/oa:hasSource ?report }
  UNION { [] a axis:Sentence ; dcterms:isPartOf+ ?report . ?report a axis:Report }
  OPTIONAL { ?report spdx:checksum/spdx:checksumValue ?sha }
}"""
)


def load_sources(
    store: Data, sources: dict[str, Path], root: Path | str | None = None, skipped: list | None = None
) -> dict[str, str]:
    """``{report IRI: text}`` for every report the graph quotes or divides into sentences.

    ``sources`` (report IRI -> file) come first; with ``root``, a report not in them is found from
    its declaration (see :mod:`axiskg.ingest.texts`). A report whose text is not found is appended
    to ``skipped`` (its ``Located``) when a list is given and ``$CI`` is not ``true``, else an
    :class:`InputError`. A missing declaration, an unreadable text, a report without a recorded
    SHA-256 or a text whose SHA-256 differs: :class:`InputError` (exit 2).
    """
    located = locate_all(store, Path(root), sources) if root is not None else {}
    texts: dict[str, str] = {}
    for row in solutions(store, _REPORTS):
        report, sha = row["report"].value, (row["sha"].value if row["sha"] is not None else None)
        found = located.get(report) or Located(report, sources.get(report), (), "--source")
        if found.path is None and root is None:
            raise InputError(None, f"no text given for report <{report}>: use --source {report}=FILE")
        if found.path is None or (found.how == "axis:textLocation" and not found.path.exists()):
            if skipped is None or in_ci() or found.how == "no declaration":
                raise InputError(
                    None, missing_message(found) + (" (CI=true: a missing text is an error)" if in_ci() else "")
                )
            skipped.append(found)
            continue
        path = found.path
        text, digest = read_text(path)
        if sha is None:
            raise InputError(path, f"report <{report}> records no SHA-256 (spdx:checksum) to check the text against")
        if digest != sha.lower():
            raise InputError(
                path,
                f"SHA-256 {digest} differs from the {sha} that report <{report}> records: "
                "not the text the graph quotes (axiskg ingest --update re-aligns the quotes)",
            )
        texts[report] = text
    return texts


def in_ci() -> bool:
    """Whether ``$CI`` says this runs under continuous integration (where a missing text is an error)."""
    import os

    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
