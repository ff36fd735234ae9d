"""Release files: the graph in every syntax, one named graph per source, the shapes, and a
VoID + DCAT description of it all.

``release()`` writes to ``dist/release/`` (or ``out_dir``):

==================  =================================================================
``axiskg.ttl``      ontology + all data + the inferred graph, Turtle (the same bytes as ``build``'s)
``axiskg.nt``       the same, N-Triples (sorted lines)
``axiskg.jsonld``   the same, JSON-LD, compacted with its context inline ...
``context.jsonld``  ... and published as a file of its own (the same ``@context``)
``axiskg.rdf``      the same, RDF/XML (every individual declared ``owl:NamedIndividual``), for
                    RDF tools: values exactly as written, so ``xsd:date``/``xsd:gYear`` too
``axiskg.owl``      the file for reasoners (HermiT, Protégé, owlready2), RDF/XML: ontology,
                    asserted data and the individual declarations, without the materialised
                    type and property closure (a reasoner derives it), every literal inside the
                    OWL 2 datatype map (dates as ``xsd:dateTime``, :mod:`axiskg.owl_datatypes`)
``axiskg.trig``     TriG: one named graph per source (ontology, each ``data/<dir>/``, inferred)
``shapes.ttl``      the SHACL shapes
``void.ttl``        VoID + DCAT: counts, classes, licence, version, download links, checksums
==================  =================================================================

Version: the released ontology's ``owl:versionIRI`` and ``owl:versionInfo`` are rewritten from
:data:`axiskg.__version__` (the package version, set once in ``pyproject.toml``), so a release
can never carry a stale version whatever the source file says.

The graph files are :func:`axiskg.build.render`'s, so ``dist/axiskg.ttl`` and
``dist/release/axiskg.ttl`` are the same bytes. Every file is a pure function of the inputs and the version (no clock, no hash order), so
releasing twice gives byte-identical files. All files are rendered in memory first and then
each is written atomically; a bad input leaves the folder untouched.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef

from axiskg import build, paths, vocab
from axiskg.atomic import atomic_write
from axiskg.build import ONTOLOGY_IRI, stamp_version, version_iri  # noqa: F401 (part of this API)
from axiskg.inference import INFERRED_GRAPH, NAMED_INDIVIDUAL, describe_counts, triple_counts
from axiskg.owl_datatypes import triple_in_map
from axiskg.rdfio import literals
from axiskg.rdfio.bnodes import canonical_lines
from axiskg.rdfio.jsonld_context import context_of_lines
from axiskg.rdfio.serialize import serialize
from axiskg.rdfio.sources import describe_graph
from axiskg.rdfio.terms import parse_ntriples, to_rdflib, triples_to_rdflib
from axiskg.rdfio.turtle import used_prefixes
from axiskg.vocab import BASE, PUBLISHED_PREFIXES, RDF_TYPE

if TYPE_CHECKING:
    from axiskg.dataset import Data

DATASET_IRI = BASE + "dataset"
DEFAULT_BASE_URL = BASE + "release/{version}/"
BASENAME = "axiskg"

VOID = rdflib.Namespace(vocab.VOID)
DCAT = rdflib.Namespace(vocab.DCAT)
DCTERMS = rdflib.Namespace(vocab.DCTERMS)
SPDX = rdflib.Namespace(vocab.SPDX)

#: file name -> (IANA media type, title)
DISTRIBUTIONS = {
    f"{BASENAME}.ttl": ("text/turtle", "ontology, data and inferred triples, Turtle, values as written"),
    f"{BASENAME}.nt": ("application/n-triples", "ontology, data and inferred triples, N-Triples, values as written"),
    f"{BASENAME}.jsonld": ("application/ld+json", "ontology, data and inferred triples, JSON-LD (context.jsonld)"),
    f"{BASENAME}.rdf": (
        "application/rdf+xml",
        "ontology, data and inferred triples, RDF/XML, values as written (xsd:date, xsd:gYear), "
        "for RDF tools; reasoners read axiskg.owl",
    ),
    f"{BASENAME}.owl": (
        "application/rdf+xml",
        "OWL 2 DL file for reasoners and Protégé (HermiT reads it as shipped): ontology, asserted data, "
        "individual declarations, dates as xsd:dateTime (OWL 2 datatype map), RDF/XML",
    ),
    f"{BASENAME}.trig": ("application/trig", "ontology, data and inferred triples, one named graph per source, TriG"),
    "shapes.ttl": ("text/turtle", "SHACL shapes, Turtle"),
    "context.jsonld": ("application/ld+json", "JSON-LD context"),
}
VOID_FILE = "void.ttl"


def trig(store: Data) -> bytes:
    """TriG with one named graph per source graph of ``store``, deterministically.

    Each graph's triples are canonical N-Triples lines (:func:`axiskg.rdfio.bnodes.canonical_lines`),
    their blank-node labels prefixed with the graph's position (TriG labels are document-wide,
    and two graphs must never share one), written by pyoxigraph's TriG writer in that order."""
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    quads = []
    for i, name in enumerate(names):
        graph = ox.NamedNode(name)

        def apart(term: Any, prefix: str = f"g{i}") -> Any:
            return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

        lines = canonical_lines(
            ox.Triple(s, p, o)
            for s, p, o, _ in literals.written_quads(  # literals as the files wrote them
                store, store.quads_for_pattern(None, None, None, graph)
            )
        )
        for t in ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True):
            quads.append(ox.Quad(apart(t.subject), t.predicate, apart(t.object), graph))
    prefixes = used_prefixes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""


def _graph_triples(store: Data) -> dict[str, int]:
    out = {}
    for g in sorted(store.named_graphs(), key=lambda g: g.value):
        out[g.value] = sum(1 for _ in store.quads_for_pattern(None, None, None, g))
    return out


def describe(
    graph: rdflib.Graph,
    graph_triples: dict[str, int],
    files: dict[str, bytes],
    version: str,
    base_url: str,
    counts: dict[str, int] | None = None,
) -> rdflib.Graph:
    """The VoID + DCAT description of the release (counts from ``graph``, the merged graph;
    ``counts``: its :func:`axiskg.inference.triple_counts`, said in an ``rdfs:comment``)."""
    ontology = URIRef(ONTOLOGY_IRI)
    ds = URIRef(f"{DATASET_IRI}/{version}")
    g = rdflib.Graph()

    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.isVersionOf, URIRef(DATASET_IRI)))
    g.add((ds, DCTERMS.title, Literal("axiskg: the alliance-axis report as a knowledge graph", lang="en")))
    for prop in (DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.modified):
        for value in sorted(graph.objects(ontology, prop)):
            g.add((ds, prop, value))
    g.add((ds, OWL.versionInfo, Literal(version)))
    g.add((ds, DCAT.version, Literal(version)))
    g.add((ds, DCTERMS.conformsTo, URIRef(version_iri(version))))
    g.add((ds, VOID.uriSpace, Literal(vocab.ID)))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))

    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    typed: Counter[rdflib.term.Node] = Counter()
    for _s, cls in set(graph.subject_objects(RDF.type)):
        typed[cls] += 1
    props = Counter(p for _, p, _ in graph)
    integer = XSD.integer
    for ns in sorted(
        {_namespace(str(p)) for p in props}
        | {_namespace(str(c)) for c in graph.objects(None, RDF.type) if isinstance(c, URIRef)}
    ):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    g.add((ds, VOID.triples, Literal(len(graph), datatype=integer)))
    if counts is not None:  # what the total is made of (the inferred graph is a subset below)
        g.add(
            (
                ds,
                RDFS.comment,
                Literal(describe_counts(counts) + ": the ontology and data, and what the build infers", lang="en"),
            )
        )
    g.add((ds, VOID.entities, Literal(len(subjects), datatype=integer)))
    g.add((ds, VOID.distinctSubjects, Literal(len(set(graph.subjects())), datatype=integer)))
    g.add((ds, VOID.distinctObjects, Literal(len(set(graph.objects())), datatype=integer)))
    g.add((ds, VOID.properties, Literal(len(props), datatype=integer)))
    g.add((ds, VOID.classes, Literal(len(typed), datatype=integer)))
    for cls, n in sorted(typed.items()):
        part = rdflib.BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n, datatype=integer)))
    for prop, n in sorted(props.items()):
        part = rdflib.BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(n, datatype=integer)))
    for name, n in graph_triples.items():
        sub = URIRef(name)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, VOID.triples, Literal(n, datatype=integer)))
        g.add((sub, DCTERMS.title, Literal(f"named graph {describe_graph(name)}", lang="en")))

    for name, data in sorted(files.items()):
        media, title = DISTRIBUTIONS[name]
        url = URIRef(base_url + name)
        g.add((ds, DCAT.distribution, url))
        if name.endswith((".nt", ".ttl", ".rdf", ".jsonld", ".trig")) and name.startswith(BASENAME):
            g.add((ds, VOID.dataDump, url))
        g.add((url, RDF.type, DCAT.Distribution))
        g.add((url, DCTERMS.title, Literal(title, lang="en")))
        g.add((url, DCAT.downloadURL, url))
        g.add((url, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((url, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{url}#sha256")
        g.add((url, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
    return g


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def owl_view(store: Data) -> rdflib.Graph:
    """The OWL view: every asserted graph, and of the inferred graph only the
    ``owl:NamedIndividual`` declarations and the generated labels (a reasoner derives the rest,
    but cannot name the evidence nodes Protégé lists); every literal inside the OWL 2 datatype map
    (:mod:`axiskg.owl_datatypes`), so HermiT and Protégé's reasoners read it as shipped."""
    names = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != INFERRED_GRAPH]
    graph = rdflib.Graph()
    for triple in to_rdflib(store, sorted(names)):
        graph.add(triple_in_map(*triple))
    inferred = ox.NamedNode(INFERRED_GRAPH)
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(NAMED_INDIVIDUAL), inferred):
        if isinstance(quad.subject, ox.NamedNode):  # (individuals are IRIs)
            graph.add((URIRef(quad.subject.value), RDF.type, OWL.NamedIndividual))
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None, inferred):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            graph.add((URIRef(quad.subject.value), RDFS.label, Literal(quad.object.value, lang=quad.object.language)))
    return graph


def render_release(
    root: Path | str | None = None,
    version: str | None = None,
    base_url: str | None = None,
    include_drafts: bool = False,
    validate: bool = False,
) -> dict[str, bytes]:
    """Every release file, by name, rendered in memory; ``validate``: refused
    (:class:`~axiskg.gate.Refused`) for a project with an ``sh:Violation``."""
    from axiskg import __version__

    version = version or __version__
    base_url = (base_url or DEFAULT_BASE_URL).format(version=version)
    if not base_url.endswith("/"):
        base_url += "/"
    root = Path(root) if root is not None else paths.project_root()
    rendered = build.render(root, version=version, include_drafts=include_drafts, validate=validate)
    files: dict[str, bytes] = {build.file_name(output): data for output, data in rendered.items()}
    store = build.published_store(root, version, include_drafts=include_drafts)
    files[f"{BASENAME}.trig"] = trig(store)
    files[f"{BASENAME}.owl"] = serialize(owl_view(store), "rdfxml")
    # the context the JSON-LD was written with (from the same lines)
    context = {"@context": context_of_lines(files[f"{BASENAME}.nt"].splitlines(keepends=True), PUBLISHED_PREFIXES)}
    files["context.jsonld"] = (json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    merged = triples_to_rdflib(parse_ntriples(files[f"{BASENAME}.nt"]))
    void = describe(merged, _graph_triples(store), files, version, base_url, triple_counts(store))
    files[VOID_FILE] = serialize(void, "turtle")
    return dict(sorted(files.items()))


def release(
    root: Path | str | None = None,
    out_dir: Path | str | None = None,
    version: str | None = None,
    base_url: str | None = None,
    include_drafts: bool = False,
    validate: bool = False,
) -> dict[str, Path]:
    """Write the release files to ``out_dir`` (default ``<root>/dist/release``); ``validate``:
    nothing is written for a project with an ``sh:Violation`` (:class:`~axiskg.gate.Refused`)."""
    root = Path(root) if root is not None else paths.project_root()
    out = Path(out_dir) if out_dir is not None else paths.dist_dir(root) / "release"
    files = render_release(root, version, base_url, include_drafts, validate)
    for name, data in sorted(files.items()):
        atomic_write(out / name, data)
    return {name: out / name for name in sorted(files)}
