"""Publish the built graph to a SPARQL 1.1 store, and check that it arrived whole.

One named graph on the store receives ``dist/axiskg.nt`` (ontology + all data, as built by
:mod:`axiskg.build`). Two ways in, tried in this order with ``method="auto"``:

1. the **Graph Store HTTP Protocol**: ``PUT`` of the first chunk (replacing the graph), ``POST``
   of the others (adding to it);
2. **SPARQL 1.1 Update**: ``DROP SILENT GRAPH`` and then one ``INSERT DATA`` per chunk.

Either way, publishing again replaces the graph instead of adding a second copy. Afterwards
``SELECT (COUNT(*) AS ?n) WHERE { GRAPH <g> { ?s ?p ?o } }`` on the query endpoint must equal
the number of triples sent, else the load counts as partial (:data:`EXIT_PARTIAL`).

The parts: :mod:`~axiskg.publishing.endpoints` (URLs), :mod:`~axiskg.publishing.chunks`
(requests that keep blank-node groups whole), :mod:`~axiskg.publishing.strategies` (the two ways
in), :mod:`~axiskg.publishing.client` (HTTP, authentication, errors) and
:mod:`~axiskg.publishing.verification` (the count afterwards).

The RDF file is read through :mod:`axiskg.dataset` like everywhere else; HTTP goes through
``requests`` (Basic or Digest authentication, chosen from the server's challenge).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from axiskg.errors import InputError
from axiskg.publishing.chunks import read_triples
from axiskg.publishing.client import DEFAULT_TIMEOUT, EXIT_PARTIAL, PublishError, StoreClient
from axiskg.publishing.endpoints import Endpoints, check_graph_iri
from axiskg.publishing.strategies import load_gsp, load_update
from axiskg.publishing.verification import count_triples
from axiskg.vocab import ALL_GRAPH

#: the named graph that receives the merged build unless ``--graph`` says otherwise
DEFAULT_GRAPH = ALL_GRAPH

METHODS = ("auto", "gsp", "update")


@dataclass
class Result:
    graph: str
    method: str  # "gsp" or "update"
    sent: int  # triples sent
    stored: int  # triples the store holds in the graph afterwards
    chunks: int
    load_seconds: float
    verify_seconds: float
    notes: tuple[str, ...] = ()


def publish(
    source: Path,
    endpoints: Endpoints,
    graph: str = DEFAULT_GRAPH,
    user: str | None = None,
    password: str | None = None,
    method: str = "auto",
    chunk_size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    auth: str = "auto",
    log: Callable[[str], None] = lambda message: None,
) -> Result:
    """Replace named graph ``graph`` on the store with the triples of ``source``, then verify.

    Raises :class:`PublishError` (exit code 3) when the store cannot be reached or refuses
    every way in, and (exit code 4) when the count afterwards differs from the triples sent.
    ``chunk_size``: triples per request (default :data:`~axiskg.publishing.strategies.DEFAULT_CHUNK` for the Graph Store
    Protocol, :data:`~axiskg.publishing.strategies.UPDATE_CHUNK` for SPARQL Update).
    """
    if method not in METHODS:
        raise InputError(None, f"unknown method {method!r} (known: {', '.join(METHODS)})")
    if chunk_size is not None and chunk_size < 1:
        raise InputError(None, f"--chunk-size must be at least 1 (got {chunk_size})")
    check_graph_iri(graph)
    triples = read_triples(source)
    if not triples:
        raise InputError(source, "holds no triples to publish")
    client = StoreClient(user, password, auth, timeout)
    ways = []
    if method in ("auto", "gsp") and endpoints.gsp:
        ways.append(("gsp", endpoints.gsp, load_gsp))
    if method in ("auto", "update") and endpoints.update:
        ways.append(("update", endpoints.update, load_update))
    if not ways:
        raise InputError(
            None,
            f"no {'Graph Store' if method == 'gsp' else 'Update'} URL known for "
            f"{endpoints.query}: give --gsp or --update",
        )
    notes: list[str] = []
    started = time.perf_counter()
    for n, (name, url, load) in enumerate(ways):  # noqa: B007 (name: the way that worked, used below)
        try:
            chunks = load(client, url, graph, triples, chunk_size)
            break
        except PublishError as exc:
            if n + 1 == len(ways) or str(exc).startswith("cannot reach"):
                if notes:
                    raise PublishError(f"{notes[-1]}; then {exc}") from None
                raise
            notes.append(f"{exc}")
            log(f"{exc}: falling back to SPARQL Update at {ways[n + 1][1]}")
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stored = count_triples(client, endpoints.query, graph)
    verify_seconds = time.perf_counter() - started
    result = Result(graph, name, len(triples), stored, chunks, load_seconds, verify_seconds, tuple(notes))
    if stored != len(triples):
        raise PublishError(
            f"partial load: <{graph}> on {endpoints.query} holds {stored} triples, "
            f"{len(triples)} were sent ({'Graph Store Protocol' if name == 'gsp' else 'SPARQL Update'}, "
            f"{chunks} chunk(s))",
            EXIT_PARTIAL,
        )
    return result


def ensure_built(root: Path, log: Callable[[str], None] = lambda message: None) -> Path:
    """``dist/axiskg.nt`` of ``root``, built first when missing or older than any source file."""
    from axiskg import build, paths

    target = paths.dist_dir(root) / f"{build.BASENAME}.nt"
    sources = paths.ontology_files(root) + paths.data_files(root)
    if target.exists():
        built = target.stat().st_mtime
        stale = [p for p in sources if p.stat().st_mtime > built]
        if not stale:
            return target
        log(f"{target} is older than {stale[0]}: building")
    else:
        log(f"{target} is missing: building")
    return build.build(root)["ntriples"]
