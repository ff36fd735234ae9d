"""Publish time and stored-query latency: embedded engine vs Oxigraph server vs Virtuoso.

    .venv/bin/python benchmarks/bench_stores.py [--copies 1,10,100] [--repeat 3] [--out FILE]

For each size the built graph (ontology + data) is replicated under renamed IRIs
(``.../id/`` -> ``.../id/copyK/``, blank nodes renamed, the ontology kept once), since the scale
issue's corpus generator does not exist yet. Each store is started fresh in a temp folder on
free ports, the graph is published (Graph Store Protocol, then chunked SPARQL Update where
``--update-max`` allows), and each stored query is run ``--repeat`` times after one warm-up
(median milliseconds; a query whose warm-up takes over 5 s is timed once; the embedded engine
with the same graph loaded in-process). Rows that
differ from the embedded answer are marked ``≠``. Results go to ``benchmarks/results/stores.md``.
Run on demand, never by pytest.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from axiskg import build
from axiskg.publishing.chunks import read_triples
from axiskg.publishing.endpoints import derive_endpoints
from axiskg.publishing.publish import DEFAULT_GRAPH, publish
from axiskg.rdfio.reading import load_file
from axiskg.sparql import catalog, crosscheck
from axiskg.sparql.endpoint import EndpointError, run_endpoint
from axiskg.sparql.querying import run_local

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import stores  # noqa: E402  (tests/stores.py: starts and stops the reference stores)

ID = "https://w3id.org/axiskg/id/"


def replicate(triples: list, copies: int) -> list:
    """``copies`` copies of the data under renamed IRIs; triples without data IRIs stay once."""

    def rename(term, k):
        if k and isinstance(term, ox.NamedNode) and term.value.startswith(ID):
            return ox.NamedNode(f"{ID}copy{k}/{term.value[len(ID) :]}")
        if k and isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}c{k}")
        return term

    out = set()
    for k in range(copies):  # copy 0 keeps the real IRIs, so the queries' default parameters match
        for t in triples:
            out.add(ox.Triple(rename(t.subject, k), t.predicate, rename(t.object, k)))
    return sorted(out, key=str)


def timed(fn, repeat, budget_ms=5000):
    """Median ms of ``repeat`` runs after a warm-up; a warm-up over ``budget_ms`` is the only run."""
    started = time.perf_counter()
    result = fn()  # warm-up
    first = (time.perf_counter() - started) * 1000
    if first > budget_ms:
        return first, result
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def rss_mb(folder: Path, name: str) -> float:
    pid = (folder / f"{name}.pid").read_text().strip()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the stores on kill, too
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", default="1,10,100")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--update-max", type=int, default=30_000, help="also time SPARQL Update publishing up to this many triples"
    )
    parser.add_argument("--stores", default=",".join(stores.NAMES), help="comma-separated: oxigraph,virtuoso")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a store may take per query")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "stores.md")
    args = parser.parse_args()
    names = [n for n in args.stores.split(",") if not stores.missing(n)]
    queries = catalog.load_catalog(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = read_triples(build.build(ROOT, tmp / "dist")["ntriples"])
        lines = [
            "# Triple stores: publish time and stored-query latency",
            "",
            f"Python {platform.python_version()}, {os.cpu_count()} cores; pyoxigraph {ox.__version__}; "
            f"stores: {', '.join(names)}. Median of {args.repeat} runs after a warm-up, in ms; "
            "`≠` = rows differ from the embedded engine. Sizes are copies of the report's graph "
            "under renamed IRIs (no corpus generator yet).",
            "",
            f"Reproduce: `.venv/bin/python benchmarks/bench_stores.py --copies {args.copies} --repeat {args.repeat}`",
            "",
        ]
        for copies in [int(c) for c in args.copies.split(",")]:
            triples = replicate(base, copies)
            nt = tmp / f"graph-{copies}.nt"
            nt.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
            started = time.perf_counter()
            embedded = ox.Store()
            load_file(embedded, nt, DEFAULT_GRAPH)
            load_ms = (time.perf_counter() - started) * 1000
            lines += [f"## {copies} cop{'y' if copies == 1 else 'ies'}: {len(triples):,} triples", ""]
            publish_rows = [f"| embedded (in-process load) | {load_ms:,.0f} | - | - |"]
            latency: dict[str, dict[str, str]] = {q.name: {} for q in queries}
            rows_of: dict[str, int] = {}
            for q in queries:
                ms, table = timed(lambda q=q: run_local(embedded, q.render()), args.repeat)
                latency[q.name]["embedded"] = f"{ms:,.1f}"
                rows_of[q.name] = len(table.rows)
                latency[q.name]["_local"] = table
            for name in names:
                running = stores.start(name, tmp / f"{name}-{copies}")
                try:
                    endpoints = derive_endpoints(running.query, authenticated=running.user is not None)
                    gsp = publish(nt, endpoints, user=running.user, password=running.password, method="gsp")
                    update_ms = "-"
                    if len(triples) <= args.update_max:
                        up = publish(
                            nt,
                            endpoints,
                            graph=DEFAULT_GRAPH + "-update",
                            user=running.user,
                            password=running.password,
                            method="update",
                        )
                        update_ms = f"{up.load_seconds * 1000:,.0f} ({up.chunks} requests)"
                    publish_rows.append(
                        f"| {name} | {gsp.load_seconds * 1000:,.0f} ({gsp.chunks} requests) | {update_ms} "
                        f"| {rss_mb(running.folder, name):,.0f} MB |"
                    )
                    for q in queries:
                        sparql = q.render()
                        try:
                            ms, table = timed(
                                lambda: run_endpoint(running.query, sparql, graph=DEFAULT_GRAPH, timeout=args.timeout),
                                args.repeat,
                            )
                        except EndpointError as exc:
                            timed_out = "within" in str(exc) or "timed out" in str(exc)
                            latency[q.name][name] = f"> {args.timeout * 1000:,.0f}" if timed_out else "error"
                            print(f"{name}, {q.name}: {exc}", file=sys.stderr, flush=True)
                            continue
                        same = crosscheck.difference(latency[q.name]["_local"], table) is None
                        latency[q.name][name] = f"{ms:,.1f}" + ("" if same else " ≠")
                finally:
                    running.stop()
            lines += [
                "| store | publish by Graph Store Protocol, ms | publish by SPARQL Update, ms | resident memory after |",
                "|---|---|---|---|",
                *publish_rows,
                "",
            ]
            lines += [
                "| query | rows | " + " | ".join(["embedded", *names]) + " |",
                "|---|---|" + "---|" * (1 + len(names)),
            ]
            for q in queries:
                cells = [latency[q.name].get(n, "-") for n in ["embedded", *names]]
                lines.append(f"| {q.name} | {rows_of[q.name]:,} | " + " | ".join(cells) + " |")
            lines.append("")
            print("\n".join(lines[-len(queries) - 8 :]), flush=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")  # after each size
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
