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

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from axiskg import generated_labels
from axiskg.rdfio import literals
from axiskg.slices import write_in_slices
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH, OWL, RDF, RDFS, sparql_prefixes

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

# ?c rdfs:subClassOf+ ?o and ?sub rdfs:subPropertyOf+ ?p in the ontology: the closures are
# small, and joining the data with them as VALUES is twice as fast as with the path. A blank
# subclass (an anonymous class in a general axiom), which VALUES cannot hold, takes the path in
# a UNION, only where there is one (the UNION makes the query three times slower); a blank
# sub-property is never a predicate of the data
_SUPER_CLASSES = _PREFIXES + (
    "SELECT ?c ?o WHERE { GRAPH <%(ontology)s> { ?c rdfs:subClassOf+ ?o } FILTER(isIRI(?o)) }"
)
_SUPER_PROPERTIES = _PREFIXES + (
    "SELECT ?sub ?p WHERE { GRAPH <%(ontology)s> { ?sub rdfs:subPropertyOf+ ?p } FILTER(isIRI(?p) && ?p != ?sub) }"
)

_TYPES = (
    _PREFIXES
    + """
CONSTRUCT { ?s a ?o } WHERE { SELECT DISTINCT ?s ?o WHERE {
  { VALUES (?c ?o) { %(pairs)s } }%(blank)s
  ?s a ?c .
  FILTER(isIRI(?s))
  FILTER NOT EXISTS { ?s a ?o }
} }"""
)

_PROPERTIES = (
    _PREFIXES
    + """
CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES (?sub ?p) { %(pairs)s }
  ?s ?sub ?o .
  FILTER(isIRI(?s) && !isBlank(?o))
  FILTER NOT EXISTS { ?s ?p ?o }
} }"""
)

# (MINUS, not FILTER NOT EXISTS: twice as fast in pyoxigraph, the same answers here, since each
# MINUS shares a variable that is always bound)
_INDIVIDUALS = (
    _PREFIXES
    + """
CONSTRUCT { ?s a owl:NamedIndividual } WHERE {
  { SELECT DISTINCT ?s WHERE { ?s a ?c . FILTER(isIRI(?s) && isIRI(?c)) MINUS { VALUES ?c { %(meta)s } } } }
  MINUS { ?s a owl:NamedIndividual }
  MINUS { VALUES ?meta { %(meta)s } ?s a ?meta }
}"""
)

_BLANK_SUBCLASSES = """
  UNION { GRAPH <%(ontology)s> { ?c rdfs:subClassOf+ ?o } FILTER(isBlank(?c) && isIRI(?o)) }"""

_ARGS = {"ontology": ONTOLOGY_GRAPH, "meta": " ".join(f"<{c}>" for c in META_CLASSES)}

if TYPE_CHECKING:
    from axiskg.dataset import Data


def queries(store: Data) -> list[str]:
    """The CONSTRUCT queries whose answers, together, are the inferred triples of ``store``'s
    asserted graphs (each DISTINCT, each skipping what is asserted; the four kinds cannot
    overlap): type and property closure (the ontology's closures joined as VALUES), individual
    declarations, generated labels."""
    check_not_inferred(store)
    classes = list(_select(store, _SUPER_CLASSES % _ARGS))
    blank = any(type(c) is not ox.NamedNode for c, _ in classes)
    out = [
        _TYPES % dict(_ARGS, pairs=_values(classes), blank=_BLANK_SUBCLASSES % _ARGS if blank else ""),
        _PROPERTIES % dict(_ARGS, pairs=_values(_select(store, _SUPER_PROPERTIES % _ARGS))),
    ]
    return out + [_INDIVIDUALS % _ARGS, generated_labels.LABELS]


def _values(pairs) -> str:
    """The pairs of IRIs among ``pairs`` as the rows of a SPARQL ``VALUES`` block."""
    return " ".join(f"({a} {b})" for a, b in pairs if type(a) is ox.NamedNode)


def _select(store: Data, query: str) -> ox.QuerySolutions:
    solutions = literals.parts(store)[0].query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def answer(store: Data, query: str) -> bytes:
    """One of :func:`queries` on the union of ``store``'s graphs, as N-Triples lines written by
    pyoxigraph (no Python term is made; the GIL is not held while it runs)."""
    triples = literals.parts(store)[0].query(query, use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)
    return triples.serialize(format=ox.RdfFormat.N_TRIPLES) or b""


def answer_into(store: Data, query: str, path: Path) -> None:
    """:func:`answer` written by pyoxigraph straight into the file ``path``: never held in
    memory, where its bytes added a fifth to the query's own (the GIL is not held meanwhile)."""
    triples = literals.parts(store)[0].query(query, use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)
    triples.serialize(output=str(path), format=ox.RdfFormat.N_TRIPLES)


def super_properties(store: Data) -> dict[ox.NamedNode, list[ox.NamedNode]]:
    """``{sub-property: its named super-properties}`` along ``rdfs:subPropertyOf`` in the ontology."""
    out: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for sub, sup in _select(store, _SUPER_PROPERTIES % _ARGS):
        out.setdefault(sub, []).append(sup)
    return out


def check_not_inferred(store: Data) -> None:
    """Refuse a store that already holds :data:`INFERRED_GRAPH` (inferring twice would infer from
    inferred triples)."""
    if ox.NamedNode(INFERRED_GRAPH) in set(store.named_graphs()):
        raise ValueError(f"the store already holds <{INFERRED_GRAPH}>")


def write_inferred(store: Data, out: BinaryIO) -> int:
    """Write the inferred triples of ``store``'s asserted graphs to ``out`` as N-Triples lines
    (the store's literal forms; each triple once), the answers of :func:`queries` one after the
    other (never all of them in memory at once); the number of lines."""
    count = 0
    for query in queries(store):
        data = answer(store, query)
        count += data.count(b"\n")
        write_in_slices(out, data)
    return count


def add_inferred(store: Data) -> int:
    """Materialise :func:`write_inferred` into ``store``'s :data:`INFERRED_GRAPH` (in place),
    with the record of the literals they copy as written; the number of triples added."""
    buffer = io.BytesIO()
    count = write_inferred(store, buffer)
    literals.parts(store)[0].load(
        buffer.getvalue(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(INFERRED_GRAPH), lenient=True
    )
    record_copies(store, ox.NamedNode(INFERRED_GRAPH))
    return count


def record_copies(data: Data, graph: ox.NamedNode) -> None:
    """Record the literals as written (:mod:`axiskg.rdfio.literals`) for the inferred copies
    ``?s sup ?o`` (in ``graph``) of asserted triples ``?s sub ?o`` whose literal the store
    rewrote, ``sup`` a super-property of ``sub`` (as :func:`queries` infer them: ``?s`` an IRI,
    and no copy where ``?s sup ?o`` is asserted). So ``nif:beginIndex``, inferred from ``axis:startIndex
    "5"^^xsd:nonNegativeInteger``, is published with that literal too. The copies need not be in
    the store: ``build`` writes them without adding them."""
    record = literals.table(data)
    if record is None:
        return
    store = literals.parts(data)[0]
    supers = super_properties(data)
    copies: dict[tuple, list] = {}
    for s, p, o, g in list(record.quads):
        if g == graph or type(s) is not ox.NamedNode:
            continue
        for sup in supers.get(p, ()):
            if (s, sup, o, graph) in copies:
                continue
            forms: list = []
            for q in store.quads_for_pattern(s, None, o):
                if q.graph_name == graph:
                    continue
                if q.predicate == sup:  # asserted: not inferred
                    forms = []
                    break
                if sup in supers.get(q.predicate, ()):
                    forms += record.quads.get((s, q.predicate, o, q.graph_name), [o])
            if any(f != o for f in forms):
                copies[(s, sup, o, graph)] = list(dict.fromkeys(forms))
    record.quads.update(copies)
    record.resolved.clear()
    record.by_predicate.clear()


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


def describe_counts(counts: dict[str, int]) -> str:
    """``4830 triples (3757 asserted + 1073 inferred)``: the one wording of the graph's size."""
    return f"{counts['total']} triples ({counts['asserted']} asserted + {counts['inferred']} inferred)"
