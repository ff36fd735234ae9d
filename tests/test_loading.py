from pathlib import Path

import pytest
import rdflib

from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.rdfio.terms import TermConverter, data_graph, ontology_graph, to_ox, to_rdflib
from axiskg.vocab import GRAPH_NS

GRAPH = GRAPH_NS
ID = "https://w3id.org/axiskg/id/"


def test_store_has_one_named_graph_per_source(project):
    store = Dataset.load(root=project, inferred=False)
    names = {g.value for g in store.named_graphs()}
    assert names == {GRAPH + "ontology", GRAPH + "report", GRAPH + "data"}
    q = "ASK { <https://w3id.org/axiskg/id/actor/japan> a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?d }"
    assert store.query(q, use_default_graph_as_union=True)


def test_a_dataset_knows_its_files_and_adds_the_inferred_graph_by_default(project):
    asserted = Dataset.load(root=project, inferred=False)
    assert {GRAPH + "ontology", GRAPH + "report", GRAPH + "data"} == set(asserted.files)
    assert all(path.is_file() for files in asserted.files.values() for path in files)
    where, _, line = asserted.locate(ID + "actor/japan").rpartition(":")  # the file and line describing it
    assert Path(where).is_file() and Path(where).resolve() in asserted.files[GRAPH + "report"] and int(line) > 0
    full = Dataset.load(root=project)
    assert full.inferred and GRAPH + "inferred" in {g.value for g in full.named_graphs()}
    assert len(full) > len(asserted)
    ask = "ASK { <https://w3id.org/axiskg/id/actor/japan> a <http://www.w3.org/2002/07/owl#NamedIndividual> }"
    assert full.select(ask) and not asserted.select(ask)


def test_to_rdflib_converts_literals_and_blank_nodes(project):
    g = to_rdflib(Dataset.load(root=project, inferred=False))
    fact = rdflib.URIRef(ID + "fact/1")
    axis = rdflib.Namespace("https://w3id.org/axiskg/ontology#")
    note = g.value(fact, axis.note)
    assert note == rdflib.Literal("plain") and note.datatype is None and note.language is None
    year = g.value(fact, axis.year)
    assert year.datatype == rdflib.XSD.gYear and str(year) == "2024"
    labels = set(g.objects(rdflib.URIRef(ID + "actor/japan"), rdflib.RDFS.label))
    assert rdflib.Literal("日本", lang="ja") in labels
    # the evidence blank node keeps its identity: claim -> evidence -> selector -> exact
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    evidence = g.value(rdflib.URIRef(ID + "claim/test/1"), axis.hasEvidence)
    assert isinstance(evidence, rdflib.BNode)
    assert str(g.value(g.value(evidence, oa.hasSelector), oa.exact)).startswith("Japan is establishing")


def test_to_ox_is_the_inverse_of_the_rdflib_converter():
    import pyoxigraph as ox

    terms = [
        ox.NamedNode("https://w3id.org/axiskg/id/actor/japan"),
        ox.BlankNode("b1"),
        ox.Literal("Japan", language="en"),
        ox.Literal("01", datatype=ox.NamedNode(str(rdflib.XSD.integer))),
        ox.Literal("plain"),
    ]
    convert = TermConverter()
    assert [to_ox(convert(t)) for t in terms] == terms


def test_ontology_and_data_graphs_are_split(project):
    store = Dataset.load(root=project, inferred=False)
    ont, data = ontology_graph(store), data_graph(store)
    axis = rdflib.Namespace("https://w3id.org/axiskg/ontology#")
    assert (axis.State, rdflib.RDFS.subClassOf, axis.Actor) in ont
    assert (axis.State, rdflib.RDFS.subClassOf, axis.Actor) not in data
    assert (rdflib.URIRef(ID + "actor/japan"), rdflib.RDF.type, axis.State) in data
    assert len(ont) + len(data) == len(to_rdflib(store))


def test_load_files_expands_folders(project):
    store = Dataset.load([project / "data"], inferred=False)
    names = {g.value for g in store.named_graphs()}
    assert names == {p.resolve().as_uri() for p in (project / "data").rglob("*.ttl")}


def test_format_override(tmp_path):
    f = tmp_path / "triples.txt"
    f.write_text("<http://a> <http://b> <http://c> .\n")
    with pytest.raises(InputError, match="unknown RDF file extension"):
        Dataset.load([f], inferred=False)
    assert len(Dataset.load([f], format="nt", inferred=False)) == 1
    with pytest.raises(InputError, match="unknown RDF format"):
        Dataset.load([f], format="nope", inferred=False)


@pytest.mark.parametrize(
    "name, content, problem, line, column",
    [
        ("empty.ttl", b"", "file is empty", None, None),
        ("blank.ttl", b"  \n\t\n", "file is empty", None, None),
        ("latin1.ttl", b'<http://a> <http://b> "ok" .\n<http://a> <http://b> "caf\xe9" .\n', "not valid UTF-8", 2, 27),
        ("broken.ttl", b'<http://a> <http://b> <http://c> .\n<http://a> <http://b> "x .\n', "", 2, None),
        ("broken.jsonld", b'{"@id": "http://a", ', "", 1, None),
        (
            "broken.rdf",
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><x></rdf:RDF>',
            "",
            None,
            None,
        ),
    ],
)
def test_bad_files_raise_input_error(tmp_path, name, content, problem, line, column):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(InputError) as info:
        Dataset.load([f], inferred=False)
    err = info.value
    assert err.path == str(f)
    assert problem in err.problem and err.problem
    assert err.line == line
    if column is not None:
        assert err.column == column
    assert str(err).startswith(str(f) + (f":{line}" if line else ":"))


def test_missing_paths_and_empty_folders(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        Dataset.load([tmp_path / "nope.ttl"], inferred=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no RDF files"):
        Dataset.load([tmp_path / "empty"], inferred=False)
    with pytest.raises(InputError, match="no ontology files"):
        Dataset.load(root=tmp_path, inferred=False)


def test_input_error_rendering():
    assert str(InputError("a.ttl", "bad", 3, 7)) == "a.ttl:3:7: bad"
    assert str(InputError("a.ttl", "bad", 3)) == "a.ttl:3: bad"
    assert str(InputError("a.ttl", "bad")) == "a.ttl: bad"
    assert str(InputError(None, "bad")) == "bad"
    assert str(InputError(Path("x/y.nt"), "bad")) == "x/y.nt: bad"


def test_load_shows_a_progress_bar_only_on_a_terminal(monkeypatch):
    import io
    import sys

    from axiskg import paths

    class Tty(io.StringIO):
        def isatty(self):
            return True

    root = Path(__file__).resolve().parents[1]
    files = len(paths.ontology_files(root)) + len(paths.data_files(root))
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    Dataset.load(root=root, progress=True, inferred=False)
    drawn = tty.getvalue()
    assert drawn.startswith("\rload [") and f" {files}/{files} files " in drawn and drawn.endswith("\n")
    quiet = Tty()
    monkeypatch.setattr(sys, "stderr", quiet)
    Dataset.load(root=root, inferred=False)  # progress not asked for
    assert quiet.getvalue() == ""
    piped = io.StringIO()  # not a terminal
    monkeypatch.setattr(sys, "stderr", piped)
    Dataset.load(root=root, progress=True, inferred=False)
    assert piped.getvalue() == ""
