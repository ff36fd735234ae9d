"""The two ways to replace a named graph on a store: the Graph Store HTTP Protocol and SPARQL 1.1 Update.

Each takes the client, the URL, the graph and the triples, and returns the number of requests sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from axiskg.publishing.chunks import chunk_triples, ntriples

if TYPE_CHECKING:
    from axiskg.publishing.client import StoreClient

#: triples per Graph Store request (a blank-node group is never split, so a chunk may hold more)
DEFAULT_CHUNK = 50_000
#: triples per SPARQL Update request: Virtuoso compiles each update to SQL and refuses one of
#: more than 10000 lines, which ``INSERT DATA`` reaches between 1000 and 2000 triples
UPDATE_CHUNK = 1000
#: triples per ``INSERT { } WHERE {}`` request carrying blank nodes (same limit, reached sooner)
BLANK_UPDATE_CHUNK = 500


def load_gsp(client: StoreClient, url: str, graph: str, triples: Sequence, size: int | None) -> int:
    """``PUT`` the first chunk (replacing the graph), ``POST`` the others. Returns the chunk count."""
    headers = {"Content-Type": "application/n-triples"}
    chunks = chunk_triples(triples, size or DEFAULT_CHUNK)
    for i, chunk in enumerate(chunks):
        method = "PUT" if i == 0 else "POST"
        what = f"Graph Store {method} (chunk {i + 1} of {len(chunks)})"
        client.checked(method, url, what, params={"graph": graph}, data=ntriples(chunk.triples), headers=headers)
    return len(chunks)


def load_update(client: StoreClient, url: str, graph: str, triples: Sequence, size: int | None) -> int:
    """``DROP SILENT GRAPH``, then ``INSERT DATA`` per chunk. Chunks with blank nodes go as
    ``INSERT { ... } WHERE {}`` instead (Virtuoso refuses blank nodes in ``INSERT DATA``; a
    template with an empty pattern takes them everywhere, each label one fresh node), at most
    :data:`BLANK_UPDATE_CHUNK` triples each (Virtuoso compiles templates to SQL of limited size).
    Returns the chunk count."""
    headers = {"Content-Type": "application/sparql-update"}
    client.checked("POST", url, "DROP SILENT GRAPH", data=f"DROP SILENT GRAPH <{graph}>".encode(), headers=headers)
    size = size or UPDATE_CHUNK
    chunks = chunk_triples(triples, size, min(size, BLANK_UPDATE_CHUNK))
    into = b"{ GRAPH <" + graph.encode() + b"> {\n"
    for i, chunk in enumerate(chunks):
        body = ntriples(chunk.triples)
        update = (
            (b"INSERT " + into + body + b"} } WHERE {}") if chunk.blank else (b"INSERT DATA " + into + body + b"} }")
        )
        client.checked("POST", url, f"SPARQL Update (chunk {i + 1} of {len(chunks)})", data=update, headers=headers)
    return len(chunks)
