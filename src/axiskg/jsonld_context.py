"""The JSON-LD context of the published graph: prefixes, and term names with coercions.

:func:`jsonld_context` derives it from the graph it will compact, so that every key a consumer
sees is a plain term (``label``, ``hasModality``, ``Claim``) wherever that is unambiguous:

* a **prefix** for every namespace of :data:`axiskg.serialize.KNOWN_PREFIXES` (the project's
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

import re

import rdflib

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*$")


def _split(iri: str, namespaces: dict[str, str]) -> tuple[str, str] | None:
    """``(prefix, local)`` for the longest namespace of ``iri``, or ``None``."""
    best = max((ns for ns in namespaces if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return None
    local = iri[len(best):]
    return (namespaces[best], local) if _LOCAL.match(local) else None


def _coercion(values: set) -> dict:
    if all(isinstance(v, rdflib.URIRef) for v in values):
        return {"@type": "@id"}
    if not all(isinstance(v, rdflib.Literal) for v in values):
        return {}
    if all(v.language for v in values):
        return {"@container": "@language"}
    datatypes = {str(v.datatype) if v.datatype is not None else _XSD_STRING for v in values
                 if not v.language}
    if len(datatypes) == 1 and not any(v.language for v in values):
        (datatype,) = datatypes
        if datatype != _XSD_STRING:
            return {"@type": datatype}
    return {}


def jsonld_context(graph: rdflib.Graph, prefixes: dict[str, str]) -> dict:
    """The ``@context`` (a dict of prefixes and terms) for compacting ``graph``."""
    by_namespace = {ns: prefix for prefix, ns in prefixes.items()}
    values: dict = {}
    classes = set()
    for s, p, o in graph:
        if p == rdflib.RDF.type:
            if isinstance(o, rdflib.URIRef):
                classes.add(o)
            continue
        values.setdefault(p, set()).add(o)
    candidates: dict[str, list] = {}
    for iri in sorted(set(values) | classes):
        split = _split(str(iri), by_namespace)
        if split is not None:
            candidates.setdefault(split[1], []).append((iri, split[0]))
    context: dict = dict(sorted(prefixes.items()))
    for term, iris in sorted(candidates.items()):
        if len(iris) != 1 or term in prefixes or term.startswith("@"):
            continue
        iri, prefix = iris[0]
        compact = f"{prefix}:{term}"
        # a class used as a class only is a plain term; a property gets its coercion
        coercion = _coercion(values[iri]) if iri in values else {}
        if iri in values and iri in classes:
            continue  # both a property and a class: keep it unambiguous as a compact IRI
        context[term] = {"@id": compact, **coercion} if coercion else compact
    return context
