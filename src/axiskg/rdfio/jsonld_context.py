"""The JSON-LD context of the published graph: prefixes, and term names with coercions.

:func:`jsonld_context` derives it from the graph it will compact, so that every key a consumer
sees is a plain term (``label``, ``hasModality``, ``Claim``) wherever that is unambiguous:

* a **prefix** for every namespace of :data:`axiskg.vocab.PUBLISHED_PREFIXES` (the project's
  own ``actor:``, ``claim:`` ... and every reused vocabulary, ``spdx:`` included), and for the
  folders of data IRIs they do not cover, derived from the data so that each report gets its own
  (:func:`data_prefixes`: ``agent:``, ``sentence-alliance-axis-2025:``);
* a **term** for every property and class in use whose namespace has a prefix, named by its
  local name; where two IRIs share a local name (``axis:endIndex``, ``nif:endIndex``) the
  project's own keeps it and the other is named with its prefix in front (``nifEndIndex``), and
  so is one whose local name is a prefix name (``dcterms:source`` beside ``source:`` is
  ``dctermsSource``): no key of the compacted graph stays a compact IRI;
* the term's **coercion** from the values it has in the graph: ``"@type": "@id"`` when every
  value is an IRI (object properties; a property with blank-node values gets none: its values are
  node references or lists, see :mod:`axiskg.rdfio.jsonld_writer`), ``"@container": "@language"`` when every
  value has a language tag (labels, definitions), ``"@type": <datatype>`` when every value has
  the same datatype other than ``xsd:string``; otherwise none. A coercion is only given when
  all values fit it, so compacting never has to fall back to a full IRI key.

The result is a pure function of the graph (sorted keys when dumped).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib

from axiskg.rdfio.ntriples import nt_unescape, split_line
from axiskg.rdfio.terms import to_ox
from axiskg.vocab import ID, RDF_TYPE, XSD

XSD_STRING = XSD + "string"
_XSD_STRING = XSD_STRING
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


def graph_lines(graph: rdflib.Graph) -> list[bytes]:
    """An rdflib ``graph`` as sorted, de-duplicated N-Triples lines (blank-node labels kept)."""
    return triple_lines([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph])


def triple_lines(triples: list[ox.Triple]) -> list[bytes]:
    """pyoxigraph ``triples`` as sorted, de-duplicated N-Triples lines (blank-node labels kept),
    what :func:`axiskg.rdfio.jsonld_writer.jsonld_lines` takes."""
    return sorted(set((ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines(keepends=True)))


def object_term(token: bytes) -> tuple[str, str, str | None]:
    """An N-Triples term token as ``(kind, value, extra)``: ``("iri", iri, None)``,
    ``("bnode", "_:x", None)``, ``("lang", lexical form, language)`` or ``("literal", lexical
    form, datatype IRI)`` (``xsd:string`` for a plain literal)."""
    first = token[:1]
    if first == b"<":
        return "iri", token[1:-1].decode("utf-8"), None
    if first == b"_":
        return "bnode", token.decode("utf-8"), None
    close = token.rindex(b'"')
    lexical = nt_unescape(token[1:close].decode("utf-8"))
    suffix = token[close + 1 :]
    if suffix.startswith(b"@"):
        return "lang", lexical, suffix[1:].decode("utf-8")
    if suffix.startswith(b"^^<"):
        return "literal", lexical, suffix[3:-1].decode("utf-8")
    return "literal", lexical, XSD_STRING


def _kind(token: bytes) -> str:
    """``iri``, ``bnode``, ``lang`` or the datatype IRI of an N-Triples object token."""
    if token[:1] == b"<":
        return "iri"
    if token[:1] == b"_":
        return "bnode"
    kind, _, extra = object_term(token)
    return "lang" if kind == "lang" else str(extra)


def jsonld_context(graph: rdflib.Graph, prefixes: dict[str, str]) -> dict:
    """The ``@context`` (a dict of prefixes and terms) for compacting ``graph``."""
    return context_of_lines(graph_lines(graph), prefixes)


def context_of_lines(lines: list[bytes], prefixes: dict[str, str]) -> dict:
    """:func:`jsonld_context` of the graph of N-Triples ``lines`` (one triple each), read a line
    at a time."""
    kinds: dict[str, set[str]] = {}
    classes: set[str] = set()
    folders: set[str] = set()
    rdf_type = b"<" + RDF_TYPE.encode() + b">"
    typed: list[str] = []
    for line in lines:
        s, p, o = split_line(line)
        if p == rdf_type:
            if s[:1] == b"<":
                typed.append(s[1:-1].decode("utf-8"))
                if len(typed) >= 4096:
                    folders |= folders_of(typed)
                    typed.clear()
            if o[:1] == b"<":
                classes.add(o[1:-1].decode("utf-8"))
            continue
        kinds.setdefault(p[1:-1].decode("utf-8"), set()).add(_kind(o))
    folders |= folders_of(typed)
    return _context(kinds, classes, prefixes, folders)


_STORE_SUMMARY = f"""
SELECT DISTINCT ?p ?kind WHERE {{
  ?s ?p ?o .
  FILTER(?p != <{RDF_TYPE}> || !isIRI(?o))
  BIND(IF(isIRI(?o), "iri", IF(isBlank(?o), "bnode", IF(lang(?o) != "", "lang", STR(datatype(?o))))) AS ?kind)
}}"""
_STORE_CLASSES = "SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(isIRI(?c)) }"
#: the folders of the typed data IRIs (see :func:`folders_of`), from the rdf:type triples only
_STORE_FOLDERS = """
SELECT DISTINCT ?f WHERE {
  ?x a ?c FILTER(isIRI(?x) && STRSTARTS(STR(?x), "%(id)s"))
  BIND(REPLACE(STR(?x), "[^/]*$", "") AS ?folder)
  VALUES ?twice { 1 2 }
  BIND(IF(?twice = 1, ?folder, IF(?folder = "%(id)sreport/", CONCAT(STR(?x), "/"), ?folder)) AS ?f)
}"""


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
    folders = {row["f"].value for row in store.query(_STORE_FOLDERS % {"id": ID}, use_default_graph_as_union=True)}
    return _context(kinds, classes, prefixes, folders)


def _term_names(candidates: dict[str, list[tuple[str, str]]], taken: set[str]) -> dict[str, str]:
    """``iri -> term``: the local name where only one IRI in use has it (and it is no prefix
    name), else the project's own (``axis:``) IRI keeps it and every other one is named with its
    prefix in front (``nif:endIndex`` -> ``nifEndIndex``, ``dcterms:source`` -> ``dctermsSource``
    beside the ``source:`` prefix), so every property and class gets a term and no two share one."""
    names: dict[str, str] = {}
    for local, iris in sorted(candidates.items()):
        for iri, prefix in iris:
            if local not in taken and (len(iris) == 1 or prefix == "axis"):
                names[iri] = local
    used = taken | set(names.values())
    for local, iris in sorted(candidates.items()):
        for iri, prefix in iris:
            if iri in names:
                continue
            name = prefix + local[0].upper() + local[1:]
            if name in used or name in candidates:
                name = f"{prefix}_{local}"
            names[iri] = name
            used.add(name)
    return names


def _context(
    kinds: dict[str, set[str]], classes: set[str], prefixes: dict[str, str], folders: set[str] | None = None
) -> dict:
    prefixes = {**prefixes, **data_prefixes(folders or set(), prefixes)}
    by_namespace = {ns: prefix for prefix, ns in prefixes.items()}
    candidates: dict[str, list] = {}
    for iri in sorted(set(kinds) | classes):
        split = _split(iri, by_namespace)
        if split is not None and not split[1].startswith("@"):
            candidates.setdefault(split[1], []).append((iri, split[0]))
    context: dict = dict(sorted(prefixes.items()))
    by_iri = {iri: prefix for iris in candidates.values() for iri, prefix in iris}
    for iri, term in sorted(_term_names(candidates, set(prefixes)).items(), key=lambda item: item[1]):
        local = _split(iri, by_namespace)
        compact = f"{by_iri[iri]}:{local[1] if local else iri}"
        coercion = _coercion(kinds[iri]) if iri in kinds else {}
        context[term] = {"@id": compact, **coercion} if coercion else compact
    return dict(sorted(context.items()))


def data_prefixes(folders: set[str], prefixes: dict[str, str]) -> dict[str, str]:
    """Prefixes for the folders of data IRIs (``folders``: each IRI up to its last ``/``) that
    ``prefixes`` do not cover, derived from the data so that every report gets its own:
    ``.../id/<kind>/`` as ``<kind>``, and ``.../id/<kind>/<report>/`` as ``<kind>-<report>``
    (``sentence-alliance-axis-2025``) where ``.../id/report/<report>`` is an IRI of the data
    (its folder is then in ``folders`` as ``.../id/report/<report>/`` too: see :func:`folders_of`)."""
    covered = set(prefixes.values())
    reports = {
        f[len(ID) + 7 : -1] for f in folders if f.startswith(ID + "report/") and f.count("/") > ID.count("/") + 1
    }
    out: dict[str, str] = {}
    for folder in sorted(folders):
        if folder in covered or not folder.startswith(ID):
            continue
        parts = folder[len(ID) : -1].split("/")
        if len(parts) == 1 and _LOCAL.match(parts[0]) and parts[0] != "report":
            name = parts[0]
        elif len(parts) == 2 and parts[0] != "report" and parts[1] in reports and _LOCAL.match(parts[0]):
            name = f"{parts[0]}-{parts[1]}"
        else:
            continue
        if name not in prefixes and name not in out:
            out[name] = folder
    return out


def folders_of(iris) -> set[str]:
    """The folders (up to the last ``/``) of the data IRIs among ``iris`` (the typed subjects:
    every entity, claim, section and sentence is typed); a report's IRI
    (``.../id/report/<id>``) also gives ``.../id/report/<id>/``, which marks ``<id>`` as a report."""
    out: set[str] = set()
    for iri in iris:
        if iri.startswith(ID):
            out.add(iri[: iri.rfind("/") + 1])
            if iri.startswith(ID + "report/") and "/" not in iri[len(ID) + 7 :]:
                out.add(iri + "/")
    return out


#: xsd:integer and the types derived from it: a value in canonical form is written as a JSON number
INTEGER_TYPES = frozenset(
    XSD + t
    for t in (
        "integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger long int short byte "
        "unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
)
