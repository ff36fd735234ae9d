"""``axiskg evidence``: rewrite ``data/ID/evidence.ttl`` of each report from its claims' quotes."""

from __future__ import annotations

from pathlib import Path

from axiskg import atomic
from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.ingest import evidence
from axiskg.ingest.texts import locate_all, missing_message, parse_source_options
from axiskg.ingest.turtle import namespaces
from axiskg.sparql.querying import solutions
from axiskg.textspans import read_text
from axiskg.vocab import DISPLAY_PREFIXES, sparql_prefixes


def regenerate(root: Path, report_ids: list[str], source_options: list[str]):
    """``[(report ID, claims written, quotes not found)]``; every text is read and checked first."""
    store = Dataset.load(root=root, inferred=False)
    located = locate_all(store, root, parse_source_options(source_options))
    prefix = namespaces("-")["report"]
    by_id = {iri[len(prefix) :]: found for iri, found in located.items() if iri.startswith(prefix)}
    wanted = report_ids or sorted(i for i in by_id if (Path(root) / "data" / i).is_dir())
    texts = {}
    for report_id in wanted:
        if report_id not in by_id or not (Path(root) / "data" / report_id).is_dir():
            raise InputError(None, f"no report {report_id!r} in data/ (known: {', '.join(sorted(by_id)) or 'none'})")
        found = by_id[report_id]
        if found.path is None:
            raise InputError(None, missing_message(found))
        texts[report_id] = _checked(store, found.report, found.path)
    results = []
    for report_id in wanted:
        report = prefix + report_id
        body, lost = evidence.evidence_ttl(
            report_id,
            report,
            texts[report_id],
            evidence.read_layout(store, report),
            evidence.read_quotes(store, report),
        )
        atomic.atomic_write(Path(root) / "data" / report_id / "evidence.ttl", body.encode("utf-8"))
        count = len({q.claim for q in evidence.read_quotes(store, report)})
        results.append((report_id, count, lost))
    return results


_SHA = (
    sparql_prefixes("spdx", prefixes=DISPLAY_PREFIXES)
    + """SELECT ?sha WHERE { <%s> spdx:checksum/spdx:checksumValue ?sha }"""
)


def _checked(store, report: str, path: Path) -> str:
    text, digest = read_text(path)
    recorded = [r["sha"].value.lower() for r in solutions(store, _SHA % report)]
    if recorded and digest not in recorded:
        raise InputError(
            path,
            f"SHA-256 {digest} differs from the {recorded[0]} that report <{report}> records: "
            "not the text the graph quotes (axiskg ingest --update re-aligns)",
        )
    return text
