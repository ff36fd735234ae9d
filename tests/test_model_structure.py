"""The model keeps the report's plans apart from facts (issue 28 item 1), run as a user runs it.

The real data with the ``axis:restatesClaim`` links stripped must fail ``axiskg validate``, naming
each claim whose content the initiative structure repeats; the stored ``initiatives`` query gives
each initiative's status at the report's date (from its claim) and the latest from dated facts.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from conftest import run_main

ROOT = Path(__file__).resolve().parents[1]

CLAIM = "https://w3id.org/axiskg/id/claim/alliance-axis-2025/"
INIT = "https://w3id.org/axiskg/id/initiative/"


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    return root


def test_the_real_data_conforms():
    proc = run_main("validate", root=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_unattributed_structure_that_restates_a_claim_fails_validation(tmp_path):
    root = _copy_project(tmp_path)
    entities = root / "data" / "alliance-axis-2025" / "entities.ttl"
    text = entities.read_text(encoding="utf-8")
    assert "axis:restatesClaim" in text
    entities.write_text(
        "\n".join(line for line in text.splitlines() if "axis:restatesClaim" not in line) + "\n", encoding="utf-8"
    )
    proc = run_main("validate", "--output", "json", root=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    # the upgrade's resulting organisation (p2-s2-2), the step of military integration (p2-s2-1) and
    # the aim that pertains to the integration (p2-s3-1) restate claims; Japan's headquarters
    # (p2-s2-4) does not fail, because a curated fact (2025-03-24) shows it carried out
    for claim in ("p2-s2-2", "p2-s2-1", "p2-s3-1"):
        assert CLAIM + claim in out, claim
    assert CLAIM + "p2-s2-4" not in out
    assert "RestatedStructureShape" in out


def test_initiative_status_at_the_report_date_and_from_facts():
    proc = run_main("query", "initiatives", "--format", "csv", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    rows = {r["initiative"]: r for r in csv.DictReader(io.StringIO(proc.stdout))}
    usfj = rows[INIT + "usfj-joint-force-hq-upgrade"]
    # "the United States plans to upgrade": planned at the report's date; phase 1 begun 2025-03-30
    assert (usfj["statusAtReport"], usfj["latestFactStatus"], usfj["latestFactDate"]) == (
        "planned, not begun",
        "under way",
        "2025-03-30",
    )
    jjhq = rows[INIT + "japan-joint-hq-establishment"]
    # "Japan is establishing": under way at the report's date; launched 2025-03-24
    assert (jjhq["statusAtReport"], jjhq["latestFactStatus"], jjhq["latestFactDate"]) == (
        "under way",
        "carried out",
        "2025-03-24",
    )
    assert all(r["statusAtReport"] for r in rows.values())
