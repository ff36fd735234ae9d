"""axiskg verify: every claim's evidence and every sentence checked against the source text.

The fixtures (tests/fixtures/verify/) are a small report of our own (source.txt) and one file per kind of
error; the project is checked against the real report's text (../shared/seed or $AXISKG_REPORT_TEXT).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli, run_main
from report_text import report_text_path  # tests/report_text.py

from axiskg import paths
from axiskg.dataset import Dataset
from axiskg.textspans import is_word_sequence, select
from axiskg.verify import KINDS
from axiskg.vocab import PROJECT_REPORT

HERE = FIXTURES / "verify"
FIX_REPORT = "https://example.org/verify/report"
SOURCE = f"{FIX_REPORT}={HERE / 'source.txt'}"
SENT = "https://w3id.org/axiskg/id/sentence/alliance-axis-2025/"

# fixture -> (kind, focus): exactly one error each, in the fixture's own file
BAD = {
    "exact-not-at-offsets": ("ExactNotAtOffsets", "claim-shifted"),
    "offsets-out-of-range": ("OffsetsOutOfRange", "claim-far"),
    "exact-not-in-text": ("ExactNotInText", "claim-invented"),
    "prefix-mismatch": ("PrefixMismatch", "claim-bad-prefix"),
    "suffix-mismatch": ("SuffixMismatch", "claim-bad-suffix"),
    "ambiguous-exact": ("AmbiguousExact", "claim-ambiguous"),
    "cue-not-in-quote": ("CueNotInQuote", "claim-bad-cue"),
    "causal-cue-inside-a-word": ("CueNotInQuote", "claim-bad-causal-cue"),
    "missing-selector": ("MissingSelector", "claim-no-position"),
    "quote-outside-sentences": ("QuoteOutsideSentences", "claim-wrong-sentence"),
    "no-sentence": ("NoSentence", "claim-no-sentence"),
    "sentence-text-mismatch": ("SentenceTextMismatch", "s2-wrong"),
}


def verify_json(*args: str):
    done = run_main("verify", *args, "--output", "json")
    return done, (json.loads(done.stdout) if done.stdout else None)


def test_every_error_kind_has_a_failing_fixture():
    kinds = {kind for kind, _ in BAD.values()}
    assert kinds == set(KINDS) - {"SentenceWithoutClaim", "TextMissing"}  # TextMissing: tests/test_ingest.py
    assert sorted(p.name for p in HERE.glob("bad-*.ttl")) == sorted(f"bad-{name}.ttl" for name in BAD)


def test_the_fixture_base_passes_with_coverage_as_info():
    done, doc = verify_json(str(HERE / "base.ttl"), "--source", SOURCE)
    assert done.returncode == 0, done.stderr
    assert [
        (r["severity"], r["sourceConstraintComponent"].rsplit("#", 1)[1], r["focusNode"]) for r in doc["results"]
    ] == [
        ("Info", "SentenceWithoutClaim", "https://example.org/verify/s1"),
        ("Info", "SentenceWithoutClaim", "https://example.org/verify/s3"),
    ]


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_fixture_fails_with_its_file_and_claim(name):
    kind, focus = BAD[name]
    bad = HERE / f"bad-{name}.ttl"
    done, doc = verify_json(str(HERE / "base.ttl"), str(bad), "--source", SOURCE)
    assert done.returncode == 1, done.stderr
    errors = [r for r in doc["results"] if r["severity"] == "Violation"]
    assert [(r["sourceConstraintComponent"].rsplit("#", 1)[1], r["focusNode"]) for r in errors] == [
        (kind, f"https://example.org/verify/{focus}")
    ]
    assert Path(errors[0]["source"]).resolve() == bad.resolve()
    # ... and the line where the claim is described
    assert errors[0]["line"] == _subject_line(bad, focus)
    # the text output names the file and the claim too
    text = run_main("verify", str(HERE / "base.ttl"), str(bad), "--source", SOURCE).stdout
    assert f"bad-{name}.ttl" in text and f"https://example.org/verify/{focus}" in text and kind in text


def test_junit_and_github_outputs_name_the_tool_the_file_and_the_claim():
    bad = HERE / "bad-prefix-mismatch.ttl"
    junit = run_main("verify", str(HERE / "base.ttl"), str(bad), "--source", SOURCE, "--output", "junit")
    assert junit.returncode == 1
    suite = ET.fromstring(junit.stdout)
    assert suite.get("name") == "axiskg verify" and suite.get("failures") == "1"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("classname").endswith("bad-prefix-mismatch.ttl") for c in failed] == [True]
    github = run_main("verify", str(HERE / "base.ttl"), str(bad), "--source", SOURCE, "--output", "github")
    assert github.stdout.splitlines()[0].startswith("::error file=") and "claim-bad-prefix" in github.stdout
    assert github.stdout.splitlines()[-1] == (
        "axiskg verify: 1 violation(s), 0 warning(s), 2 info(s); conforms: no; fails at --fail-on violation"
    )


def test_a_text_that_is_not_the_recorded_one_is_bad_input(tmp_path):
    other = tmp_path / "source.txt"
    other.write_text((HERE / "source.txt").read_text(encoding="utf-8") + " ", encoding="utf-8")
    done = run_main("verify", str(HERE / "base.ttl"), "--source", f"{FIX_REPORT}={other}")
    assert done.returncode == 2 and "SHA-256" in done.stderr and str(other) in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    "source, message",
    [
        ("{d}/missing.txt", "source text not found"),
        ("{d}", "is a directory"),
        ("{d}/latin1.txt", "not UTF-8"),
        ("{d}/fifo.txt", "refused: a FIFO, not a regular file"),  # (read, it hung: #14)
        ("{d}/zero.txt", "refused: a device, not a regular file"),  # (read, it never ended)
    ],
)
def test_an_unreadable_text_is_bad_input(tmp_path, source, message):
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    done = run_cli("verify", str(HERE / "base.ttl"), "--source", f"{FIX_REPORT}={source.format(d=tmp_path)}")
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_a_report_without_its_text_or_checksum_is_bad_input(tmp_path):
    done = run_main("verify", str(HERE / "base.ttl"))
    assert (
        done.returncode == 2 and f"no text for report <{FIX_REPORT}>: it declares no axis:textLocation" in done.stderr
    )
    bare = tmp_path / "bare.ttl"
    bare.write_text("<https://example.org/r> a <https://w3id.org/axiskg/ontology#Report> .\n", encoding="utf-8")
    done = run_main("verify", str(bare), "--source", f"https://example.org/r={HERE / 'source.txt'}")
    assert done.returncode == 2 and "records no SHA-256" in done.stderr
    done = run_main("verify", str(HERE / "base.ttl"), "--source", "no-equals-sign")
    assert done.returncode == 2 and "expected REPORT_IRI=FILE" in done.stderr


def test_verify_needs_no_server_docs_or_reasoner_modules():
    code = (
        "import sys, axiskg.cli, axiskg.commands.verify, axiskg.verify, axiskg.textspans; "
        "bad = sorted(m for m in sys.modules if m.startswith(('axiskg.server', 'axiskg.docs', 'axiskg.reasoning', "
        "'owlready2', 'starlette', 'uvicorn', 'pylode', 'jinja2', 'graphviz', 'pyshacl'))); print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- text spans


def test_sentence_splitter_keeps_abbreviations_and_quoted_endings():
    """The segmenter axiskg ingest uses (sentencex), on one paragraph."""
    from axiskg.ingest.layout import sentences, trimmed

    text = 'The U.S. plans to act. It calls Japan the "axis." Then 2024 came! Is it? Yes'
    found = sentences(text, trimmed(text, 0, len(text)))
    assert [s.text for s in found] == [
        "The U.S. plans to act.",
        'It calls Japan the "axis."',
        "Then 2024 came!",
        "Is it?",
        "Yes",
    ]
    assert all(text[s.start : s.end] == s.text for s in found)


def test_select_finds_the_one_occurrence_inside_the_span_with_context():
    text = "ab the axis cd. ef the axis gh."
    sel = select(text, "the axis", (14, len(text)))
    assert (sel.start, sel.end, sel.prefix, sel.suffix) == (19, 27, "ab the axis cd. ef ", " gh.")
    with pytest.raises(ValueError, match="occurs 2 times"):
        select(text, "the axis")
    with pytest.raises(ValueError, match="occurs 0 times"):
        select(text, "a hub")
    long = "x" * 40 + "Q" + "y" * 40
    sel = select(long, "Q")
    assert (len(sel.prefix), len(sel.suffix)) == (32, 32)


def test_word_sequences():
    assert is_word_sequence("may", "autonomy may narrow")
    assert not is_word_sequence("weak", "weakens trust")
    assert is_word_sequence('"Axis" of', 'The "Axis" of the system')
    assert not is_word_sequence(" ", "a b")


# --------------------------------------------------------------------------- the project


@pytest.fixture(scope="module")
def report_text() -> str:
    path = report_text_path()
    if not path.is_file():
        pytest.skip(f"REPORT TEXT NOT FOUND at {path}: set AXISKG_REPORT_TEXT (CI always has ../shared/seed/)")
    return path.read_text(encoding="utf-8")


def test_the_project_verifies(report_text):
    done, doc = verify_json()
    assert done.returncode == 0, done.stdout
    assert doc["counts"]["violation"] == 0
    # coverage: the title sentences no claim rests on (headings that assert nothing), listed as info
    uncovered = sorted(r["focusNode"][len(SENT) :] for r in doc["results"] if r["severity"] == "Info")
    assert uncovered == ["title", "title-2-3", "title-3-1", "title-part-2", "title-part-3"]


def test_every_line_of_prose_is_cut_into_sentence_resources_that_slice_the_text(report_text):
    store = Dataset.load(inferred=False)
    rows = store.query(
        """
        PREFIX axis: <https://w3id.org/axiskg/ontology#>
        SELECT ?s ?text ?start ?end WHERE { ?s a axis:Sentence ; axis:hasText ?text ; axis:startIndex ?start ; axis:endIndex ?end }
        """,
        use_default_graph_as_union=True,
    )
    spans = sorted((int(r["start"].value), int(r["end"].value), r["text"].value) for r in rows)
    assert len(spans) == 32  # title, abstract, 12 chapter titles, 18 sentences of the introduction
    assert all(report_text[start:end] == text for start, end, text in spans)
    # every character of the prose (not the page furniture lines), but the spaces between sentences,
    # is in exactly one sentence
    furniture = {"Detail", "Published", "22/12/2025", "Key Chapter Title List", "Document Introduction"}
    covered = set()
    for start, end, _ in spans:
        assert not covered & set(range(start, end))
        covered |= set(range(start, end))
    at = 0
    for line in report_text.split("\n"):
        body = range(at + 2, at + len(line)) if line.startswith("- ") else range(at, at + len(line))
        if line not in furniture:
            assert {i for i in body if not report_text[i].isspace()} <= covered, line
        at += len(line) + 1


def test_every_claim_has_both_selectors_and_a_sentence():
    """Every claim minus the claims with both selectors and a sentence is nothing (two positive
    queries: pyoxigraph takes 8 s over the same test written as one FILTER NOT EXISTS)."""
    store = Dataset.load(inferred=False)
    prefixes = """PREFIX axis: <https://w3id.org/axiskg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        """

    def claims(condition: str) -> set[str]:
        query = prefixes + "SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* axis:Claim . " + condition + " }"
        return {str(row["c"]) for row in store.query(query, use_default_graph_as_union=True)}

    complete = claims("""?c axis:hasEvidence ?e ; axis:isStatedInSentence [] .
                         ?e oa:hasSelector ?quote , ?position .
                         ?quote a oa:TextQuoteSelector ; oa:exact [] ; oa:prefix [] ; oa:suffix [] .
                         ?position a oa:TextPositionSelector ; oa:start [] ; oa:end [] .
                         FILTER(STRSTARTS(STR(?e), STR(?c)))""")
    every = claims("")
    assert len(every) >= 30
    assert sorted(every - complete) == []
    assert (
        len(
            list(
                store.query(
                    "SELECT ?c WHERE { ?c a <https://w3id.org/axiskg/ontology#CausalLink> }",
                    use_default_graph_as_union=True,
                )
            )
        )
        >= 30
    )


def test_evidence_reproduces_the_committed_evidence_file(report_text, tmp_path):
    """`axiskg evidence` remakes data/alliance-axis-2025/evidence.ttl byte for byte from the claims' quotes
    alone (selectors, offsets, sentence links), and the result is the same graph as the committed one."""
    import shutil

    from rdflib import Graph
    from rdflib.compare import isomorphic

    root = tmp_path / "repo"
    for part in ("ontology", "data"):
        shutil.copytree(paths.project_root() / part, root / part)
    committed = paths.project_root() / "data/alliance-axis-2025/evidence.ttl"
    (root / "data/alliance-axis-2025/evidence.ttl").write_text(
        "# stale\n" + committed.read_text(encoding="utf-8").replace('oa:start "', 'oa:start "1'), encoding="utf-8"
    )
    source = f"{PROJECT_REPORT}={report_text_path()}"
    done = run_cli("evidence", "alliance-axis-2025", "--source", source, root=root)
    assert done.returncode == 0, done.stderr
    assert "data/alliance-axis-2025/evidence.ttl: 66 claims' evidence written" in done.stdout
    made = root / "data/alliance-axis-2025/evidence.ttl"
    assert made.read_bytes() == committed.read_bytes()
    assert isomorphic(Graph().parse(made), Graph().parse(committed))
    assert not (paths.project_root() / "data/alliance-axis-2025/make_text.py").exists()


def _subject_line(path: Path, local: str) -> int:
    """The line of ``path`` whose first token is the fixture's ``ex:<local>`` (its description)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(
        i
        for i, line in enumerate(lines, 1)
        if line.split(" ", 1)[0] in (f"ex:{local}", f"<https://example.org/verify/{local}>")
    )
