"""Where a result is: the file that describes its focus node and the line there, for every output.

A term is located in the graphs where it is a subject (else an object); a blank node by the
named node that reaches it (the same walk :class:`axiskg.shacl.results.Describer` names it by). A
graph is mapped to its files (a user's file is its own graph; the project's ``ontology`` and
``data/<name>`` graphs to their files), and the line is the first where the term starts a
description (``<iri>`` or a prefixed name at the start of a line, as Turtle, TriG and
N-Triples write a subject; ``rdf:about="iri"`` in RDF/XML; ``"@id": "iri"`` in JSON-LD), else the
first line that mentions it. Paths are spelled one way: relative to the working directory when
below it, else absolute (:func:`shown`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib

from axiskg import paths
from axiskg.rdfio.line_scan import declared_prefixes, first_lines
from axiskg.rdfio.sources import data_graph_name, describe_graph
from axiskg.vocab import ONTOLOGY_GRAPH

if TYPE_CHECKING:
    from axiskg.dataset import Data


def shown(path: Path | str) -> str:
    """A file path as every report spells it: relative to the working directory when below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p.resolve()) if p.is_absolute() or p.exists() else str(p)


def lines_in(path: Path, iris: set[str], mentions: bool = True) -> dict[str, int]:
    """``iri -> line`` for the ``iris`` that ``path`` holds: the line where the IRI starts a
    description (written ``<iri>`` or with a prefix the file declares, first on its line), else
    where RDF/XML (``about="iri"``) or JSON-LD (``"@id": "iri"``) describes it, else (when
    ``mentions``) where it is first mentioned. A few passes over the file in bounded memory
    (:mod:`axiskg.rdfio.line_scan`)."""
    prefixes = declared_prefixes(path)
    forms: dict[bytes, str] = {}
    for iri in iris:
        raw = iri.encode("utf-8")
        forms[b"<" + raw + b">"] = iri
        for ns, prefix in prefixes.items():
            if ns and raw.startswith(ns):
                forms[prefix + b":" + raw[len(ns) :]] = iri
    found = first_lines(path, forms, at_line_start=True)
    rest = {iri.encode("utf-8"): iri for iri in iris if iri not in found}
    if rest:
        described = {b'about="' + raw + b'"': iri for raw, iri in rest.items()}
        described.update({b'"@id": "' + raw + b'"': iri for raw, iri in rest.items()})
        found.update(first_lines(path, described))
    if not mentions:
        return found
    mentioned = {form: iri for form, iri in forms.items() if iri not in found}
    mentioned.update({b'"' + raw + b'"': iri for raw, iri in rest.items() if iri not in found})
    if mentioned:
        found.update(first_lines(path, mentioned))
    return found


class Locations:
    """``of(term) -> (file, line)`` for the terms of ``store`` (``root``: the project whose
    graphs to map to files)."""

    def __init__(self, store: Data, root: Path | None = None) -> None:
        self.store, self.root = store, root
        self._cache: dict[Any, tuple[str | None, int | None]] = {}

    def of(self, term: Any) -> tuple[str | None, int | None]:
        self.find_all([term])
        return self._cache[term]

    def find_all(self, terms: list) -> None:
        """Locate ``terms`` together: each file searched once for all the terms it may hold."""
        plans: dict[Any, tuple[str, list[str], list[Path]]] = {}
        wanted: dict[Path, set[str]] = {}
        for term in dict.fromkeys(t for t in terms if t not in self._cache):
            node = self._named(term)
            if node is None:
                self._cache[term] = (None, None)
                continue
            graphs = _graphs(self.store.quads_for_pattern(node, None, None)) or _graphs(
                self.store.quads_for_pattern(None, None, node)
            )
            files = [path for graph in graphs for path in self.files(graph)]
            plans[term] = (node.value, graphs, files)
            for path in files:
                wanted.setdefault(path, set()).add(node.value)
        # a file that describes the term comes before one that only mentions it (a graph's
        # files: an impact described in entities.ttl, mentioned earlier in claims.ttl)
        lines = {path: lines_in(path, iris, mentions=False) for path, iris in wanted.items()}
        vague: dict[Path, set[str]] = {}
        for iri, _, files in plans.values():
            if not any(iri in lines[path] for path in files):
                for path in files:
                    vague.setdefault(path, set()).add(iri)
        for path, iris in vague.items():
            lines[path] = {**lines_in(path, iris), **lines[path]}
        for term, (iri, graphs, files) in plans.items():
            at = next(((path, lines[path][iri]) for path in files if iri in lines[path]), None)
            if at is not None:
                self._cache[term] = (shown(at[0]), at[1])
            else:
                self._cache[term] = (describe_graph(graphs[0]), None) if graphs else (None, None)

    def _named(self, term: Any) -> ox.NamedNode | None:
        """The term as a named node of the store: itself, or the named node a blank one hangs from."""
        if isinstance(term, rdflib.URIRef):
            return ox.NamedNode(str(term))
        if not isinstance(term, rdflib.BNode):
            return None
        from axiskg.shacl.results import reached_from, store_incoming

        iri, _ = reached_from(ox.BlankNode(str(term)), store_incoming(self.store), steps=8)
        return ox.NamedNode(iri) if iri is not None else None

    def files(self, graph: str) -> list[Path]:
        """The files a graph of the store was loaded from (as the dataset recorded them)."""
        recorded = getattr(self.store, "files", {}).get(graph)
        if recorded:
            return list(recorded)
        if graph.startswith("file://"):
            from urllib.parse import unquote, urlparse

            return [Path(unquote(urlparse(graph).path))]
        if self.root is None:
            return []
        if graph == ONTOLOGY_GRAPH:
            return paths.ontology_files(self.root)
        return [p for p in paths.data_files(self.root) if data_graph_name(self.root, p) == graph]


def _graphs(quads) -> list[str]:
    """The names of the named graphs of ``quads``, sorted."""
    return sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})


def place(results: list, locations: Locations) -> list:
    """``results`` each with the file and line of its focus node (those that have a line keep
    theirs, their file spelled as :func:`shown` spells it)."""
    locations.find_all([r.focus_node for r in results if r.line is None or r.source is None])
    out = []
    for r in results:
        if r.line is not None and r.source is not None:
            out.append(replace(r, source=shown(r.source)))
            continue
        source, line = locations.of(r.focus_node)
        out.append(replace(r, source=source or r.source, line=line))
    return out


def only_in(report: Any, files: list) -> None:
    """Keep the results of ``report`` whose focus node is described in one of ``files`` (the
    staged files of a commit, validated in the context of their project); ``conforms`` and the
    standard graph follow."""
    from axiskg.shacl.results import report_graph_of

    wanted = {Path(f).resolve() for f in files}
    kept = [r for r in report.results if r.source is not None and Path(r.source).resolve() in wanted]
    if len(kept) == len(report.results):
        return
    report.results = kept
    report.conforms = not kept
    old = report.graph  # holds the blank nodes (paths, shapes, data) the kept results need
    report.graph = report_graph_of(kept, old, old.predicate_objects)
