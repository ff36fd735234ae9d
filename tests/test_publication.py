"""The published graph as standard tools read it: the inferred graph (a consumer's naive SPARQL
finds every claim), owlready2 listing every individual, the JSON-LD context compacting to term
keys under pyld, one Turtle writer for build and release, and raptor's triple counts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import canonical, run_main
from rdflib import OWL, RDF, RDFS, URIRef

from axiskg import inference, paths
from axiskg.dataset import Dataset
from axiskg.owl_datatypes import triple_in_map
from axiskg.rdfio.terms import ontology_graph, to_rdflib
from axiskg.vocab import PUBLISHED_PREFIXES

ROOT = paths.project_root(Path(__file__).parent)
AXIS = "https://w3id.org/axiskg/ontology#"
#: classes whose instances are vocabulary terms or axioms, not individuals (as OWL 2 sees them)
VOCABULARY_KINDS = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    OWL.Restriction,
    OWL.AllDisjointClasses,
    OWL.AllDifferent,
    OWL.FunctionalProperty,
    OWL.TransitiveProperty,
    OWL.InverseFunctionalProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
    RDFS.Class,
    RDFS.Datatype,
    RDF.Property,
}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``axiskg build`` into DIST and ``axiskg release`` into DIST/release."""
    out = tmp_path_factory.mktemp("dist")
    for args in (("build", "--out", str(out)), ("release", "--out", str(out / "release"))):
        proc = run_main(*args, root=ROOT)
        assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def merged(dist) -> rdflib.Graph:
    return rdflib.Graph().parse(dist / "release" / "axiskg.nt", format="nt")


def count(path: Path, sparql: str) -> int:
    store = ox.Store()
    store.load(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    return int(next(iter(store.query(sparql)))[0].value)


# --------------------------------------------------------------------------- the inferred graph


def test_naive_class_queries_on_the_release(dist):
    nt = dist / "release" / "axiskg.nt"
    naive = f"PREFIX axis: <{AXIS}> SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a axis:%s }}"
    closure = (
        f"PREFIX axis: <{AXIS}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* axis:%s }"
    )
    # the naive count equals the count along the class hierarchy (35 of 66 before the inferred graph)
    assert count(nt, naive % "Claim") == count(nt, closure % "Claim") > 60
    assert count(nt, naive % "CausalLink") == count(nt, closure % "CausalLink") > 25
    assert count(nt, naive % "Mechanism") == 8
    assert count(nt, naive % "Actor") == 13
    # the asserted graphs alone: the causal links are typed only as such
    asserted = Dataset.load(root=ROOT, inferred=False)
    assert int(next(iter(asserted.query(naive % "Claim", use_default_graph_as_union=True)))[0].value) == 35


def rdfs_closure(graph: rdflib.Graph) -> rdflib.Graph:
    """owlrl's RDFS closure of ``graph``, computed in another process: owlrl changes rdflib's
    literal conversions process-wide (which would break later tests' gYear checks)."""
    script = (
        "import sys, owlrl, rdflib\n"
        "g = rdflib.Graph().parse(data=sys.stdin.read(), format='nt')\n"
        "owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(g)\n"
        "out = rdflib.Graph()\n"
        "for t in g:\n"
        "    if not isinstance(t[0], rdflib.Literal):  # generalised RDF: no literal subjects\n"
        "        out.add(t)\n"
        "sys.stdout.write(out.serialize(format='nt'))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], input=graph.serialize(format="nt"), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return rdflib.Graph().parse(data=proc.stdout, format="nt")


def test_inferred_graph_is_sound_rdfs_and_complete_for_the_class_hierarchy(merged):
    """Every inferred triple is RDFS-entailed (owlrl's RDFS closure of the asserted graphs, an
    independent implementation), an individual declaration or a generated label of an evidence,
    selector or claim link node (axis.generated_labels); and every type owlrl derives along
    the ontology's rdfs:subClassOf for an IRI is in the release."""
    store = Dataset.load(root=ROOT, inferred=False)
    asserted = to_rdflib(store)  # literals as written (e.g. offsets as xsd:nonNegativeInteger)
    inference.add_inferred(store)
    inferred = set(to_rdflib(store, [inference.INFERRED_GRAPH]))  # their inferred copies as written too
    assert inferred and not any(t in asserted for t in inferred)
    closure = rdfs_closure(asserted)
    declarations = {t for t in inferred if t[1] == RDF.type and t[2] == OWL.NamedIndividual}
    generated_labels = {t for t in inferred if t[1] == RDFS.label}  # names, not entailments
    assert len(generated_labels) >= 3 * 66
    assert {t for t in inferred - declarations - generated_labels if t not in closure} == set()
    ontology = ontology_graph(store)
    by_hierarchy = set()
    for s, cls in asserted.subject_objects(RDF.type):
        if isinstance(s, URIRef):
            for sup in ontology.transitive_objects(cls, RDFS.subClassOf):
                if isinstance(sup, URIRef) and sup != cls:
                    by_hierarchy.add((s, RDF.type, sup))
    assert by_hierarchy <= set(closure)
    assert by_hierarchy - set(asserted) <= set(merged)
    assert {t for t in by_hierarchy if t not in asserted} == {t for t in inferred - declarations if t[1] == RDF.type}


def test_inferred_graph_is_its_own_named_graph(dist):
    store = ox.Store()
    store.load((dist / "release" / "axiskg.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    graph = ox.NamedNode(inference.INFERRED_GRAPH)
    assert graph in set(store.named_graphs())
    claim = ox.NamedNode(AXIS + "Claim")
    links = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), claim, graph)}
    causal = {
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(AXIS + "CausalLink"), None)
    }
    assert links == causal and len(links) > 25  # exactly the causal links: the other claims are asserted as claims


# --------------------------------------------------------------------------- OWL tools


def individuals_of(graph: rdflib.Graph) -> set[str]:
    """IRIs typed with some class, less the vocabulary's own terms (classes, properties ...)."""
    typed = {s for s in graph.subjects(RDF.type) if isinstance(s, URIRef)}
    terms = {s for kind in VOCABULARY_KINDS for s in graph.subjects(RDF.type, kind)}
    return {str(s) for s in typed - terms}


@pytest.mark.parametrize("name", ["axiskg.rdf", "axiskg.owl"])
def test_owlready2_lists_every_individual(dist, merged, name):
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    world.get_ontology((dist / "release" / name).as_uri()).load()
    # owlready2 drops an IRI's trailing slash (it splits IRIs into namespace and name)
    listed = {i.iri.rstrip("/") for i in world.individuals()}
    expected = {iri.rstrip("/") for iri in individuals_of(merged)}
    assert len(expected) > 150  # (24 before the declarations were published)
    assert listed == expected


def test_owl_view_is_the_asserted_graph_and_the_declarations(dist, merged):
    """The OWL view: the asserted graph, the individual declarations and the generated labels."""
    owl = rdflib.Graph().parse(dist / "release" / "axiskg.owl", format="xml")
    asserted = rdflib.Graph()  # (with its literals inside the OWL 2 datatype map, as reasoners need)
    for t in to_rdflib(Dataset.load(root=ROOT, inferred=False)):
        asserted.add(triple_in_map(*t))
    declared = set(owl.subjects(RDF.type, OWL.NamedIndividual))
    assert {str(s) for s in declared} == individuals_of(merged)
    ground = lambda g: {t for t in g if not any(isinstance(x, rdflib.BNode) for x in t)}  # noqa: E731
    extra = ground(owl) - ground(asserted)
    labels = {t for t in extra if t[1] == RDFS.label}  # the generated labels (axiskg.generated_labels)
    assert labels and all(t[1] == RDF.type and t[2] == OWL.NamedIndividual for t in extra - labels)
    in_map = {triple_in_map(*t) for t in merged}
    assert len(owl) == len(merged) - len(ground(in_map) - ground(owl))
    assert len(extra - labels) == len(declared) - len(set(asserted.subjects(RDF.type, OWL.NamedIndividual)))


# --------------------------------------------------------------------------- JSON-LD


@pytest.fixture(scope="module")
def pyld():
    return pytest.importorskip("pyld.jsonld")


def keys(node, out: set) -> set:
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "@context":
                out.add(k)
                keys(v, out)
    elif isinstance(node, list):
        for v in node:
            keys(v, out)
    return out


def test_pyld_compacts_to_term_keys(dist, pyld):
    doc = json.loads((dist / "release" / "axiskg.jsonld").read_text())
    context = json.loads((dist / "release" / "context.jsonld").read_text())
    compacted = pyld.compact(pyld.expand(doc), context)
    found = keys(compacted, set())
    assert {
        "label",
        "hasModality",
        "hasCause",
        "hasEffect",
        "isStatedIn",
        "claimSubject",
        "hasMember",
        "wasAttributedTo",
        "definition",
        "@type",
        "@id",
    } <= found
    assert not [k for k in found if "://" in k]  # never a full IRI as a key
    assert sorted(k for k in found if ":" in k) == []  # names two vocabularies share get prefixed terms
    japan = next(n for n in compacted["@graph"] if n["@id"] == "actor:japan")
    assert japan["label"] == {"en": "Japan", "ja": "日本", "zh": "日本"}
    assert "State" in japan["@type"] and "Actor" in japan["@type"]
    claim = next(n for n in compacted["@graph"] if n["@id"] == "claim:p2-s2-3")
    assert claim["hasModality"] == "axis:Planned" and claim["claimSubject"] == "actor:usfj-joint-force-hq"
    # the file as written is already that compaction
    assert compacted == pyld.compact(doc, context)


def test_pyld_round_trip_keeps_the_dataset(dist, merged, pyld):
    doc = json.loads((dist / "release" / "axiskg.jsonld").read_text())
    context = json.loads((dist / "release" / "context.jsonld").read_text())
    expanded = pyld.expand(doc)
    again = pyld.expand(pyld.compact(expanded, context))
    as_graph = lambda d: rdflib.Graph().parse(  # noqa: E731
        data=pyld.to_rdf(d, {"format": "application/n-quads"}), format="nt"
    )
    first, second = as_graph(expanded), as_graph(again)
    assert len(first) == len(merged) == len(second)
    assert canonical(first) == canonical(merged) == canonical(second)


def test_context_declares_every_prefix(dist):
    context = json.loads((dist / "release" / "context.jsonld").read_text())["@context"]
    assert {p: context[p] for p in PUBLISHED_PREFIXES} == PUBLISHED_PREFIXES
    assert context["spdx"] == "http://spdx.org/rdf/terms#"
    assert context["label"] == {"@id": "rdfs:label", "@container": "@language"}
    assert context["hasCause"] == {"@id": "axis:hasCause", "@type": "@id"}


# --------------------------------------------------------------------------- Turtle


def test_build_and_release_turtle_are_one(dist):
    built = (dist / "axiskg.ttl").read_bytes()
    assert built == (dist / "release" / "axiskg.ttl").read_bytes()
    for name in ("axiskg.nt", "axiskg.jsonld", "axiskg.rdf"):
        assert (dist / name).read_bytes() == (dist / "release" / name).read_bytes(), name


def test_turtle_declares_only_known_prefixes_it_uses(dist):
    text = (dist / "axiskg.ttl").read_text()
    declared = dict(re.findall(r"^@prefix (\w*): <([^>]*)> \.$", text, re.M))
    assert declared and all(PUBLISHED_PREFIXES.get(p) == ns for p, ns in declared.items())
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    unused = [p for p in declared if not re.search(rf"(?<![\w:/#-]){p}:", body)]
    assert unused == []
    assert "\\/" not in text and not re.search(r"\bns\d+:", text)
    assert "actor:japan a " in text


# --------------------------------------------------------------------------- raptor


RAPPER = {"axiskg.ttl": "turtle", "axiskg.nt": "ntriples", "axiskg.rdf": "rdfxml", "axiskg.trig": "trig"}


@pytest.mark.parametrize("name", sorted(RAPPER))
def test_rapper_counts_every_triple(dist, merged, name):
    if shutil.which("rapper") is None:
        pytest.skip("rapper is not installed (apt-get install raptor2-utils; .ci/run does)")
    proc = subprocess.run(
        ["rapper", "-c", "-i", RAPPER[name], str(dist / "release" / name)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"returned (\d+) triples", proc.stderr).group(1) == str(len(merged))


def test_serve_answers_id_jsonld_with_the_release_context(dist):
    """``/id/...?format=jsonld`` is compacted with the published context (term keys)."""
    import urllib.request

    from serve_helpers import Server

    context = json.loads((dist / "release" / "context.jsonld").read_text())["@context"]
    server = Server()
    try:
        with urllib.request.urlopen(server.url + "/id/actor/japan?format=jsonld", timeout=30) as response:
            assert response.headers["Content-Type"].startswith("application/ld+json")
            doc = json.loads(response.read())
    finally:
        server.stop()
    assert doc["@context"] == context
    node = doc if "@graph" not in doc else next(n for n in doc["@graph"] if n["@id"] == "actor:japan")
    assert node["@id"] == "actor:japan"
    assert node["label"] == {"en": "Japan", "ja": "日本", "zh": "日本"}
    assert "State" in node["@type"]
