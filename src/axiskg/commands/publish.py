"""axiskg publish: load the built graph into a SPARQL 1.1 store and verify the load.

Exit codes: 0 published and verified, 2 bad input or options, 3 the store is unreachable or
refused the load, 4 partial load (the store's count differs from the triples sent).
See the README section "Running on a triple store".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from axiskg.commands import require, root_of
from axiskg.publishing.client import AUTH_SCHEMES
from axiskg.publishing.publish import DEFAULT_GRAPH, METHODS

PASSWORD_ENV = "AXISKG_STORE_PASSWORD"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "publish",
        help="load the built graph into a SPARQL store (Graph Store Protocol or SPARQL Update) and verify it",
        description="Replace one named graph on a SPARQL 1.1 store with the built graph (dist/axiskg.nt, "
        "built first when missing or out of date), by the Graph Store HTTP Protocol, falling back to "
        "chunked SPARQL Update; then check that the store holds exactly the triples sent. "
        "Exit codes: 0 done, 2 bad input, 3 store unreachable or load refused, 4 partial load.",
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query (Oxigraph) "
        "or http://127.0.0.1:8890/sparql (Virtuoso)",
    )
    p.add_argument("--graph", metavar="IRI", help=f"named graph to replace (default: {DEFAULT_GRAPH})")
    p.add_argument("--user", metavar="U", help="user name for the store's write endpoints")
    p.add_argument("--password", metavar="P", help=f"password (default: ${PASSWORD_ENV})")
    p.add_argument(
        "--auth",
        choices=AUTH_SCHEMES,
        default="auto",
        help="HTTP authentication scheme (default: whatever the server asks for)",
    )
    p.add_argument("--gsp", metavar="URL", help="Graph Store Protocol URL (default: derived from --endpoint)")
    p.add_argument("--update", metavar="URL", help="SPARQL Update URL (default: derived from --endpoint)")
    p.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="how to load: auto = Graph Store Protocol, else SPARQL Update (default: auto)",
    )
    p.add_argument(
        "--file", type=Path, metavar="FILE", help="publish this RDF file instead of the build (dist/axiskg.nt)"
    )
    p.add_argument(
        "--chunk-size",
        type=int,
        metavar="N",
        help="triples per request (default: 50000 by Graph Store Protocol, 1000 by SPARQL Update; "
        "triples linked by blank nodes are never split)",
    )
    p.add_argument(
        "--timeout", type=float, default=300.0, metavar="S", help="seconds to wait for each request (default: 300)"
    )
    p.set_defaults(func=run)


def _log(message: str) -> None:
    print(f"axiskg: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    require("publish", "publish")
    from axiskg.errors import InputError
    from axiskg.publishing.client import PublishError
    from axiskg.publishing.endpoints import derive_endpoints
    from axiskg.publishing.publish import DEFAULT_GRAPH, ensure_built, publish

    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if password is not None and args.user is None:
        raise InputError(None, "--password (or $" + PASSWORD_ENV + ") needs --user")
    endpoints = derive_endpoints(args.endpoint, args.gsp, args.update, authenticated=args.user is not None)
    source = args.file if args.file is not None else ensure_built(root_of(args), log=_log)
    graph = args.graph or DEFAULT_GRAPH
    try:
        result = publish(
            source,
            endpoints,
            graph,
            args.user,
            password,
            args.method,
            args.chunk_size,
            args.timeout,
            args.auth,
            log=_log,
        )
    except PublishError as exc:
        print(f"axiskg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    way = "Graph Store Protocol" if result.method == "gsp" else "SPARQL Update"
    print(
        f"published {result.sent} triples to <{result.graph}> via {way} "
        f"({result.chunks} chunk{'s' if result.chunks != 1 else ''}, {result.load_seconds:.2f} s)"
    )
    print(f"verified: the store holds {result.stored} triples in <{result.graph}>")
    return 0
