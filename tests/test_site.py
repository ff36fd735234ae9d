"""`axiskg docs`: the pages, their links, and that nothing is loaded from the network."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_cli, run_main
from rdflib import OWL, RDF
from rdflib.namespace import DCTERMS, SKOS

from axiskg import paths, vocab
from axiskg.dataset import Dataset
from axiskg.docs import graphdata, pagedata
from axiskg.rdfio.terms import ontology_graph

ROOT = paths.project_root(Path(__file__).parent)
PAGES = [
    "claims.html",
    "data.html",
    "entities.html",
    "index.html",
    "ontology-extras.html",
    "ontology.html",
    "pictures.html",
    "queries.html",
]
IMAGES = [
    "img/alliance-network.svg",
    "img/causal-map.svg",
    "img/causal-map-drivers.svg",
    "img/causal-map-impacts.svg",
    "img/class-hierarchy.svg",
]

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "dot"], capture_output=True).returncode != 0, reason="Graphviz (dot) is not installed"
)


class Page(HTMLParser):
    """ids, links (a href) and loaded resources (src, link href, object data) of one page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for attr in ("src", "data", "poster"):
            if a.get(attr):
                self.resources.append(a[attr])
        if tag == "link" and a.get("href"):
            self.resources.append(a["href"])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    proc = run_main("docs", "--out", str(out), root=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith(f"open {out.resolve() / 'index.html'}")
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    return {p: Page((site / p).read_text(encoding="utf-8")) for p in PAGES}


@pytest.fixture(scope="module")
def store():
    return Dataset.load(root=ROOT, inferred=False)


def test_site_files(site):
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert files == sorted(PAGES + IMAGES + ["site.css"])


def test_every_internal_link_resolves(site, pages):
    checked = 0
    for name, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # links to the web are fine: they are not loaded
            target = parts.path or name
            assert (site / target).is_file(), f"{name}: broken link {href}"
            if parts.fragment and target.endswith(".html"):
                assert parts.fragment in pages[target].ids, f"{name}: no #{parts.fragment} on {target}"
            checked += 1
    assert checked > 500


def test_every_picture_link_resolves_from_img(site, pages):
    """The pictures are SVG files under img/, shown in an <object>: their node links resolve
    against img/, so they lead up to the page (../entities.html#...), to an existing id."""
    checked = 0
    for image in IMAGES:
        svg = ET.fromstring((site / image).read_bytes())
        for a in svg.iter("{http://www.w3.org/2000/svg}a"):
            href = a.get("{http://www.w3.org/1999/xlink}href") or a.get("href")
            if href is None:
                continue  # Graphviz wraps a tooltip-only edge in <a xlink:title=...>
            target = (site / image).parent / urlsplit(href).path
            assert target.resolve().is_file(), f"{image}: broken link {href}"
            name = str(target.resolve().relative_to(site.resolve()))
            assert urlsplit(href).fragment in pages[name].ids, f"{image}: no #{urlsplit(href).fragment} on {name}"
            assert a.get("target") == "_top", href  # the whole window follows, not the <object>
            checked += 1
    assert checked >= 90


def test_ontology_page_header_is_the_ontologys(site, store):
    """pyLODE takes concept schemes for the document's subject too: the page's title, h1,
    metadata IRI and description must be the ontology's alone, the schemes in their own section."""
    ontology = ontology_graph(store)
    (ont,) = ontology.subjects(RDF.type, OWL.Ontology)
    title = str(ontology.value(ont, DCTERMS.title))
    description = str(ontology.value(ont, DCTERMS.description))
    lode = (site / "ontology.html").read_text(encoding="utf-8")
    assert re.findall(r"<title>(.*?)</title>", lode) == [html.escape(title, quote=False)]
    assert re.findall(r"<h1>(.*?)</h1>", lode) == [html.escape(title, quote=False)]
    metadata = lode[lode.index('id="metadata"') : lode.index('id="classes"')]
    assert re.findall(r"<strong>IRI</strong>\s*</dt>\s*<dd>\s*<code>(.*?)</code>", metadata) == [str(ont)]
    assert html.unescape(metadata).count(description) == 1
    assert "concept scheme" not in metadata.lower()
    # every scheme and every concept has an entry, linked from the table of contents
    schemes = sorted(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 5
    section = lode[lode.index('<div class="section" id="conceptschemes">') : lode.index('<div id="namespaces">')]
    for scheme in schemes:
        fragment = str(scheme).rsplit("#", 1)[1]
        assert f'<div class="property entity" id="{fragment}">' in section
        assert f"<code>{scheme}</code>" in section
        assert f'<a href="#{fragment}">' in lode[lode.index('<div id="toc">') :]
        for concept in ontology.subjects(SKOS.inScheme, scheme):
            assert f"<code>{concept}</code>" in section, concept


def test_tables_show_readable_labels_not_curies(site):
    """No table cell of the site is a bare CURIE such as ``axis:Actor`` (code excepted): classes,
    properties and kinds are shown by their labels, or their local names in words."""
    cell = re.compile(r"<td>(?:<a [^>]*>|<span [^>]*>)?([a-z]+:[A-Za-z][\w/-]*)(?:</a>|</span>)?</td>")
    for name in PAGES:
        text = (site / name).read_text(encoding="utf-8")
        assert cell.findall(text) == [], f"{name}: {cell.findall(text)[:5]}"
    index = (site / "index.html").read_text(encoding="utf-8")
    counts = index[index.index('<table class="counts">') :]
    assert '<th rowspan="6">actors</th><td><a href="ontology.html#Actor">actor</a></td><td>13</td>' in counts


def test_at_a_glance_shows_every_module_with_instances_and_picks_up_a_new_one(tmp_path):
    """The overview's table is per ontology module, not a fixed list: the example extension's
    module (docs/extending.md) appears with its class once its module and data are added."""
    from axiskg.docs.site import overview_counts

    root = tmp_path / "copy"
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, root / part)
    before = {
        module: {c.curie: c.instances for c in classes}
        for module, classes in overview_counts(root, Dataset.load(root=root, inferred=False))
    }
    assert before["causality"] == {
        "axis:CausalLink": 31,
        "axis:CausalFactor": 28,
        "axis:Impact": 15,
        "axis:Driver": 11,
        "axis:CentralTrend": 1,
    }
    assert "axiskg" not in before, "the header's declarations of reused classes are not a module's classes"
    assert "exercises" not in before
    example = ROOT / "examples" / "extension-exercises"
    shutil.copy(example / "ontology" / "modules" / "exercises.ttl", root / "ontology" / "modules" / "exercises.ttl")
    shutil.copytree(example / "data" / "examples", root / "data" / "examples")
    after = {
        module: {c.curie: c.instances for c in classes}
        for module, classes in overview_counts(root, Dataset.load(root=root, inferred=False))
    }
    assert set(after) == set(before) | {"exercises"} and after["exercises"]["axis:JointExercise"] >= 1


def test_nothing_is_loaded_from_elsewhere(site, pages):
    for name, page in pages.items():
        for res in page.resources:
            assert not urlsplit(res).scheme or res.startswith("data:"), f"{name} loads {res}"
    for path in [site / p for p in PAGES + IMAGES + ["site.css"]]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), f"{path.name} imports from the web"
        assert "<script src" not in text


def test_claims_page_has_every_claim_with_quote_section_and_modality(site, store):
    text = (site / "claims.html").read_text(encoding="utf-8")
    data = (site / "data.html").read_text(encoding="utf-8")
    claims = pagedata.claims(store)
    assert len(claims) >= 63
    assert f"<h1>Claims ({len(claims)})</h1>" in text
    for c in claims:
        start = text.index(f'id="{c.iri[len(vocab.ID) :].replace("/", "-")}"')
        card = html.unescape(text[start : text.index("</div>", start)])
        assert f"<blockquote>\u201c{c.quotes[0]}\u201d</blockquote>" in card
        assert f'<span class="tag">{c.modality}</span>' in card
        anchor = c.section[len(vocab.ID) :].replace("/", "-")  # the component it is stated in
        assert f'href="data.html#{anchor}"' in card and f'id="{anchor}"' in data
        assert 'href="entities.html#' in card  # the entities it is about


def test_claim_slots_are_linked(site):
    """The worked example of DESIGN.md: a claim whose statement is "<subject> org:reportsTo
    INDOPACOM", with both slots linked to their entities."""
    text = (site / "claims.html").read_text(encoding="utf-8")
    statements = re.findall(r"<dt>statement</dt><dd>(.*?)</dd>", text)
    reports_to = [s for s in statements if "<code>org:reportsTo</code>" in s]
    assert reports_to
    assert all(s.endswith('<a href="entities.html#actor-indopacom">U.S. Indo-Pacific Command</a>') for s in reports_to)


def test_data_page_mechanisms_with_members(site, store):
    text = (site / "data.html").read_text(encoding="utf-8")
    row = text[text.index('id="mech-mechanism-quad"') :]
    row = row[: row.index("</tr>")]
    for state in ("Australia", "India", "Japan", "United States"):
        assert f">{state}</a>" in row
    assert "minilateral grouping" in row
    assert "called the axis/hub in 4 claims" in text
    for title in (
        'The Core of the "Upgraded" U.S.-Japan Alliance Lies in Military Integration',
        "Changes in the International Environment",
    ):
        assert f"<td>{title}</td>" in html.unescape(text)


def test_entities_page_back_links_claims(site, pages):
    text = (site / "entities.html").read_text(encoding="utf-8")
    card = text[text.index('id="actor-indopacom"') :]
    card = card[: card.index("</div>")]
    assert "U.S. Indo-Pacific Command" in card and "インド太平洋軍" in card
    assert card.count('href="claims.html#') >= 1


def test_ontology_pages(site, pages):
    lode = (site / "ontology.html").read_text(encoding="utf-8")
    assert "https://w3id.org/axiskg/ontology#CausalLink" in lode
    assert '<nav class="site axiskg">' in lode
    extras = (site / "ontology-extras.html").read_text(encoding="utf-8")
    # disjointness pyLODE leaves out
    groups = re.findall(r"<tr><td><code>owl:AllDisjointClasses</code></td><td>(.*?)</td></tr>", extras)
    names = [re.sub(r"<[^>]+>", "", g) for g in groups]
    assert "driver, central trend, impact" in names
    assert "state, military command, armed force, government body" in names
    # the shapes that constrain a class, and those inherited from superclasses
    card = extras[extras.index('id="class-axis-CausalLink"') :]
    card = card[: card.index('<div class="card"', 10)]
    assert "axsh:CausalLinkShape" in card
    assert "axis:hasCause" in card and "sh:maxCount 1" in card
    assert 'href="#class-axis-Claim"><code>axsh:ClaimShape</code></a> (claim)' in card


def test_queries_page_runs_each_stored_query(site):
    from axiskg.sparql import catalog

    text = (site / "queries.html").read_text(encoding="utf-8")
    stored = catalog.load_catalog(ROOT)
    assert stored, "no stored queries"
    for q in stored:
        assert f'id="q-{q.name}"' in text
        card = text[text.index(f'id="q-{q.name}"') :]
        card = html.unescape(card[: card.index("</div>")])
        assert f"<h2>{q.title}</h2>" in card
        assert "This query failed" not in card, card[:2000]
        assert re.search(r"\d+ results?</p>", card)


def test_bad_input_is_one_line_error(project, tmp_path):
    bad = project / "data" / "report" / "broken.ttl"
    bad.write_text('<http://a> <http://b> "unterminated .\n')
    proc = run_cli("docs", "--out", str(tmp_path / "site"), root=project)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"axiskg: error: {bad}:1:") and "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists()


def test_a_failed_run_keeps_the_previous_site(project, tmp_path):
    out = tmp_path / "out" / "site"
    assert run_main("docs", "--out", str(out), root=project).returncode == 0, "fixture project builds"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (project / "data" / "report" / "broken.ttl").write_text("@prefix : <x> .\n:a :b\n")
    assert run_main("docs", "--out", str(out), root=project).returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no staging folder left behind


def test_literals_are_shown_as_written(site):
    """Every literal an entity carries (comments, descriptions, dates; not its labels) appears on
    the data and entities pages exactly as the data writes it, never passed through the
    IRI-to-label function (which would give "u.s. forces japan")."""
    store = Dataset.load(root=ROOT, inferred=False)
    actors = {e.iri for e in pagedata.entities(store) if "state" in e.kinds or "military command" in e.kinds}
    everyone = {e.iri for e in pagedata.entities(store)}
    rows = graphdata.select(
        store,
        """SELECT ?e ?o WHERE { ?e ?p ?o FILTER(isLiteral(?o))
             FILTER(?p NOT IN (rdfs:label, skos:altLabel)) }""",
    )
    text = lambda name: html.unescape(re.sub(r"<[^>]*>", "", (site / name).read_text(encoding="utf-8")))  # noqa: E731
    data_page, entities_page = text("data.html"), text("entities.html")  # what a reader sees (no attributes)
    shown = [(r["e"], r["o"]) for r in rows if r["e"] in everyone]
    assert any(any(c.isupper() for c in o) for e, o in shown if e in actors)  # something a lowercasing breaks
    for e, o in shown:
        assert o in entities_page, (e, o)
        if e in actors:
            assert o in data_page, (e, o)
