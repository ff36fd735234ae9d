"""The release's JSON-LD, read with pyld (the JSON-LD reference processor for Python) and its shipped
context: every property and class compacts to a term, integers are JSON numbers, the data round-trips
to exactly the release's triples, and every report's IRIs get prefixes derived from the data."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from axiskg import paths
from axiskg.rdfio.jsonld_context import jsonld_context
from axiskg.rdfio.jsonld_writer import jsonld_bytes
from axiskg.vocab import PUBLISHED_PREFIXES as KNOWN_PREFIXES

pyld = pytest.importorskip("pyld")
from pyld import jsonld  # noqa: E402

ROOT = paths.project_root(Path(__file__).parent)
ID = "https://w3id.org/axiskg/id/"


def _problems(doc) -> list[str]:
    """Keys and ``@type`` values that stayed compact IRIs or full IRIs, and value objects of numbers."""
    found: list[str] = []

    def walk(value, key=None):
        if isinstance(value, list):
            for item in value:
                walk(item, key)
            return
        if not isinstance(value, dict):
            return
        if "@value" in value:
            if isinstance(value["@value"], (int, float)) or str(value["@value"]).lstrip("-").isdigit():
                found.append(f"value object under {key}: {value}")
            return
        for k, v in value.items():
            if k == "@context":
                continue
            if ":" in k:
                found.append(f"key {k}")
            if k == "@type":
                found.extend(f"@type {t}" for t in (v if isinstance(v, list) else [v]) if ":" in t)
            walk(v, k)

    walk(doc)
    return found


def test_pyld_compacts_the_whole_release_to_terms_and_numbers(release_dir):
    context = json.loads((release_dir / "context.jsonld").read_text())
    doc = json.loads((release_dir / "axiskg.jsonld").read_text())
    compacted = jsonld.compact(doc, context)
    assert _problems(compacted) == []
    offsets = [n for n in compacted["@graph"] if "start" in n]
    assert offsets and all(isinstance(n["start"], int) and isinstance(n["end"], int) for n in offsets)
    assert context["@context"]["endIndex"]["@id"] == "axis:endIndex"
    assert context["@context"]["nifEndIndex"]["@id"] == "nif:endIndex"
    assert context["@context"]["dctermsSource"]["@id"] == "dcterms:source"  # beside the source: prefix
    assert {context["@context"]["Sentence"], context["@context"]["nifSentence"]} == {"axis:Sentence", "nif:Sentence"}


def test_jsonld_reads_back_as_exactly_the_release(release_dir):
    """pyld's own RDF of the JSON-LD is the release's N-Triples, literal for literal (the
    numbers keep their datatypes, e.g. xsd:nonNegativeInteger)."""
    doc = json.loads((release_dir / "axiskg.jsonld").read_text())
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    from_pyld = rdflib.Graph().parse(data=nquads, format="nt")
    released = rdflib.Graph().parse(release_dir / "axiskg.nt", format="nt")
    assert len(from_pyld) == len(released)
    lits = lambda g: sorted((str(o), str(o.datatype)) for o in g.objects() if isinstance(o, rdflib.Literal))  # noqa: E731
    assert lits(from_pyld) == lits(released)


def test_every_report_gets_its_prefixes_from_the_data():
    g = rdflib.Graph()
    axis = rdflib.Namespace("https://w3id.org/axiskg/ontology#")
    for report in ("alliance-axis-2025", "second-report-2026"):
        r = rdflib.URIRef(f"{ID}report/{report}")
        g.add((r, rdflib.RDF.type, axis.Report))
        for kind, cls in (("claim", axis.Claim), ("section", axis.Section), ("sentence", axis.Sentence)):
            g.add((rdflib.URIRef(f"{ID}{kind}/{report}/x1"), rdflib.RDF.type, cls))
            g.add((rdflib.URIRef(f"{ID}{kind}/{report}/x1"), axis.isPartOf, r))
    g.add((rdflib.URIRef(f"{ID}agent/a"), rdflib.RDF.type, axis.Agent))
    context = jsonld_context(g, KNOWN_PREFIXES)
    for name in ("claim-second-report-2026", "section-second-report-2026", "sentence-second-report-2026"):
        kind = name.split("-", 1)[0]
        assert context[name] == f"{ID}{kind}/second-report-2026/"
    assert context["claim"] == f"{ID}claim/alliance-axis-2025/"  # the project's own prefix stays
    assert context["sentence-alliance-axis-2025"] == f"{ID}sentence/alliance-axis-2025/"
    assert context["agent"] == f"{ID}agent/"
    doc = json.loads(jsonld_bytes(g, context))
    ids = {n["@id"] for n in doc["@graph"]}
    assert "claim-second-report-2026:x1" in ids and "sentence-second-report-2026:x1" in ids


def test_integer_values_are_numbers_only_in_canonical_form():
    g = rdflib.Graph()
    s, p, q = rdflib.URIRef(f"{ID}actor/a"), rdflib.URIRef(f"{ID}p"), rdflib.URIRef(f"{ID}q")
    xsd = rdflib.XSD
    g.add(
        (
            s,
            rdflib.URIRef("https://w3id.org/axiskg/ontology#startIndex"),
            rdflib.Literal("7", datatype=xsd.nonNegativeInteger),
        )
    )
    g.add(
        (
            s,
            rdflib.URIRef("https://w3id.org/axiskg/ontology#endIndex"),
            rdflib.Literal("07", datatype=xsd.nonNegativeInteger, normalize=False),
        )
    )
    g.add((s, rdflib.URIRef("https://w3id.org/axiskg/ontology#hasOrdinal"), rdflib.Literal("3", datatype=xsd.integer)))
    g.add((s, rdflib.URIRef("https://w3id.org/axiskg/ontology#hasOrdinal"), rdflib.Literal("x")))
    del p, q
    doc = json.loads(jsonld_bytes(g, jsonld_context(g, KNOWN_PREFIXES)))
    node = doc if "@graph" not in doc else doc["@graph"][0]
    assert node["startIndex"] == 7 and node["endIndex"] == "07"
    assert sorted(map(str, node["hasOrdinal"])) == ["3", "x"] and 3 in node["hasOrdinal"]
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    back = {str(t.object) for t in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
    assert back == {o.n3() for o in g.objects()}  # (as written: "07" stays "07")
