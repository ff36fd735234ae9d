"""`axiskg release`: every file parses (rdflib, pyoxigraph), loads in owlready2, carries the package
version, is described exactly by void.ttl, and comes out byte-identical when repeated."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import canonical, run_cli, run_main, snapshot, source_graphs
from rdflib import OWL, RDF, URIRef

from axiskg import __version__, paths
from axiskg.dataset import Dataset
from axiskg.rdfio.terms import to_rdflib
from axiskg.release import ONTOLOGY_IRI, render_release
from axiskg.vocab import GRAPH_NS

ROOT = paths.project_root(Path(__file__).parent)
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
FILES = [
    "axiskg.jsonld",
    "axiskg.nt",
    "axiskg.owl",
    "axiskg.rdf",
    "axiskg.trig",
    "axiskg.ttl",
    "context.jsonld",
    "shapes.ttl",
    "void.ttl",
]
RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml"}
OX_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release")
    proc = run_cli("release", "--out", str(out), root=ROOT, seed="1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / f) for f in FILES]
    return out


@pytest.fixture(scope="module")
def merged(release_dir) -> rdflib.Graph:
    return rdflib.Graph().parse(release_dir / "axiskg.nt", format="nt")


def test_release_files(release_dir):
    assert sorted(p.name for p in release_dir.iterdir()) == FILES


def test_releases_are_byte_identical(release_dir, tmp_path):
    proc = run_cli("release", "--out", str(tmp_path), root=ROOT, seed="2")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(tmp_path) == snapshot(release_dir)


@pytest.mark.parametrize("name", ["axiskg.ttl", "axiskg.nt", "axiskg.jsonld", "axiskg.rdf"])
def test_each_syntax_parses_to_the_same_graph(release_dir, merged, name):
    path = release_dir / name
    g = rdflib.Graph().parse(path, format=RDFLIB_FORMATS[path.suffix])
    assert canonical(g) == canonical(merged)
    store = ox.Store()
    store.load(path.read_bytes(), format=OX_FORMATS[path.suffix], base_iri="https://example.org/")
    assert len(store) == len(merged)


def test_merged_graph_is_the_project(merged):
    """The release holds the project's ontology, data and inferred graph, only the version
    triples set anew."""
    project = to_rdflib(Dataset.load(root=ROOT))
    released = rdflib.Graph()
    for t in merged:
        released.add(t)
    for g in (project, released):
        for prop in (OWL.versionIRI, OWL.versionInfo):
            g.remove((URIRef(ONTOLOGY_IRI), prop, None))
    assert len(released) == len(merged) - 2
    assert canonical(released) == canonical(project)


def test_trig_has_one_named_graph_per_source(release_dir, merged):
    ds = rdflib.Dataset()
    ds.parse(release_dir / "axiskg.trig", format="trig")
    names = sorted(str(g.identifier) for g in ds.graphs() if len(g))
    assert names == sorted(source_graphs(ROOT) + [GRAPH_NS + "inferred"])
    assert {GRAPH_NS + n for n in ("alliance-axis-2025", "facts", "inferred", "ontology")} <= set(names)
    union = rdflib.Graph()
    for g in ds.graphs():
        for t in g:
            union.add(t)
    assert canonical(union) == canonical(merged)
    store = ox.Store()
    store.load((release_dir / "axiskg.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    assert sorted(g.value for g in store.named_graphs()) == names


def test_jsonld_context_file_is_the_one_used(release_dir):
    context = json.loads((release_dir / "context.jsonld").read_text())
    doc = json.loads((release_dir / "axiskg.jsonld").read_text())
    assert doc["@context"] == context["@context"]
    assert context["@context"]["axis"] == "https://w3id.org/axiskg/ontology#"


def test_version_follows_the_package(merged):
    ontology = URIRef(ONTOLOGY_IRI)
    assert list(merged.objects(ontology, OWL.versionIRI)) == [URIRef(f"{ONTOLOGY_IRI}/{__version__}")]
    assert [str(v) for v in merged.objects(ontology, OWL.versionInfo)] == [__version__]


def test_version_is_rewritten_not_copied():
    files = render_release(ROOT, version="9.8.7")
    g = rdflib.Graph().parse(data=files["axiskg.nt"].decode(), format="nt")
    assert [str(v) for v in g.objects(URIRef(ONTOLOGY_IRI), OWL.versionInfo)] == ["9.8.7"]
    assert list(g.objects(URIRef(ONTOLOGY_IRI), OWL.versionIRI)) == [URIRef(f"{ONTOLOGY_IRI}/9.8.7")]
    void = rdflib.Graph().parse(data=files["void.ttl"].decode(), format="turtle")
    urls = sorted(str(u) for u in void.objects(None, DCAT.downloadURL))
    assert urls[0] == "https://w3id.org/axiskg/release/9.8.7/axiskg.jsonld"


def test_rdfxml_loads_in_owlready2(release_dir):
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    onto = world.get_ontology((release_dir / "axiskg.rdf").as_uri()).load()
    axis = onto.get_namespace("https://w3id.org/axiskg/ontology#")
    assert axis.CausalLink is not None and axis.Claim in axis.CausalLink.is_a
    assert {c.name for c in axis.Mechanism.subclasses()} == {
        "BilateralAlliance",
        "MinilateralGrouping",
        "MechanismFamily",
        "AllianceSystem",
        "EconomicArrangement",
    }
    japan = world["https://w3id.org/axiskg/id/actor/japan"]
    assert japan is not None and axis.State in japan.is_a


def test_void_counts_equal_the_actual_counts(release_dir, merged):
    void = rdflib.Graph().parse(release_dir / "void.ttl", format="turtle")
    ds = URIRef(f"https://w3id.org/axiskg/dataset/{__version__}")
    value = lambda s, p: int(void.value(s, p))  # noqa: E731
    assert value(ds, VOID.triples) == len(merged)
    assert value(ds, VOID.entities) == len({s for s in merged.subjects() if isinstance(s, URIRef)})
    assert value(ds, VOID.distinctSubjects) == len(set(merged.subjects()))
    assert value(ds, VOID.distinctObjects) == len(set(merged.objects()))
    assert value(ds, VOID.properties) == len(set(merged.predicates()))
    classes = set(merged.objects(None, RDF.type))
    assert value(ds, VOID.classes) == len(classes)
    partitions = {void.value(p, VOID["class"]): value(p, VOID.entities) for p in void.objects(ds, VOID.classPartition)}
    assert partitions == {c: len(set(merged.subjects(RDF.type, c))) for c in classes}
    assert partitions[URIRef("https://w3id.org/axiskg/ontology#CausalLink")] == 31
    props = {void.value(p, VOID.property): value(p, VOID.triples) for p in void.objects(ds, VOID.propertyPartition)}
    assert props == {p: len(list(merged.triples((None, p, None)))) for p in set(merged.predicates())}
    store = Dataset.load(root=ROOT)
    subsets = {str(s): value(s, VOID.triples) for s in void.objects(ds, VOID.subset)}
    assert subsets == {g.value: len(list(store.quads_for_pattern(None, None, None, g))) for g in store.named_graphs()}
    assert void.value(ds, rdflib.DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(void.value(ds, DCAT.version)) == __version__


def test_void_download_links_sizes_and_checksums(release_dir):
    void = rdflib.Graph().parse(release_dir / "void.ttl", format="turtle")
    dists = list(void.subjects(RDF.type, DCAT.Distribution))
    assert sorted(str(d).rsplit("/", 1)[1] for d in dists) == [f for f in FILES if f != "void.ttl"]
    for d in dists:
        data = (release_dir / str(d).rsplit("/", 1)[1]).read_bytes()
        assert (
            str(void.value(d, DCAT.downloadURL))
            == f"https://w3id.org/axiskg/release/{__version__}/" + str(d).rsplit("/", 1)[1]
        )
        assert int(void.value(d, DCAT.byteSize)) == len(data)
        checksum = void.value(d, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()


def test_bad_input_leaves_release_untouched(project, tmp_path):
    out = tmp_path / "out"
    assert run_main("release", "--out", str(out), root=project).returncode == 0
    before = snapshot(out)
    bad = project / "data" / "report" / "bad.ttl"
    bad.write_text("<http://a> <http://b> .\n")
    proc = run_cli("release", "--out", str(out), root=project)
    assert (
        proc.returncode == 2 and proc.stderr.startswith(f"axiskg: error: {bad}:1:") and "Traceback" not in proc.stderr
    )
    assert snapshot(out) == before
