"""Counts of what the graph holds, in the manner of ROBOT's ``measure``: instances of every class
in use (or of the classes asked for), and the size of the graph and of the ontology.

A class is *in use* when some node of a data graph (any named graph but the ontology's) is
typed with it, or with one of its subclasses and the class is defined by the ontology
(``rdfs:isDefinedBy``). Instances are counted with subclasses (the ``rdfs:subClassOf*`` closure in the
union of all graphs), so ``axis:Actor`` counts states and military commands alike; an extension's
classes appear with no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg import vocab
from axiskg.errors import InputError
from axiskg.sparql.querying import solutions

_PREFIXES = vocab.sparql_prefixes("rdfs", "owl")
# the classes of typed data nodes, and their superclasses that an ontology defines (rdfs:isDefinedBy:
# axis:Actor above axis:State, not a reused prov:Agent)
_IN_USE = (
    _PREFIXES
    + """
SELECT DISTINCT ?class WHERE {{
  {{ SELECT DISTINCT ?used WHERE {{ GRAPH ?g {{ ?x a ?used }} FILTER(?g != <{ontology}> && isIRI(?used)) }} }}
  ?used rdfs:subClassOf* ?class .
  FILTER(isIRI(?class) && (?class = ?used || EXISTS {{ GRAPH <{ontology}> {{ ?class rdfs:isDefinedBy ?by }} }}))
}}"""
)
_INSTANCES = _PREFIXES + "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a/rdfs:subClassOf* <{cls}> }}"
_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_ONTOLOGY = (
    _PREFIXES
    + """
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH <{ontology}> {{ ?x a <{kind}> FILTER(isIRI(?x)) }} }}"""
)

if TYPE_CHECKING:
    from axiskg.dataset import Data
_KINDS = {
    "ontology classes": vocab.OWL + "Class",
    "object properties": vocab.OWL + "ObjectProperty",
    "datatype properties": vocab.OWL + "DatatypeProperty",
    "annotation properties": vocab.OWL + "AnnotationProperty",
}


@dataclass(frozen=True)
class ClassCount:
    iri: str
    curie: str
    label: str
    instances: int


def _count(store: Data, query: str) -> int:
    return int(next(iter(solutions(store, query)))["n"].value)


def classes_in_use(store: Data) -> list[str]:
    from axiskg.vocab import ONTOLOGY_GRAPH

    rows = solutions(store, _IN_USE.format(ontology=ONTOLOGY_GRAPH))
    return sorted(r["class"].value for r in rows)


def class_counts(store: Data, classes: list[str] | None = None) -> list[ClassCount]:
    """Instances (with subclasses) of ``classes`` (CURIEs or IRIs), else of every class in use;
    sorted by count (largest first), then by CURIE. An unknown CURIE prefix is bad input."""
    iris = [expand(c) for c in classes] if classes else classes_in_use(store)
    labels = vocab.english_labels(store)
    out = [
        ClassCount(iri, vocab.curie(iri), vocab.readable(iri, labels), _count(store, _INSTANCES.format(cls=iri)))
        for iri in dict.fromkeys(iris)
    ]
    return out if classes else sorted(out, key=lambda c: (-c.instances, c.curie))


def expand(name: str) -> str:
    """``axis:Actor`` -> its IRI (the project's prefixes); an IRI (``<...>`` or ``http...``) as is.
    Either way the result is checked to be an IRI by pyoxigraph's parser before it is written
    into a query (``>``, ``{``, spaces and quotes cannot occur in one), so a value cannot close
    the IRI and add SPARQL of its own."""
    name = name.strip()
    if name.startswith("<") and name.endswith(">") or name.startswith(("http://", "https://", "urn:")):
        iri = vocab.expand(name)
    else:
        iri = vocab.expand(name, vocab.DISPLAY_PREFIXES)
        if iri == name:
            known = ", ".join(sorted(vocab.DISPLAY_PREFIXES))
            raise InputError(None, f"--class {_shown(name)}: not an IRI nor a CURIE with a known prefix ({known})")
    try:
        return ox.NamedNode(iri).value
    except ValueError as exc:
        raise InputError(None, f"--class {_shown(name)}: not an IRI ({exc})") from None


def _shown(name: str) -> str:
    return repr(name if len(name) <= 120 else name[:120] + "...")


def triples(store: Data) -> int:
    """Distinct triples across all graphs."""
    return _count(store, _TRIPLES)


def measure(store: Data, classes: list[str] | None = None) -> dict:
    """``{"classes": {curie: instances}, "labels": {curie: label}, "graph": {...}}``."""
    from axiskg.vocab import ONTOLOGY_GRAPH

    counts = class_counts(store, classes)
    graph = {"triples": triples(store), "named graphs": sum(1 for _ in store.named_graphs())}
    for name, kind in _KINDS.items():
        graph[name] = _count(store, _ONTOLOGY.format(ontology=ONTOLOGY_GRAPH, kind=kind))
    from axiskg.ingest.curation import progress

    return {
        "classes": {c.curie: c.instances for c in counts},
        "labels": {c.curie: c.label for c in counts},
        "graph": graph,
        "curation": {
            vocab.compact(p.report): {"curated": p.curated, "draft": p.draft, "rejected": p.rejected, "claims": p.total}
            for p in progress(store)
        },
    }


def format_table(result: dict) -> str:
    """The classes (CURIE, label, instances), then the graph's measures, in aligned columns."""
    rows = [("class", "label", "instances")]
    rows += [(c, result["labels"][c], str(n)) for c, n in result["classes"].items()]
    rows.append(("", "", ""))
    rows += [(name, "", str(n)) for name, n in result["graph"].items()]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}".rstrip() for a, b, c in rows]
    curation = result.get("curation") or {}
    if curation:
        lines += ["", "curation (claims per report)"]
        for report, n in curation.items():
            done = 100 * n["curated"] // n["claims"] if n["claims"] else 100
            lines.append(
                f"{report}: {n['curated']} curated, {n['draft']} draft, {n['rejected']} rejected "
                f"of {n['claims']} ({done}% curated)"
            )
    return "\n".join(lines)
