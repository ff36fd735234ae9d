"""The project's own checks, beside its shapes: what every file of an axiskg project must meet
whatever the shapes say, reported as SHACL results of shapes of their own (docs/validation.md).

- :data:`WELL_TYPED_SHAPE`: a literal with an XSD datatype is in that datatype's lexical space
  (``"abc"^^xsd:integer`` is not); not ``sh:DatatypeConstraintComponent``, because no shape's
  ``sh:datatype`` asked for it.
- :data:`DECLARED_SHAPE`: a term in the project's own namespaces (the ontology's
  ``vann:preferredNamespaceUri``, else ``axis:``) used as a class, a property or a value is
  declared by the ontology: ``a axis:Stat`` is a typo of ``axis:State``.

``axiskg validate`` runs them with the project's shapes; with ``--shapes`` (someone else's
shapes) only on request (``--well-typed``).
"""

from __future__ import annotations

import difflib
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, SH

from axiskg.shacl.results import NAMESPACES, Report, Result, add_results
from axiskg.vocab import AXIS, AXSH, ONTOLOGY_GRAPH, VANN, compact, local_name, sparql_prefixes

WELL_TYPED_SHAPE = AXSH + "WellTypedLiteralShape"
WELL_TYPED_COMPONENT = AXSH + "WellTypedLiteralConstraintComponent"
DECLARED_SHAPE = AXSH + "DeclaredTermShape"
DECLARED_COMPONENT = AXSH + "DeclaredTermConstraintComponent"

_VANN_NAMESPACE = VANN + "preferredNamespaceUri"
_DECLARATIONS = (
    "owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty owl:NamedIndividual "
    "rdf:Property rdfs:Class rdfs:Datatype"
)


def bad_literal_results(store, root=None) -> list[Result]:
    """The ill-typed literals of ``store`` (:func:`axiskg.rdfio.literal_checks.bad_literals`), as written,
    as violations: focus node the subject, path the predicate, value the literal, source and
    line where it is written, source shape :data:`WELL_TYPED_SHAPE` (``root``: the project whose
    files to find lines in)."""
    from axiskg.rdfio.literal_checks import bad_literals
    from axiskg.rdfio.terms import TermConverter

    bad = bad_literals(store, root)
    convert = TermConverter()
    return [
        Result(
            severity="Violation",
            focus=b.subject.value if isinstance(convert(b.subject), rdflib.URIRef) else "[]",
            path=b.predicate.value,
            component=WELL_TYPED_COMPONENT,
            source_shape=WELL_TYPED_SHAPE,
            value=convert(b.literal).n3(NAMESPACES),
            message=f"{b.where}: {b.problem}",
            source=b.path,
            line=b.line,
            focus_node=convert(b.subject),
            path_node=convert(b.predicate),
            value_node=convert(b.literal),
            shape_node=rdflib.URIRef(WELL_TYPED_SHAPE),
            severity_node=SH.Violation,
        )
        for b in bad
    ]


def undeclared_term_results(store) -> list[Result]:
    """Terms of the project's namespaces that the ontology (the store's ontology graph) does
    not declare, as violations of :data:`DECLARED_SHAPE`: focus node the subject that uses
    one, path the predicate (``rdf:type`` for a class), value the term when it is an object;
    the message names the closest declared term."""
    from axiskg.rdfio.terms import TermConverter
    from axiskg.sparql.querying import solutions

    ontology = f"<{ONTOLOGY_GRAPH}>"
    declared_query = (
        sparql_prefixes("owl", "rdf", "rdfs")
        + f"""        SELECT DISTINCT ?t WHERE {{ GRAPH {ontology} {{ ?t a ?d VALUES ?d {{ {_DECLARATIONS} }} }} FILTER(isIRI(?t)) }}"""
    )
    declared = {row[0].value for row in solutions(store, declared_query)}
    spaces = {
        row[0].value
        for row in solutions(store, f"SELECT ?n WHERE {{ GRAPH {ontology} {{ ?o <{_VANN_NAMESPACE}> ?n }} }}")
    } or {AXIS}
    starts = " || ".join(f'STRSTARTS(STR(?t), "{ns}")' for ns in sorted(spaces))
    # the distinct terms first (each query one pass over the store, no join), then the uses
    # of the few undeclared ones
    found = [row[0] for row in solutions(store, "SELECT DISTINCT ?t WHERE { ?s ?t ?o }")]
    found += [row[0] for row in solutions(store, f"SELECT DISTINCT ?t WHERE {{ ?s ?p ?t FILTER({starts}) }}")]
    terms = {t for t in found if isinstance(t, ox.NamedNode) and t.value.startswith(tuple(spaces))}
    convert = TermConverter()  # (IRIs and blank nodes only: no literal as written needed)
    new = []
    for term in sorted((t for t in terms if t.value not in declared), key=lambda t: t.value):
        message = f"{compact(term.value)} is not declared by the ontology" + _nearest(term.value, declared)
        uses: list[tuple[Any, Any, Any]] = [(q.subject, term, None) for q in store.quads_for_pattern(None, term, None)]
        uses += [(q.subject, q.predicate, term) for q in store.quads_for_pattern(None, None, term)]
        for s, p, o in sorted(set(uses), key=str):
            focus = convert(s)
            new.append(
                Result(
                    severity="Violation",
                    focus=str(focus) if isinstance(focus, rdflib.URIRef) else "[]",
                    path=p.value,
                    component=DECLARED_COMPONENT,
                    source_shape=DECLARED_SHAPE,
                    value=o.value if o is not None else None,
                    message=message,
                    focus_node=focus,
                    path_node=convert(p),
                    value_node=convert(o) if o is not None else None,
                    shape_node=rdflib.URIRef(DECLARED_SHAPE),
                    severity_node=SH.Violation,
                )
            )
    return new


def _nearest(iri: str, declared: set[str]) -> str:
    """`` (did you mean axis:State?)`` for the declared term of the same namespace whose local
    name is closest to ``iri``'s, when one is close; else ``""``."""
    space, name = iri[: len(iri) - len(local_name(iri))], local_name(iri)
    names = {local_name(d): d for d in declared if d.startswith(space)}
    near = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
    return f" (did you mean {compact(names[near[0]])}?)" if near else ""


def add(report: Report, store, new: list[Result]) -> int:
    """``new`` results added to ``report`` (its standard graph too, ``sh:conforms`` false)."""
    from axiskg.rdfio import literals
    from axiskg.rdfio.terms import TermConverter, to_ox

    if not new:
        return 0
    convert = TermConverter()

    def data_edges(node):
        quads = store.quads_for_pattern(to_ox(node), None, None)
        return [(convert(p), convert(o)) for _, p, o, _ in literals.written_quads(store, quads)]

    (root,) = report.graph.subjects(RDF.type, SH.ValidationReport)
    report.graph.set((root, SH.conforms, rdflib.Literal(False)))
    add_results(report.graph, root, new, rdflib.Graph(), data_edges)
    report.results = sorted(report.results + new, key=Result.sort_key)
    report.conforms = False
    return len(new)
