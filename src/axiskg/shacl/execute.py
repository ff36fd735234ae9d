"""Running the checks on the store: their queries in threads (pyoxigraph evaluates without
holding the GIL, so they use every core), a job's query per focus node with the pre-bound
variables substituted, and the shapes graph added for the run when a query reads ``$shapesGraph``."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib

from axiskg.errors import InputError
from axiskg.rdfio.terms import to_ox
from axiskg.shacl.model import Check, Job
from axiskg.shacl.report import Results
from axiskg.shacl.rewrite import bound_as_true, projecting
from axiskg.sparql.safety import mask
from axiskg.vocab import RDFS

if TYPE_CHECKING:
    from axiskg.dataset import Data

#: threads running the checks' queries (pyoxigraph evaluates without the GIL)
_WORKERS = max(1, min(4, os.cpu_count() or 1))

_SHAPES_GRAPH = "urn:x-axiskg:shapes-graph"


def run(store: Data, checks: list[Check], scope: dict, results: Results, progress: bool) -> None:
    """Run the checks' queries in threads and add their rows to ``results``, in the checks' order."""
    from axiskg.progress import bar

    with (
        bar(len(checks) if progress else 0, "validate", "checks") as step,
        ThreadPoolExecutor(max_workers=_WORKERS) as pool,
    ):
        fetched = pool.map(lambda check: fetch(store, check, scope, results.describe.describer.shape), checks)
        for check, (variables, rows) in zip(checks, fetched):
            results.add(check, variables, rows)
            step(1)


def fetch(store: Data, check: Check, scope: dict, shape_name: Any) -> tuple[list[str], list]:
    """The check's query run on the data: its variable names and all its rows (for a
    :class:`~axiskg.shacl.model.Job`, rows of (focus, path, value, bindings)). Runs in a worker
    thread: whatever goes wrong becomes an InputError naming the shape (``shape_name(shape)``),
    never a traceback."""
    try:
        if check.job is not None:
            return [], run_job(store, check.job, scope)
        rows = store.query(check.query, **scope)
        assert isinstance(rows, ox.QuerySolutions)
        return [v.value for v in rows.variables], list(rows)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported to the user as bad input
        raise InputError(
            "shapes", f"cannot run the query of {shape_name(check.shape)}: {type(exc).__name__}: {exc}"
        ) from None


class ShapesGraph:
    """The query options for the run (``with`` block): the union of the store's graphs, or,
    when a query reads ``$shapesGraph``, the shapes graph added for the run as a named graph
    outside the default graph (and removed afterwards)."""

    def __init__(self, store: Data, shapes: rdflib.Graph, needed: bool) -> None:
        self.store, self.shapes, self.needed = store, shapes, needed

    def __enter__(self) -> dict:
        if not self.needed:
            return {"use_default_graph_as_union": True}
        data: list = list(self.store.named_graphs()) + [ox.DefaultGraph()]
        name = ox.NamedNode(_SHAPES_GRAPH)
        self.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in self.shapes)
        return {"default_graph": data, "named_graphs": [g for g in data if not isinstance(g, ox.DefaultGraph)] + [name]}

    def __exit__(self, *exc: object) -> None:
        if self.needed:
            self.store.remove_graph(ox.NamedNode(_SHAPES_GRAPH))


def run_job(store: Data, job: Job, scope: dict) -> list:
    """(focus, path, value, bindings) for each violation the job's query reports."""
    foci = [row["this"] for row in _select(store, f"SELECT DISTINCT ?this WHERE {{ {job.targets} }}", **scope)]
    fixed = {ox.Variable(k): to_ox(v) for k, v in job.bindings.items()}
    if job.shapes_graph:
        fixed[ox.Variable("shapesGraph")] = ox.NamedNode(_SHAPES_GRAPH)
    names = sorted({v.value for v in fixed} | {"this"} | ({"value"} if job.kind == "ask" else set()))
    query = bound_as_true(job.query, names)
    query = projecting(
        query,
        [n for n in names if not re.search(rf"SELECT[^{{]*[?$]{n}\b", mask(job.query), re.I)]
        if job.kind == "select"
        else names,
    )
    out = []
    for focus in foci:
        subs = {**fixed, ox.Variable("this"): focus}
        if job.kind == "select":
            rows = _select(store, query, substitutions=subs, **scope)
            names = [v.value for v in rows.variables]
            for row in rows:
                bound = {n: row[n] for n in names if row[n] is not None}
                out.append((focus, bound.get("path"), bound.get("value"), bound))
            continue
        if job.value_path is None:
            values = [focus]
        else:
            values = [
                r["v"]
                for r in _select(
                    store,
                    f"SELECT DISTINCT ?v WHERE {{ ?this {job.value_path} ?v }}",
                    substitutions={ox.Variable("this"): focus},
                    **scope,
                )
            ]
        for value in values:
            if not list(_select(store, query, substitutions={**subs, ox.Variable("value"): value}, **scope)):
                out.append((focus, None, value, {"value": value}))
    return out


def _select(store: Data, query: str, **options: Any) -> ox.QuerySolutions:
    """The rows of a SELECT query (every query the engine writes is one)."""
    rows = store.query(query, **options)
    assert isinstance(rows, ox.QuerySolutions)
    return rows


def subclass_closure(store: Data):
    """``subclasses(cls)``: the class IRI and the IRIs of its subclasses in the store (cached)."""
    cache: dict[str, list[str]] = {}

    def subclasses(cls: str) -> list[str]:
        if cls not in cache:
            rows = _select(
                store,
                f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}",
                use_default_graph_as_union=True,
            )
            cache[cls] = sorted({cls} | {r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)})
        return cache[cls]

    return subclasses
