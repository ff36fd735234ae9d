"""The pictures: each contains the nodes and edges it must, is deterministic, and the README copies
under docs/img/ are not stale."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib

from axiskg import paths
from axiskg.dataset import Dataset
from axiskg.docs import pictures
from axiskg.rdfio.terms import ontology_graph, to_rdflib
from axiskg.vocab import GRAPH_NS

ROOT = paths.project_root(Path(__file__).parent)
SVG = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/axiskg/id/"

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "dot"], capture_output=True).returncode != 0, reason="Graphviz (dot) is not installed"
)

# The mechanisms the report names and their member states (entities.ttl); the network picture
# must show every one of them and every membership.
MEMBERS = {
    "mechanism/us-japan-alliance": {"actor/united-states", "actor/japan"},
    "mechanism/us-japan-rok": {"actor/united-states", "actor/japan", "actor/south-korea"},
    "mechanism/us-japan-philippines": {"actor/united-states", "actor/japan", "actor/philippines"},
    "mechanism/us-japan-australia": {"actor/united-states", "actor/japan", "actor/australia"},
    "mechanism/quad": {"actor/united-states", "actor/japan", "actor/australia", "actor/india"},
    "mechanism/us-alliance-system": set(),  # "no enumerated members"
    "mechanism/us-japan-plus": set(),
    "mechanism/rcep": set(),
}


@pytest.fixture(scope="module")
def store():
    return Dataset.load(root=ROOT, inferred=False)


@pytest.fixture(scope="module")
def rendered(store):
    return {name: pictures.render_svg(p) for name, p in pictures.build_pictures(store).items()}


def parse(svg: bytes):
    tree = ET.fromstring(svg)
    nodes = {g.find(f"{SVG}title").text: g for g in tree.iter(f"{SVG}g") if g.get("class") == "node"}
    edges = {g.find(f"{SVG}title").text: g for g in tree.iter(f"{SVG}g") if g.get("class") == "edge"}
    return nodes, edges


def texts(g) -> str:
    return " ".join(t.text or "" for t in g.iter(f"{SVG}text"))


def test_network_shows_every_mechanism_and_its_members(rendered):
    nodes, edges = parse(rendered["alliance-network"])
    assert set(MEMBERS) <= set(nodes)
    states = set().union(*MEMBERS.values())
    assert {n for n in nodes if n.startswith("actor/")} == states
    member_edges = {tuple(t.split("--")) for t in edges if t.split("--")[1].startswith("actor/")}
    assert member_edges == {(m, s) for m, ss in MEMBERS.items() for s in ss}
    includes = {tuple(t.split("--")) for t in edges if t.split("--")[1].startswith("mechanism/")}
    assert includes == {
        ("mechanism/us-japan-plus", "mechanism/us-japan-rok"),
        ("mechanism/us-japan-plus", "mechanism/us-japan-philippines"),
        ("mechanism/us-japan-plus", "mechanism/us-japan-australia"),
        ("mechanism/us-japan-plus", "mechanism/quad"),
        ("mechanism/us-alliance-system", "mechanism/us-japan-alliance"),
    }


def test_network_makes_the_hub_visible(rendered):
    nodes, _ = parse(rendered["alliance-network"])
    # the states' labels carry their degree, the U.S. and Japan being the hub
    assert "United States (5 mechanisms)" in texts(nodes["actor/united-states"])
    assert "Japan (5 mechanisms)" in texts(nodes["actor/japan"])
    assert "India (1 mechanism)" in texts(nodes["actor/india"])
    # the mechanisms the report's claims call the axis/hub/centre are highlighted, and only those: the
    # alliance (axis, hub) and, from the abstract, "U.S.-Japan+" (the alliance network is "centered on" it)
    highlighted = {n for n, g in nodes.items() if g.find(f".//{SVG}path[@fill='{pictures.HUB}']") is not None}
    assert highlighted == {"mechanism/us-japan-alliance", "mechanism/us-japan-plus"}


def _causal_links() -> tuple[set, set, set, list]:
    """Drivers, impacts and causal links read with rdflib's own SPARQL engine (an independent path)."""
    g = to_rdflib(Dataset.load(root=ROOT, inferred=False))
    q = """PREFIX axis: <https://w3id.org/axiskg/ontology#>
           SELECT ?x WHERE { ?x a axis:%s }"""
    drivers = {str(r.x) for r in g.query(q % "Driver")}
    impacts = {str(r.x) for r in g.query(q % "Impact")}
    trend = {str(r.x) for r in g.query(q % "CentralTrend")}
    links = list(
        g.query("""PREFIX axis: <https://w3id.org/axiskg/ontology#>
        SELECT ?l ?c ?e ?pol ?mod WHERE { ?l a axis:CausalLink ; axis:hasCause ?c ; axis:hasEffect ?e ;
        axis:hasPolarity ?pol ; axis:hasModality ?mod }""")
    )
    return drivers, impacts, trend, links


def test_causal_map_shows_every_driver_impact_and_link(rendered):
    nodes, edges = parse(rendered["causal-map"])
    drivers, impacts, trend, links = _causal_links()
    assert len(drivers) == 11 and len(impacts) == 15 and len(trend) == 1
    short = {iri[len(ID) :] for iri in drivers | impacts | trend}
    assert short <= set(nodes)
    pairs = {(str(r.c)[len(ID) :], str(r.e)[len(ID) :]) for r in links}
    assert {tuple(t.split("->")) for t in edges} == pairs
    # every causal link is an edge labelled with its polarity and modality
    by_pair = {tuple(t.split("->")): texts(g) for t, g in edges.items()}
    for r in links:
        sign = "+" if str(r.pol).endswith("Increases") else "\u2212"
        modality = str(r.mod).rsplit("#", 1)[1].lower()
        assert f"{sign} {modality}" in by_pair[(str(r.c)[len(ID) :], str(r.e)[len(ID) :])]


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _cluster_boxes(svg: bytes) -> dict[str, tuple[float, float, float, float]]:
    """Cluster title -> bounding box (x0, y0, x1, y1) of its outline."""
    boxes = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            shape = g.find(f"{SVG}path")
            coords = _numbers(shape.get("d")) if shape is not None else _numbers(g.find(f"{SVG}polygon").get("points"))
            xs, ys = coords[0::2], coords[1::2]
            boxes[texts(g)] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def test_causal_map_groups_drivers_by_origin_and_impacts_by_domain(rendered):
    svg = rendered["causal-map"]
    boxes = _cluster_boxes(svg)
    nodes, _ = parse(svg)

    def inside(node: str, cluster: str) -> bool:
        x0, y0, x1, y1 = boxes[cluster]
        text = nodes[node].find(f".//{SVG}text")
        x, y = float(text.get("x")), float(text.get("y"))
        return x0 <= x <= x1 and y0 <= y <= y1

    assert inside("driver/us-hegemony-through-presence", "Drivers: U.S. interests")
    assert inside("driver/japan-postwar-constraints", "Drivers: Japan's strategic calculus")
    assert inside("driver/domestic-public-opinion", "Drivers: international environment")
    assert inside("driver/us-japan-interest-alignment", "Drivers: Japan's strategic calculus & U.S. interests")
    assert inside("trend/axis-ization", "Central trend")
    assert inside("impact/alliance-deterrence-role", "Impacts on the U.S.-Japan alliance")
    assert inside("impact/japan-strategic-autonomy", "Impacts on Japan's own course")
    assert inside("impact/arms-race", "Impacts on the region")
    assert inside("impact/china-japan-strategic-trust", "Impacts on China-Japan relations")
    assert not inside("impact/arms-race", "Impacts on Japan's own course")


def test_class_hierarchy_shows_every_class_and_superclass(rendered, store):
    nodes, edges = parse(rendered["class-hierarchy"])
    ontology = ontology_graph(store)
    own = {
        str(c)
        for c in ontology.subjects(rdflib.RDF.type, rdflib.OWL.Class)
        if str(c).startswith("https://w3id.org/axiskg/ontology#")
    }
    assert len(own) >= 30
    assert {"axis." + c.rsplit("#", 1)[1] for c in own} <= set(nodes)
    assert "axis.CausalLink->axis.Claim" in edges
    assert "axis.MilitaryCommand->org.FormalOrganization" in edges


def test_rendering_is_deterministic(store, rendered):
    again = {name: pictures.render_svg(p) for name, p in pictures.build_pictures(store).items()}
    assert again == rendered
    for svg in rendered.values():
        assert b"Generated by graphviz" not in svg and b"<!DOCTYPE" not in svg
        assert pictures.svg_source_digest(svg) is not None


def test_readme_pictures_are_not_stale(store):
    """docs/img/*.svg must be what `axiskg docs --readme-images docs/img` writes now."""
    fresh = pictures.build_pictures(store, href=None, names=pictures.README_PICTURES)
    hint = "stale: regenerate with `axiskg docs --readme-images docs/img`"
    for name, picture in fresh.items():
        committed = (ROOT / "docs" / "img" / f"{name}.svg").read_bytes()
        assert pictures.svg_source_digest(committed) == picture.digest, f"docs/img/{name}.svg is {hint}"
        svg = pictures.render_svg(picture)
        if svg.split(b"graphviz=", 1)[1].split(b";", 1)[0] == committed.split(b"graphviz=", 1)[1].split(b";", 1)[0]:
            assert committed == svg, f"docs/img/{name}.svg is {hint}"


def test_a_changed_graph_changes_the_digest(store, tmp_path):
    """The staleness guard can fail: one more membership gives a different DOT digest."""
    import pyoxigraph as ox

    before = pictures.build_pictures(store, names=("alliance-network",))["alliance-network"].digest
    changed = Dataset.load(root=ROOT, inferred=False)
    changed.add(
        ox.Quad(
            ox.NamedNode(ID + "mechanism/quad"),
            ox.NamedNode("http://www.w3.org/ns/org#hasMember"),
            ox.NamedNode(ID + "actor/philippines"),
            ox.NamedNode(GRAPH_NS + "alliance-axis-2025"),
        )
    )
    after = pictures.build_pictures(changed, names=("alliance-network",))["alliance-network"]
    assert after.digest != before
    nodes, edges = parse(pictures.render_svg(after))
    assert "mechanism/quad--actor/philippines" in edges
