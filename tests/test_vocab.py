"""axiskg.vocab: the one home of the project's namespaces, prefixes and graph IRIs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from axiskg import checks, vocab

SRC = Path(vocab.__file__).parent


def test_compact_uses_the_longest_namespace_and_keeps_unknown_iris():
    assert vocab.compact(vocab.AXIS + "Claim") == "axis:Claim"
    assert vocab.compact(vocab.ID + "actor/japan", vocab.PROJECT_PREFIXES) == "actor:japan"
    assert vocab.compact(vocab.ID + "actor/japan") == "id:actor/japan"
    assert vocab.compact("http://example.org/x") == "http://example.org/x"
    assert vocab.compact("http://example.org/x", brackets=True) == "<http://example.org/x>"
    assert vocab.compact(vocab.AXIS) == vocab.AXIS  # a bare namespace is no prefixed name
    assert vocab.compact(None) == ""


def test_compact_pname_refuses_local_names_a_query_could_not_read():
    assert vocab.compact(vocab.ID + "actor/japan", pname=True, brackets=True) == f"<{vocab.ID}actor/japan>"
    assert vocab.compact(vocab.AXIS + "a.", pname=True) == vocab.AXIS + "a."
    assert vocab.compact(vocab.AXIS + "a.b", pname=True) == "axis:a.b"


@pytest.mark.parametrize("name", ["axis:Claim", "id:actor/japan", "sh:path", "rdfs:label"])
def test_expand_inverts_compact(name):
    assert vocab.compact(vocab.expand(name)) == name


def test_expand_leaves_what_it_does_not_know():
    assert vocab.expand("<http://x/y>") == "http://x/y"
    assert vocab.expand("nope:x") == "nope:x"
    assert vocab.expand("http://x/y") == "http://x/y"


def test_substitute_fills_placeholders_and_refuses_unknown_ones():
    assert vocab.substitute("GRAPH <{{ONTOLOGY_GRAPH}}> {}") == "GRAPH <https://w3id.org/axiskg/graph/ontology> {}"
    with pytest.raises(KeyError, match="NOPE"):
        vocab.substitute("{{NOPE}}")


def test_check_rules_get_the_graph_iris_by_substitution():
    for rule in checks.available_rules().values():
        assert "{{" not in rule.query, rule.name
    raw = (SRC / "check_rules" / "missing_label.rq").read_text(encoding="utf-8")
    assert "w3id.org" not in raw and "{{ONTOLOGY_GRAPH}}" in raw


def test_project_iris_are_written_in_vocab_only():
    """No module but vocab spells out the graph, ontology or entity namespaces."""
    pattern = re.compile(r'"https://w3id\.org/axiskg/(graph/|ontology#|id/|shapes#)')
    owners = {"vocab.py"}
    found = [
        f"{p.relative_to(SRC)}" for p in SRC.rglob("*.py") if p.name not in owners and pattern.search(p.read_text())
    ]
    assert found == []


def test_vocab_imports_neither_rdflib_nor_pyoxigraph():
    code = "import sys, axiskg.vocab; print(sorted(m for m in ('rdflib', 'pyoxigraph') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- one format table


def test_one_format_table_agrees_on_json():
    from axiskg import paths
    from axiskg.rdfio import formats as rdf_formats
    from axiskg.rdfio.reading import resolve_format
    from axiskg.server import formats

    assert rdf_formats.by_path("x.json").name == "jsonld"
    assert ".json" in paths.RDF_EXTENSIONS and ".json-ld" in paths.RDF_EXTENSIONS
    assert resolve_format(Path("x.json")) == rdf_formats.FORMATS["jsonld"].oxigraph
    assert formats.GRAPH_FORMATS["jsonld"].media_type == rdf_formats.FORMATS["jsonld"].media_type
    assert rdf_formats.by_name("N-Triples").name == "ntriples"
    assert rdf_formats.by_path("x.txt") is None


def test_a_json_file_in_a_data_folder_is_loaded_as_json_ld(tmp_path):
    from axiskg.dataset import Dataset

    (tmp_path / "a.json").write_text('{"@id": "http://example.org/a", "http://example.org/p": "v"}')
    store = Dataset.load([tmp_path], inferred=False)
    assert len(store) == 1


# --------------------------------------------------------------------------- one path renderer


def test_shacl_paths_render_readable_and_sparql():
    import rdflib

    from axiskg.shacl import property_paths

    g = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix axis: <https://w3id.org/axiskg/ontology#> .
        axis:s sh:path ( axis:a [ sh:inversePath axis:b ] [ sh:zeroOrMorePath axis:c ] ) .
        axis:t sh:path [ sh:alternativePath ( axis:a [ sh:oneOrMorePath axis:b ] ) ] .
        axis:u sh:path [ sh:foo axis:a ] .
    """,
        format="turtle",
    )
    path = {s.split("#")[1]: o for s, o in ((str(s), o) for s, o in g.subject_objects(rdflib.SH.path))}
    assert property_paths.render(g, path["s"]) == "axis:a / ^axis:b / (axis:c)*"
    assert property_paths.render(g, path["t"]) == "(axis:a | (axis:b)+)"
    a, b, c = (vocab.AXIS + x for x in "abc")
    assert property_paths.render(g, path["s"], sparql=True) == f"(<{a}>/^(<{b}>)/(<{c}>)*)"
    assert property_paths.render(g, path["t"], sparql=True) == f"(<{a}>|(<{b}>)+)"
    assert property_paths.render(g, path["u"]) is None
