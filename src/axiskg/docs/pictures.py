"""Pictures generated from the graph: Graphviz DOT built from :mod:`axiskg.docs.graphdata`,
laid out by the ``dot``/``neato`` programs (Debian package ``graphviz``), as SVG.

* :func:`alliance_network` -- states and the mechanisms they belong to
* :func:`causal_map`       -- drivers (by origin) -> the central trend -> impacts (by domain)
* :func:`class_hierarchy`  -- the ontology's classes and their named superclasses

The SVG is deterministic: the DOT source is built in sorted order, and Graphviz's version
comment and external DOCTYPE are replaced by one comment that records the SHA-256 of the DOT
source and the Graphviz version. :func:`svg_source_digest` reads the digest back, so a test can
tell a stale picture (different graph) from a different Graphviz build (same graph).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import graphviz

from axiskg import vocab
from axiskg.docs import graphdata
from axiskg.errors import InputError

#: the pictures the site shows, by file stem
PICTURES = ("alliance-network", "causal-map", "causal-map-drivers", "causal-map-impacts", "class-hierarchy")
#: the pictures committed under docs/img/ for the README, whose column is 830 px wide: the causal
#: map in halves (the whole map is too wide to read there; it is kept for links to it)
README_PICTURES = ("alliance-network", "causal-map", "causal-map-drivers", "causal-map-impacts")
#: the README pictures legible in an 830 px column (tests/test_picture_legibility.py)
README_LEGIBLE = ("alliance-network", "causal-map-drivers", "causal-map-impacts")

FONT = "Helvetica"
INCREASES = "#1b7837"
DECREASES = "#b2182b"
HUB = "#fdb863"
STATE = "#d1e5f0"
MECHANISM = "#f7f7f7"
#: font sizes (points; one SVG unit): chosen so that every label is at least 11 px on screen when
#: the site shows a picture in a 1,400 px wide window (measured by tests/test_site_browser.py)
NODE_PT = 14
EDGE_PT = 12
TITLE_PT = 14

Href = Callable[[str], str | None]


@dataclass(frozen=True)
class Picture:
    name: str
    title: str
    dot: str  # the DOT source
    engine: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.engine}\n{self.dot}".encode()).hexdigest()


def node_id(iri: str) -> str:
    """A stable, readable node name: the IRI's path below ``/id/``, else its CURIE with a dot
    (``axis.Actor``: a colon would make DOT read ``node:port``)."""
    if iri.startswith(vocab.ID):
        return iri[len(vocab.ID) :]
    return vocab.curie(iri).replace(":", ".")


def _wrap(text: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _node_attrs(iri: str, href: Href | None) -> dict[str, str]:
    attrs = {"id": node_id(iri).replace("/", "-").replace(":", "-"), "tooltip": iri}
    url = href(iri) if href else None
    if url:
        attrs.update(URL=url, target="_top")
    return attrs


def _graph(cls, name: str, **graph_attr):
    g = cls(name=name, strict=False)
    g.attr(fontname=FONT, **graph_attr)
    g.attr("node", fontname=FONT, fontsize=str(NODE_PT))
    g.attr("edge", fontname=FONT, fontsize=str(EDGE_PT))
    return g


# --------------------------------------------------------------------------- (a) alliance network


def _count(n: int, noun: str) -> str:
    """``1 claim``, ``2 claims``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def alliance_network(net: graphdata.Network, href: Href | None = None) -> Picture:
    # overlap="vpsc" removes overlaps while keeping the layout compact (overlap="false" spreads
    # the nodes over four times the area, mostly whitespace)
    g = _graph(
        graphviz.Graph,
        "alliance_network",
        layout="neato",
        overlap="vpsc",
        splines="true",
        sep="+16",
        esep="+8",
        start="1",
        label="Alliance network: states (ovals) and the mechanisms "
        "they belong to (boxes);\norange: the mechanism the report calls the axis / hub",
        labelloc="b",
        fontsize=str(TITLE_PT),
    )
    included = {i for m in net.mechanisms for i in m.includes}
    for m in net.mechanisms:
        hub = bool(m.axis_claims)
        label = f"{_wrap(m.label, 24)}\n({m.kind})"
        if hub:
            label += f"\n{_count(len(m.axis_claims), 'claim')}: axis / hub"
        if not m.members and not m.includes and m.iri not in included:  # why it stands alone
            label += "\nno member states recorded"
        g.node(
            node_id(m.iri),
            label,
            shape="box",
            style="rounded,filled,bold" if hub else "rounded,filled",
            fillcolor=HUB if hub else MECHANISM,
            penwidth="2.5" if hub else "1",
            **_node_attrs(m.iri, href),
        )
    for s, label in net.states.items():
        degree = sum(s in m.members for m in net.mechanisms)
        g.node(
            node_id(s),
            f"{label}\n({_count(degree, 'mechanism')})",
            shape="ellipse",
            style="filled",
            fillcolor=STATE,
            penwidth=str(1 + degree / 2),
            fontsize=str(NODE_PT + degree),
            **_node_attrs(s, href),
        )
    for m in net.mechanisms:
        for s in m.members:
            g.edge(
                node_id(m.iri), node_id(s), id=f"member--{node_id(m.iri)}--{node_id(s)}".replace("/", "-"), len="1.4"
            )
        for inner in m.includes:
            g.edge(
                node_id(m.iri),
                node_id(inner),
                style="dashed",
                color="#888888",
                label="includes",
                fontcolor="#555555",
                len="1.8",
                id=f"includes--{node_id(m.iri)}--{node_id(inner)}".replace("/", "-"),
            )
    return Picture("alliance-network", "Alliance network", g.source, "neato")


# --------------------------------------------------------------------------- (b) causal map

_SIGN = {"Increases": "+", "Decreases": "\u2212"}


#: the halves of the causal map (for narrow columns such as the README's): name -> (title, whether
#: an edge belongs to it, given the roles of its cause and effect)
CAUSAL_HALVES: dict[str, tuple[str, Callable[[str, str], bool]]] = {
    "causal-map-drivers": (
        "Causal map, part 1: drivers (by origin) \u2192 the central trend",
        lambda c, e: e != "impact",
    ),
    "causal-map-impacts": (
        "Causal map, part 2: the central trend \u2192 impacts (by what they bear on)",
        lambda c, e: e == "impact",
    ),
}
_LEGEND = "Edge label: polarity (+ increases, \u2212 decreases) and the claim's modality; green: increases, red dashed: decreases"


def causal_map(cmap: graphdata.CausalMap, href: Href | None = None, half: str | None = None) -> Picture:
    """The causal map, or with ``half`` (a key of :data:`CAUSAL_HALVES`) the part of it whose edges
    lead to the trend (drivers) or away from it (impacts): each half is about half as wide, so
    its labels stay legible in a column of 830 px."""
    role = {f.iri: f.role for f in cmap.factors}
    edges = list(cmap.edges)
    factors = list(cmap.factors)
    title = "Causal map: drivers (by origin) \u2192 the central trend \u2192 impacts (by what they bear on)"
    name = "causal-map"
    if half is not None:
        title, belongs = CAUSAL_HALVES[half]
        name = half
        edges = [e for e in edges if belongs(role.get(e.cause, "other"), role.get(e.effect, "other"))]
        ends = {e.cause for e in edges} | {e.effect for e in edges}
        kept = {"trend"} | ({"impact"} if half.endswith("impacts") else {"driver", "other"})
        factors = [f for f in factors if f.role in kept or f.iri in ends]
    g = _graph(
        graphviz.Digraph,
        name.replace("-", "_"),
        rankdir="LR",
        ranksep="0.3",
        nodesep="0.12",
        newrank="true",
        compound="true",
        labelloc="b",
        fontsize=str(TITLE_PT),
        label=_wrap(title, 70) + "\n" + _wrap(_LEGEND, 70),
    )
    # shown scaled to the window or column, so its edge labels are as large as its node labels
    g.attr("edge", fontsize=str(NODE_PT))
    clusters: dict[tuple[int, str], list[graphdata.Factor]] = {}
    order = {"driver": 0, "other": 1, "trend": 2, "impact": 3}
    for f in factors:
        if f.role == "driver":
            title = "Drivers: " + " & ".join(f.groups or ("origin not given",))
        elif f.role == "impact":
            title = "Impacts on " + " & ".join(f.groups or ("(domain not given)",))
        elif f.role == "trend":
            title = "Central trend"
        else:
            title = "Initiatives, events and other factors"
        clusters.setdefault((order[f.role], title), []).append(f)
    style = {"driver": "#e0ecf4", "other": "#f0f0f0", "trend": "#fee0b6", "impact": "#fde0ef"}
    for n, ((_, title), factors) in enumerate(sorted(clusters.items())):
        with g.subgraph(name=f"cluster_{n}") as c:
            c.attr(
                label=title,
                style="rounded,filled",
                fillcolor=style[factors[0].role],
                color="#999999",
                fontsize=str(TITLE_PT),
            )
            for f in factors:
                trend = f.role == "trend"
                c.node(
                    node_id(f.iri),
                    _wrap(f.label, 22),
                    shape="box",
                    style="rounded,filled,bold" if trend else "rounded,filled",
                    fillcolor="white",
                    penwidth="2.5" if trend else "1",
                    fontsize=str(NODE_PT + 4 if trend else NODE_PT),
                    **_node_attrs(f.iri, href),
                )
    for e in edges:
        label = f"{_SIGN.get(e.polarity, '?')} {e.modality.lower()}"
        if len(e.claims) > 1:
            label += f" \u00d7{len(e.claims)}"
        dec = e.polarity == "Decreases"
        g.edge(
            node_id(e.cause),
            node_id(e.effect),
            label=label,
            color=DECREASES if dec else INCREASES,
            fontcolor=DECREASES if dec else INCREASES,
            style="dashed" if dec else "solid",
            arrowhead="tee" if dec else "normal",
            id="link--" + "--".join(node_id(c) for c in e.claims).replace("/", "-"),
            tooltip="; ".join(e.cues) or label,
        )
    return Picture(name, title.split(":")[0], g.source, "dot")


# --------------------------------------------------------------------------- (c) class hierarchy


def class_hierarchy(h: graphdata.ClassHierarchy, href: Href | None = None) -> Picture:
    g = _graph(
        graphviz.Digraph,
        "class_hierarchy",
        rankdir="RL",
        ranksep="0.45",
        nodesep="0.12",
        label="Class hierarchy (arrows point to the superclass); grey dashed: reused vocabularies",
        labelloc="b",
        fontsize=str(TITLE_PT),
    )
    for c, label in h.classes.items():
        own = c in h.own
        g.node(
            node_id(c),
            label,
            shape="box",
            style="rounded,filled" if own else "rounded,dashed,filled",
            fillcolor="#e0ecf4" if own else "#f7f7f7",
            color="#333333" if own else "#999999",
            **_node_attrs(c, href),
        )
    for sub, sup in h.edges:
        g.edge(node_id(sub), node_id(sup), arrowhead="empty")
    return Picture("class-hierarchy", "Class hierarchy", g.source, "dot")


# --------------------------------------------------------------------------- rendering

_GENERATED = re.compile(r"<!-- Generated by graphviz version (?P<version>[^\n]*?)\s*-->\n?")
_DOCTYPE = re.compile(r"<!DOCTYPE svg[^>]*>\n?")
_DIGEST = re.compile(r"<!-- axiskg picture [\w-]+: dot-sha256=(?P<digest>[0-9a-f]{64}) ")


def render_svg(picture: Picture, timeout: float = 120) -> bytes:
    """The picture as SVG bytes, laid out by Graphviz; the same input gives the same bytes."""
    try:
        proc = subprocess.run(
            [picture.engine, "-Tsvg"],
            input=picture.dot.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise InputError(
            None, f"Graphviz is not installed (no {picture.engine!r} program; apt-get install graphviz)"
        ) from None
    except subprocess.TimeoutExpired:
        raise InputError(None, f"Graphviz took over {timeout:g} s to lay out {picture.name}") from None
    if proc.returncode != 0:
        problem = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise InputError(
            None, f"Graphviz failed to lay out {picture.name}: {problem[-1] if problem else proc.returncode}"
        )
    raw = proc.stdout
    text = raw.decode("utf-8")
    m = _GENERATED.search(text)
    version = m["version"].strip() if m else "unknown"
    comment = (
        f"<!-- axiskg picture {picture.name}: dot-sha256={picture.digest} graphviz={version}; "
        "generated from the graph by `axiskg docs`, do not edit -->\n"
    )
    text = _GENERATED.sub(comment, text, count=1) if m else text
    text = _DOCTYPE.sub("", text, count=1)
    return text.encode("utf-8")


def svg_source_digest(svg: bytes) -> str | None:
    """The DOT digest recorded in an SVG written by :func:`render_svg` (``None`` if absent)."""
    m = _DIGEST.search(svg.decode("utf-8", errors="replace"))
    return m["digest"] if m else None


def build_pictures(store, href: Href | None = None, names=PICTURES) -> dict[str, Picture]:
    """The named pictures (DOT, not yet rendered) for the graph in ``store``."""
    cmap: list[graphdata.CausalMap] = []  # read once, for the whole map and its halves

    def causal(half: str | None = None) -> Picture:
        if not cmap:
            cmap.append(graphdata.causal_map(store))
        return causal_map(cmap[0], href, half)

    makers: dict[str, Callable[[], Picture]] = {
        "alliance-network": lambda: alliance_network(graphdata.alliance_network(store), href),
        "causal-map": causal,
        "causal-map-drivers": lambda: causal("causal-map-drivers"),
        "causal-map-impacts": lambda: causal("causal-map-impacts"),
        "class-hierarchy": lambda: class_hierarchy(graphdata.class_hierarchy(store), href),
    }
    return {name: makers[name]() for name in names}
