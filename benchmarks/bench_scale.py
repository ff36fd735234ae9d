"""Scale benchmark: axiskg against plain rdflib / pyshacl on identical synthetic corpora.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--skip-slow-at 1000000]

For each size a corpus of synthetic reports (``axiskg.synth``, seed 1, 9 injected faults) is
written into a temp copy of the project (ontology, queries, data/ = the real report + the
corpus). Every measurement runs in a fresh subprocess (``--measure TASK --root DIR``), which
reports its wall time and its peak RSS (``resource.getrusage``):

* ``ox-parse``        bare pyoxigraph parse of every ontology and data file (the reference)
* ``axiskg-build``    ``axiskg.build.build`` (load + merge + write dist/ Turtle and N-Triples)
* ``rdflib-build``    plain rdflib: parse every file into one Graph, write Turtle and N-Triples
* ``axiskg-validate`` load + shapes + ``axiskg.shacl.validate_store``
* ``pyshacl-validate`` plain rdflib parse + ``pyshacl.validate`` with the same shapes (advanced=True)
* ``axiskg-queries``  load, then every stored query (best of 3) on pyoxigraph
* ``rdflib-queries``  plain rdflib parse, then every stored query (1 run) with ``Graph.query``
* ``axiskg-help``     ``axiskg --help`` in a subprocess (best of 5)

The slowest baselines (pyshacl, rdflib queries) can be skipped at the sizes given to
``--skip-slow-at``; the table says so. Results go to ``benchmarks/results/scale.json`` and
``scale.md``. Run on demand, never by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SLOW = ("pyshacl-validate", "rdflib-queries")
QUERY_TIMEOUT = 60  # seconds per stored query on plain rdflib (one of them runs for minutes at 10k)
TASKS = (
    "ox-parse",
    "axiskg-build",
    "rdflib-build",
    "axiskg-validate",
    "pyshacl-validate",
    "axiskg-queries",
    "rdflib-queries",
)


# --------------------------------------------------------------------------- measurements (child)


def _rdf_files(root: Path) -> list[Path]:
    from axiskg import paths

    return paths.ontology_files(root) + paths.data_files(root)


def _rdflib_graph(root: Path, with_ontology: bool = True):
    import rdflib

    g = rdflib.Graph()
    for path in _rdf_files(root) if with_ontology else [p for p in _rdf_files(root) if "data" in p.parts]:
        g.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return g


def measure(task: str, root: Path, out: Path) -> dict:
    started = time.perf_counter()
    extra: dict = {}
    if task == "ox-parse":
        import pyoxigraph as ox

        store = ox.Store()
        for path in _rdf_files(root):
            fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
            store.load(path=str(path), format=fmt, to_graph=ox.NamedNode(path.as_uri()))
        extra["triples"] = len(store)
    elif task == "axiskg-build":
        from axiskg import build

        written = build.build(root, out, ("turtle", "ntriples"))
        extra["triples"] = build.triple_count(written["ntriples"])
    elif task == "rdflib-build":
        g = _rdflib_graph(root)
        out.mkdir(parents=True, exist_ok=True)
        g.serialize(out / "rdflib.ttl", format="turtle")
        g.serialize(out / "rdflib.nt", format="nt")
        extra["triples"] = len(g)
    elif task == "axiskg-validate":
        from axiskg import shacl
        from axiskg.dataset import Dataset, load_shapes

        store = Dataset.load(root=root, inferred=False)
        extra["load_s"] = time.perf_counter() - started
        report = shacl.validate_store(store, load_shapes(root))
        extra["results"] = len(report.results)
        extra["violations"] = report.count("Violation")
        extra["fallback"] = report.fallback
    elif task == "pyshacl-validate":
        import pyshacl
        import rdflib

        g = _rdflib_graph(root)
        shapes = rdflib.Graph().parse(root / "ontology" / "shapes" / "axiskg-shapes.ttl")
        _, report, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        extra["results"] = len(list(report.subjects(rdflib.RDF.type, sh.ValidationResult)))
        extra["violations"] = len(list(report.subjects(sh.resultSeverity, sh.Violation)))
    elif task == "axiskg-queries":
        from axiskg.dataset import Dataset, load_shapes
        from axiskg.sparql import catalog, querying

        store = Dataset.load(root=root, inferred=False)
        extra["load_s"] = time.perf_counter() - started
        extra["queries"] = {}
        for q in catalog.load_catalog(root):
            sparql = q.render()
            best, rows = float("inf"), 0
            for _ in range(3):
                t = time.perf_counter()
                rows = len(querying.run_local(store, sparql).rows)
                best = min(best, time.perf_counter() - t)
            extra["queries"][q.name] = {"s": best, "rows": rows}
    elif task == "rdflib-queries":
        from axiskg.sparql import catalog

        g = _rdflib_graph(root)
        extra["load_s"] = time.perf_counter() - started
        extra["queries"] = {}
        import signal

        def timeout(*_):
            raise TimeoutError

        signal.signal(signal.SIGALRM, timeout)
        for q in catalog.load_catalog(root):
            t = time.perf_counter()
            signal.alarm(QUERY_TIMEOUT)
            try:
                rows = len(list(g.query(q.render())))
                extra["queries"][q.name] = {"s": time.perf_counter() - t, "rows": rows}
            except TimeoutError:
                extra["queries"][q.name] = {"s": None, "timeout": QUERY_TIMEOUT}
            finally:
                signal.alarm(0)
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"task": task, "seconds": seconds, "peak_mb": peak_mb, **extra}


# --------------------------------------------------------------------------- orchestration (parent)


def run_child(task: str, root: Path, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--measure", task, "--root", str(root), "--dist", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        return {"task": task, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def help_time() -> float:
    axiskg = Path(sys.executable).with_name("axiskg")
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(axiskg), "--help"], capture_output=True, check=True, timeout=60)
        best = min(best, time.perf_counter() - t)
    return best


def make_project(tmp: Path, triples: int, seed: int) -> tuple[Path, dict]:
    from axiskg import synth

    root = tmp / f"project-{triples}"
    for name in ("ontology", "queries", "data"):
        shutil.copytree(ROOT / name, root / name)
    reports, template = synth.plan(triples=triples, violations=len(synth.KINDS), root=ROOT)
    manifest = synth.write_corpus(root / "data", reports, seed, len(synth.KINDS), ROOT, template=template)
    (root / "data" / "manifest.json").unlink()
    return root, manifest


def fmt_size(n: int) -> str:
    return f"{n / 1_000_000:g}M" if n >= 1_000_000 else f"{n / 1000:g}k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes in triples")
    parser.add_argument(
        "--skip-slow-at",
        default="",
        metavar="SIZES",
        help="sizes at which to skip the slowest baselines (pyshacl, rdflib queries)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    parser.add_argument("--measure", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dist", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.root, args.dist)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    skip_at = {int(s) for s in args.skip_slow_at.split(",") if s}
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for size in sizes:
            root, manifest = make_project(tmp, size, args.seed)
            run = {
                "size": size,
                "corpus_triples": manifest["triples"],
                "reports": manifest["reports"],
                "injected": len(manifest["injected"]),
                "tasks": {},
            }
            for task in TASKS:
                if task in SLOW and size in skip_at:
                    run["tasks"][task] = {
                        "task": task,
                        "skipped": f"--skip-slow-at {fmt_size(size)}: takes minutes at this size",
                    }
                    print(f"{fmt_size(size)} {task}: skipped", file=sys.stderr)
                    continue
                result = run_child(task, root, tmp / f"dist-{size}-{task}")
                run["tasks"][task] = result
                print(
                    f"{fmt_size(size)} {task}: {result.get('seconds', 0):.2f} s, "
                    f"{result.get('peak_mb', 0):.0f} MB {result.get('error', '')}",
                    file=sys.stderr,
                )
            runs.append(run)
            shutil.rmtree(root)
    doc = {
        "machine": f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}",
        "command": "python benchmarks/bench_scale.py " + " ".join(sys.argv[1:]),
        "help_seconds": help_time(),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    md = markdown(doc)
    args.out.with_suffix(".md").write_text(md)
    print(md)


def _cell(t: dict | None, key: str = "seconds") -> str:
    if t is None:
        return "-"
    if "skipped" in t:
        return "skipped"
    if "error" in t:
        return "error"
    return f"{t[key]:.2f} s / {t['peak_mb']:.0f} MB"


def _ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or "seconds" not in a or "seconds" not in b:
        return "-"
    return f"{b['seconds'] / a['seconds']:.1f}x"


def markdown(doc: dict) -> str:
    lines = [
        "| triples | task | axiskg (time / peak RSS) | baseline (time / peak RSS) | baseline ÷ axiskg | note |",
        "|---|---|---|---|---|---|",
    ]
    for run in doc["runs"]:
        t = run["tasks"]
        parse = t.get("ox-parse")
        size = f"{parse['triples']:,}" if parse and "triples" in parse else f"~{run['size']:,}"
        pairs = (
            ("build", "axiskg-build", "rdflib-build", "plain rdflib parse + Turtle + N-Triples"),
            ("validate", "axiskg-validate", "pyshacl-validate", "plain pyshacl, same shapes"),
            ("load for queries", "axiskg-queries", "rdflib-queries", "plain rdflib parse"),
        )
        lines.append(f"| {size} | bare pyoxigraph parse | {_cell(parse)} | | | reference for the targets |")
        for label, mine, base, note in pairs:
            a, b = t.get(mine), t.get(base)
            extra = ""
            if mine == "axiskg-validate" and a and "results" in a:
                extra = f"; axiskg {a['results']} results"
                if b and "results" in b:
                    extra += f", pyshacl {b['results']}"
            if mine == "axiskg-build" and parse and a and "seconds" in a:
                extra = f"; {a['seconds'] / parse['seconds']:.1f}x bare parse"
            if mine == "axiskg-validate" and parse and a and "seconds" in a:
                extra += f"; {a['seconds'] / parse['seconds']:.1f}x bare parse"
                if "load_s" in a:
                    extra += f" (load {a['load_s']:.2f} s, checks {a['seconds'] - a['load_s']:.2f} s)"
            if mine.endswith("queries"):
                a = dict(a or {}, seconds=(a or {}).get("load_s", 0)) if a and "load_s" in a else a
                b = dict(b or {}, seconds=(b or {}).get("load_s", 0)) if b and "load_s" in b else b
            lines.append(f"| {size} | {label} | {_cell(a)} | {_cell(b)} | {_ratio(a, b)} | {note}{extra} |")
    lines += ["", "Stored queries (best of 3 on axiskg/pyoxigraph; one run on plain rdflib), seconds:", ""]
    sizes = [r for r in doc["runs"]]
    header = (
        "| query | "
        + " | ".join(f"{fmt_size(r['size'])} axiskg | {fmt_size(r['size'])} rdflib | ratio" for r in sizes)
        + " |"
    )
    lines += [header, "|---|" + "---|---|---|" * len(sizes)]
    names = sorted({n for r in sizes for n in (r["tasks"].get("axiskg-queries", {}).get("queries") or {})})
    for name in names:
        cells = []
        for r in sizes:
            a = (r["tasks"].get("axiskg-queries", {}).get("queries") or {}).get(name)
            b = (r["tasks"].get("rdflib-queries", {}).get("queries") or {}).get(name)
            if b and b.get("s") is None:
                base, ratio = f"> {b['timeout']} (stopped)", f"> {b['timeout'] / max(a['s'], 1e-6):.0f}x" if a else "-"
            else:
                base = f"{b['s']:.3f}" if b else "skipped"
                ratio = f"{b['s'] / max(a['s'], 1e-6):.0f}x" if a and b else "-"
            cells += [f"{a['s']:.3f}" if a else "-", base, ratio]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"`axiskg --help`: {doc['help_seconds']:.2f} s (best of 5). {doc['machine']}.",
        f"Reproduce: `{doc['command']}`",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
