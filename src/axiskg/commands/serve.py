"""axiskg serve: a read-only SPARQL 1.1 endpoint with Linked Data pages (see docs/serve.md)."""

from __future__ import annotations

import argparse
import os

from axiskg.commands import require, root_of
from axiskg.errors import EXIT_INPUT, EXIT_OK, InputError


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
        return value

    return parse


#: bytes a request line may hold besides a GET query string of --max-body (method, path, version)
LINE_ALLOWANCE = 8192


def _addresses(text: str) -> list[str]:
    import ipaddress

    addresses = [a.strip() for a in text.split(",") if a.strip()]
    for address in addresses:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an IP address or network: {address!r}") from None
    return addresses


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve the graph over the SPARQL 1.1 Protocol, with Linked Data pages",
        description="Serve the project's ontology + data read-only: SPARQL 1.1 Protocol at /sparql, "
        "entity pages at /id/..., the ontology at /ontology, a query page at /. "
        "SPARQL Update and SERVICE are refused; queries are stopped at --timeout.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7878, help="TCP port (default: 7878; 0: any free port)")
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=10.0,
        metavar="SECONDS",
        help="stop a query after this many seconds (default: 10)",
    )
    p.add_argument(
        "--limit",
        type=_positive(int),
        default=10_000,
        metavar="ROWS",
        help="most rows (or triples) in one answer; the answer says when it was cut (default: 10000)",
    )
    p.add_argument(
        "--max-body",
        type=_positive(int),
        default=64 * 1024,
        metavar="BYTES",
        help="largest request body or query string accepted (default: 65536)",
    )
    p.add_argument(
        "--workers",
        type=_positive(int),
        default=max(2, os.cpu_count() or 1),
        metavar="N",
        help="query worker processes (default: the number of CPUs, at least 2)",
    )
    p.add_argument(
        "--max-result-bytes",
        type=_positive(int),
        default=8 << 20,
        metavar="BYTES",
        help="largest answer; longer ones are cut and say so (default: 8388608)",
    )
    p.add_argument(
        "--worker-memory",
        type=_positive(int),
        default=320,
        metavar="MiB",
        help="address space of each heavy query worker; a query needing more gets 503 (default: 320)",
    )
    p.add_argument(
        "--queue-wait",
        type=_positive(float),
        default=5.0,
        metavar="SECONDS",
        help="longest wait for a free worker before 503 with Retry-After (default: 5)",
    )
    p.add_argument(
        "--light-workers",
        type=int,
        default=1,
        metavar="N",
        help="workers kept for cheap queries, and as many for queries not seen before, beside "
        "--workers (default: 1 each; 0: none, every query takes the next free worker)",
    )
    p.add_argument(
        "--time-slice",
        type=_positive(float),
        default=1.0,
        metavar="SECONDS",
        help="how long a query may run on a light worker before it is stopped and run again "
        "on one of --workers (default: 1)",
    )
    p.add_argument(
        "--light-memory",
        type=_positive(int),
        default=128,
        metavar="MiB",
        help="address space of each light worker; a query needing more runs again on one of --workers (default: 128)",
    )
    p.add_argument(
        "--per-client",
        type=int,
        default=8,
        metavar="N",
        help="requests one client address may have in progress; more get 429 (default: 8; 0: no limit)",
    )
    p.add_argument(
        "--max-header",
        type=_positive(int),
        default=16 * 1024,
        metavar="BYTES",
        help="largest set of request headers, the request line not counted (it may hold a query "
        "of --max-body); more gets 431 (default: 16384)",
    )
    p.add_argument(
        "--header-timeout",
        type=_positive(float),
        default=10.0,
        metavar="SECONDS",
        help="disconnect a client that has not sent its request head (or its body, or "
        "read a waiting answer) within this time (default: 10)",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        type=_addresses,
        default=None,
        metavar="ADDRESSES",
        help="comma-separated addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
        "headers are believed (the client address --per-client counts); default: none, the headers "
        "are ignored",
    )
    p.add_argument(
        "--log-level",
        choices=("critical", "error", "warning", "info", "debug"),
        default="warning",
        help="server log level (default: warning)",
    )
    p.set_defaults(func=run)


def _bind(host: str, port: int):
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(None, f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _check_sandbox() -> None:
    """Refuse to start where the query workers could not be cut off the network (tried in a
    throwaway process: entering the namespace is for good)."""
    import subprocess
    import sys

    probe = subprocess.run(
        [sys.executable, "-c", "from axiskg.sandbox import enter; print(enter())"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if probe.returncode != 0:
        from axiskg.sandbox import SandboxUnavailable

        last = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise SandboxUnavailable(None, last.removeprefix("axiskg.sandbox.SandboxUnavailable: "))


def run(args: argparse.Namespace) -> int:
    require("serve", "serve")
    import sys

    import pyoxigraph as ox
    import uvicorn

    from axiskg.dataset import Dataset
    from axiskg.rdfio.jsonld_context import context_of_store
    from axiskg.server.app import Settings, create_app
    from axiskg.server.guard import guarded_http
    from axiskg.sparql import catalog
    from axiskg.vocab import PUBLISHED_PREFIXES

    if not 0 <= args.port <= 65535:
        raise InputError(None, f"--port {args.port}: not a TCP port")
    _check_sandbox()
    root = root_of(args)
    store = Dataset.load(root=root, progress=True)
    stored = catalog.load_catalog(root)
    graphs = sorted(g.value for g in store.named_graphs())
    nquads = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    context = context_of_store(store, PUBLISHED_PREFIXES)  # the release's JSON-LD context
    del store
    settings = Settings(
        timeout=args.timeout,
        limit=args.limit,
        max_body=args.max_body,
        workers=args.workers,
        max_result_bytes=args.max_result_bytes,
        worker_memory=args.worker_memory << 20,
        queue_wait=args.queue_wait,
        per_client=max(args.per_client, 0),
        light_workers=max(args.light_workers, 0),
        time_slice=args.time_slice,
        light_memory=args.light_memory << 20,
        body_timeout=args.header_timeout,
    )
    app = create_app(nquads, graphs, settings, stored, jsonld_context=context)
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    # the request line may carry a GET query up to --max-body (answered 414 beyond it by the app)
    http = guarded_http(
        args.max_header, args.max_body + LINE_ALLOWANCE, args.header_timeout, send_timeout=args.header_timeout * 3
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level=args.log_level,
            access_log=False,
            http=http,
            timeout_graceful_shutdown=5,
            timeout_keep_alive=5,
            # X-Forwarded-For and -Proto are believed only from the proxies named (uvicorn's
            # default trusts them from 127.0.0.1, so a local client could pose as many addresses
            # and escape --per-client)
            proxy_headers=bool(args.forwarded_allow_ips),
            forwarded_allow_ips=args.forwarded_allow_ips or [],
        )
    )
    original_startup = server.startup

    async def startup(sockets=None):
        await original_startup(sockets=sockets)
        if server.started:  # the workers are up: announce the address (known even with --port 0)
            shown = f"[{host}]" if ":" in host else host
            print(f"axiskg: serving http://{shown}:{port}/ (SPARQL endpoint: /sparql)", file=sys.stderr, flush=True)

    server.startup = startup  # type: ignore[method-assign]  # announce once the workers are up
    server.run(sockets=[sock])
    return EXIT_OK if server.started else EXIT_INPUT
