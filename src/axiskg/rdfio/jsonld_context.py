"""The JSON-LD context of the published graph: prefixes, and term names with coercions.

:func:`jsonld_context` derives it from the graph it will compact, so that every key a consumer
sees is a plain term (``label``, ``hasModality``, ``Claim``) wherever that is unambiguous:

* a **prefix** for every namespace of :data:`axiskg.vocab.PUBLISHED_PREFIXES` (the project's
  own ``actor:``, ``claim:`` ... and every reused vocabulary, ``spdx:`` included);
* a **term** for every property and class in use whose namespace has a prefix, named by its
  local name; a local name that two IRIs share, or that is a prefix name or a JSON-LD keyword,
  gets no term (the key stays a compact IRI such as ``dcterms:title``);
* the term's **coercion** from the values it has in the graph: ``"@type": "@id"`` when every
  value is an IRI (object properties; a property with blank-node values gets none, so the node
  is written nested in its place: rdflib's writer would drop it behind a coerced reference), ``"@container": "@language"`` when every
  value has a language tag (labels, definitions), ``"@type": <datatype>`` when every value has
  the same datatype other than ``xsd:string``; otherwise none. A coercion is only given when
  all values fit it, so compacting never has to fall back to a full IRI key.

The result is a pure function of the graph (sorted keys when dumped).
"""

from __future__ import annotations

import json
import re

import rdflib

from axiskg.vocab import RDF_TYPE, XSD

_XSD_STRING = XSD + "string"
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*$")


def _split(iri: str, namespaces: dict[str, str]) -> tuple[str, str] | None:
    """``(prefix, local)`` for the longest namespace of ``iri``, or ``None``."""
    best = max((ns for ns in namespaces if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return None
    local = iri[len(best) :]
    return (namespaces[best], local) if _LOCAL.match(local) else None


def _coercion(kinds: set[str]) -> dict:
    """The coercion that fits every kind of value (``iri``, ``bnode``, ``lang`` or a datatype IRI)."""
    if kinds == {"iri"}:
        return {"@type": "@id"}
    if kinds == {"lang"}:
        return {"@container": "@language"}
    if len(kinds) == 1 and not kinds & {"iri", "bnode", "lang", _XSD_STRING}:
        return {"@type": next(iter(kinds))}
    return {}


def _kind(term) -> str:
    if isinstance(term, rdflib.URIRef):
        return "iri"
    if isinstance(term, rdflib.BNode):
        return "bnode"
    if term.language:
        return "lang"
    return str(term.datatype) if term.datatype is not None else _XSD_STRING


def jsonld_context(graph: rdflib.Graph, prefixes: dict[str, str]) -> dict:
    """The ``@context`` (a dict of prefixes and terms) for compacting ``graph``."""
    kinds: dict[str, set[str]] = {}
    classes = set()
    for _, p, o in graph:
        if p == rdflib.RDF.type:
            if isinstance(o, rdflib.URIRef):
                classes.add(str(o))
            continue
        kinds.setdefault(str(p), set()).add(_kind(o))
    return _context(kinds, classes, prefixes)


_STORE_SUMMARY = f"""
SELECT DISTINCT ?p ?kind WHERE {{
  ?s ?p ?o .
  FILTER(?p != <{RDF_TYPE}> || !isIRI(?o))
  BIND(IF(isIRI(?o), "iri", IF(isBlank(?o), "bnode", IF(lang(?o) != "", "lang", STR(datatype(?o))))) AS ?kind)
}}"""
_STORE_CLASSES = "SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(isIRI(?c)) }"


def context_of_store(store, prefixes: dict[str, str]) -> dict:
    """:func:`jsonld_context` of the union of a :class:`pyoxigraph.Store`'s graphs, computed by
    two DISTINCT queries (no Python copy of the graph)."""
    from axiskg.rdfio import literals

    kinds: dict[str, set[str]] = {}
    for row in store.query(_STORE_SUMMARY, use_default_graph_as_union=True):
        kinds.setdefault(row["p"].value, set()).add(row["kind"].value)
    # the datatypes as the files wrote them (the store keeps e.g. every integer-derived one as
    # xsd:integer): the context is the release's, whose files hold the literals as written
    for predicate, (written, stored_only) in literals.written_datatypes(store).items():
        kinds[predicate] = (kinds.get(predicate, set()) - stored_only) | written
    classes = {row["c"].value for row in store.query(_STORE_CLASSES, use_default_graph_as_union=True)}
    rdf_type = str(rdflib.RDF.type)
    if rdf_type in kinds:  # rdf:type with a literal or blank-node value: no term either way
        kinds.pop(rdf_type)
    return _context(kinds, classes, prefixes)


def _context(kinds: dict[str, set[str]], classes: set[str], prefixes: dict[str, str]) -> dict:
    by_namespace = {ns: prefix for prefix, ns in prefixes.items()}
    candidates: dict[str, list] = {}
    for iri in sorted(set(kinds) | classes):
        split = _split(iri, by_namespace)
        if split is not None:
            candidates.setdefault(split[1], []).append((iri, split[0]))
    context: dict = dict(sorted(prefixes.items()))
    for term, iris in sorted(candidates.items()):
        if len(iris) != 1 or term in prefixes or term.startswith("@"):
            continue
        iri, prefix = iris[0]
        if iri in kinds and iri in classes:
            continue  # both a property and a class: keep it unambiguous as a compact IRI
        coercion = _coercion(kinds[iri]) if iri in kinds else {}
        compact = f"{prefix}:{term}"
        context[term] = {"@id": compact, **coercion} if coercion else compact
    return context


def compact(graph: rdflib.Graph, context: dict) -> bytes:
    """``graph`` as JSON-LD compacted with ``context`` (e.g. the published one), deterministically."""
    return jsonld_bytes(graph, context)


def _sort_jsonld(value, key: str | None = None):
    """Sort node arrays and multi-valued properties (not ``@list`` / ``@context``)."""
    if isinstance(value, dict):
        return {k: (v if k == "@context" else _sort_jsonld(v, k)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld_bytes(graph: rdflib.Graph, context: dict) -> bytes:
    """``graph`` as JSON-LD compacted with ``context``, node arrays and values sorted."""
    doc = _sort_jsonld(json.loads(graph.serialize(format="json-ld", context=context)))
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
