"""What the pictures show (and the site beside them), read from the store with SPARQL.

Every function takes a :class:`pyoxigraph.Store` from :meth:`axiskg.dataset.Dataset.load` and
returns plain, sorted Python records (no RDF terms), so the pictures and pages are pure
functions of the graph and come out the same on every run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from axiskg.sparql.querying import solutions
from axiskg.vocab import AXIS, curie, english_labels, local_name, sparql_prefixes

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
