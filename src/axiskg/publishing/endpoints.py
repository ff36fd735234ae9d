"""The query, Graph Store Protocol and Update URLs of a store, and the target graph's IRI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from axiskg.errors import InputError

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


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
