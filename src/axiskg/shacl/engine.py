"""The entry points: a store validated against a shapes graph, or a user's files against theirs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from axiskg.dataset import Data, Dataset
from axiskg.rdfio.inputs import read_rdf_bytes
from axiskg.rdfio.reading import expand_path, resolve_format
from axiskg.rdfio.sources import source_locator
from axiskg.rdfio.terms import TermConverter, triples_to_rdflib
from axiskg.rdfio.xml_safety import check_xml_safety
from axiskg.shacl import execute, fallback, shape_queries
from axiskg.shacl.compiler import compile_shapes
from axiskg.shacl.report import Describe, Results, Stringify
from axiskg.shacl.results import Report, Result, report_graph_of


@dataclass
class SparqlReport(Report):
    fallback: list[str] = field(default_factory=list)  # node shapes validated by pyshacl instead
    queries: int = 0  # SPARQL queries run
    beside_results: list[Result] = field(default_factory=list)  # of the ``beside`` checks


def validate_store(
    store: Data,
    shapes: rdflib.Graph,
    locate: Callable[[Any], str | None] | None = None,
    progress: bool = False,
    beside: Sequence[Callable[[], list[Result]]] = (),
) -> SparqlReport:
    """Validate the union of ``store``'s graphs (data and ontology) against ``shapes``.

    ``progress=True`` shows a progress bar (one step per compiled check) when stderr is a terminal.
    ``beside``: more checks that only read the data (the project's own, say); they run in
    threads beside the shapes' queries (pyoxigraph evaluates without the GIL), or after them
    when a shape's query reads ``$shapesGraph`` (that adds the shapes graph to the store for the
    run). Their results are in ``beside_results``, outside ``results`` and ``graph``.
    """
    shape_queries.check_shapes(shapes)  # untrusted SPARQL: refused before anything runs
    checks, fallen = compile_shapes(shapes, Stringify(store, TermConverter()), execute.subclass_closure(store))
    describe = Describe(store, shapes, TermConverter(store))  # literals as written
    results = Results(describe, locate)
    adds_shapes = any(ch.job is not None and ch.job.shapes_graph for ch in checks)
    with ThreadPoolExecutor(max_workers=max(1, len(beside))) as side:
        early = [side.submit(job) for job in beside] if not adds_shapes else []
        with execute.ShapesGraph(store, shapes, adds_shapes) as scope:
            execute.run(store, checks, scope, results, progress)
        found = results.out
        if fallen:
            found += fallback.validate(store, shapes, fallen, locate)
        extra = [r for job in early for r in job.result()] if early else [r for job in beside for r in job()]
    found.sort(key=Result.sort_key)
    graph = report_graph_of(found, shapes, describe.edges)
    return SparqlReport(
        conforms=not found,
        results=found,
        graph=graph,
        fallback=[str(s) for s in fallen],
        queries=len(checks),
        beside_results=extra,
    )


def validate_files(data: list, shapes: list, format: str | None = None) -> SparqlReport:
    """Validate RDF files or folders ``data`` against the shapes in ``shapes`` (files or
    folders), nothing else mixed in: the public entry point for a user's own data and shapes.
    Unreadable input or unusable shapes raise :class:`~axiskg.errors.InputError`."""
    store = Dataset.load(data, format=format, inferred=False)
    return validate_store(store, read_shapes(shapes), locate=source_locator(store))


def read_shapes(given: list) -> rdflib.Graph:
    """Shape files (or the RDF files of folders) as one rdflib graph, every literal as written:
    parsed without a store, which would store ``"1"^^xsd:boolean`` as ``true`` (and to SHACL
    only the literal ``true`` turns ``sh:uniqueLang`` or ``sh:deactivated`` on)."""
    triples: list = []
    for path in [p for g in given for p in expand_path(Path(g))]:
        fmt = resolve_format(path)
        data = read_rdf_bytes(path)
        if fmt == ox.RdfFormat.RDF_XML:
            check_xml_safety(path, data)
        try:
            triples += list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
        except (SyntaxError, ValueError, MemoryError):
            Dataset.load([path], inferred=False)  # raises the loader's own message for this file
            raise
    return triples_to_rdflib(t.triple if isinstance(t, ox.Quad) else t for t in triples)
