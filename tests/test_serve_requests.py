"""What `axiskg serve` does with odd requests and a dying worker: a malformed Host header, a spoofed
X-Forwarded-For, request heads over the documented size, a query worker killed while idle.
Everything on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import time
import tomllib
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from serve_helpers import REPO, Server, http

ASK = "ASK { ?s ?p ?o }"
MAX_HEADER = 16 * 1024  # the documented default of --max-header


@pytest.fixture(scope="module")
def server():
    srv = Server("--workers", "2", "--light-workers", "0", "--per-client", "0")
    yield srv
    srv.stop()


def raw(server, head: bytes, timeout: float = 10) -> bytes:
    """The answer to ``head`` sent as is on a new connection."""
    host, port = urlsplit(server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"connection: close" not in b"".join(chunks).lower():
                break
    return b"".join(chunks)


def get_head(path: str, *headers: str) -> bytes:
    return ("\r\n".join([f"GET {path} HTTP/1.1", *headers, "Connection: close"]) + "\r\n\r\n").encode()


@pytest.mark.parametrize("path", ["/sparql", "/", "/id/actor/japan"])
def test_a_malformed_host_gets_400_not_a_traceback(server, path):
    answer = raw(server, get_head(path, "Host: %zz"))
    assert answer.startswith(b"HTTP/1.1 400 ") and b"malformed Host header" in answer
    assert raw(server, get_head("/sparql", "Host: 127.0.0.1", "Accept: text/turtle")).startswith(b"HTTP/1.1 200 ")
    assert not any("Traceback" in line for line in server.stderr)


@pytest.mark.parametrize("trusted", [False, True])
def test_spoofed_x_forwarded_for_does_not_escape_per_client(trusted):
    """With --per-client 2, three slow requests from one address: the third gets 429 even when
    each claims another client address (uvicorn believes the header from 127.0.0.1 by default);
    only a proxy named with --forwarded-allow-ips is believed."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    proxy = ["--forwarded-allow-ips", "127.0.0.1"] if trusted else []
    limited = Server("--workers", "2", "--per-client", "2", "--timeout", "3", *proxy)
    host, port = urlsplit(limited.url).netloc.split(":")
    socks = []
    try:
        for n in range(3):
            sock = socket.create_connection((host, int(port)), timeout=30)
            path = "/sparql?" + urlencode({"query": slow + " #" + str(n)})
            sock.sendall(get_head(path, "Host: x", f"X-Forwarded-For: 10.0.0.{n + 1}"))
            socks.append(sock)
            time.sleep(0.3)
        third = socks[2].recv(65536)
        assert third.startswith(b"HTTP/1.1 429 ") != trusted, third[:200]
    finally:
        for sock in socks:
            sock.close()
        limited.stop()


def test_headers_over_16_kib_get_431_and_a_long_request_line_does_not_count(server):
    filler = "X-Filler: " + "a" * 1000
    under = [filler] * (MAX_HEADER // 1012 - 1)  # about 15 KiB of headers
    over = [filler] * (MAX_HEADER // 1012 + 2)  # about 18 KiB
    long_query = "/sparql?" + urlencode({"query": ASK + " #" + "x" * 40_000})  # a 40 KB request line
    assert raw(server, get_head(long_query, "Host: x", *under)).startswith(b"HTTP/1.1 200 ")
    answer = raw(server, get_head("/sparql?" + urlencode({"query": ASK}), "Host: x", *over))
    assert answer.startswith(b"HTTP/1.1 431 ") and b"request headers over 16384 bytes" in answer


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_a_worker_killed_while_idle_costs_no_request(server):
    """Every query worker killed while idle: the next requests are answered (on replacements)
    or get 503, never a 500 or a traceback."""
    assert http("GET", server.url + "/sparql?" + urlencode({"query": ASK}))[0] == 200
    workers = _children(server.process.pid)
    assert workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    statuses = [http("GET", server.url + "/sparql?" + urlencode({"query": f"{ASK} #{n}"}))[0] for n in range(6)]
    assert set(statuses) <= {200, 503} and statuses[-1] == 200, statuses
    assert not any("Traceback" in line or "ConnectionResetError" in line for line in server.stderr), server.stderr


def test_uvicorn_is_the_minor_version_guard_was_checked_against():
    """server/guard.py subclasses uvicorn's undocumented HttpToolsProtocol: pyproject pins one
    minor version; this fails when another is installed, so its overrides get checked again."""
    import uvicorn
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    extra = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]["serve"]
    pin = next(d for d in extra if d.startswith("uvicorn"))
    assert pin.startswith("uvicorn>=0.55,<0.56")
    assert uvicorn.__version__.startswith("0.55.")
    for name in ("connection_made", "data_received", "on_message_begin", "on_headers_complete", "on_response_complete"):
        assert callable(getattr(HttpToolsProtocol, name))
    for name in ("connection_lost", "pause_writing", "resume_writing"):
        assert callable(getattr(HttpToolsProtocol, name))
