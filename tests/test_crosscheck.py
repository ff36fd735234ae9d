"""Comparing answers of two engines (axiskg.sparql.crosscheck), without a store."""

from pathlib import Path

import pyoxigraph as ox

from axiskg.sparql.catalog import parse_query
from axiskg.sparql.crosscheck import difference, known_differences
from axiskg.sparql.tables import Table

A, B = ox.NamedNode("urn:a"), ox.NamedNode("urn:b")
ONE = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_same_rows_in_another_order_are_the_same():
    assert difference(Table(["x", "n"], [(A, ONE), (B, None)]), Table(["x", "n"], [(B, None), (A, ONE)])) is None


def test_differences_are_described():
    here = Table(["x"], [(A,), (A,), (B,)])
    assert difference(here, Table(["x"], [(A,), (B,)])) == "3 rows here, 2 there; 1 missing there, e.g. <urn:a>"
    assert (
        difference(here, Table(["x"], [(A,), (A,), (B,), (ox.NamedNode("urn:c"),)]))
        == "3 rows here, 4 there; 1 extra there, e.g. <urn:c>"
    )
    assert (
        difference(Table(["x"], [(ONE,)]), Table(["x"], [(ox.Literal("1"),)]))
        == '1 rows here, 1 there; 1 missing there, e.g. "1"^^<http://www.w3.org/2001/XMLSchema#integer>; 1 extra there, e.g. "1"'
    )
    assert difference(here, Table(["y"], [])) == "columns differ: ['x'] here, ['y'] there"
    assert (
        difference(Table(["x"], [(ox.BlankNode("b1"),)]), Table(["x"], [(ox.BlankNode("b1"),)]))
        == "the embedded answer holds blank nodes, which cannot be compared"
    )


def test_known_differences_from_the_header(tmp_path: Path):
    rq = tmp_path / "q.rq"
    rq.write_text(
        "# title: T\n# question: Q?\n# columns: x\n"
        "# engine-notes: portable paths only;\n#   differs on Virtuoso 7.2 (Debian's 7.2.5): one row more.\n"
        "SELECT ?x WHERE { ?x ?p ?o }\n"
    )
    assert known_differences(parse_query(rq)) == {"virtuoso"}
    rq.write_text("# title: T\n# question: Q?\n# columns: x\nSELECT ?x WHERE { ?x ?p ?o }\n")
    assert known_differences(parse_query(rq)) == set()
