"""Deterministic serialisation of rdflib Graphs, and atomic file writes.

Determinism: blank nodes are relabelled canonically (:func:`rdflib.compare.to_canonical_graph`),
the triples are added to a fresh graph in sorted order, and the outputs whose order rdflib does
not fix are normalised afterwards (N-Triples lines sorted; JSON-LD nodes and value arrays sorted).
RDF/XML is written by our own flat writer: rdflib's "xml" serializer orders subjects by hash
(differs per PYTHONHASHSEED) and its "pretty-xml" one is unstable too, warns that it ignores
triples on list nodes, and emitted an unbound prefix on our test graph.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib.compare import to_canonical_graph

from axiskg.vocab import PREFIXES

log = logging.getLogger(__name__)


def _known_prefixes() -> dict[str, str]:
    from axiskg.catalog import PROJECT_PREFIXES

    known = {p: ns for p, ns in PREFIXES.items() if p != "id"}
    known.update(PROJECT_PREFIXES)
    known.update({"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                  "spdx": "http://spdx.org/rdf/terms#", "foaf": "http://xmlns.com/foaf/0.1/",
                  "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"})
    return dict(sorted(known.items()))


#: every prefix a published file may declare (Turtle, TriG, RDF/XML, the JSON-LD context): the
#: vocabularies, and one prefix per kind of data IRI (``actor:``, ``claim:`` ...) instead of
#: ``id:``, whose local names would hold slashes (escaped as ``id:actor\/japan`` in Turtle)
KNOWN_PREFIXES: dict[str, str] = _known_prefixes()


def used_prefixes(ntriples: bytes | list[bytes], prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """The prefixes of ``prefixes`` (default :data:`KNOWN_PREFIXES`) whose namespace starts an
    IRI of the N-Triples ``ntriples`` (one bytes, or a list of them): what a Turtle or TriG
    writer should declare, and no more."""
    prefixes = KNOWN_PREFIXES if prefixes is None else prefixes
    wanted = {p: b"<" + ns.encode("utf-8") for p, ns in prefixes.items()}
    found = set()
    lines = ntriples if isinstance(ntriples, list) else [ntriples]
    for i in range(0, len(lines), 8192):  # a list holds many short items: search them in blocks
        block = b"".join(lines[i:i + 8192])
        found.update(p for p, needle in wanted.items() if p not in found and needle in block)
        if len(found) == len(wanted):
            break
    return {p: ns for p, ns in prefixes.items() if p in found}


#: output format name -> (rdflib serializer, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", "ttl"),
    "ntriples": ("nt", "nt"),
    "jsonld": ("json-ld", "jsonld"),
    "rdfxml": ("xml", "rdf"),  # written by _rdfxml(), see there
}


def canonical_graph(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of ``graph`` with canonical blank-node labels, triples inserted in sorted order,
    and only our prefixes bound.

    Blank nodes that are trees (our shapes, OWL axioms, lists, evidence) get the content-hash
    labels of :func:`axiskg.bnodes.stable_labels` (linear time: the shapes in 10 ms instead
    of 1.3 s); other graphs go through rdflib's canonicalisation."""
    canon = _stable_relabelled(graph)
    if canon is None:
        canon = to_canonical_graph(graph)
    out = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(canon, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    return out


def _stable_relabelled(graph: rdflib.Graph) -> rdflib.Graph | None:
    """``graph`` with stable blank-node labels, or ``None`` if its blank nodes are not trees."""
    import pyoxigraph as ox

    from axiskg import bnodes, loading

    try:
        triples = [ox.Triple(loading.to_ox(s), loading.to_ox(p), loading.to_ox(o)) for s, p, o in graph]
    except (ValueError, TypeError):  # a term pyoxigraph refuses: let rdflib canonicalise
        return None
    stable = bnodes.stable_labels(triples)
    return None if stable is None else loading.triples_to_rdflib(stable)


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


def serialize(graph: rdflib.Graph, fmt: str, canonical: bool = True) -> bytes:
    """``graph`` as bytes in ``fmt`` (one of :data:`FORMATS`), deterministically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
    g = canonical_graph(graph) if canonical else graph
    if fmt == "ntriples":
        lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
        return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
    if fmt == "jsonld":
        from axiskg.jsonld_context import jsonld_context

        return jsonld_bytes(g, jsonld_context(g, KNOWN_PREFIXES))
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
    prefix_of = {ns: prefix for prefix, ns in KNOWN_PREFIXES.items() if ns in namespaces or prefix == "rdf"}
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


#: formats :func:`axiskg.build.build` writes from sorted N-Triples lines, without rdflib
FAST_FORMATS = ("turtle", "ntriples")


def serialize_ntriples_as(ntriples: bytes | list[bytes], fmt: str) -> bytes:
    """Sorted N-Triples (one bytes, or a list of bytes each holding whole lines) re-written as
    ``fmt`` (Turtle) by pyoxigraph, in the same order."""
    if fmt != "turtle":
        raise ValueError(f"serialize_ntriples_as writes turtle, not {fmt!r}")
    prefixes = used_prefixes(ntriples)
    return _turtle(ntriples if isinstance(ntriples, bytes) else _ChunksReader(ntriples), prefixes)


class _ChunksReader(io.RawIOBase):
    """A list of bytes read as one stream (for pyoxigraph's parser), without joining it into a
    second copy."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._blocks = (b"".join(chunks[i:i + 8192]) for i in range(0, len(chunks), 8192))
        self._block = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._block:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._block = memoryview(block)
        n = min(len(buffer), len(self._block))
        buffer[:n] = self._block[:n]
        self._block = self._block[n:]
        return n


def _turtle(ntriples: bytes | io.RawIOBase, prefixes: dict[str, str]) -> bytes:
    """The one Turtle writer of the published graph (build and release): pyoxigraph's, with
    ``prefixes`` (see :func:`used_prefixes`) declared."""
    import pyoxigraph as ox

    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return _unescape_slashes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes), prefixes)


#: a string literal (left as it is) or a prefixed name whose local part holds an escaped slash
_LITERAL_OR_SLASHED_NAME = re.compile(
    rb'("(?:[^"\\\n]|\\.)*")'
    rb"|(?<![\w.:-])([A-Za-z][\w.-]*)?:((?:[\w%-]|\.(?=[\w%\\-])|\\\S)*\\/(?:[\w%-]|\.(?=[\w%\\-])|\\\S)*)")
_ESCAPE = re.compile(rb"\\(.)")


def _unescape_slashes(turtle: bytes, prefixes: dict[str, str]) -> bytes:
    """pyoxigraph writes a name whose local part holds ``/`` as ``claim:p1\\/evidence\\/quote``
    (valid, but no reader wants it): such names become full IRIs (``<...p1/evidence/quote>``)."""
    def full(match: re.Match) -> bytes:
        if match.group(1) is not None:
            return match.group(0)
        namespace = prefixes.get((match.group(2) or b"").decode("utf-8"))
        if namespace is None:
            return match.group(0)
        return b"<" + namespace.encode("utf-8") + _ESCAPE.sub(rb"\1", match.group(3)) + b">"

    # only the few lines holding ``\/`` go through the regular expression (pyoxigraph writes
    # no line break inside a literal, so a line is a unit)
    out = []
    done = 0
    at = turtle.find(b"\\/")
    while at >= 0:
        start = turtle.rfind(b"\n", 0, at) + 1
        end = turtle.find(b"\n", at)
        end = len(turtle) if end < 0 else end
        out += (turtle[done:start], _LITERAL_OR_SLASHED_NAME.sub(full, turtle[start:end]))
        done = end
        at = turtle.find(b"\\/", end)
    if not out:
        return turtle
    out.append(turtle[done:])
    return b"".join(out)


def atomic_write(path: Path | str, data: bytes | list[bytes]) -> None:
    """Write ``data`` (bytes, or a list of bytes written one after the other) to a temp file
    next to ``path``, then move it into place."""
    path = Path(path)
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    log.info("wrote %s", path)


def write_temp(path: Path | str, data: bytes | list[bytes]) -> str:
    """``data`` (as for :func:`atomic_write`) written and synced to a new temp file next to
    ``path`` (mode 644); its name. A list is written in chunks of about a megabyte (the GIL is
    free while each is written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, list):
                for i in range(0, len(data), 8192):
                    fh.write(b"".join(data[i:i + 8192]))
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        remove_quietly(tmp)
        raise
    return tmp


def remove_quietly(path: Path | str) -> None:
    """Remove ``path`` if it is there (a temp file being cleaned up)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
