"""OWL 2 DL reasoning: ontology + data through owlready2 and HermiT.

The graph handed to owlready2 is an *OWL view* of the merged graph (:func:`owl_view`):

* literals outside the OWL 2 datatype map, which HermiT rejects, become the nearest type inside it
  (:mod:`axiskg.owl_datatypes`: ``"2025-12-22"^^xsd:date`` -> ``"2025-12-22T00:00:00"^^xsd:dateTime``,
  ``"2023"^^xsd:gYear`` -> ``"2023-01-01T00:00:00"^^xsd:dateTime``), and so do such ``rdfs:range`` values;
* every IRI typed with a declared ``owl:Class``, or used as subject or object of a declared
  object or datatype property, is also declared ``owl:NamedIndividual``, because owlready2
  only lists named individuals.
* no ``owl:imports``: owlready2 would fetch each imported IRI (HTTP GET) or read it (``file:``),
  wherever it points. The project's own modules are in the graph already; anything else is not
  reasoned over (:func:`outside_imports` names it).

It is serialised to RDF/XML (owlready2 does not read Turtle) and loaded into a fresh owlready2
World. HermiT gives no justification for an inconsistency, and owlready2 has no explanation API,
so :func:`explain_inconsistency` locates one itself: each individual's asserted types (plus types
implied by ``rdfs:domain``/``rdfs:range`` of the properties it uses), closed under
``rdfs:subClassOf``/``owl:equivalentClass``, checked against ``owl:disjointWith`` and
``owl:AllDisjointClasses``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS
from rdflib.collection import Collection

from axiskg.errors import InputError
from axiskg.owl_datatypes import triple_in_map
from axiskg.slices import write_in_slices
from axiskg.vocab import compact


@dataclass
class ReasoningResult:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: list[tuple[str, str]] = field(default_factory=list)  # (individual, class), sorted
    explanations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self, examples: int = 5) -> dict:
        return {
            "consistent": self.consistent,
            "unsatisfiableClasses": self.unsatisfiable,
            "inferredTypes": {
                "count": len(self.inferred),
                "examples": [{"individual": i, "class": c} for i, c in self.inferred[:examples]],
            },
            "explanations": self.explanations,
            "seconds": round(self.seconds, 2),
        }

    def format_text(self, examples: int = 5) -> str:
        lines = [f"Consistent: {'yes' if self.consistent else 'no'}"]
        for text in self.explanations:
            lines.append(f"  {text}")
        lines.append(f"Unsatisfiable classes: {len(self.unsatisfiable)}")
        lines += [f"  {compact(c)}" for c in self.unsatisfiable]
        if self.consistent:
            lines.append(f"Inferred types: {len(self.inferred)}")
            lines += [f"  {compact(i)} a {compact(c)}" for i, c in self.inferred[:examples]]
            if len(self.inferred) > examples:
                lines.append(f"  ... and {len(self.inferred) - examples} more (--examples N)")
        lines.append(f"Reasoner: HermiT, {self.seconds:.1f} s")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the OWL view


def owl_view(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of ``graph`` that HermiT accepts and owlready2 lists fully (see module docs)."""
    out = rdflib.Graph()
    classes = set(graph.subjects(RDF.type, OWL.Class))
    object_props = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    data_props = set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    schema = (
        classes
        | object_props
        | data_props
        | {s for t in (OWL.AnnotationProperty, OWL.Ontology) for s in graph.subjects(RDF.type, t)}
    )

    def individual(node) -> None:
        if isinstance(node, rdflib.URIRef) and node not in schema:
            out.add((node, RDF.type, OWL.NamedIndividual))

    for triple in graph:
        if triple[1] == OWL.imports:
            continue
        s, p, o = triple_in_map(*triple)
        out.add((s, p, o))
        if (p == RDF.type and o in classes) or p in object_props or p in data_props:
            individual(s)
        if p in object_props:
            individual(o)
    return out


def outside_imports(graph: rdflib.Graph) -> list[str]:
    """The ``owl:imports`` of ``graph`` that name no ontology the graph holds: left out of the
    OWL view (:func:`owl_view`), so not reasoned over."""
    held = set(graph.subjects(RDF.type, OWL.Ontology))
    return sorted({str(o) for o in graph.objects(None, OWL.imports) if o not in held})


# --------------------------------------------------------------------------- explanations


def _disjoint_pairs(g: rdflib.Graph) -> dict[frozenset, str]:
    pairs: dict[frozenset, str] = {}
    for a, b in g.subject_objects(OWL.disjointWith):
        pairs[frozenset((a, b))] = f"{compact(str(a))} owl:disjointWith {compact(str(b))}"
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [m for m in Collection(g, g.value(node, OWL.members)) if isinstance(m, rdflib.URIRef)]
        axiom = "owl:AllDisjointClasses (" + " ".join(compact(str(m)) for m in members) + ")"
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.setdefault(frozenset((a, b)), axiom)
    return pairs


def _ancestors(g: rdflib.Graph, cls) -> dict:
    """``{ancestor: chain}`` where chain is the subclass path from ``cls`` (named classes only)."""
    out = {cls: [cls]}
    todo = [cls]
    while todo:
        c = todo.pop()
        ups = [u for u in g.objects(c, RDFS.subClassOf) if isinstance(u, rdflib.URIRef)]
        ups += [e for e in g.objects(c, OWL.equivalentClass) if isinstance(e, rdflib.URIRef)]
        ups += [e for e in g.subjects(OWL.equivalentClass, c) if isinstance(e, rdflib.URIRef)]
        for u in sorted(ups):
            if u not in out:
                out[u] = out[c] + [u]
                todo.append(u)
    return out


def explain_inconsistency(graph: rdflib.Graph) -> list[str]:
    """Sentences naming each individual whose types fall into two disjoint classes, and why."""
    pairs = _disjoint_pairs(graph)
    if not pairs:
        return []
    classes = set(graph.subjects(RDF.type, OWL.Class))
    reasons: dict = {}  # individual -> {class: how it got the type: ("typed" | "subject" | "value", property)}
    for s, c in graph.subject_objects(RDF.type):
        if c in classes and s not in classes:
            reasons.setdefault(s, {}).setdefault(c, ("typed", None))
    for prop, dom in graph.subject_objects(RDFS.domain):
        if dom in classes:
            for s in graph.subjects(prop, None):
                reasons.setdefault(s, {}).setdefault(dom, ("subject", prop))
    for prop, rng in graph.subject_objects(RDFS.range):
        if rng in classes:
            for o in graph.objects(None, prop):
                if not isinstance(o, rdflib.Literal):
                    reasons.setdefault(o, {}).setdefault(rng, ("value", prop))
    out = []
    for ind in sorted(reasons, key=str):
        types = reasons[ind]
        closure: dict = {}
        for t in sorted(types):
            for anc, chain in _ancestors(graph, t).items():
                closure.setdefault(anc, (t, chain))
        seen = set()
        for pair, axiom in sorted(pairs.items(), key=lambda kv: kv[1]):
            a, b = sorted(pair)
            if a in closure and b in closure and pair not in seen:
                seen.add(pair)
                out.append(
                    f"{compact(str(ind))} cannot be both {_a(a)} and {_a(b)}, which are disjoint ({axiom}): "
                    f"{_because(a, closure, types)}; {_because(b, closure, types)}."
                )
    return out


def _a(cls) -> str:
    """``axis:Claim`` -> "an axis:Claim" (the article as the name is read, from its first letter)."""
    name = compact(str(cls))
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _because(cls, closure: dict, types: dict) -> str:
    """Why the individual is a ``cls``: "it is an axis:Actor because it is the subject of
    axis:leads, whose domain is axis:MilitaryCommand (axis:MilitaryCommand ⊑ axis:Actor)"."""
    origin, chain = closure[cls]
    how, prop = types[origin]
    if how == "typed":
        why = f"it is typed {compact(str(origin))}"
    elif how == "subject":
        why = f"it is the subject of {compact(str(prop))}, whose domain is {compact(str(origin))}"
    else:
        why = f"it is a value of {compact(str(prop))}, whose range is {compact(str(origin))}"
    if len(chain) > 1:
        why += " (" + " ⊑ ".join(compact(str(c)) for c in chain) + ")"
    return f"it is {_a(cls)} because {why}"


# --------------------------------------------------------------------------- HermiT


def reason(graph: rdflib.Graph) -> ReasoningResult:
    """Run HermiT on ``graph`` (ontology + data). Needs ``java`` on the PATH."""
    if shutil.which("java") is None:
        raise InputError(None, "HermiT needs Java: no 'java' found on the PATH")
    import owlready2

    from axiskg.rdfio.serialize import serialize

    view = owl_view(graph)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="axiskg-reason-") as tmp:
        path = Path(tmp) / "axiskg.owl"
        with open(path, "wb") as fh:
            write_in_slices(fh, serialize(view, "rdfxml"))
        world = owlready2.World()
        try:
            onto = world.get_ontology(path.as_uri()).load()
        except Exception as exc:  # owlready2 raises plain exceptions on unreadable OWL
            # name no temporary file: the input's own problems are found before (literal_problems)
            message = str(exc).replace(str(path), "the OWL view of the input")
            raise InputError(None, f"owlready2 cannot load the ontology: {message}") from None
        before = {ind.iri: {c.iri for c in ind.is_a if hasattr(c, "iri")} for ind in world.individuals()}
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            explanations = explain_inconsistency(view) or [
                "HermiT found the ontology and data inconsistent, but no individual has types in two "
                "disjoint classes: the clash involves other axioms (cardinality, owl:oneOf, property "
                "characteristics or complex class expressions)."
            ]
            return ReasoningResult(False, explanations=explanations, seconds=time.perf_counter() - start)
        except owlready2.OwlReadyJavaError as exc:
            raise InputError(None, f"HermiT failed: {str(exc).strip().splitlines()[-1][:500]}") from None
        nothing = {str(OWL.Nothing)}
        unsat = sorted({c.iri for c in world.inconsistent_classes() if hasattr(c, "iri")} - nothing)
        inferred = []
        for ind in world.individuals():
            new = {c.iri for c in ind.is_a if hasattr(c, "iri")} - before.get(ind.iri, set())
            inferred += [(ind.iri, c) for c in new]
        world.close()
    return ReasoningResult(True, unsat, sorted(inferred), seconds=time.perf_counter() - start)
