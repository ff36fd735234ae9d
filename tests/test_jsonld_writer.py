"""The JSON-LD that ``axiskg build`` writes means exactly its N-Triples: read back by pyld and by
rdflib, it is the same graph (isomorphic) for blank-node chains, lists, lists in lists, shared
and cyclic blank nodes, and literals of every kind; lists nested 1,000 and 100,000 deep are
written in linear size and read back by a plain JSON parser; the output is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import run_cli
from rdflib.compare import isomorphic

from axiskg.rdfio import bnodes
from axiskg.rdfio.jsonld_writer import MAX_LIST_NESTING
from axiskg.rdfio.serialize import write

pyld = pytest.importorskip("pyld")
from pyld import jsonld  # noqa: E402

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

CASES = {
    "chain.nt": "<http://e/s> <http://e/p> _:b0 .\n"
    + "".join(f"_:b{i} <http://e/p> _:b{i + 1} .\n" for i in range(50))
    + '_:b50 <http://e/p> "end" .\n',
    "lists.ttl": """@prefix e: <http://e/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
e:s e:list ( "a" "b"@en 1 ( 2 ( 3 () ) ) [ e:p e:o ] e:o true "1.5"^^xsd:double ) ;
    e:empty () ;
    e:zero ( 0 "" false ) .
( e:free "standing" ) e:p e:o .
e:t e:cellWithMore _:c . _:c <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "x" ;
    <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> ( "y" ) ; e:note "extra" .
""",
    "shared.nt": "".join(
        [
            "<http://e/a> <http://e/p> _:shared .\n",
            "<http://e/b> <http://e/p> _:shared .\n",
            f'_:shared <{RDF}first> "one" .\n',
            f"_:shared <{RDF}rest> <{RDF}nil> .\n",
            "_:x <http://e/p> _:y .\n",
            "_:y <http://e/p> _:x .\n",
            "<http://e/c> <http://e/p> _:leaf .\n",
        ]
    ),
    "literals.ttl": """@prefix e: <http://e/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
e:s e:label "plain", "quote \\" and \\\\ and\\nnewline", "ünïcödé ✓"@de, "hello"@en, "hallo"@de ;
    e:int 7, "07"^^xsd:integer, -3, 0 ;
    e:count "5"^^xsd:nonNegativeInteger ;
    e:mixed "1"^^xsd:nonNegativeInteger, "one" ;
    e:date "2025-01-02"^^xsd:date ;
    e:bool true, "1"^^xsd:boolean ;
    e:dbl 1.5e0, "1"^^xsd:double ;
    e:dec 1.50 ;
    e:custom "v"^^e:type ;
    e:iri e:o, e:o2 ;
    a e:Thing, e:Other .
""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture project with every case added, built (validation skipped: the cases are not
    about the project's shapes)."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path_factory.mktemp("cases") / "project"
    shutil.copytree(FIXTURES / "project", root)
    for name, text in CASES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    for n in (1, 2):
        proc = run_cli("build", "--no-validate", "--out", str(root / f"out{n}"), root=root)
        assert proc.returncode == 0, proc.stderr
    return root


def _nt(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="nt")


def test_build_jsonld_reads_back_isomorphic_with_pyld(built):
    doc = json.loads((built / "out1" / "axiskg.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    back = rdflib.Graph().parse(data=nquads, format="nt")
    assert isomorphic(back, _nt(built / "out1" / "axiskg.nt"))


def test_build_jsonld_reads_back_isomorphic_with_rdflib(built):
    back = rdflib.Graph().parse(built / "out1" / "axiskg.jsonld", format="json-ld")
    assert isomorphic(back, _nt(built / "out1" / "axiskg.nt"))


def test_build_jsonld_shape(built):
    """Lists in place (in lists too), blank nodes referred to by @id, literals kept as written."""
    text = (built / "out1" / "axiskg.jsonld").read_text(encoding="utf-8")
    doc = json.loads(text)
    nodes = {n["@id"]: n for n in doc["@graph"]}
    s = nodes["http://e/s"]
    assert s["http://e/empty"] == {"@list": []}
    items = s["http://e/list"]["@list"]
    assert items[:3] == ["a", {"@language": "en", "@value": "b"}, 1]
    assert items[3] == {"@list": [2, {"@list": [3, {"@list": []}]}]}
    assert set(items[4]) == {"@id"} and items[4]["@id"] in nodes  # a blank node: referred to
    assert items[6:] == [True, {"@type": "xsd:double", "@value": "1.5"}]
    assert s["http://e/zero"] == {"@list": [0, "", False]}
    # the shared list cell is written once, as its triples, and referred to twice
    assert nodes["http://e/a"]["http://e/p"] == nodes["http://e/b"]["http://e/p"] == {"@id": "_:" + _label(built, "a")}
    assert text.count('"standing"') == 1


def _label(built: Path, subject: str) -> str:
    for line in (built / "out1" / "axiskg.nt").read_text().splitlines():
        if line.startswith(f"<http://e/{subject}> <http://e/p> _:"):
            return line.split()[2][2:]
    raise AssertionError(subject)


def test_build_jsonld_literals_keep_their_lexical_forms(built):
    lits = lambda g: sorted(
        (str(o), str(o.datatype), str(o.language)) for o in g.objects() if isinstance(o, rdflib.Literal)
    )  # noqa: E731
    doc = json.loads((built / "out1" / "axiskg.jsonld").read_text(encoding="utf-8"))
    back = rdflib.Graph().parse(data=jsonld.to_rdf(doc, {"format": "application/n-quads"}), format="nt")
    released = _nt(built / "out1" / "axiskg.nt")
    assert lits(back) == lits(released)


def test_build_jsonld_is_deterministic(built):
    assert (built / "out1" / "axiskg.jsonld").read_bytes() == (built / "out2" / "axiskg.jsonld").read_bytes()


def test_the_releases_jsonld_is_isomorphic_to_its_ntriples(release_dir):
    """The project's own graph (OWL axioms with lists, evidence, checksums) read back by pyld."""
    doc = json.loads((release_dir / "axiskg.jsonld").read_text(encoding="utf-8"))
    back = rdflib.Graph().parse(data=jsonld.to_rdf(doc, {"format": "application/n-quads"}), format="nt")
    assert isomorphic(back, _nt(release_dir / "axiskg.nt"))


def _nested(depth: int) -> list[bytes]:
    """``<s> <p> ( ( ( ... "x" ) ) )``, ``depth`` lists each holding the next, as sorted lines."""
    lines = [b"<http://e/s> <http://e/p> _:l0 .\n"]
    for i in range(depth):
        first = f"_:l{i + 1}" if i + 1 < depth else '"x"'
        lines += [f"_:l{i} <{RDF}first> {first} .\n".encode(), f"_:l{i} <{RDF}rest> <{RDF}nil> .\n".encode()]
    return bnodes.canonical_lines(ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_lists_are_written_linearly_and_read_back(depth):
    """No recursion: a list nested 100,000 deep is written; past MAX_LIST_NESTING the lists are
    written as their cells, so the text stays linear in size and json.loads reads it."""
    lines = _nested(depth)
    out = write(lines, "jsonld")
    assert len(out) < 2_000 * depth
    json.loads(out)
    assert out.count(b'"@list": [') < depth  # not all in place ...
    assert out.count(b'"@list": [') >= MAX_LIST_NESTING  # ... but up to the limit
    back = bnodes.canonical_lines(q.triple for q in ox.parse(out, format=ox.RdfFormat.JSON_LD))
    assert back == lines  # content labels are canonical for trees: the same graph
