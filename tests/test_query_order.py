"""Every stored query orders its rows completely (issue 26 item 9).

An ORDER BY that leaves ties lets each engine return tied rows in its own order (Virtuoso did for
drivers-by-origin, causal-paths and upstream-causes). The rule checked here: every variable the
query projects appears among its ORDER BY keys, and label keys compare by their text
(``COALESCE(STR(?xLabel), "")``), which Virtuoso needs for language-tagged literals. The
cross-engine test (tests/test_triple_stores.py) compares the row order the engines return.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from axiskg.sparql import catalog

ROOT = Path(__file__).resolve().parents[1]
QUERIES = catalog.load_catalog(ROOT)
_AS = re.compile(r"\([^()]*(?:\([^()]*\)[^()]*)*\s+AS\s+(\?\w+)\)", re.S)


def projected(text: str) -> list[str]:
    m = re.search(r"^SELECT\s+(?:DISTINCT\s+)?(.*?)\s*\n(?:WHERE|\{)", text, re.M | re.S)
    assert m, "no top-level SELECT"
    return re.findall(r"\?\w+", _AS.sub(r"\1", m.group(1)))


def order_keys(text: str) -> str:
    m = list(re.finditer(r"^ORDER BY\s+(.*)\Z", text, re.M | re.S))
    assert m, "no top-level ORDER BY"
    return m[-1].group(1)


def unordered(text: str) -> list[str]:
    keys = set(re.findall(r"\?\w+", order_keys(text)))
    return [v for v in projected(text) if v not in keys]


def bare_label_keys(text: str) -> list[str]:
    keys = re.sub(r'COALESCE\(STR\(\?\w+\), ""\)', "", order_keys(text))
    return re.findall(r"\?(?:\w*Label|label|title)\b", keys)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_projected_variable_is_an_order_key(query):
    text = query.path.read_text(encoding="utf-8")
    assert unordered(text) == []
    assert bare_label_keys(text) == []


def test_the_check_can_fail():
    text = "SELECT ?a ?aLabel (COUNT(?x) AS ?n)\nWHERE { ?a ?p ?x }\nGROUP BY ?a ?aLabel\nORDER BY ?aLabel\n"
    assert unordered(text) == ["?a", "?n"]
    assert bare_label_keys(text) == ["?aLabel"]
