"""Throughput and latency of ``axiskg serve`` at 20 concurrent clients (run on demand, not a test).

    .venv/bin/python benchmarks/serve_bench.py [--clients 20] [--seconds 10] [--out FILE]
        [--only simple|heavy|hostile ...] [--server-arg=--light-workers=0 ...]

Starts ``axiskg serve`` on 127.0.0.1 (a free port), then for each scenario runs ``--clients``
asyncio clients, each on one kept-alive HTTP/1.1 connection, sending GET requests back to back
for ``--seconds`` seconds; every answer's status and body are checked. Scenarios: a simple
lookup (Japan's English label), the heaviest stored query (the slowest one run locally), and
(issue 14) a hostile mix: ``--clients`` clients running the heaviest query, 4 runaway cross
products, 10 slow readers of the biggest answer, while one client times the simple lookup and the
server's total RSS (main process + workers, from /proc) is sampled.
Also times the SERVICE/Update check (:func:`axiskg.sparql.safety.inspect`) per query.
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
SIMPLE = (
    "SELECT ?label WHERE { <https://w3id.org/axiskg/id/actor/japan> "
    '<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = "en") }'
)


def heaviest_stored_query() -> tuple[str, str, float]:
    """(name, SPARQL, median local seconds) of the slowest stored query on the embedded store."""
    from axiskg.dataset import Dataset
    from axiskg.sparql import catalog, querying

    store = Dataset.load(root=ROOT, inferred=False)
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
    from axiskg.sparql.safety import inspect

    started = time.perf_counter()
    for _ in range(rounds):
        for q in queries:
            inspect.cache_clear()  # time the check itself, not its cache
            inspect(q)
    return (time.perf_counter() - started) / (rounds * len(queries))


def start_server(workers: int | None, extra: list[str]) -> tuple[subprocess.Popen, str]:
    # every client of the benchmark comes from 127.0.0.1: no per-client limit
    argv = [sys.executable, "-m", "axiskg", "--root", str(ROOT), "serve", "--port", "0", "--per-client", "0", *extra]
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
    await asyncio.gather(
        *(client(split.hostname, split.port, request, expected, until, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 2)

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "queries_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(latencies[-1] * 1000, 2)},
        "answer_bytes": len(expected),
    }


RUNAWAYS = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",  # memory: hits --worker-memory
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
)  # time: hits --timeout


def rss_kib(pid: int) -> int:
    """VmRSS of ``pid`` and its children (the query workers), KiB."""
    total = 0
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
        for p in pids:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    except OSError:
        pass
    return total


async def loop_requests(host: str, port: int, request: bytes, until: float, statuses: list) -> None:
    """Send ``request`` back to back until ``until``, reconnecting when the server closes."""
    while time.perf_counter() < until:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        try:
            while time.perf_counter() < until:
                writer.write(request)
                head = await asyncio.wait_for(
                    reader.readuntil(b"\r\n\r\n"), timeout=max(0.1, until - time.perf_counter())
                )
                statuses.append(int(head.split(b" ", 2)[1]))
                await reader.readexactly(int(re.search(rb"(?i)content-length: (\d+)", head).group(1)))
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def slow_reader(host: str, port: int, request: bytes, until: float) -> None:
    """Ask for the biggest answer and read it at 1 KB/s."""
    while time.perf_counter() < until:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            while time.perf_counter() < until and await reader.read(1024):
                await asyncio.sleep(1)
            writer.close()
        except OSError:
            await asyncio.sleep(0.5)


async def hostile_mix(url: str, pid: int, heavy: str, clients: int, seconds: float) -> dict:
    split = urlsplit(url)
    host, port = split.hostname, split.port

    def get(query: str, accept: str = "application/sparql-results+json") -> bytes:
        return (
            f"GET /sparql?{urlencode({'query': query})} HTTP/1.1\r\nHost: {split.netloc}\r\nAccept: {accept}\r\n\r\n"
        ).encode()

    until = time.perf_counter() + seconds
    heavy_status: list[int] = []
    runaway_status: list[int] = []
    probe: list[float] = []
    probe_status: list[int] = []
    peak = 0

    async def sample() -> None:
        nonlocal peak
        while time.perf_counter() < until:
            peak = max(peak, rss_kib(pid))
            await asyncio.sleep(0.2)

    async def lookup() -> None:
        request = get(SIMPLE)
        reader, writer = await asyncio.open_connection(host, port)
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(int(re.search(rb"(?i)content-length: (\d+)", head).group(1)))
            probe.append(time.perf_counter() - started)
            probe_status.append(int(head.split(b" ", 2)[1]))
            await asyncio.sleep(0.02)
        writer.close()

    await asyncio.gather(
        sample(),
        lookup(),
        *(loop_requests(host, port, get(heavy), until, heavy_status) for _ in range(clients)),
        *(loop_requests(host, port, get(RUNAWAYS[i % 2]), until, runaway_status) for i in range(4)),
        *(slow_reader(host, port, get("SELECT * WHERE { ?s ?p ?o }", "text/csv"), until) for _ in range(10)),
    )
    probe.sort()

    def pct(p: float) -> float:
        return round(probe[min(len(probe) - 1, int(p / 100 * len(probe)))] * 1000, 2)

    return {
        "seconds": seconds,
        "heavy_clients": clients,
        "runaways": 4,
        "slow_readers": 10,
        "lookup": {
            "requests": len(probe),
            "non_200": sum(s != 200 for s in probe_status),
            "latency_ms": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(probe[-1] * 1000, 2)},
        },
        "heavy": {
            "answers": len(heavy_status),
            "by_status": {str(k): heavy_status.count(k) for k in sorted(set(heavy_status))},
        },
        "runaway": {
            "answers": len(runaway_status),
            "by_status": {str(k): runaway_status.count(k) for k in sorted(set(runaway_status))},
        },
        "peak_rss_mib": round(peak / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, help="server --workers (default: its own default)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "serve.json")
    parser.add_argument(
        "--only",
        choices=("simple", "heavy", "hostile"),
        action="append",
        help="run only this scenario (repeatable; default: all three)",
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="an extra argument for `axiskg serve` (repeatable), e.g. --server-arg=--light-workers=0",
    )
    args = parser.parse_args()
    only = set(args.only or ("simple", "heavy", "hostile"))

    heavy_name, heavy, heavy_local = heaviest_stored_query()
    check = time_safety_check([SIMPLE, heavy])
    proc, url = start_server(args.workers, args.server_arg)
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": os.getloadavg(),
        },
        "server_args": args.server_arg,
        "clients": args.clients,
        "safety_check_us_per_query": round(check * 1e6, 1),
    }
    try:
        if "simple" in only:
            results["simple_lookup"] = asyncio.run(
                scenario(url, SIMPLE, "application/sparql-results+json", args.clients, args.seconds)
            )
        if "heavy" in only:
            results["heaviest_stored_query"] = {
                "name": heavy_name,
                "local_ms": round(heavy_local * 1000, 2),
                **asyncio.run(scenario(url, heavy, "application/sparql-results+json", args.clients, args.seconds)),
            }
        if "hostile" in only:
            results["hostile_mix"] = asyncio.run(hostile_mix(url, proc.pid, heavy, args.clients, args.seconds * 2))
        results["machine"]["load_average_after"] = os.getloadavg()
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
