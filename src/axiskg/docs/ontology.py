"""The ontology reference: pyLODE's page, and what pyLODE does not show.

pyLODE 3.3.4 renders classes, properties and their annotations but not ``owl:disjointWith`` /
``owl:AllDisjointClasses``, nor the SHACL shapes that constrain each class. :func:`disjointness`
and :func:`shapes_by_class` read those from the ontology and shapes graphs (rdflib, because
RDF lists are easiest to read there).
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

import rdflib
from rdflib import OWL, RDF, RDFS
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS

from axiskg.shacl import property_paths
from axiskg.vocab import curie


def pylode_html(ontology: rdflib.Graph) -> str:
    """The ontology's reference page, rendered by pyLODE (offline: its CSS is inlined).

    pyLODE 3.3.4 takes every ``skos:ConceptScheme`` for the document's subject, like the
    ``owl:Ontology``: the page's title, h1, metadata IRI and description would mix the ontology's
    with the code lists'. It is given the ontology without the schemes' ``rdf:type
    skos:ConceptScheme`` triples, and the schemes and their concepts (which pyLODE does not
    render either) are added as a section of their own (:func:`concept_schemes_html`).
    """
    schemes = concept_schemes(ontology)
    seen_by_pylode = rdflib.Graph()
    for prefix, ns in ontology.namespaces():
        seen_by_pylode.bind(prefix, ns, override=True)
    for triple in ontology:
        if not (triple[1] == RDF.type and triple[2] == SKOS.ConceptScheme and triple[0] in schemes):
            seen_by_pylode.add(triple)
    for term, name in same_names(ontology).items():
        seen_by_pylode.add((term, RDFS.label, rdflib.Literal(name, lang="en")))
    page = _pylode(seen_by_pylode)
    return _add_section(
        page,
        "conceptschemes",
        "Concept schemes",
        concept_schemes_html(ontology, schemes),
        [(frag, label) for frag, label, _ in _scheme_entries(ontology, schemes)],
    )


_TERM_KINDS = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


def same_names(ontology: rdflib.Graph) -> dict[rdflib.URIRef, str]:
    """Reused terms without a label of their own whose name pyLODE would show like one of ours
    (``nif:Sentence`` as "Sentence" beside ``axis:Sentence``, "sentence"; ``nif:endIndex`` as
    "end index" beside ``axis:endIndex``): term -> its compact IRI
    as its name in the reference (``nif:Sentence``), so the two are told apart."""
    shown: dict[str, set[rdflib.URIRef]] = defaultdict(set)
    for kind in _TERM_KINDS:
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, rdflib.URIRef):
                name = _english(ontology, term, RDFS.label) or _fragment(str(term))
                shown[re.sub(r"[\s_-]+", "", name).casefold()].add(term)  # pyLODE shows endIndex as "end index"
    from axiskg.vocab import PUBLISHED_PREFIXES, compact

    return {
        term: compact(str(term), PUBLISHED_PREFIXES)
        for terms in shown.values()
        if len(terms) > 1
        for term in terms
        if not _english(ontology, term, RDFS.label)
    }


def _pylode(ontology: rdflib.Graph) -> str:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        # imported here: pyLODE is slow to import, and one of its modules calls
        # logging.basicConfig(level=DEBUG) on import; its chatter is kept quiet while it runs
        # and the root logger is restored afterwards
        from pylode import OntPub

        root.handlers[:] = handlers
        root.setLevel(logging.WARNING)
        page = OntPub(ontology, sort_subjects=True).make_html(include_css=True)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return _name_anonymous_classes(page, ontology)


def concept_schemes(ontology: rdflib.Graph) -> list[rdflib.URIRef]:
    """The ontology's SKOS concept schemes (not the ontology itself, if it were typed one too)."""
    ontologies = set(ontology.subjects(RDF.type, OWL.Ontology))
    return sorted(
        s
        for s in ontology.subjects(RDF.type, SKOS.ConceptScheme)
        if isinstance(s, rdflib.URIRef) and s not in ontologies
    )


def _fragment(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


def _text(ontology: rdflib.Graph, node, *props) -> str:
    for prop in props:
        value = _english(ontology, node, prop)
        if value:
            return value
    return ""


def _scheme_entries(ontology, schemes):
    """(fragment id, label, concepts) of each scheme; concepts sorted by label."""
    out = []
    for scheme in schemes:
        concepts = set(ontology.subjects(SKOS.inScheme, scheme)) | set(ontology.objects(scheme, SKOS.hasTopConcept))
        label = _text(ontology, scheme, SKOS.prefLabel, RDFS.label) or curie(str(scheme))
        out.append(
            (
                _fragment(str(scheme)),
                label,
                sorted(concepts, key=lambda c: _text(ontology, c, SKOS.prefLabel, RDFS.label).lower()),
            )
        )
    return out


def concept_schemes_html(ontology: rdflib.Graph, schemes: list[rdflib.URIRef]) -> str:
    """One entry per scheme (IRI, definition, its concepts) and one per concept, in pyLODE's markup
    (``div.property.entity`` with the IRI in a ``code``), so :func:`pylode_anchors` finds them."""
    e = html.escape
    parts = [
        '<div class="section" id="conceptschemes">',
        "<h2>Concept schemes</h2>",
        "<p>The ontology's code lists: each scheme and the concepts it lists.</p>",
    ]
    for frag, label, concepts in _scheme_entries(ontology, schemes):
        scheme = next(s for s in schemes if _fragment(str(s)) == frag)
        parts += [
            f'<div class="property entity" id="{e(frag)}">',
            f"<h3>{e(label)}</h3>",
            "<table>",
            f"<tr><th>IRI</th><td><code>{e(str(scheme))}</code></td></tr>",
        ]
        definition = _text(ontology, scheme, SKOS.definition, RDFS.comment)
        if definition:
            parts.append(f"<tr><th>Definition</th><td><p>{e(definition)}</p></td></tr>")
        items = "".join(
            f'<li><a href="#{e(_fragment(str(c)))}">{e(_text(ontology, c, SKOS.prefLabel, RDFS.label))}</a></li>'
            for c in concepts
        )
        parts += [f"<tr><th>Concepts</th><td><ul>{items}</ul></td></tr>", "</table>", "</div>"]
        for c in concepts:
            parts += [
                f'<div class="property entity" id="{e(_fragment(str(c)))}">',
                f"<h3>{e(_text(ontology, c, SKOS.prefLabel, RDFS.label))}</h3>",
                "<table>",
                f"<tr><th>IRI</th><td><code>{e(str(c))}</code></td></tr>",
            ]
            notation = _text(ontology, c, SKOS.notation)
            if notation:
                parts.append(f"<tr><th>Notation</th><td><code>{e(notation)}</code></td></tr>")
            definition = _text(ontology, c, SKOS.definition, RDFS.comment)
            if definition:
                parts.append(f"<tr><th>Definition</th><td><p>{e(definition)}</p></td></tr>")
            parts += [f'<tr><th>In scheme</th><td><a href="#{e(frag)}">{e(label)}</a></td></tr>', "</table>", "</div>"]
    parts.append("</div>")
    return "\n".join(parts)


def _add_section(page: str, section_id: str, title: str, section: str, entries: list[tuple[str, str]]) -> str:
    """``section`` inserted before pyLODE's Namespaces section, and its entry in the table of
    contents before the Namespaces entry."""
    marker = '<div id="namespaces">'
    toc_marker = '<a href="#namespaces">Namespaces</a>'
    if marker not in page or toc_marker not in page:
        raise ValueError("pyLODE's page has no Namespaces section: cannot place the concept schemes")
    page = page.replace(marker, section + "\n" + marker, 1)
    items = "".join(f'<li><a href="#{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in entries)
    entry = f'<li><h4><a href="#{section_id}">{html.escape(title)}</a></h4><ul class="second">{items}</ul></li>\n'
    li = page.rindex("<li>", 0, page.index(toc_marker))  # the Namespaces entry's <li>
    return page[:li] + entry + page[li:]


_BNODE_LINK = re.compile(r'<a href="(?P<id>[A-Za-z0-9_-]+)">(?P=id)</a>')


def _name_anonymous_classes(page: str, ontology: rdflib.Graph) -> str:
    """pyLODE links an anonymous class (``[ owl:unionOf (...) ]``) to its blank node id, a link
    to nowhere; write out the class expression instead."""
    bnodes = {str(b): b for b in ontology.all_nodes() if isinstance(b, rdflib.BNode)}

    def replace(m: re.Match) -> str:
        node = bnodes.get(m["id"])
        if node is None:
            return m[0]
        return f'<span class="anonymous-class">{html.escape(class_expression(ontology, node))}</span>'

    return _BNODE_LINK.sub(replace, page)


def class_expression(graph: rdflib.Graph, node) -> str:
    """An anonymous OWL class in words (Manchester-like), e.g. ``(Report or ReportComponent)``."""
    if not isinstance(node, rdflib.BNode):
        return curie(str(node))
    for prop, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
        lst = graph.value(node, prop)
        if lst is not None:
            return "(" + word.join(class_expression(graph, c) for c in Collection(graph, lst)) + ")"
    lst = graph.value(node, OWL.oneOf)
    if lst is not None:
        return "{" + ", ".join(curie(str(c)) for c in Collection(graph, lst)) + "}"
    inner = graph.value(node, OWL.complementOf)
    if inner is not None:
        return f"not {class_expression(graph, inner)}"
    return "(anonymous class)"


_ENTITY = re.compile(r'<div class="property entity" id="(?P<id>[^"]+)">.*?<code>(?P<iri>[^<]+)</code>', re.S)


def pylode_anchors(page: str) -> dict[str, str]:
    """IRI -> the fragment id pyLODE gave its entry on ``page``."""
    return {html.unescape(m["iri"]): m["id"] for m in _ENTITY.finditer(page)}


# --------------------------------------------------------------------------- disjointness


@dataclass(frozen=True)
class DisjointGroup:
    members: tuple[str, ...]  # class IRIs, in the order written
    source: str  # "owl:AllDisjointClasses" or "owl:disjointWith"


def disjointness(ontology: rdflib.Graph) -> list[DisjointGroup]:
    groups = []
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        for lst in ontology.objects(node, OWL.members):
            groups.append(DisjointGroup(tuple(str(c) for c in Collection(ontology, lst)), "owl:AllDisjointClasses"))
    for a, b in ontology.subject_objects(OWL.disjointWith):
        if isinstance(a, rdflib.URIRef) and isinstance(b, rdflib.URIRef):
            groups.append(DisjointGroup((str(a), str(b)), "owl:disjointWith"))
    return sorted(groups, key=lambda g: (g.source, g.members))


def disjoint_with(groups: list[DisjointGroup]) -> dict[str, list[str]]:
    """Class IRI -> the classes it is declared disjoint with, sorted."""
    out: dict[str, set[str]] = defaultdict(set)
    for g in groups:
        for c in g.members:
            out[c] |= set(g.members) - {c}
    return {c: sorted(others) for c, others in sorted(out.items())}


# --------------------------------------------------------------------------- shapes by class


@dataclass(frozen=True)
class Constraint:
    path: str  # the property path, written as CURIEs ("" for node-level constraints)
    rules: tuple[tuple[str, str], ...]  # (constraint, value) pairs, e.g. ("sh:minCount", "1")
    message: str
    severity: str


@dataclass(frozen=True)
class ShapeInfo:
    iri: str
    name: str
    severity: str
    message: str
    constraints: tuple[Constraint, ...]


_SKIP = {
    SH.path,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    RDF.type,
    SH.targetClass,
    SH.property,
    RDFS.label,
    RDFS.comment,
    SH.order,
    SH.group,
}


def _term(graph: rdflib.Graph, node) -> str:
    if isinstance(node, rdflib.Literal):
        return str(node)
    if isinstance(node, rdflib.BNode):
        if (node, RDF.first, None) in graph:
            return "(" + " ".join(_term(graph, x) for x in Collection(graph, node)) + ")"
        inner = sorted(
            f"{curie(str(p))} {_term(graph, o)}" for p, o in graph.predicate_objects(node) if p not in (SH.message,)
        )
        return "[" + "; ".join(inner) + "]"
    return curie(str(node))


def _path(graph: rdflib.Graph, node) -> str:
    if node is None:
        return ""
    return property_paths.render(graph, node, curie) or curie(str(node))


def _english(graph: rdflib.Graph, node, prop) -> str:
    values = sorted(graph.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "en", str(v)))
    return str(values[0]) if values else ""


def _constraint(shapes: rdflib.Graph, node) -> Constraint:
    rules = sorted((curie(str(p)), _term(shapes, o)) for p, o in shapes.predicate_objects(node) if p not in _SKIP)
    return Constraint(
        path=_path(shapes, shapes.value(node, SH.path)),
        rules=tuple(rules),
        message=_english(shapes, node, SH.message),
        severity=curie(str(shapes.value(node, SH.severity) or SH.Violation)),
    )


def shapes_by_class(shapes: rdflib.Graph) -> dict[str, list[ShapeInfo]]:
    """Class IRI -> the node shapes that target it with ``sh:targetClass`` (sorted by name)."""
    out: dict[str, list[ShapeInfo]] = defaultdict(list)
    for shape, cls in shapes.subject_objects(SH.targetClass):
        constraints = [_constraint(shapes, p) for p in shapes.objects(shape, SH.property)]
        own = tuple(
            sorted((curie(str(p)), _term(shapes, o)) for p, o in shapes.predicate_objects(shape) if p not in _SKIP)
        )
        if own:
            constraints.append(
                Constraint(
                    "",
                    own,
                    _english(shapes, shape, SH.message),
                    curie(str(shapes.value(shape, SH.severity) or SH.Violation)),
                )
            )
        out[str(cls)].append(
            ShapeInfo(
                iri=str(shape),
                name=curie(str(shape)) if not isinstance(shape, rdflib.BNode) else "(anonymous shape)",
                severity=curie(str(shapes.value(shape, SH.severity) or SH.Violation)),
                message=_english(shapes, shape, SH.message),
                constraints=tuple(sorted(constraints, key=lambda c: (c.path, c.rules))),
            )
        )
    return {c: sorted(v, key=lambda s: s.name) for c, v in sorted(out.items())}


def superclasses(ontology: rdflib.Graph, cls: str) -> list[str]:
    """All named superclasses of ``cls`` (transitively), nearest first."""
    seen: list[str] = []
    frontier = [rdflib.URIRef(cls)]
    while frontier:
        nxt = []
        for c in frontier:
            for sup in sorted(ontology.objects(c, RDFS.subClassOf)):
                if isinstance(sup, rdflib.URIRef) and str(sup) not in seen and str(sup) != cls:
                    seen.append(str(sup))
                    nxt.append(sup)
        frontier = nxt
    return seen
