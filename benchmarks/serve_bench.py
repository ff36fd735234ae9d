"""Throughput and latency of ``axiskg serve`` at 20 concurrent clients (run on demand, not a test).

    .venv/bin/python benchmarks/serve_bench.py [--clients 20] [--seconds 10] [--out FILE]

Starts ``axiskg serve`` on 127.0.0.1 (a free port), then for each scenario runs ``--clients``
asyncio clients, each on one kept-alive HTTP/1.1 connection, sending GET requests back to back
for ``--seconds`` seconds; every answer's status and body are checked. Scenarios: a simple
lookup (Japan's English label), and the heaviest stored query (the slowest one run locally).
Also times the SERVICE/Update check (:func:`axiskg.sparql_safety.inspect`) per query.
Results are printed and written as JSON to ``--out`` (default benchmarks/results/serve.json).
The load generator runs on the same machine, so it competes with the server for the CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SIMPLE = ('SELECT ?label WHERE { <https://w3id.org/axiskg/id/actor/japan> '
          '<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = "en") }')


def heaviest_stored_query() -> tuple[str, str, float]:
    """(name, SPARQL, median local seconds) of the slowest stored query on the embedded store."""
    from axiskg import catalog, loading, querying

    store = loading.load_store(ROOT)
    timings = []
    for q in catalog.load_catalog(ROOT):
        sparql = q.render()
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            querying.run_local(store, sparql)
            runs.append(time.perf_counter() - started)
        timings.append((statistics.median(runs), q.name, sparql))
    seconds, name, sparql = max(timings)
    return name, sparql, seconds


def time_safety_check(queries: list[str], rounds: int = 2000) -> float:
    from axiskg.sparql_safety import inspect

    started = time.perf_counter()
    for _ in range(rounds):
        for q in queries:
            inspect.cache_clear()  # time the check itself, not its cache
            inspect(q)
    return (time.perf_counter() - started) / (rounds * len(queries))


def start_server(workers: int | None) -> tuple[subprocess.Popen, str]:
    argv = [sys.executable, "-m", "axiskg", "--root", str(ROOT), "serve", "--port", "0"]
    if workers:
        argv += ["--workers", str(workers)]
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        m = re.search(r"serving (http://[\d.]+:\d+)/", line)
        if m:
            return proc, m.group(1)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit("the server did not start")


async def client(host: str, port: int, request: bytes, expected: bytes, until: float, latencies: list, errors: list):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200 or body != expected:
                errors.append(status)
    finally:
        writer.close()


async def scenario(url: str, query: str, accept: str, clients: int, seconds: float) -> dict:
    split = urlsplit(url)
    path = "/sparql?" + urlencode({"query": query})
    request = (f"GET {path} HTTP/1.1\r\nHost: {split.netloc}\r\nAccept: {accept}\r\n\r\n").encode()
    # the expected answer, fetched once
    reader, writer = await asyncio.open_connection(split.hostname, split.port)
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    expected = await reader.readexactly(int(re.search(rb"(?i)content-length: (\d+)", head).group(1)))
    writer.close()
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(split.hostname, split.port, request, expected, until, latencies, errors)
                           for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 2)

    return {
        "requests": len(latencies), "errors": len(errors), "seconds": round(elapsed, 2),
        "queries_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(latencies[-1] * 1000, 2)},
        "answer_bytes": len(expected),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, help="server --workers (default: its own default)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "serve.json")
    args = parser.parse_args()

    heavy_name, heavy, heavy_local = heaviest_stored_query()
    check = time_safety_check([SIMPLE, heavy])
    proc, url = start_server(args.workers)
    try:
        results = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "clients": args.clients,
            "safety_check_us_per_query": round(check * 1e6, 1),
            "simple_lookup": asyncio.run(scenario(url, SIMPLE, "application/sparql-results+json", args.clients, args.seconds)),
            "heaviest_stored_query": {
                "name": heavy_name, "local_ms": round(heavy_local * 1000, 2),
                **asyncio.run(scenario(url, heavy, "application/sparql-results+json", args.clients, args.seconds)),
            },
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = json.dumps(results, indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
