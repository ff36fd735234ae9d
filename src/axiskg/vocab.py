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
}

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
    """The part of ``iri`` after its last ``#`` or ``/``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


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
