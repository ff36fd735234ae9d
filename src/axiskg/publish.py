"""Publish the built graph to a SPARQL 1.1 store, and check that it arrived whole.

One named graph on the store receives ``dist/axiskg.nt`` (ontology + all data, as built by
:mod:`axiskg.build`). Two ways in, tried in this order with ``method="auto"``:

1. the **Graph Store HTTP Protocol**: ``PUT`` of the first chunk (replacing the graph), ``POST``
   of the others (adding to it);
2. **SPARQL 1.1 Update**: ``DROP SILENT GRAPH`` and then one ``INSERT DATA`` per chunk.

Either way, publishing again replaces the graph instead of adding a second copy. Afterwards
``SELECT (COUNT(*) AS ?n) WHERE { GRAPH <g> { ?s ?p ?o } }`` on the query endpoint must equal
the number of triples sent, else the load counts as partial (:data:`EXIT_PARTIAL`).

Chunks never split the triples that share a blank node: a blank node label names the same node
only within one request, so each connected group of blank-node triples travels in one chunk,
and the store's triple count matches the local one.

The RDF file is read through :mod:`axiskg.dataset` like everywhere else; HTTP goes through
``requests`` (Basic or Digest authentication, chosen from the server's challenge).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from axiskg.errors import InputError
from axiskg.vocab import ALL_GRAPH

#: the named graph that receives the merged build unless ``--graph`` says otherwise
DEFAULT_GRAPH = ALL_GRAPH

EXIT_STORE = 3  # the store is unreachable, refused a request, or answered nonsense
EXIT_PARTIAL = 4  # the load ran, but the store does not hold what was sent

#: triples per Graph Store request (a blank-node group is never split, so a chunk may hold more)
DEFAULT_CHUNK = 50_000
#: triples per SPARQL Update request: Virtuoso compiles each update to SQL and refuses one of
#: more than 10000 lines, which ``INSERT DATA`` reaches between 1000 and 2000 triples
UPDATE_CHUNK = 1000
#: triples per ``INSERT { } WHERE {}`` request carrying blank nodes (same limit, reached sooner)
BLANK_UPDATE_CHUNK = 500
DEFAULT_TIMEOUT = 300.0
METHODS = ("auto", "gsp", "update")
AUTH_SCHEMES = ("auto", "basic", "digest")

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


class PublishError(Exception):
    """The store could not be loaded or verified; ``exit_code`` is :data:`EXIT_STORE` or
    :data:`EXIT_PARTIAL`."""

    def __init__(self, message: str, exit_code: int = EXIT_STORE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# --------------------------------------------------------------------------- endpoints


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a store: SPARQL query, Graph Store Protocol, SPARQL Update."""

    query: str
    gsp: str | None
    update: str | None


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def derive_endpoints(
    endpoint: str, gsp: str | None = None, update: str | None = None, authenticated: bool = False
) -> Endpoints:
    """The Graph Store and Update URLs that go with a query ``endpoint``, unless given.

    ======================================  =========================================  ==============================
    query endpoint                          Graph Store Protocol                       SPARQL Update
    ======================================  =========================================  ==============================
    ``/query`` (Oxigraph server)            ``/store``                                 ``/update``
    ``/sparql`` (Virtuoso)                  ``/sparql-graph-crud-auth`` [#]_           ``/sparql-auth`` [#]_
    ``/<ds>/query``, ``/<ds>/sparql``       ``/<ds>/data``                             ``/<ds>/update``
    (Apache Jena Fuseki)
    ``/repositories/<id>`` (GraphDB,        ``/repositories/<id>/rdf-graphs/service``  ``/repositories/<id>/statements``
    RDF4J)
    anything else (e.g. QLever)             none                                       the endpoint itself
    ======================================  =========================================  ==============================

    .. [#] ``/sparql-graph-crud`` and ``/sparql`` without credentials; a stock Virtuoso refuses
       anonymous writes there.
    """
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(None, f"--endpoint {endpoint!r} is not an http(s) URL")
    for name, url in (("--gsp", gsp), ("--update", update)):
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise InputError(None, f"{name} {url!r} is not an http(s) URL")
    path = parts.path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    derived_gsp: str | None
    if path == "/query":
        derived_gsp, derived_update = "/store", "/update"
    elif path == "/sparql":
        derived_gsp = "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud"
        derived_update = "/sparql-auth" if authenticated else "/sparql"
    elif len(segments) == 2 and segments[1] in ("query", "sparql"):
        derived_gsp, derived_update = f"/{segments[0]}/data", f"/{segments[0]}/update"
    elif len(segments) == 2 and segments[0] == "repositories":
        derived_gsp, derived_update = f"{path}/rdf-graphs/service", f"{path}/statements"
    else:
        derived_gsp, derived_update = None, parts.path or "/"
    return Endpoints(
        query=endpoint,
        gsp=gsp if gsp is not None else (_with_path(endpoint, derived_gsp) if derived_gsp else None),
        update=update if update is not None else _with_path(endpoint, derived_update),
    )


def check_graph_iri(graph: str) -> str:
    if not _IRI.match(graph):
        raise InputError(None, f"--graph {graph!r} is not an absolute IRI")
    return graph


# --------------------------------------------------------------------------- chunks


def read_triples(path: Path):
    """The triples of an RDF file (any syntax :mod:`axiskg.dataset` reads), duplicates removed,
    in a stable order (sorted as N-Triples text), literals as written (the store would send
    ``"5"^^xsd:int`` as ``"5"^^xsd:integer``: :mod:`axiskg.rdfio.literals`)."""
    import pyoxigraph as ox

    from axiskg.dataset import Dataset
    from axiskg.rdfio import literals

    dataset = Dataset()
    dataset.add_file(Path(path), "urn:x-axiskg:publish")
    return sorted({ox.Triple(s, p, o) for s, p, o, _ in literals.written_quads(dataset, dataset)}, key=str)


@dataclass(frozen=True)
class Chunk:
    """Triples sent in one request; ``blank`` when they mention blank nodes."""

    triples: list
    blank: bool


def chunk_triples(triples: Sequence, size: int = DEFAULT_CHUNK, blank_size: int | None = None) -> list[Chunk]:
    """``triples`` in chunks of at most ``size`` triples.

    Triples that mention the same blank node (directly or through a chain of blank nodes) form
    a group that is never split, so a chunk exceeds the size when one group does. Without
    ``blank_size`` chunks mix both kinds; with it, plain triples come first in chunks of
    ``size``, then the groups in chunks of ``blank_size``.
    """
    import pyoxigraph as ox

    if size < 1 or (blank_size is not None and blank_size < 1):
        raise ValueError("chunk sizes must be at least 1")
    parent: dict = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            a, b = find(t.subject), find(t.object)
            if a != b:
                parent[a] = b
    plain: list[list] = []
    groups: dict = {}
    for t in triples:
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        if isinstance(node, ox.BlankNode):
            groups.setdefault(find(node), []).append(t)
        else:
            plain.append([t])
    if blank_size is None:
        return _pack(plain + list(groups.values()), size)
    return _pack(plain, size) + _pack(list(groups.values()), blank_size)


def _pack(units: list[list], size: int) -> list[Chunk]:
    """Units (lists of triples that travel together) packed into chunks of at most ``size``."""
    import pyoxigraph as ox

    chunks: list[Chunk] = []
    current: list = []
    blank = False
    for unit in units:
        if current and len(current) + len(unit) > size:
            chunks.append(Chunk(current, blank))
            current, blank = [], False
        current.extend(unit)
        blank = blank or isinstance(unit[0].subject, ox.BlankNode) or isinstance(unit[0].object, ox.BlankNode)
    if current:
        chunks.append(Chunk(current, blank))
    return chunks


def ntriples(triples: Iterable) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


# --------------------------------------------------------------------------- HTTP


def _problem(response) -> str:
    """The store's error message in one line (tags of an HTML error page removed)."""
    text = response.text or ""
    if "html" in response.headers.get("Content-Type", "").lower():
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    reason = f"HTTP {response.status_code}"
    if response.status_code == 401:
        reason += " (wrong or missing --user/--password)"
    return f"{reason}: {text[:300]}" if text else reason


class _Client:
    """A ``requests`` session with a timeout, credentials and one-line errors."""

    def __init__(
        self, user: str | None, password: str | None, auth: str = "auto", timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        import requests

        self.requests = requests
        self.session = requests.Session()
        self.timeout = timeout
        self.user, self.password, self.scheme = user, password or "", auth
        self._auth_ready = user is None

    def _authenticate(self, url: str) -> None:
        """Pick Basic or Digest from the server's challenge (``auto``); a Digest challenge
        answered once here lets every later request authenticate up front."""
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        scheme = self.scheme
        if scheme == "auto":
            probe = self._request("HEAD", url, params={"graph": DEFAULT_GRAPH})
            challenge = probe.headers.get("WWW-Authenticate", "") if probe.status_code == 401 else ""
            scheme = "digest" if challenge.lower().startswith("digest") else "basic"
        assert self.user is not None  # (_auth_ready is true without a user)
        self.session.auth = (HTTPDigestAuth if scheme == "digest" else HTTPBasicAuth)(self.user, self.password)
        self._auth_ready = True
        if scheme == "digest":
            self._request("HEAD", url, params={"graph": DEFAULT_GRAPH})

    def send(self, method: str, url: str, **kwargs):
        if not self._auth_ready:
            self._authenticate(url)
        return self._request(method, url, **kwargs)

    def _request(self, method: str, url: str, **kwargs):
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except self.requests.Timeout:
            raise PublishError(f"{method} {url}: no answer within {self.timeout:g} s") from None
        except self.requests.ConnectionError as exc:
            reason = exc.args[0] if exc.args else exc
            reason = getattr(reason, "reason", reason)
            raise PublishError(f"cannot reach the store at {url}: {reason}") from None

    def checked(self, method: str, url: str, what: str, **kwargs):
        response = self.send(method, url, **kwargs)
        if not 200 <= response.status_code < 300:
            raise PublishError(f"{what} refused by {url}: {_problem(response)}")
        return response


# --------------------------------------------------------------------------- publishing


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


def count_triples(client: _Client, endpoint: str, graph: str) -> int:
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


def _load_gsp(client: _Client, url: str, graph: str, triples: Sequence, size: int | None) -> int:
    """``PUT`` the first chunk (replacing the graph), ``POST`` the others. Returns the chunk count."""
    headers = {"Content-Type": "application/n-triples"}
    chunks = chunk_triples(triples, size or DEFAULT_CHUNK)
    for i, chunk in enumerate(chunks):
        method = "PUT" if i == 0 else "POST"
        what = f"Graph Store {method} (chunk {i + 1} of {len(chunks)})"
        client.checked(method, url, what, params={"graph": graph}, data=ntriples(chunk.triples), headers=headers)
    return len(chunks)


def _load_update(client: _Client, url: str, graph: str, triples: Sequence, size: int | None) -> int:
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
    ``chunk_size``: triples per request (default :data:`DEFAULT_CHUNK` for the Graph Store
    Protocol, :data:`UPDATE_CHUNK` for SPARQL Update).
    """
    if method not in METHODS:
        raise InputError(None, f"unknown method {method!r} (known: {', '.join(METHODS)})")
    if chunk_size is not None and chunk_size < 1:
        raise InputError(None, f"--chunk-size must be at least 1 (got {chunk_size})")
    check_graph_iri(graph)
    triples = read_triples(source)
    if not triples:
        raise InputError(source, "holds no triples to publish")
    client = _Client(user, password, auth, timeout)
    ways = []
    if method in ("auto", "gsp") and endpoints.gsp:
        ways.append(("gsp", endpoints.gsp, _load_gsp))
    if method in ("auto", "update") and endpoints.update:
        ways.append(("update", endpoints.update, _load_update))
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
