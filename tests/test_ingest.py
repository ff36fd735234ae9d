"""axiskg ingest / evidence: a new report from its text to a validated, verified, built graph.

The second report is made up (tests/fixtures/reports/harbour-lights-2026.txt says so in its text);
it is ingested into a copy of the project, curated as a curator would (by editing drafts.ttl) and
then run through every command. The first report's text, where present, is the regression case.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from conftest import run_cli, run_main
from report_text import report_text_path  # tests/report_text.py

from axiskg import paths
from axiskg.ingest.layout import layout
from axiskg.vocab import AXIS

REPO = paths.project_root()
FICTION = Path(__file__).parent / "fixtures" / "reports" / "harbour-lights-2026.txt"
FICTION_ID = "harbour-lights-2026"
CLAIM = f"https://w3id.org/axiskg/id/claim/{FICTION_ID}/"
FIRST = "alliance-axis-2025"


@pytest.fixture(autouse=True)
def _first_report_text(monkeypatch):
    """Copies of the project sit in temporary folders, where the first report's declared text
    location (``../shared/seed/...``, relative to the project) does not reach: they are given its
    text the way a user outside the checkout would, by ``$AXISKG_REPORT_TEXT`` (when it exists)."""
    path = report_text_path()
    if path.is_file():
        monkeypatch.setenv("AXISKG_REPORT_TEXT", str(path.resolve()))


def copy_project(tmp_path: Path) -> Path:
    """The project's ontology, data and queries, and the fictional text at its place, in ``tmp_path``."""
    root = tmp_path / "repo"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(REPO / part, root / part)
    (root / "tests/fixtures/reports").mkdir(parents=True)
    shutil.copy(FICTION, root / "tests/fixtures/reports" / FICTION.name)
    return root


def ingest_fiction(root: Path, *extra: str):
    return run_main(
        "ingest",
        f"tests/fixtures/reports/{FICTION.name}",
        "--id",
        FICTION_ID,
        "--published",
        "2026-02-03",
        "--authors",
        "Harbour Lights Institute (fictional)",
        *extra,
        root=root,
        cwd=root,
    )


def set_status(drafts: Path, local: str, status: str, label: str | None = None) -> None:
    """What a curator does in drafts.ttl: accept (or reject) a draft, and reword its paraphrase."""
    text = drafts.read_text(encoding="utf-8")
    start = text.index(f"claim:{local} a axis:Claim ;")
    end = text.index(" .\n", start)
    block = text[start:end].replace("axis:curationStatus axis:Draft", f"axis:curationStatus axis:{status}")
    if label is not None:
        block = re.sub(r'rdfs:label "[^"]*"@en', f'rdfs:label "{label}"@en', block)
    drafts.write_text(text[:start] + block + text[end:], encoding="utf-8")


@pytest.fixture(scope="module")
def curated(tmp_path_factory) -> Path:
    """The project with the fictional report ingested and four of its drafts curated, two rejected."""
    root = copy_project(tmp_path_factory.mktemp("two-reports"))
    done = ingest_fiction(root)
    assert done.returncode == 0, done.stderr
    drafts = root / "data" / FICTION_ID / "drafts.ttl"
    set_status(drafts, "p2-s2", "Curated", "Japan plans a second joint operations cell in Okinawa")
    set_status(drafts, "p2-s3", "Curated", "The U.S. will add liaison officers at USFJ")
    set_status(drafts, "p3-s1", "Curated", "China is expected to call the cell a step toward bloc confrontation")
    set_status(drafts, "p2-s1", "Curated", "The U.S.-Japan alliance is becoming a hub for maritime coordination")
    set_status(drafts, "p1-s1", "Rejected")
    set_status(drafts, "p1-s2", "Rejected")
    return root


# --------------------------------------------------------------------------- what ingest writes


def test_ingest_writes_the_report_folder(curated):
    folder = curated / "data" / FICTION_ID
    assert sorted(p.name for p in folder.iterdir()) == ["drafts.ttl", "evidence.ttl", "report.ttl", "text.ttl"]
    report = (folder / "report.ttl").read_text(encoding="utf-8")
    assert 'axis:textLocation "tests/fixtures/reports/harbour-lights-2026.txt"' in report
    import hashlib

    assert hashlib.sha256(FICTION.read_bytes()).hexdigest() in report
    assert "The invented authors" not in report  # the text is not copied except sentence by sentence
    drafts = (folder / "drafts.ttl").read_text(encoding="utf-8")
    # modality and cue from the lexicon, candidate entities with the matched words
    block = drafts[drafts.index("claim:p2-s2 a axis:Claim") :].split("\n\n")[0]
    assert "axis:hasModality axis:Planned" in block and 'axis:modalityCue "plans to"' in block
    assert "<https://w3id.org/axiskg/id/actor/japan>" in block
    assert 'axis:matchedText "Japan"' in block
    assert "axis:hasModality axis:Predicted" in drafts[drafts.index("claim:p3-s1 a") :].split("\n\n")[0]
    # a sentence with no cue states nothing: no draft ("Whether the cell works is an open question." has "is")
    assert "claim:p4-s2 a axis:Claim" in drafts


def test_ingest_mints_component_iris_that_say_what_they_are(curated):
    """Headings become parts under /part/<report>/N, paragraphs /paragraph/<report>/N; nothing is
    minted under /section/ (the report's text has no sections), and drafts are stated in paragraphs."""
    import rdflib

    folder = curated / "data" / FICTION_ID
    graph = rdflib.Graph()
    for name in ("text.ttl", "drafts.ttl"):
        graph.parse(folder / name, format="turtle")
    axis = rdflib.Namespace("https://w3id.org/axiskg/ontology#")
    id_ = "https://w3id.org/axiskg/id/"
    parts = sorted(str(s) for s in graph.subjects(rdflib.RDF.type, axis.Part))
    paragraphs = {str(s) for s in graph.subjects(rdflib.RDF.type, axis.Paragraph)}
    assert parts == [f"{id_}part/{FICTION_ID}/{n}" for n in (1, 2, 3, 4)]
    assert paragraphs == {f"{id_}paragraph/{FICTION_ID}/{n}" for n in range(1, len(paragraphs) + 1)}
    assert len(paragraphs) == 4
    stated = {str(o) for o in graph.objects(None, axis.isStatedIn)}
    assert stated and stated <= paragraphs
    every_iri = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    assert not [iri for iri in every_iri if "/id/section/" in iri]
    assert "para:2 a axis:Paragraph" in (folder / "text.ttl").read_text(encoding="utf-8")


def test_sentences_offsets_and_headings():
    text = FICTION.read_text(encoding="utf-8")
    blocks = layout(text)
    assert [b.span.text for b in blocks if b.kind == "heading"] == [
        "Published",
        "Summary",
        "Regional Responses",
        "Outlook",
    ]
    sentences = [s for b in blocks for s in b.sentences]
    for s in sentences:
        assert text[s.start : s.end] == s.text  # code points, end exclusive
    # "U.S." does not end a sentence
    assert "The U.S. will station additional liaison officers with USFJ by the end of the decade." in [
        s.text for s in sentences
    ]
    assert "03/02/2026" not in [b.span.text for b in blocks]  # no letters: not prose


def test_offsets_are_code_points(tmp_path):
    root = copy_project(tmp_path)
    source = root / "naive.txt"
    source.write_text(
        "Caf\u00e9 r\u00e9sum\u00e9 na\u00efve \U0001f600 report\nJapan may act. The U.S. will wait.\n",
        encoding="utf-8",
    )
    done = run_main("ingest", str(source), "--id", "naive", "--published", "2026-01-01", root=root)
    assert done.returncode == 0, done.stderr
    text = (root / "data/naive/text.ttl").read_text(encoding="utf-8")
    # "Japan" starts at code point 27 (the emoji is one code point, four UTF-8 bytes)
    assert 'axis:startIndex "27"^^xsd:nonNegativeInteger ; axis:endIndex "41"^^xsd:nonNegativeInteger' in text
    done = run_main("verify", root=root)
    assert done.returncode == 0, done.stdout


# --------------------------------------------------------------------------- curate, then every command


def test_curated_report_verifies_validates_and_checks(curated):
    done = run_main("evidence", FICTION_ID, root=curated)
    assert done.returncode == 0, done.stderr
    assert f"data/{FICTION_ID}/evidence.ttl: 10 claims' evidence written" in done.stdout
    done = run_main("verify", root=curated)
    assert done.returncode == 0, done.stdout
    assert "Violations: 0" in done.stdout
    done = run_main("validate", root=curated)
    assert done.returncode == 0, done.stdout
    # the drafts about no known entity: warnings that say they are drafts
    assert "(draft claim, not yet curated) A claim is linked to at least one entity it is about." in done.stdout
    assert "Violations: 0" in done.stdout
    done = run_cli("check", root=curated)
    assert done.returncode == 0, done.stdout + done.stderr


def test_build_publishes_curated_claims_only(curated, tmp_path):
    done = run_main("build", "--out", str(tmp_path / "dist"), "--formats", "ntriples", root=curated)
    assert done.returncode == 0, done.stderr
    nt = (tmp_path / "dist/axiskg.nt").read_text(encoding="utf-8")
    assert f"<{CLAIM}p2-s2>" in nt  # curated
    assert f"<{CLAIM}p3-s2>" not in nt  # draft
    assert f"<{CLAIM}p1-s1>" not in nt  # rejected
    assert f"<{CLAIM}p3-s2/evidence/quote>" not in nt  # nor what hangs off a draft
    done = run_main("build", "--include-drafts", "--out", str(tmp_path / "all"), "--formats", "ntriples", root=curated)
    assert done.returncode == 0, done.stderr
    nt = (tmp_path / "all/axiskg.nt").read_text(encoding="utf-8")
    assert f"<{CLAIM}p3-s2>" in nt and f"<{CLAIM}p1-s1>" not in nt


def test_release_publishes_curated_claims_only(curated, tmp_path):
    done = run_main("release", "--out", str(tmp_path / "release"), root=curated)
    assert done.returncode == 0, done.stderr
    trig = (tmp_path / "release/axiskg.trig").read_text(encoding="utf-8")
    assert f"{CLAIM}p2-s2>" in trig and f"{CLAIM}p3-s2>" not in trig and f"{CLAIM}p1-s1>" not in trig
    done = run_main("release", "--include-drafts", "--out", str(tmp_path / "all"), root=curated)
    assert done.returncode == 0, done.stderr
    trig = (tmp_path / "all/axiskg.trig").read_text(encoding="utf-8")
    assert f"{CLAIM}p3-s2>" in trig and f"{CLAIM}p1-s1>" not in trig


def test_stats_shows_curation_progress(curated):
    done = run_main("stats", root=curated)
    assert done.returncode == 0, done.stderr
    assert "id:report/harbour-lights-2026: 4 curated, 4 draft, 2 rejected of 10 (40% curated)" in done.stdout
    assert "id:report/alliance-axis-2025: 66 curated, 0 draft, 0 rejected of 66 (100% curated)" in done.stdout


def test_every_stored_query_runs_with_two_reports(curated):
    names = sorted(p.stem for p in (curated / "queries").glob("*.rq"))
    assert "claims-across-reports" in names
    for name in names:
        done = run_main("query", name, "--format", "csv", root=curated)
        assert done.returncode == 0, (name, done.stderr)


def test_report_structure_for_the_new_report(curated):
    done = run_main(
        "query", "report-structure", "--param", f"report=report:{FICTION_ID}", "--format", "csv", root=curated
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    parts = [r["title"] for r in rows if r["kindLabel"] == "part"]
    assert parts == ["Published", "Summary", "Regional Responses", "Outlook"]
    assert rows[0]["position"] == "0.1"  # the paragraph before the first heading


def test_claims_across_reports_ordered_by_report_date(curated):
    done = run_main("query", "claims-across-reports", "--format", "csv", root=curated)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    reports = [r["report"].rsplit("/", 1)[-1] for r in rows]
    first = reports.index(FICTION_ID)
    assert set(reports[:first]) == {FIRST} and set(reports[first:]) == {FICTION_ID}
    fiction = {r["claim"].rsplit("/", 1)[-1]: r["status"] for r in rows if FICTION_ID in r["report"]}
    assert fiction == {"p2-s2": "curated"}  # the one sentence naming Japan
    assert [r["issued"] for r in rows] == sorted(r["issued"] for r in rows)


def test_the_site_shows_both_reports_and_their_curation(curated, tmp_path):
    pytest.importorskip("pylode")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed: the site's pictures need it")
    done = run_main("docs", "--out", str(tmp_path / "site"), root=curated)
    assert done.returncode == 0, done.stderr
    index = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    table = index[index.index('id="curation"') :].split("</table>")[0]
    assert "Harbour Lights: A Made-Up Assessment" in table
    assert "<td>4</td><td>4</td><td>2</td><td>10</td>" in table
    assert "<td>66</td><td>0</td><td>0</td><td>66</td>" in table


def test_serve_answers_for_two_reports(curated):
    import json
    import urllib.parse

    from serve_helpers import Server, http  # tests/serve_helpers.py

    pytest.importorskip("starlette")
    srv = Server("--workers", "1", root=curated)
    try:
        query = f"SELECT ?report WHERE {{ <{CLAIM}p2-s2> <http://www.w3.org/ns/prov#wasDerivedFrom> ?report }}"
        url = f"{srv.url}/sparql?query={urllib.parse.quote(query)}"
        status, _, body = http("GET", url, headers={"Accept": "application/sparql-results+json"})
        assert status == 200, body
        rows = json.loads(body)["results"]["bindings"]
        assert [r["report"]["value"] for r in rows] == [f"https://w3id.org/axiskg/id/report/{FICTION_ID}"]
        query = (
            "SELECT DISTINCT ?r WHERE { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?r . "
            "?r a <https://w3id.org/axiskg/ontology#Report> } ORDER BY ?r"
        )
        url = f"{srv.url}/sparql?query={urllib.parse.quote(query)}"
        status, _, body = http("GET", url, headers={"Accept": "application/sparql-results+json"})
        assert status == 200, body
        reports = [r["r"]["value"].rsplit("/", 1)[-1] for r in json.loads(body)["results"]["bindings"]]
        assert reports == [FIRST, FICTION_ID]
    finally:
        srv.stop()


# --------------------------------------------------------------------------- running it again


def test_rerun_keeps_curated_work_and_adds_only_new(curated, tmp_path):
    root = tmp_path / "again"
    shutil.copytree(curated, root)
    folder = root / "data" / FICTION_ID
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = ingest_fiction(root, "--force")
    assert done.returncode == 0, done.stderr
    assert "nothing to add" in done.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # a curator deletes a draft: running again proposes it anew, and leaves the rest byte for byte
    drafts = folder / "drafts.ttl"
    text = drafts.read_text(encoding="utf-8")
    start = text.index("claim:p4-s1 a axis:Claim")
    end = text.index("\n\n", start)
    drafts.write_text(text[:start] + text[end + 2 :], encoding="utf-8")
    kept = drafts.read_text(encoding="utf-8")
    done = ingest_fiction(root, "--force")
    assert done.returncode == 0, done.stderr
    assert "1 new draft claims" in done.stdout
    assert drafts.read_text(encoding="utf-8").startswith(kept)
    assert (folder / "report.ttl").read_bytes() == before["report.ttl"]


def test_drafts_appended_under_an_older_head_declare_their_prefixes(curated, tmp_path):
    """A drafts.ttl written before paragraphs had their own ``para:`` namespace declares ``sec:``
    in its head, not ``para:``: the drafts ``ingest --update`` appends to it still parse (they
    declare the prefixes they use), and every later command reads the file."""
    root = tmp_path / "old-head"
    shutil.copytree(curated, root)
    drafts = root / "data" / FICTION_ID / "drafts.ttl"
    text = drafts.read_text(encoding="utf-8")
    assert "@prefix para:" in text
    text = text.replace("@prefix para:", "@prefix sec:").replace(" para:", " sec:")
    start = text.index("claim:p4-s1 a axis:Claim")
    text = text[:start] + text[text.index("\n\n", start) + 2 :]  # a draft to propose anew
    drafts.write_text(text, encoding="utf-8")
    assert run_main("verify", root=root).returncode == 0
    done = ingest_fiction(root, "--update")
    assert done.returncode == 0, done.stderr
    assert "1 new draft claims" in done.stdout
    graph = rdflib.Graph().parse(drafts, format="turtle")
    assert (rdflib.URIRef(CLAIM + "p4-s1"), rdflib.RDF.type, rdflib.URIRef(str(AXIS) + "Claim")) in graph
    done = run_main("verify", root=root)
    assert done.returncode == 0, done.stderr


def test_changed_text_is_refused_then_realigned_with_update(curated, tmp_path):
    root = tmp_path / "changed"
    shutil.copytree(curated, root)
    source = root / "tests/fixtures/reports" / FICTION.name
    text = source.read_text(encoding="utf-8")
    text = text.replace("Summary\n", "Summary\nA new opening sentence was added here.\n")
    text = text.replace("Australia may join some exercises", "Australia might join a few exercises")
    source.write_text(text, encoding="utf-8")
    folder = root / "data" / FICTION_ID
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = run_main("verify", root=root)
    assert done.returncode == 2 and "differs from the" in done.stderr
    done = ingest_fiction(root, "--force")
    assert done.returncode == 2 and "--update re-aligns" in done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing written
    done = ingest_fiction(root, "--update")
    assert done.returncode == 1
    assert f"no longer matches the text: <{CLAIM}p3-s2>" in done.stderr  # the reworded sentence
    assert done.stderr.count("no longer matches") == 1
    assert (folder / "drafts.ttl").read_bytes().startswith(before["drafts.ttl"])  # curated claims untouched
    evidence = (folder / "evidence.ttl").read_text(encoding="utf-8")
    assert "Japan plans to open a second joint operations cell in Okinawa." in evidence
    done = run_main("verify", "--output", "json", root=root)
    assert done.returncode == 1 and f"{CLAIM}p3-s2" in done.stdout and "ExactNotInText" in done.stdout


# --------------------------------------------------------------------------- bad input


def _bad(root: Path, source: Path, *extra: str, report_id: str = "bad-one"):
    done = run_cli("ingest", str(source), "--id", report_id, "--published", "2026-01-01", *extra, root=root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert not report_id or not (root / "data" / report_id).exists() or report_id == FIRST
    return done.stderr


def test_bad_input_is_refused_and_nothing_is_written(tmp_path):
    root = copy_project(tmp_path)
    binary = tmp_path / "report.pdf"
    binary.write_bytes(b"%PDF-1.7\n\x00\x01\x02 stream")
    assert "a binary file, not a plain text" in _bad(root, binary)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\u00e9 report\nJapan may act.\n".encode("latin-1"))
    err = _bad(root, latin)
    assert "latin1.txt:1: not UTF-8 (byte 0xe9" in err
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n 12/01/2026 \n", encoding="utf-8")
    assert "the text is empty (no words in it)" in _bad(root, empty)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # 100 MB, sparse: refused by its size before it is read
        fh.truncate(100 * 1024 * 1024)
    assert "over the 16 MB limit for a report's text" in _bad(root, huge)
    good = root / "tests/fixtures/reports" / FICTION.name
    for unsafe in ("../escape", "a/b", ".hidden", "UPPER", "x" * 65, ""):
        err = _bad(root, good, report_id=unsafe)
        assert "not a safe report ID" in err
    assert not (root / "escape").exists() and not (root / "data" / "a").exists()
    assert "not a date (YYYY-MM-DD)" in _bad(root, good, "--published", "3 Feb 2026")
    assert "not an http(s) URL" in _bad(root, good, "--url", "javascript:alert(1)")


def test_existing_report_needs_force(tmp_path):
    root = copy_project(tmp_path)
    folder = root / "data" / FIRST
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    err = _bad(root, root / "tests/fixtures/reports" / FICTION.name, report_id=FIRST)
    assert "report exists: --force adds drafts" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_missing_text_is_a_named_skip_outside_ci_and_an_error_under_ci(curated, tmp_path, monkeypatch):
    root = tmp_path / "no-text"
    shutil.copytree(curated, root)
    (root / "tests/fixtures/reports" / FICTION.name).unlink()
    monkeypatch.delenv("CI", raising=False)
    done = run_main("verify", root=root)
    assert done.returncode == 0, done.stdout
    assert (
        "TextMissing" in done.stdout
        and f"skipped: no text for report <https://w3id.org/axiskg/id/report/{FICTION_ID}>" in done.stdout
    )
    monkeypatch.setenv("CI", "true")
    done = run_main("verify", root=root)
    assert done.returncode == 2
    assert "CI=true: a missing text is an error" in done.stderr


# --------------------------------------------------------------------------- the first report as regression case


@pytest.fixture
def seed_text() -> Path:
    path = report_text_path()
    if not path.is_file():
        pytest.skip(f"REPORT TEXT NOT FOUND at {path}: the ingest regression needs it (CI has ../shared/seed/)")
    return path


def _sentences(ttl: str) -> set[tuple[int, int, str]]:
    from rdflib import Graph, Namespace

    axis = Namespace("https://w3id.org/axiskg/ontology#")
    g = Graph().parse(data=ttl, format="turtle")
    return {
        (int(g.value(s, axis.startIndex)), int(g.value(s, axis.endIndex)), str(g.value(s, axis.hasText)))
        for s in g.subjects(axis.hasText, None)
    }


def test_ingesting_the_first_report_reproduces_its_sentences(seed_text, tmp_path):
    root = copy_project(tmp_path)
    done = run_main("ingest", str(seed_text), "--id", "seed-again", "--published", "2025-12-22", root=root)
    assert done.returncode == 0, done.stderr
    made = _sentences((root / "data/seed-again/text.ttl").read_text(encoding="utf-8"))
    committed = _sentences((REPO / "data" / FIRST / "text.ttl").read_text(encoding="utf-8"))
    assert made == committed
    assert len(committed) == 32


def test_reingesting_the_first_report_leaves_curated_claims_alone(seed_text, tmp_path):
    root = copy_project(tmp_path)
    folder = root / "data" / FIRST
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = run_main("ingest", str(seed_text), "--id", FIRST, "--force", root=root)
    assert done.returncode == 0, done.stderr
    assert "every sentence with a cue has a claim: nothing to add" in done.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # --update on a report whose sentences were not written by ingest is refused, nothing touched
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.read_text(encoding="utf-8") + "One more line is here.\n", encoding="utf-8")
    done = run_main("ingest", str(changed), "--id", FIRST, "--update", root=root)
    assert done.returncode == 2 and "not written by axiskg ingest" in done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
