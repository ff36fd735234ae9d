"""What the build infers: the entailments a consumer's plain SPARQL needs, materialised into
their own named graph, :data:`INFERRED_GRAPH` (``https://w3id.org/axiskg/graph/inferred``).

Four kinds of triple, the first three computed from the ontology's own axioms only (its named graph):

* **type closure** (RDFS rule rdfs9): ``?x rdf:type ?super`` for every ``?x rdf:type ?c`` and
  every named superclass ``?super`` of ``?c`` along ``rdfs:subClassOf`` (transitively), so that
  ``?c a axis:Claim`` also finds the causal links and ``?a a axis:Actor`` every state;
* **property closure** (rdfs7): ``?s ?super ?o`` for every ``?s ?p ?o`` and every super-property
  ``?super`` of ``?p`` along ``rdfs:subPropertyOf`` (e.g. ``axis:claimSubject`` ->
  ``axis:isAbout``, ``axis:initiatedBy`` -> ``prov:wasAssociatedWith``);
* **individual declarations**: ``?x rdf:type owl:NamedIndividual`` for every IRI typed with a
  class that is not an OWL/RDFS meta-class (a class, property, ontology or restriction), so
  that OWL tools (owlready2, Protégé) list every individual;
* **generated labels**: an English ``rdfs:label`` for each claim's evidence, its selectors and
  each claim link that has none, derived from what it stands for
  (:mod:`axiskg.generated_labels`), so that no individual shows up unnamed in Protégé.

Only triples whose subject and object are IRIs or literals are inferred (never blank nodes:
their labels are local to one named graph in TriG), and only triples not already asserted in
some graph. The result is a pure function of the asserted graphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg import generated_labels
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH, OWL, RDF, RDF_TYPE, RDFS, sparql_prefixes

INFERRED_GRAPH = GRAPH_NS + "inferred"

NAMED_INDIVIDUAL = OWL + "NamedIndividual"

#: classes whose instances are terms of a vocabulary, not individuals
META_CLASSES = tuple(
    OWL + name
    for name in (
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "Ontology",
        "Restriction",
        "AllDisjointClasses",
        "AllDifferent",
        "AllDisjointProperties",
        "FunctionalProperty",
        "InverseFunctionalProperty",
        "TransitiveProperty",
        "SymmetricProperty",
        "AsymmetricProperty",
        "ReflexiveProperty",
        "IrreflexiveProperty",
        "NamedIndividual",
        "Axiom",
        "NegativePropertyAssertion",
        "DeprecatedClass",
        "DeprecatedProperty",
        "OntologyProperty",
        "DataRange",
    )
) + (
    RDFS + "Class",
    RDFS + "Datatype",
    RDF + "Property",
    RDF + "List",
)

_PREFIXES = sparql_prefixes("rdfs", "owl")

_TYPES = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?o WHERE {
  GRAPH <%(ontology)s> { ?c rdfs:subClassOf+ ?o }
  FILTER(isIRI(?o))
  ?s a ?c .
  FILTER(isIRI(?s))
  FILTER NOT EXISTS { ?s a ?o }
}"""
)

_PROPERTIES = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?p ?o WHERE {
  GRAPH <%(ontology)s> { ?sub rdfs:subPropertyOf+ ?p }
  FILTER(isIRI(?p) && ?p != ?sub)
  ?s ?sub ?o .
  FILTER(isIRI(?s) && !isBlank(?o))
  FILTER NOT EXISTS { ?s ?p ?o }
}"""
)

_INDIVIDUALS = (
    _PREFIXES
    + """
SELECT DISTINCT ?s WHERE {
  ?s a ?c .
  FILTER(isIRI(?s) && isIRI(?c) && ?c NOT IN (%(meta)s))
  FILTER NOT EXISTS { ?s a owl:NamedIndividual }
  FILTER NOT EXISTS { ?s a ?meta . FILTER(?meta IN (%(meta)s)) }
}"""
)

if TYPE_CHECKING:
    from axiskg.dataset import Data


def inferred_quads(store: Data) -> list[ox.Quad]:
    """The inferred triples of ``store``'s asserted graphs, as quads in :data:`INFERRED_GRAPH`
    (each once: the four kinds cannot overlap, and each query is DISTINCT and skips what is
    asserted). ``store`` must not hold that graph yet."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    if graph in set(store.named_graphs()):
        raise ValueError(f"the store already holds <{INFERRED_GRAPH}>")
    args = {"ontology": ONTOLOGY_GRAPH, "meta": ", ".join(f"<{c}>" for c in META_CLASSES)}
    rdf_type, individual = ox.NamedNode(RDF_TYPE), ox.NamedNode(NAMED_INDIVIDUAL)

    def run(query: str):
        return store.query(query % args, use_default_graph_as_union=True)

    # a solution iterates over its values in the order of the SELECT's variables
    quads = [ox.Quad(s, rdf_type, o, graph) for s, o in run(_TYPES)]
    quads += [ox.Quad(s, p, o, graph) for s, p, o in run(_PROPERTIES)]
    # declarations: every IRI typed with a class that is not a meta-class
    quads += [ox.Quad(s, rdf_type, individual, graph) for (s,) in run(_INDIVIDUALS)]
    quads += generated_labels.label_quads(store, graph)
    return quads


def add_inferred(store: Data) -> int:
    """Materialise :func:`inferred_quads` into ``store`` (in place); the number of triples added."""
    from axiskg.rdfio import literals

    quads = inferred_quads(store)
    store.extend(quads)
    sources: dict = {}
    pairs = store.query(
        _PREFIXES + f"SELECT ?sub ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?sub rdfs:subPropertyOf+ ?p }} }}"
    )
    assert isinstance(pairs, ox.QuerySolutions)
    for sub, sup in pairs:
        sources.setdefault(sup, []).append(sub)
    literals.copy_written(store, quads, sources)  # the inferred copies of literals as written
    return len(quads)


_DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } %s } }"


def triple_counts(store: Data) -> dict[str, int]:
    """The graph's size in the one sense every output gives it (``stats``, ``build``, VoID, the
    site): ``asserted`` (distinct triples of the ontology and data graphs), ``inferred`` (the
    distinct triples the inferred graph adds, none of them asserted) and ``total`` (their sum:
    what the published files hold). Without an inferred graph, ``inferred`` is 0."""

    def count(where: str) -> int:
        rows = store.query(_DISTINCT % where)
        assert isinstance(rows, ox.QuerySolutions)
        return int(next(iter(rows))["n"].value)

    total = count("")
    asserted = count(f"FILTER(?g != <{INFERRED_GRAPH}>)")
    return {"asserted": asserted, "inferred": total - asserted, "total": total}


def inferred_count(store: Data) -> int:
    """The triples of the inferred graph: what :func:`triple_counts` calls ``inferred``, since
    none of them is asserted (:func:`inferred_quads`), counted without a distinct pass over
    the whole store (for ``build``, whose sorted lines give the total)."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def describe_counts(counts: dict[str, int]) -> str:
    """``4830 triples (3757 asserted + 1073 inferred)``: the one wording of the graph's size."""
    return f"{counts['total']} triples ({counts['asserted']} asserted + {counts['inferred']} inferred)"
