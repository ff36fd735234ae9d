"""The figures and the traced claim that README.md and docs/model.md show are the graph's (issue 28
item 6): they are read from the text wherever they stand, so a rewrite cannot let them drift.

* every "N claims", "N causal links" / "N of them asserted only as `axis:CausalLink`", "the N
  mechanisms" and "the N actors" phrase gives the graph's count;
* every triple of a ```turtle block whose terms are all written out is in the graph (asserted or
  inferred); an elided IRI (``<…/x>``) is ``id:x`` where the graph has that node, otherwise
  some node with that property and value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from axiskg import vocab
from axiskg.dataset import Dataset

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "model.md"]
SENT = "https://w3id.org/axiskg/id/sentence/alliance-axis-2025/"
PREFIXES = {**vocab.PREFIXES, **vocab.PROJECT_PREFIXES, "sent": SENT, "agent": vocab.ID + "agent/"}
ELIDED = "urn:elided:"

COUNTS = {
    # phrase -> the SPARQL pattern whose solutions it counts
    r"(\d+) claims\b": "?x a axis:Claim",
    r"(\d+) causal links\b": "?x a axis:CausalLink",
    r"(\d+) of them asserted only as `axis:CausalLink`": "?x a axis:CausalLink",
    r"\bthe (\d+) mechanisms\b": "?x a axis:Mechanism",
    r"\bthe (\d+) actors\b": "?x a axis:Actor",
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return Dataset.load(root=ROOT)


def count(dataset: Dataset, pattern: str) -> int:
    query = vocab.sparql_prefixes() + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"
    return int(next(iter(dataset.select(query)))["n"].value)


def figures(text: str) -> list[tuple[str, int, str]]:
    """(phrase, number, pattern) for each count phrase in ``text`` (whitespace runs as one space)."""
    flat = " ".join(text.split())
    return [(m.group(0), int(m.group(1)), pattern) for rx, pattern in COUNTS.items() for m in re.finditer(rx, flat)]


def turtle_blocks(text: str) -> list[str]:
    return re.findall(r"```turtle\n(.*?)```", text, re.S)


def parse_block(block: str) -> rdflib.Graph:
    """A README turtle block as RDF: elided IRIs (``<…/x>``) become ``urn:elided:x``; literals that
    elide text (``"… …"``) are dropped with their triple, and a statement cut short (``; …``) ends there."""
    body = re.sub(r"<…/([^>]*)>", lambda m: f"<{ELIDED}{m.group(1)}>", block)
    body = re.sub(r'\s*(?:[\w:]+)\s+"[^"\n]*…[^"\n]*"\s*(;|\.)', r" \1", body)
    body = re.sub(r";\s*…\s*$", " .", body, flags=re.M)  # a statement cut short
    body = re.sub(r";\s*\.", " .", body)
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    return rdflib.Graph().parse(data=head + body, format="turtle")


def to_ox(term):
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or vocab.XSD + "string")))


def resolve(dataset: Dataset, term):
    """An elided IRI ``<…/x>`` is ``id:x`` when the graph has that node, else any node (None)."""
    if not str(term).startswith(ELIDED):
        return to_ox(term)
    node = ox.NamedNode(vocab.ID + str(term)[len(ELIDED) :])
    return node if any(True for _ in dataset.quads_for_pattern(node, None, None)) else None


def missing_triples(dataset: Dataset, graph: rdflib.Graph) -> list[str]:
    missing = []
    for s, p, o in graph:
        subject, obj = resolve(dataset, s), resolve(dataset, o)
        if subject is None and obj is None:
            continue
        if not any(True for _ in dataset.store.quads_for_pattern(subject, to_ox(p), obj)):
            missing.append(f"{s.n3()} {p.n3()} {o.n3()}")
    return missing


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_count_phrase_is_the_graphs(dataset, doc):
    wrong = [
        f"{doc.name}: '{phrase}' but the graph has {n}"
        for phrase, written, pattern in figures(doc.read_text(encoding="utf-8"))
        if written != (n := count(dataset, pattern))
    ]
    assert wrong == []


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_traced_triple_is_in_the_graph(dataset, doc):
    blocks = turtle_blocks(doc.read_text(encoding="utf-8"))
    missing = [t for block in blocks for t in missing_triples(dataset, parse_block(block))]
    assert missing == []


def test_the_checks_can_fail(dataset):
    assert figures("gives all 65 claims (30 of\n them asserted only as `axis:CausalLink`)") == [
        ("65 claims", 65, "?x a axis:Claim"),
        ("30 of them asserted only as `axis:CausalLink`", 30, "?x a axis:CausalLink"),
    ]
    assert count(dataset, "?x a axis:Claim") != 65
    block = "claim:p2-s2-3 axis:hasModality axis:Asserted ;\n    axis:hasEvidence <…/claim/x/evidence> .\n"
    assert missing_triples(dataset, parse_block(block)) == [
        f"<{PREFIXES['claim']}p2-s2-3> <{vocab.AXIS}hasModality> <{vocab.AXIS}Asserted>"
    ]
