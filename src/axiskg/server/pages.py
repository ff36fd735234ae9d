"""Linked Data pages: the SPARQL behind them and the view models the templates render.

Entity IRIs ``https://w3id.org/axiskg/id/...`` are served at ``/id/...`` and ontology terms
``https://w3id.org/axiskg/ontology#X`` at ``/ontology#X``, so every link stays on this server.
The queries run through the same worker pool (and timeout) as the public endpoint.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import overload

from axiskg.vocab import AXIS as ONTOLOGY_NS
from axiskg.vocab import ID as ID_BASE
from axiskg.vocab import ONTOLOGY_GRAPH, ONTOLOGY_IRI, RDF_TYPE, RDFS, SKOS, compact, sparql_prefixes

LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
_PREFIXES = sparql_prefixes("rdfs", "skos", "owl", "axis", "oa")
# an English (or language-less) label, used for every linked node
_LABEL = "OPTIONAL {{ {node} rdfs:label {var} FILTER(lang({var}) = 'en' || lang({var}) = '') }}"


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query; refuses characters that could break out of the IRI."""
    if any(c in iri for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in iri):
        raise ValueError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


def outgoing_query(iri: str) -> str:
    return (
        _PREFIXES
        + f"""SELECT ?p ?o ?pLabel ?oLabel WHERE {{
  {iri_ref(iri)} ?p ?o .
  {_LABEL.format(node="?p", var="?pLabel")}
  {_LABEL.format(node="?o", var="?oLabel")}
}}"""
    )


def incoming_query(iri: str) -> str:
    # claims are listed apart, with their quotes; here only the other entities pointing at it
    return (
        _PREFIXES
        + f"""SELECT ?s ?p ?sLabel ?pLabel WHERE {{
  ?s ?p {iri_ref(iri)} . FILTER(isIRI(?s))
  FILTER NOT EXISTS {{ ?s a/rdfs:subClassOf* axis:Claim }}
  {_LABEL.format(node="?p", var="?pLabel")}
  {_LABEL.format(node="?s", var="?sLabel")}
}}"""
    )


def _blank_nodes(node: str) -> str:
    """A pattern binding ``?b`` to the blank nodes hanging off ``node``, up to three levels deep."""
    return f"""{{ {node} ?p1 ?b . FILTER(isBlank(?b)) }}
  UNION {{ {node} ?p1 ?x1 . FILTER(isBlank(?x1)) ?x1 ?p2 ?b . FILTER(isBlank(?b)) }}
  UNION {{ {node} ?p1 ?x1 . FILTER(isBlank(?x1)) ?x1 ?p2 ?x2 . FILTER(isBlank(?x2))
           ?x2 ?p3 ?b . FILTER(isBlank(?b)) }}"""


def blank_nodes_query(iri: str) -> str:
    """Every triple of the blank nodes hanging off ``iri``, up to three levels deep (e.g. a
    claim's evidence and its text selector), without wandering through other IRIs."""
    node = iri_ref(iri)
    return (
        _PREFIXES
        + f"""SELECT ?b ?p ?o ?pLabel WHERE {{
  {_blank_nodes(node)}
  ?b ?p ?o .
  {_LABEL.format(node="?p", var="?pLabel")}
}}"""
    )


def entity_graph_query(iri: str) -> str:
    """The entity as RDF: its own triples, those of its blank nodes, and the triples of other
    IRIs that point at it (incoming links)."""
    node = iri_ref(iri)
    return f"""CONSTRUCT {{ {node} ?p ?o . ?b ?bp ?bo . ?s ?q {node} }} WHERE {{
  {{ {node} ?p ?o }}
  UNION {{ {{ {_blank_nodes(node)} }} ?b ?bp ?bo }}
  UNION {{ ?s ?q {node} . FILTER(isIRI(?s)) }}
}}"""


#: file-name suffixes of /id/... and /ontology -> the format they ask for (as DBpedia and w3id do)
SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}


def split_suffix(path: str) -> tuple[str, str | None]:
    """``actor/japan.ttl`` -> (``actor/japan``, ``turtle``); without a known suffix, (path, None)."""
    for suffix, key in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], key
    return path, None


_PREFIX_DECLARATION = re.compile(rb"^@prefix ([\w.-]*): <[^>]*> \.\n", re.M)


def prune_prefixes(turtle: bytes) -> bytes:
    """Turtle without the ``@prefix`` lines whose prefix its triples never use."""
    body = _PREFIX_DECLARATION.sub(b"", turtle)
    used = {
        m.group(1)
        for m in _PREFIX_DECLARATION.finditer(turtle)
        if re.search(rb"(?<![\w.:/#<-])" + re.escape(m.group(1)) + rb":", body)
    }
    return _PREFIX_DECLARATION.sub(lambda m: m.group(0) if m.group(1) in used else b"", turtle)


def claims_query(iri: str) -> str:
    """The claims about ``iri`` (in any role under axis:isAbout) or ``iri`` itself if a claim."""
    node = iri_ref(iri)
    return (
        _PREFIXES
        + f"""SELECT ?claim ?claimLabel ?role ?quote ?section ?sectionLabel ?modality ?modalityLabel WHERE {{
  ?kind rdfs:subClassOf* axis:Claim .
  ?claim a ?kind .
  {{ ?property rdfs:subPropertyOf* axis:isAbout . ?claim ?property {node} .
     ?property rdfs:label ?role FILTER(lang(?role) = 'en') }}
  UNION {{ VALUES ?claim {{ {node} }} BIND("this claim" AS ?role) }}
  OPTIONAL {{ ?claim axis:hasEvidence/oa:hasSelector/oa:exact ?quote }}
  OPTIONAL {{ ?claim axis:isStatedIn ?section . {_LABEL.format(node="?section", var="?sectionLabel")} }}
  OPTIONAL {{ ?claim axis:hasModality ?modality . {_LABEL.format(node="?modality", var="?modalityLabel")} }}
  {_LABEL.format(node="?claim", var="?claimLabel")}
}} ORDER BY ?claim ?role"""
    )


ONTOLOGY_TERMS_QUERY = (
    _PREFIXES
    + f"""SELECT ?term ?kind ?label ?definition ?super WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{
    ?term a ?kind . FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{ONTOLOGY_NS}"))
    FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty,
                     skos:Concept, skos:ConceptScheme, owl:NamedIndividual))
    OPTIONAL {{ ?term rdfs:label ?label FILTER(lang(?label) = 'en') }}
    OPTIONAL {{ ?term skos:definition ?definition FILTER(lang(?definition) = 'en') }}
    OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf|skos:broader ?super FILTER(isIRI(?super)) }}
  }}
}} ORDER BY ?term ?kind ?super"""
)

ONTOLOGY_HEADER_QUERY = (
    _PREFIXES
    + f"""SELECT ?p ?o ?pLabel WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_IRI}> ?p ?o }}
  {_LABEL.format(node="?p", var="?pLabel")}
}} ORDER BY ?p ?o"""
)

ONTOLOGY_GRAPH_QUERY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"


# --------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class Term:
    """One RDF term for a template: ``kind`` uri/bnode/literal, ``href`` a local link where
    the IRI is served here, ``text`` what to show."""

    kind: str
    value: str
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None


def local_href(iri: str) -> str | None:
    if iri.startswith(ID_BASE):
        return "/id/" + iri[len(ID_BASE) :]
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS) :]
    return None


def safe_href(iri: str) -> str | None:
    """Where a link to ``iri`` may point: served here, or an ``http(s):``/``mailto:`` IRI;
    ``None`` for any other scheme (``javascript:``, ``data:``, ...), shown as text only."""
    local = local_href(iri)
    if local is not None:
        return local
    scheme = iri.split(":", 1)[0].lower() if ":" in iri else ""
    return iri if scheme in ("http", "https", "mailto") else None


short_name = compact


@overload
def term(binding: dict, label: dict | None = None) -> Term: ...
@overload
def term(binding: None, label: dict | None = None) -> None: ...
def term(binding: dict | None, label: dict | None = None) -> Term | None:
    """A :class:`Term` from a SPARQL JSON binding, shown by ``label`` when it has one."""
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        text = label["value"] if label else short_name(value)
        return Term("uri", value, text, safe_href(value))
    if kind == "bnode":
        return Term("bnode", value, "_:" + value)
    return Term("literal", value, value, lang=binding.get("xml:lang"), datatype=binding.get("datatype"))


def rows(body: bytes) -> list[dict]:
    """The bindings of a SPARQL JSON results document."""
    return json.loads(body)["results"]["bindings"]


@dataclass
class Property:
    predicate: Term
    values: list = field(default_factory=list)  # Term, or (Term, list[Property]) for blank nodes


def _group(bindings: list[dict], subject_var: str | None = None) -> dict[str, list[Property]]:
    """``subject -> [Property]`` (or ``"" -> [...]`` without ``subject_var``), ordered."""
    out: dict[str, dict[str, Property]] = {}
    for b in bindings:
        key = b[subject_var]["value"] if subject_var else ""
        props = out.setdefault(key, {})
        p = b["p"]["value"]
        prop = props.setdefault(p, Property(term(b["p"], b.get("pLabel"))))
        value = term(b["o"], b.get("oLabel"))
        if value not in prop.values:
            prop.values.append(value)
    return {
        k: sorted(v.values(), key=lambda pr: (pr.predicate.value != RDF_TYPE, pr.predicate.text.lower()))
        for k, v in out.items()
    }


def _nest(props: list[Property], blanks: dict[str, list[Property]], depth: int = 0) -> list[Property]:
    """Replace blank-node values by ``(term, their properties)`` (a few levels deep)."""
    for prop in props:
        prop.values = [
            (v, _nest(blanks.get(v.value, []), blanks, depth + 1))
            if isinstance(v, Term) and v.kind == "bnode" and depth < 4
            else v
            for v in prop.values
        ]
        prop.values.sort(key=lambda v: (v[0] if isinstance(v, tuple) else v).text.lower())
    return props


@dataclass
class EntityPage:
    iri: str
    title: str
    labels: list[Term]
    types: list[Term]
    properties: list[Property]
    incoming: list[tuple[Term, Term]]
    claims: list[dict]


def entity_page(iri: str, outgoing: bytes, incoming: bytes, blank: bytes, claims: bytes) -> EntityPage | None:
    """The view model of an entity page from the four queries' JSON results; ``None`` when
    the graph says nothing about ``iri``."""
    out_rows, in_rows = rows(outgoing), rows(incoming)
    if not out_rows and not in_rows:
        return None
    props = _group(out_rows).get("", [])
    blanks = _group(rows(blank), subject_var="b")
    props = _nest(props, blanks)
    labels = sorted(
        {term(b["o"]) for b in out_rows if b["p"]["value"] in LABEL_PROPERTIES and b["o"]["type"] == "literal"},
        key=lambda t: (t.lang != "en", t.lang or "", t.text),
    )
    types = sorted(
        {term(b["o"], b.get("oLabel")) for b in out_rows if b["p"]["value"] == RDF_TYPE}, key=lambda t: t.text.lower()
    )
    title = next((t.text for t in labels if t.lang == "en"), labels[0].text if labels else short_name(iri))
    incoming_links = sorted(
        {(term(b["s"], b.get("sLabel")), term(b["p"], b.get("pLabel"))) for b in in_rows},
        key=lambda st: (st[1].text.lower(), st[0].text.lower()),
    )
    grouped: dict[str, dict] = {}
    for b in rows(claims):
        c = grouped.setdefault(
            b["claim"]["value"],
            {
                "claim": term(b["claim"], b.get("claimLabel")),
                "roles": [],
                "quotes": [],
                "section": term(b.get("section"), b.get("sectionLabel")),
                "modality": term(b.get("modality"), b.get("modalityLabel")),
            },
        )
        for key, value in (("roles", b.get("role")), ("quotes", b.get("quote"))):
            if value and value["value"] not in c[key]:
                c[key].append(value["value"])
    return EntityPage(iri, title, labels, types, props, incoming_links, list(grouped.values()))


@dataclass
class OntologyTerm:
    term: Term
    anchor: str
    kinds: list[str]
    label: str
    definition: str
    parents: list[Term]


def ontology_page(header: bytes, terms: bytes) -> tuple[list[Property], dict[str, list[OntologyTerm]]]:
    """(the ontology header's properties, terms grouped by section title)."""
    head = _group([{**b, "o": b["o"]} for b in rows(header)]).get("", [])
    by_iri: dict[str, OntologyTerm] = {}
    for b in rows(terms):
        iri = b["term"]["value"]
        t = by_iri.setdefault(
            iri,
            OntologyTerm(
                term(b["term"]),
                iri[len(ONTOLOGY_NS) :],
                [],
                b.get("label", {}).get("value", iri[len(ONTOLOGY_NS) :]),
                b.get("definition", {}).get("value", ""),
                [],
            ),
        )
        kind = short_name(b["kind"]["value"])
        if kind not in t.kinds:
            t.kinds.append(kind)
        parent = term(b.get("super"))
        if parent is not None and parent not in t.parents:
            t.parents.append(parent)
    sections: dict[str, list[OntologyTerm]] = {
        "Classes": [],
        "Object properties": [],
        "Datatype properties": [],
        "Annotation properties": [],
        "Concepts and individuals": [],
    }
    for t in sorted(by_iri.values(), key=lambda t: t.anchor.lower()):
        if "owl:Class" in t.kinds:
            sections["Classes"].append(t)
        elif "owl:ObjectProperty" in t.kinds:
            sections["Object properties"].append(t)
        elif "owl:DatatypeProperty" in t.kinds:
            sections["Datatype properties"].append(t)
        elif "owl:AnnotationProperty" in t.kinds:
            sections["Annotation properties"].append(t)
        else:
            sections["Concepts and individuals"].append(t)
    return head, {k: v for k, v in sections.items() if v}
