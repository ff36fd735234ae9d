"""Deterministic serialisation of rdflib Graphs, and atomic file writes.

Determinism: blank nodes are relabelled canonically (:func:`rdflib.compare.to_canonical_graph`),
the triples are added to a fresh graph in sorted order, and the outputs whose order rdflib does
not fix are normalised afterwards (N-Triples lines sorted; JSON-LD nodes and value arrays sorted).
RDF/XML is written by our own flat writer: rdflib's "xml" serializer orders subjects by hash
(differs per PYTHONHASHSEED) and its "pretty-xml" one is unstable too, warns that it ignores
triples on list nodes, and emitted an unbound prefix on our test graph.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from xml.sax.saxutils import escape, quoteattr
from pathlib import Path

import rdflib
from rdflib.compare import to_canonical_graph

PREFIXES: dict[str, str] = {
    "axis": "https://w3id.org/axiskg/ontology#",
    "id": "https://w3id.org/axiskg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "axsh": "https://w3id.org/axiskg/shapes#",
}

#: output format name -> (rdflib serializer, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", "ttl"),
    "ntriples": ("nt", "nt"),
    "jsonld": ("json-ld", "jsonld"),
    "rdfxml": ("xml", "rdf"),  # written by _rdfxml(), see there
}


def canonical_graph(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of ``graph`` with canonical blank-node labels, triples inserted in sorted order,
    and only our prefixes bound."""
    canon = to_canonical_graph(graph)
    out = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(canon, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    return out


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


def serialize(graph: rdflib.Graph, fmt: str, canonical: bool = True) -> bytes:
    """``graph`` as bytes in ``fmt`` (one of :data:`FORMATS`), deterministically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
    g = canonical_graph(graph) if canonical else graph
    if fmt == "ntriples":
        lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
        return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
    if fmt == "jsonld":
        context = {p: ns for p, ns in PREFIXES.items()}
        doc = json.loads(g.serialize(format="json-ld", context=context))
        doc = _sort_jsonld(doc)
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "rdfxml":
        return _rdfxml(g)
    return g.serialize(format=FORMATS[fmt][0], encoding="utf-8")


_NCNAME_START = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")
_RDF = PREFIXES["rdf"]


def _split_predicate(iri: str) -> tuple[str, str]:
    """Namespace and local name of a predicate IRI (the local name must be an XML NCName)."""
    for i in range(len(iri) - 1, -1, -1):
        if iri[i] in "#/:" :
            local = iri[i + 1 :]
            if _NCNAME_START.match(local):
                return iri[: i + 1], local
            break
    raise ValueError(f"predicate cannot be written in RDF/XML: <{iri}>")


def _node_attr(node, attr: str) -> str:
    if isinstance(node, rdflib.BNode):
        return f"rdf:nodeID={quoteattr('b' + str(node))}"
    return f"rdf:{attr}={quoteattr(str(node))}"


def _rdfxml(graph: rdflib.Graph) -> bytes:
    """Flat RDF/XML: one ``rdf:Description`` per subject, subjects and properties sorted."""
    by_subject: dict = {}
    namespaces: set[str] = set()
    for s, p, o in graph:  # graph comes from canonical_graph, so sort below is total
        ns, local = _split_predicate(str(p))
        namespaces.add(ns)
        by_subject.setdefault(s, []).append((ns, local, o))
    prefix_of = {ns: prefix for prefix, ns in PREFIXES.items() if ns in namespaces or prefix == "rdf"}
    for n, ns in enumerate(sorted(namespaces - set(prefix_of)), start=1):
        prefix_of[ns] = f"ns{n}"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    for ns, prefix in sorted(prefix_of.items(), key=lambda kv: kv[1]):
        lines.append(f"   xmlns:{prefix}={quoteattr(ns)}")
    lines[-1] += ">"
    for s in sorted(by_subject, key=lambda t: t.n3()):
        lines.append(f"  <rdf:Description {_node_attr(s, 'about')}>")
        for ns, local, o in sorted(by_subject[s], key=lambda t: (t[0], t[1], t[2].n3())):
            tag = f"{prefix_of[ns]}:{local}"
            if isinstance(o, rdflib.Literal):
                attrs = ""
                if o.language:
                    attrs = f" xml:lang={quoteattr(o.language)}"
                elif o.datatype is not None:
                    attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
                text = escape(str(o), {"\r": "&#13;"})
                lines.append(f"    <{tag}{attrs}>{text}</{tag}>")
            else:
                lines.append(f"    <{tag} {_node_attr(o, 'resource')}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


#: formats :func:`serialize_triples` writes straight from pyoxigraph triples
FAST_FORMATS = ("turtle", "ntriples")


def serialize_triples(triples: list, fmt: str) -> bytes:
    """Sorted pyoxigraph triples (blank nodes already labelled deterministically) as N-Triples
    (one line per triple, lines sorted) or Turtle (our prefixes), written by pyoxigraph."""
    import pyoxigraph as ox

    if fmt == "ntriples":
        lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
        lines.sort()
        return b"".join(lines)
    if fmt == "turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    raise ValueError(f"serialize_triples writes {', '.join(FAST_FORMATS)}, not {fmt!r}")


def serialize_ntriples_as(ntriples: bytes, fmt: str) -> bytes:
    """Sorted N-Triples (from :func:`serialize_triples`) re-written as ``fmt`` (Turtle), streamed
    through pyoxigraph in the same order."""
    import pyoxigraph as ox

    if fmt != "turtle":
        raise ValueError(f"serialize_ntriples_as writes turtle, not {fmt!r}")
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def atomic_write(path: Path | str, data: bytes) -> None:
    """Write ``data`` to a temp file next to ``path``, then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
