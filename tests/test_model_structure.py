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

from axiskg.dataset import Dataset

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


def test_check_flags_data_that_still_uses_a_merged_relation(tmp_path):
    """axis:concerns was merged into axis:isAbout (issue 28 item 3): data still using it is
    reported by `axiskg check` (deprecated_reference) with the file and line."""
    clean = run_main("check", root=ROOT)
    assert "deprecated_reference" not in clean.stdout, clean.stdout
    root = _copy_project(tmp_path)
    entities = root / "data" / "alliance-axis-2025" / "entities.ttl"
    text = entities.read_text(encoding="utf-8")
    text = text.replace(
        "    axis:isAbout actor:china , actor:japan .", "    axis:concerns actor:china , actor:japan .", 1
    )
    entities.write_text(text, encoding="utf-8")
    proc = run_main("check", root=root)
    flagged = [line for line in proc.stdout.splitlines() if "deprecated_reference" in line]
    assert flagged and all("axis:concerns" in line and "entities.ttl:" in line for line in flagged), proc.stdout
    assert {"id:actor/china", "id:actor/japan"} <= {w for line in flagged for w in line.split()}


def test_driver_origins_join_on_their_state():
    """Issue 28 item 4: "the United States' own drivers" is a join on the actor."""
    proc = run_main(
        "query",
        "--file",
        str(ROOT / "tests" / "fixtures" / "own-drivers.rq"),
        "--format",
        "csv",
        root=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    drivers = sorted(line.rsplit("/", 1)[-1] for line in proc.stdout.splitlines()[1:])
    assert drivers == ["us-ally-military-resources", "us-hegemony-through-presence", "us-japan-interest-alignment"]


QUOTE_OF = """PREFIX axis: <https://w3id.org/axiskg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?node ?claim ?quote WHERE {
  ?node axis:restatesClaim ?claim .
  ?claim axis:hasEvidence/oa:hasSelector/oa:exact ?quote .
} ORDER BY ?node ?claim"""


def _select(query: str) -> list[dict[str, str]]:
    rows = Dataset.load(root=ROOT).select(query)
    return [{v.value: str(getattr(r[v], "value", "")) for v in rows.variables} for r in rows]


def test_meanings_out_of_labels_are_nodes_traced_to_their_quotes():
    """Issue 28 item 2: the support Japan seeks, the ally military resources, the U.S. goal and its
    means, and the U.S. design the trilateral reflects are nodes, each restating the claim whose
    quote holds its words."""
    quotes: dict[str, list[str]] = {}
    for row in _select(QUOTE_OF):
        quotes.setdefault(row["node"].rsplit("/", 1)[-1], []).append(row["quote"])
    expected = {
        "us-strategic-support-for-japan": "secure U.S. strategic support on issues like the East China Sea",
        "ally-military-resources": "ally military resources",
        "maximal-use-of-ally-military-resources": "maximize the use of ally military resources",
        "potential-control-over-sdf": "potential control over Japan's Self-Defense Forces",
        "leveraging-japan-influence": "reflects the U.S. strategic design of leveraging Japan's influence",
    }
    for node, words in expected.items():
        assert any(words in q for q in quotes.get(node, [])), (node, quotes.get(node))
    means = _select(
        "PREFIX axis: <https://w3id.org/axiskg/ontology#> SELECT ?m WHERE "
        "{ <https://w3id.org/axiskg/id/aim/maximal-use-of-ally-military-resources> axis:isPursuedThrough ?m }"
    )
    assert [r["m"] for r in means] == ["https://w3id.org/axiskg/id/aim/potential-control-over-sdf"]
    reflected = _select(
        "PREFIX axis: <https://w3id.org/axiskg/ontology#> SELECT ?m WHERE "
        "{ <https://w3id.org/axiskg/id/aim/leveraging-japan-influence> axis:isReflectedIn ?m }"
    )
    assert [r["m"] for r in reflected] == ["https://w3id.org/axiskg/id/mechanism/us-japan-philippines"]


def test_every_example_list_rests_on_words_that_make_it_one():
    """Every axis:hasExample and axis:objectsAreExamples rests on a claim whose quote says "such as",
    "like" or "represented by" (the node restates it, or it is the claim's cause or effect)."""
    rows = _select(
        """PREFIX axis: <https://w3id.org/axiskg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?node (GROUP_CONCAT(?quote; separator=" | ") AS ?quotes) WHERE {
          { ?node axis:hasExample [] } UNION { ?node axis:objectsAreExamples true }
          OPTIONAL {
            { ?node axis:restatesClaim ?claim } UNION { ?claim axis:hasCause|axis:hasEffect ?node }
            UNION { BIND(?node AS ?claim) ?claim a axis:Claim }
            ?claim axis:hasEvidence/oa:hasSelector/oa:exact ?quote .
          }
        } GROUP BY ?node ORDER BY ?node"""
    )
    assert len(rows) >= 5
    cues = ("such as", " like ", "represented by")
    assert [r["node"] for r in rows if not any(c in r["quotes"] for c in cues)] == []
