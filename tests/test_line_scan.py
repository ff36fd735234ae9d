"""Lines of validation results found in bounded passes: the same line whatever the block size
or the number of terms looked for, a subject told from a longer name, a term first mentioned."""

from __future__ import annotations

import pytest

from axiskg.rdfio import line_scan
from axiskg.shacl.locations import lines_in

TURTLE = """@prefix ex: <http://example.org/> .

ex:a.b ex:p "x" .
ex:other ex:p ex:a .
ex:a ex:p "y" ;
    ex:q "z" .
<http://example.org/c> ex:p "{long}" .
ex:d ex:p "w" .
"""


@pytest.mark.parametrize("block", [8, 64, 1 << 20])
def test_lines_do_not_depend_on_the_block_size(tmp_path, monkeypatch, block):
    monkeypatch.setattr(line_scan, "BLOCK", block)
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE.format(long="L" * 500))
    found = lines_in(path, {f"http://example.org/{n}" for n in ("a", "c", "d", "e", "p")})
    # ex:a as a subject on line 5 (not ex:a.b on 3, nor its mention on 4); ex:p only mentioned
    assert found == {
        "http://example.org/a": 5,
        "http://example.org/c": 7,
        "http://example.org/d": 8,
        "http://example.org/p": 3,
    }


def test_more_terms_than_one_pass_takes(tmp_path, monkeypatch):
    monkeypatch.setattr(line_scan, "BATCH", 7)
    lines = [f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(100)]
    path = tmp_path / "data.nt"
    path.write_text("\n".join(lines) + "\n")
    wanted = {f"http://example.org/s{i}" for i in range(0, 100, 3)}
    assert lines_in(path, wanted) == {f"http://example.org/s{i}": i + 1 for i in range(0, 100, 3)}


def test_rdfxml_and_jsonld_descriptions(tmp_path):
    xml = tmp_path / "data.rdf"
    xml.write_text(
        '<rdf:RDF>\n<x ref="http://example.org/a"/>\n<rdf:Description rdf:about="http://example.org/a"/>\n</rdf:RDF>\n'
    )
    assert lines_in(xml, {"http://example.org/a"}) == {"http://example.org/a": 3}
    js = tmp_path / "data.jsonld"
    js.write_text('{\n  "x": "http://example.org/a",\n  "@id": "http://example.org/a"\n}\n')
    assert lines_in(js, {"http://example.org/a"}) == {"http://example.org/a": 3}


def test_an_unreadable_file_finds_nothing(tmp_path):
    assert lines_in(tmp_path / "missing.ttl", {"http://example.org/a"}) == {}


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    """Files are opened as every input is: only a regular file (a FIFO would block the read)."""
    import os

    fifo = tmp_path / "data.ttl"
    os.mkfifo(fifo)
    assert lines_in(fifo, {"http://example.org/a"}) == {}


def test_a_name_that_starts_another_does_not_hide_it(tmp_path):
    path = tmp_path / "d.ttl"
    path.write_text("@prefix ex: <http://ex/> .\nex:s ex:p ex:ab .\nex:t ex:p ex:a .\n", encoding="utf-8")
    assert lines_in(path, {"http://ex/a", "http://ex/ab"}) == {"http://ex/a": 3, "http://ex/ab": 2}
