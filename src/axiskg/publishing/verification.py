"""Checking a load: the triples the store holds in the named graph, asked of its query endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from axiskg.publishing.client import PublishError

if TYPE_CHECKING:
    from axiskg.publishing.client import StoreClient

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def count_triples(client: StoreClient, endpoint: str, graph: str) -> int:
    """Triples in named graph ``graph``, asked of the query endpoint."""
    response = client.checked(
        "POST",
        endpoint,
        "the count query",
        data={"query": _COUNT.format(graph=graph)},
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        bindings = response.json()["results"]["bindings"]
        return int(bindings[0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise PublishError(f"the count query on {endpoint} gave no count: {response.text[:200]!r}") from None
