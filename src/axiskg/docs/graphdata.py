"""What the site and the pictures show, read from the store with SPARQL.

Every function takes a :class:`pyoxigraph.Store` from :meth:`axiskg.dataset.Dataset.load` and
returns plain, sorted Python records (no RDF terms), so the pictures and pages are pure
functions of the graph and come out the same on every run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from axiskg.sparql.querying import solutions
from axiskg.vocab import AXIS, ID, RDF_TYPE, RDFS, SKOS, curie, english_labels, local_name, readable, sparql_prefixes

if TYPE_CHECKING:
    from axiskg.dataset import Data

PREFIXES = sparql_prefixes("axis", "rdf", "rdfs", "owl", "skos", "org", "oa", "prov", "dcterms")


def _value(term) -> str | None:
    if term is None:
        return None
    return term.value


#: one solution: ``{variable: its value as str}``, ``None`` where the variable is unbound (the
#: queries below bind every variable they read without a check)
Row = dict[str, Any]


def select(store: Data, query: str) -> list[Row]:
    """Rows of a SELECT over the union of all graphs, as ``{variable: str value}`` dicts."""
    result = solutions(store, PREFIXES + query)
    names = [v.value for v in result.variables]
    return [{n: _value(row[n]) for n in names} for row in result]


# --------------------------------------------------------------------------- alliance network


@dataclass(frozen=True)
class Mechanism:
    iri: str
    label: str
    kind: str  # label of its most specific asserted class
    members: tuple[str, ...]  # state IRIs, sorted
    includes: tuple[str, ...]  # mechanism IRIs, sorted
    led_by: tuple[str, ...]
    axis_claims: tuple[str, ...]  # claims saying it is the axis / hub / centre


@dataclass(frozen=True)
class Network:
    mechanisms: tuple[Mechanism, ...]
    states: dict[str, str]  # member state IRI -> label
    labels: dict[str, str] = field(repr=False)


#: claim relations that name a mechanism as the centre of the network
CENTRE_RELATIONS_SUBJECT = ("isAxisOf", "isHubOf")
CENTRE_RELATIONS_OBJECT = ("isCenteredOn",)


def alliance_network(store: Data) -> Network:
    labels = english_labels(store)
    rows = select(
        store,
        """
        SELECT DISTINCT ?m ?kind WHERE {
          ?m a ?kind . ?kind rdfs:subClassOf* axis:Mechanism . FILTER(isIRI(?m))
        }""",
    )
    kinds: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        kinds[r["m"]].add(r["kind"])

    def pairs(query: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in select(store, query):
            out[r["a"]].add(r["b"])
        return out

    members = pairs("SELECT ?a ?b WHERE { ?a org:hasMember ?b . ?b a axis:State }")
    includes = pairs("SELECT ?a ?b WHERE { ?a axis:includesMechanism ?b }")
    led_by = pairs("SELECT ?a ?b WHERE { ?a axis:isLedBy ?b }")
    subj = " ".join(f"axis:{r}" for r in CENTRE_RELATIONS_SUBJECT)
    obj = " ".join(f"axis:{r}" for r in CENTRE_RELATIONS_OBJECT)
    centre = pairs(f"""
        SELECT ?a ?b WHERE {{
          {{ VALUES ?r {{ {subj} }} ?b axis:claimRelation ?r ; axis:claimSubject ?a . }}
          UNION
          {{ VALUES ?r {{ {obj} }} ?b axis:claimRelation ?r ; axis:claimObject ?a . }}
        }}""")

    mechanisms = []
    for m in sorted(kinds):
        # the most specific asserted kind: the one that is not a superclass of another
        specific = sorted(k for k in kinds[m] if k != AXIS + "Mechanism") or [AXIS + "Mechanism"]
        mechanisms.append(
            Mechanism(
                iri=m,
                label=labels.get(m, local_name(m)),
                kind=labels.get(specific[0], local_name(specific[0])),
                members=tuple(sorted(members.get(m, ()))),
                includes=tuple(sorted(includes.get(m, ()))),
                led_by=tuple(sorted(led_by.get(m, ()))),
                axis_claims=tuple(sorted(centre.get(m, ()))),
            )
        )
    states = {s: labels.get(s, local_name(s)) for mech in mechanisms for s in mech.members}
    return Network(tuple(mechanisms), dict(sorted(states.items())), labels)


# --------------------------------------------------------------------------- causal map


@dataclass(frozen=True)
class CausalEdge:
    cause: str
    effect: str
    polarity: str  # local name: Increases / Decreases
    modality: str  # local name: Asserted / Planned / ...
    claims: tuple[str, ...]
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Factor:
    iri: str
    label: str
    role: str  # "driver", "trend", "impact" or "other"
    groups: tuple[str, ...]  # driver origins / impact domains (labels), sorted


@dataclass(frozen=True)
class CausalMap:
    factors: tuple[Factor, ...]
    edges: tuple[CausalEdge, ...]


def causal_map(store: Data) -> CausalMap:
    labels = english_labels(store)
    rows = select(
        store,
        """
        SELECT ?link ?cause ?effect ?polarity ?modality ?cue WHERE {
          ?link a axis:CausalLink ; axis:hasCause ?cause ; axis:hasEffect ?effect ;
                axis:hasPolarity ?polarity ; axis:hasModality ?modality .
          OPTIONAL { ?link axis:causalCue ?cue }
        }""",
    )
    grouped: dict[tuple[str, str, str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for r in rows:
        key = (r["cause"], r["effect"], local_name(r["polarity"]), local_name(r["modality"]))
        grouped[key][0].add(r["link"])
        if r["cue"]:
            grouped[key][1].add(r["cue"])
    edges = tuple(CausalEdge(*key, tuple(sorted(c)), tuple(sorted(q))) for key, (c, q) in sorted(grouped.items()))

    nodes = {e.cause for e in edges} | {e.effect for e in edges}
    role_rows = select(
        store,
        """
        SELECT ?f ?role ?group WHERE {
          { ?f a axis:Driver . BIND("driver" AS ?role) OPTIONAL { ?f axis:hasOrigin ?group } }
          UNION { ?f a axis:CentralTrend . BIND("trend" AS ?role) }
          UNION { ?f a axis:Impact . BIND("impact" AS ?role) OPTIONAL { ?f axis:bearsOn ?group } }
        }""",
    )
    roles: dict[str, str] = {}
    groups: dict[str, set[str]] = defaultdict(set)
    for r in role_rows:
        roles[r["f"]] = r["role"]
        if r["group"]:
            groups[r["f"]].add(labels.get(r["group"], local_name(r["group"])))
    factors = tuple(
        Factor(n, labels.get(n, local_name(n)), roles.get(n, "other"), tuple(sorted(groups.get(n, ()))))
        for n in sorted(nodes)
    )
    return CausalMap(factors, edges)


# --------------------------------------------------------------------------- class hierarchy


@dataclass(frozen=True)
class ClassHierarchy:
    classes: dict[str, str]  # IRI -> label (local name for reused classes without a label)
    own: frozenset[str]  # classes defined in the axiskg namespace
    edges: tuple[tuple[str, str], ...]  # (subclass, superclass), sorted


def class_hierarchy(store: Data) -> ClassHierarchy:
    labels = english_labels(store)
    classes = {r["c"] for r in select(store, "SELECT DISTINCT ?c WHERE { ?c a owl:Class FILTER(isIRI(?c)) }")}
    edges = sorted(
        (r["a"], r["b"])
        for r in select(
            store,
            """SELECT DISTINCT ?a ?b WHERE {
            ?a rdfs:subClassOf ?b FILTER(isIRI(?a) && isIRI(?b)) }""",
        )
        if r["a"] in classes
    )
    classes |= {b for _, b in edges}

    def name(c: str) -> str:
        if c.startswith(AXIS):
            return labels.get(c, local_name(c))
        return curie(c)

    return ClassHierarchy(
        {c: name(c) for c in sorted(classes)},
        frozenset(c for c in classes if c.startswith(AXIS)),
        tuple(edges),
    )


# --------------------------------------------------------------------------- claims, entities, structure


@dataclass(frozen=True)
class Claim:
    iri: str
    label: str
    kinds: tuple[str, ...]  # class labels, e.g. ("causal link",)
    modality: str
    modality_cue: str
    section: str | None  # IRI of the component it is stated in
    developed_in: tuple[str, ...]
    quotes: tuple[str, ...]  # oa:exact of its evidence
    about: tuple[tuple[str, str], ...]  # (property label, entity IRI), sorted
    relation: str | None  # claimRelation IRI
    cause: str | None
    effect: str | None
    polarity: str | None


def claims(store: Data) -> list[Claim]:
    """Every claim, with its quote(s), section, modality and the entities it is about."""
    labels = english_labels(store)
    base = select(
        store,
        """
        SELECT ?c ?kind ?modality ?cue ?section ?relation ?cause ?effect ?polarity WHERE {
          ?c a ?kind . ?kind rdfs:subClassOf* axis:Claim .
          OPTIONAL { ?c axis:hasModality ?modality }
          OPTIONAL { ?c axis:modalityCue ?cue }
          OPTIONAL { ?c axis:isStatedIn ?section }
          OPTIONAL { ?c axis:claimRelation ?relation }
          OPTIONAL { ?c axis:hasCause ?cause }
          OPTIONAL { ?c axis:hasEffect ?effect }
          OPTIONAL { ?c axis:hasPolarity ?polarity }
        }""",
    )
    quotes = defaultdict(set)
    for r in select(store, "SELECT ?c ?q WHERE { ?c axis:hasEvidence/oa:hasSelector/oa:exact ?q }"):
        quotes[r["c"]].add(r["q"])
    developed = defaultdict(set)
    for r in select(store, "SELECT ?c ?s WHERE { ?c axis:isDevelopedIn ?s }"):
        developed[r["c"]].add(r["s"])
    about = defaultdict(set)
    for r in select(
        store,
        """SELECT ?c ?p ?e WHERE {
            ?p rdfs:subPropertyOf* axis:isAbout . ?c ?p ?e . ?c a/rdfs:subClassOf* axis:Claim }""",
    ):
        about[r["c"]].add((labels.get(r["p"], local_name(r["p"])), r["e"]))
    rows: dict[str, dict] = {}
    for r in base:
        rec = rows.setdefault(r["c"], {"kinds": set(), **r})
        rec["kinds"].add(labels.get(r["kind"], local_name(r["kind"])))
    out = []
    for c, r in sorted(rows.items(), key=lambda kv: claim_sort_key(kv[0])):
        kinds = r["kinds"] - {"claim"} if len(r["kinds"]) > 1 else r["kinds"]
        out.append(
            Claim(
                iri=c,
                label=labels.get(c, local_name(c)),
                kinds=tuple(sorted(kinds)),
                modality=labels.get(r["modality"], local_name(r["modality"] or "")) if r["modality"] else "",
                modality_cue=r["cue"] or "",
                section=r["section"],
                developed_in=tuple(sorted(developed[c])),
                quotes=tuple(sorted(quotes[c])),
                about=tuple(sorted(about[c], key=lambda pe: (pe[0] != "is about", pe))),
                relation=r["relation"],
                cause=r["cause"],
                effect=r["effect"],
                polarity=labels.get(r["polarity"], local_name(r["polarity"])) if r["polarity"] else None,
            )
        )
    return out


def claim_sort_key(iri: str) -> tuple:
    """Natural order of claim IRIs (``p1-s2-10`` after ``p1-s2-9``)."""
    name = iri.rsplit("/", 1)[-1]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[-_]", name))


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    kinds: tuple[str, ...]  # class labels
    labels: tuple[tuple[str, str], ...]  # (language, label), sorted
    alt_labels: tuple[str, ...]
    exact_match: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]  # (property label, value label) of its own triples
    claims: tuple[str, ...]  # claims about it


def entities(store: Data) -> list[Entity]:
    """Every typed individual under ``/id/`` except claims, report components and evidence."""
    labels = english_labels(store)
    rows = select(
        store,
        f"""
        SELECT ?e ?kind WHERE {{
          ?e a ?kind . FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{ID}"))
          FILTER NOT EXISTS {{ ?e a/rdfs:subClassOf* axis:Claim }}
          FILTER NOT EXISTS {{ ?e a/rdfs:subClassOf* axis:ReportComponent }}
        }}""",
    )
    kinds = defaultdict(set)
    for r in rows:
        kinds[r["e"]].add(readable(r["kind"], labels))
    names: defaultdict[str, set[str]] = defaultdict(set)
    alts: defaultdict[str, set[str]] = defaultdict(set)
    for r in select(store, "SELECT ?e ?l ?p WHERE { VALUES ?p { rdfs:label skos:altLabel } ?e ?p ?l }"):
        if r["e"] in kinds:
            (names if r["p"].endswith("label") and "rdf-schema" in r["p"] else alts)[r["e"]].add(r["l"])
    lang_rows = select(store, "SELECT ?e ?l (LANG(?l) AS ?lang) WHERE { ?e rdfs:label ?l }")
    by_lang = defaultdict(set)
    for r in lang_rows:
        if r["e"] in kinds:
            by_lang[r["e"]].add((r["lang"] or "", r["l"]))
    matches = defaultdict(set)
    for r in select(store, "SELECT ?e ?m WHERE { ?e skos:exactMatch ?m }"):
        matches[r["e"]].add(r["m"])
    skip = {RDF_TYPE, RDFS + "label", SKOS + "altLabel", SKOS + "exactMatch"}
    facts = defaultdict(set)
    for r in select(store, "SELECT ?e ?p ?o WHERE { ?e ?p ?o FILTER(!isBlank(?o)) }"):
        if r["e"] in kinds and r["p"] not in skip:
            facts[r["e"]].add((readable(r["p"], labels), r["o"]))
    about = defaultdict(set)
    for r in select(
        store,
        """SELECT ?c ?e WHERE {
            ?p rdfs:subPropertyOf* axis:isAbout . ?c ?p ?e . ?c a/rdfs:subClassOf* axis:Claim }""",
    ):
        about[r["e"]].add(r["c"])
    return [
        Entity(
            e,
            labels.get(e, local_name(e)),
            tuple(sorted(kinds[e])),
            tuple(sorted(by_lang[e])),
            tuple(sorted(alts[e])),
            tuple(sorted(matches[e])),
            tuple(sorted(facts[e])),
            tuple(sorted(about[e], key=claim_sort_key)),
        )
        for e in sorted(kinds)
    ]


@dataclass(frozen=True)
class Component:
    iri: str
    label: str
    title: str
    kind: str
    ordinal: int
    parent: str
    claims: tuple[str, ...]  # claims stated in it


@dataclass(frozen=True)
class ReportInfo:
    iri: str
    title: str
    issued: str
    abstract: str
    components: tuple[Component, ...]  # depth-first, in reading order


def reports(store: Data) -> list[ReportInfo]:
    labels = english_labels(store)
    out = []
    for r in select(
        store,
        """SELECT ?r ?title ?issued ?abstract WHERE { ?r a axis:Report .
            OPTIONAL { ?r dcterms:title ?title } OPTIONAL { ?r dcterms:issued ?issued }
            OPTIONAL { ?r dcterms:abstract ?abstract } } ORDER BY ?r""",
    ):
        comps = select(
            store,
            """SELECT ?c ?kind ?parent ?ord ?title WHERE {
            ?c dcterms:isPartOf ?parent ; a ?kind . ?kind rdfs:subClassOf* axis:ReportComponent .
            FILTER(?kind != axis:ReportComponent)
            OPTIONAL { ?c axis:hasOrdinal ?ord } OPTIONAL { ?c dcterms:title ?title } }""",
        )
        stated = defaultdict(set)
        for s in select(store, "SELECT ?c ?s WHERE { ?c axis:isStatedIn ?s }"):
            stated[s["s"]].add(s["c"])
        children = defaultdict(list)
        for c in comps:
            children[c["parent"]].append(c)
        order = {"Abstract": 0, "DocumentIntroduction": 1, "Paragraph": 1, "Part": 2, "Section": 2}
        flat: list[Component] = []

        def walk(parent: str) -> None:
            kids = sorted(
                children.get(parent, ()),
                key=lambda c: (order.get(local_name(c["kind"]), 9), int(c["ord"] or 0), c["c"]),
            )
            for c in kids:
                flat.append(
                    Component(
                        c["c"],
                        labels.get(c["c"], local_name(c["c"])),
                        c["title"] or "",
                        labels.get(c["kind"], local_name(c["kind"])),
                        int(c["ord"] or 0),
                        parent,
                        tuple(sorted(stated[c["c"]], key=claim_sort_key)),
                    )
                )
                walk(c["c"])

        walk(r["r"])
        out.append(
            ReportInfo(
                r["r"], r["title"] or labels.get(r["r"], ""), r["issued"] or "", r["abstract"] or "", tuple(flat)
            )
        )
    return out
