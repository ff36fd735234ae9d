"""The project's names in one place: namespaces, the prefix map, graph IRIs, and
:func:`compact` / :func:`expand` between IRIs and prefixed names.

Plain strings only (no rdflib, no pyoxigraph), so every module — including the cheap
``register()`` paths of the CLI — can import it at no cost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# --------------------------------------------------------------------------- namespaces

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
VANN = "http://purl.org/vocab/vann/"
SH = "http://www.w3.org/ns/shacl#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"

BASE = "https://w3id.org/axiskg/"
ONTOLOGY_IRI = BASE + "ontology"
AXIS = ONTOLOGY_IRI + "#"
ID = BASE + "id/"
AXSH = BASE + "shapes#"

RDF_TYPE = RDF + "type"

#: SHACL severities (local names in ``sh:``), most severe first
SEVERITIES = ("Violation", "Warning", "Info")

# --------------------------------------------------------------------------- graph IRIs

GRAPH_NS = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
#: the named graph ``axiskg publish`` replaces by default
ALL_GRAPH = GRAPH_NS + "all"
#: the named graph ``axiskg check`` puts the pinned term lists of the reused vocabularies in
VOCAB_GRAPH = GRAPH_NS + "vocabularies"
#: the namespace of ``axiskg check``'s own terms (check:PinnedNamespace, check:PinnedTerm)
CHECK = BASE + "check#"
#: the namespace of ``axiskg verify``'s kinds of finding
VERIFY = BASE + "verify#"
#: the project's own report, whose text ``axiskg verify`` finds without --source
PROJECT_REPORT = ID + "report/alliance-axis-2025"

# --------------------------------------------------------------------------- prefix maps

#: the prefixes every output binds, in the order they are written
PREFIXES: dict[str, str] = {
    "axis": AXIS,
    "id": ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "oa": OA,
    "org": ORG,
    "dcterms": DCTERMS,
    "time": TIME,
    "vann": VANN,
    "sh": SH,
    "axsh": AXSH,
}

#: how people are shown IRIs (site, stats): :data:`PREFIXES` and spdx for the licence terms
DISPLAY_PREFIXES: dict[str, str] = {**PREFIXES, "spdx": SPDX}

#: the entity kinds under ``id:`` that have a prefix of their own (``actor:japan``)
ENTITY_KINDS = (
    "actor",
    "law",
    "region",
    "issue",
    "event",
    "driver",
    "trend",
    "impact",
    "factor",
    "fact",
    "source",
    "report",
    "period",
)

#: prefixes every stored-query parameter may use (and query results are shown with)
PROJECT_PREFIXES: dict[str, str] = {
    "axis": AXIS,
    **{kind: f"{ID}{kind}/" for kind in ENTITY_KINDS},
    "mech": ID + "mechanism/",
    "arch": ID + "architecture/",
    "init": ID + "initiative/",
    "claim": ID + "claim/alliance-axis-2025/",
    "sec": ID + "section/alliance-axis-2025/",
    "part": ID + "part/alliance-axis-2025/",
    "para": ID + "paragraph/alliance-axis-2025/",
}

#: the one prefix map of everything published and served (released Turtle, TriG and RDF/XML, the
#: JSON-LD context, the endpoint's Turtle answers): the vocabularies, and one prefix per kind of
#: data IRI (``actor:``, ``claim:`` ...) instead of ``id:``, whose local names would hold slashes
#: (escaped as ``id:actor\\/japan`` in Turtle)
PUBLISHED_PREFIXES: dict[str, str] = dict(
    sorted(
        {
            **{p: ns for p, ns in PREFIXES.items() if p != "id"},
            **PROJECT_PREFIXES,
            "void": VOID,
            "dcat": DCAT,
            "spdx": SPDX,
            "foaf": FOAF,
            "nif": NIF,
        }.items()
    )
)

# --------------------------------------------------------------------------- compact / expand

_PN_LOCAL = re.compile(r"[\w.-]*")


def compact(
    iri: str | None, prefixes: Mapping[str, str] = PREFIXES, *, brackets: bool = False, pname: bool = False
) -> str:
    """``https://w3id.org/axiskg/ontology#Claim`` -> ``axis:Claim`` by the longest namespace of
    ``prefixes`` that ``iri`` starts with (and is longer than).

    An IRI no prefix fits stays as it is, or as ``<iri>`` with ``brackets``. With ``pname`` the
    local part must also be a valid SPARQL/Turtle local name (``[\\w.-]*``, not ending in ``.``),
    so the result can be pasted into a query. ``None`` gives ``""``."""
    if iri is None:
        return ""
    best = max(
        (p for p, ns in prefixes.items() if ns and iri.startswith(ns) and len(iri) > len(ns)),
        key=lambda p: len(prefixes[p]),
        default=None,
    )
    if best is not None:
        local = iri[len(prefixes[best]) :]
        if not pname or (_PN_LOCAL.fullmatch(local) and not local.endswith(".")):
            return f"{best}:{local}"
    return f"<{iri}>" if brackets else iri


def local_name(iri: str) -> str:
    """The part of ``iri`` after its last ``#``, then after its last ``/`` (an empty part: the
    IRI up to it is kept, so ``.../graph/`` stays ``.../graph/``, not ``""``)."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def curie(iri: str) -> str:
    """An IRI as people are shown it (site, stats): :func:`compact` by :data:`DISPLAY_PREFIXES`."""
    return compact(iri, DISPLAY_PREFIXES)


# --------------------------------------------------------------------------- labels

_LABELS = f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?s ?label ?lang ?rank WHERE {{
  {{ ?s rdfs:label ?label . BIND(1 AS ?rank) }} UNION {{ ?s skos:prefLabel ?label . BIND(2 AS ?rank) }}
  FILTER(isIRI(?s))
  BIND(LANG(?label) AS ?lang)
  FILTER(?lang = "en" || ?lang = "")
}}"""


def english_labels(store) -> dict[str, str]:
    """IRI -> its English ``rdfs:label`` (else an untagged one, else ``skos:prefLabel``), over
    the union of the graphs of ``store`` (a :class:`~axiskg.dataset.Dataset` or a pyoxigraph store)."""
    best: dict[str, tuple] = {}
    for s, label, lang, rank in store.query(_LABELS, use_default_graph_as_union=True):
        key = (int(rank.value), 0 if lang.value == "en" else 1, label.value)
        if s.value not in best or key < best[s.value]:
            best[s.value] = key
    return {s: key[2] for s, key in best.items()}


def readable(iri: str, labels: Mapping[str, str]) -> str:
    """The IRI's English label (``labels``: :func:`english_labels`); without one, its local name
    in words (``prov:hadPrimarySource`` -> "had primary source", ``time:Instant`` -> "instant"),
    never a bare CURIE."""
    if iri in labels:
        return labels[iri]
    local = re.split(r"[#/:]", iri.rstrip("/#"))[-1]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", " ", local).split()
    return " ".join(w if w.isupper() else w.lower() for w in words) or iri


def expand(name: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``axis:Claim`` -> the full IRI; ``<iri>`` -> ``iri``; anything else is returned as it is
    (a full IRI already, or a prefix we do not know)."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return name


def sparql_prefixes(*names: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``PREFIX`` lines for ``names`` (all of ``prefixes`` when none are given)."""
    return "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in (names or tuple(prefixes)))


def substitute(query: str) -> str:
    """A query text with the ``{{NAME}}`` placeholders of this module's constants filled in
    (``{{ONTOLOGY_GRAPH}}``, ``{{AXIS}}``, ...), so files need not repeat the IRIs."""

    def fill(m: re.Match[str]) -> str:
        value = globals().get(m[1])
        if not isinstance(value, str):
            raise KeyError(f"unknown placeholder {{{{{m[1]}}}}}")
        return value

    return re.sub(r"\{\{([A-Z_]+)\}\}", fill, query)
