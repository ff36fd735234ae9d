"""What the site's pages list (claims, entities, reports and their components), read from the
store with SPARQL through :func:`axiskg.docs.graphdata.select`, as plain sorted records."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axiskg.docs.graphdata import select
from axiskg.vocab import ID, RDF_TYPE, RDFS, SKOS, english_labels, local_name, readable

if TYPE_CHECKING:
    from axiskg.dataset import Data


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
    facts: tuple[tuple[str, str, bool], ...]  # (property label, value, is the value an IRI) of its own triples
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
    alts: defaultdict[str, set[str]] = defaultdict(set)
    for r in select(store, "SELECT ?e ?l WHERE { ?e skos:altLabel ?l }"):
        if r["e"] in kinds:
            alts[r["e"]].add(r["l"])
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
    for r in select(
        store, 'SELECT ?e ?p ?o ?iri WHERE { ?e ?p ?o FILTER(!isBlank(?o)) BIND(IF(isIRI(?o), "y", "") AS ?iri) }'
    ):
        if r["e"] in kinds and r["p"] not in skip:  # a literal is shown as written, an IRI by its label
            facts[r["e"]].add((readable(r["p"], labels), r["o"], bool(r["iri"])))
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
    children = defaultdict(list)  # every report's components, by parent
    for c in comps:
        children[c["parent"]].append(c)
    out = []
    for r in select(
        store,
        """SELECT ?r ?title ?issued ?abstract WHERE { ?r a axis:Report .
            OPTIONAL { ?r dcterms:title ?title } OPTIONAL { ?r dcterms:issued ?issued }
            OPTIONAL { ?r dcterms:abstract ?abstract } } ORDER BY ?r""",
    ):
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
