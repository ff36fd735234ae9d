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

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib

from axiskg import paths
from axiskg.rdfio.sources import data_graph_name, describe_graph
from axiskg.vocab import ONTOLOGY_GRAPH

if TYPE_CHECKING:
    from axiskg.dataset import Data

_PREFIX = re.compile(rb"^[ \t]*(?:@prefix|PREFIX)[ \t]+([\w.-]*):[ \t]*<([^>]*)>", re.I | re.M)
_AFTER = b" \t\r\n;,.)]"
#: the first token of every line: where Turtle, TriG and N-Triples write a subject
_LINE_START = re.compile(rb"^[ \t]*([^ \t\r\n;,)\]]+)", re.M)


def shown(path: Path | str) -> str:
    """A file path as every report spells it: relative to the working directory when below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p.resolve()) if p.is_absolute() or p.exists() else str(p)


class LineFinder:
    """Lines of IRIs in files, each file read once and its line starts indexed once, so placing
    many results costs one pass over each file, not one per result."""

    def __init__(self) -> None:
        self._texts: dict[Path, tuple[bytes, dict[bytes, bytes]]] = {}
        self._starts: dict[Path, dict[bytes, int]] = {}

    def _line_starts(self, path: Path, text: bytes) -> dict[bytes, int]:
        """The first token of each line -> the first line it starts (1-based)."""
        if path not in self._starts:
            starts: dict[bytes, int] = {}
            line, last = 1, 0
            for m in _LINE_START.finditer(text):
                line += text.count(b"\n", last, m.start())
                last = m.start()
                token = m.group(1)
                starts.setdefault(token, line)
                if token.endswith(b"."):  # "ex:a." ends a statement: the name is "ex:a"
                    starts.setdefault(token[:-1], line)
            self._starts[path] = starts
        return self._starts[path]

    def _text(self, path: Path) -> tuple[bytes, dict[bytes, bytes]]:
        if path not in self._texts:
            try:
                text = path.read_bytes()
            except OSError:
                text = b""
            self._texts[path] = (text, {ns: prefix for prefix, ns in _PREFIX.findall(text)})
        return self._texts[path]

    def line(self, path: Path, iri: str) -> int | None:
        """The line of ``path`` where ``iri`` starts a description, else where it is first
        mentioned; ``None`` when the file does not hold it."""
        text, prefixes = self._text(path)
        raw = iri.encode("utf-8")
        forms = [b"<" + raw + b">"]
        forms += [p + b":" + raw[len(ns) :] for ns, p in prefixes.items() if ns and raw.startswith(ns)]
        starts = self._line_starts(path, text)
        lines = [starts[form] for form in forms if form in starts]
        if lines:
            return min(lines)
        found = [at for form in forms if (at := _subject_at(text, form)) is not None]
        found += [at for at in (text.find(b'about="' + raw + b'"'), text.find(b'"@id": "' + raw + b'"')) if at >= 0]
        if not found:
            found = [at for form in forms + [b'"' + raw + b'"'] if (at := text.find(form)) >= 0]
        return text.count(b"\n", 0, min(found)) + 1 if found else None


def _subject_at(text: bytes, form: bytes) -> int | None:
    """The offset of the first ``form`` at the start of a line (after blanks) and followed by
    a separator: where Turtle or N-Triples writes it as a subject."""
    at = text.find(form)
    while at >= 0:
        start = text.rfind(b"\n", 0, at) + 1
        end = at + len(form)
        if not text[start:at].strip(b" \t") and (end == len(text) or text[end : end + 1] in _AFTER):
            return at
        at = text.find(form, end)
    return None


class Locations:
    """``of(term) -> (file, line)`` for the terms of ``store`` (``root``: the project whose
    graphs to map to files)."""

    def __init__(self, store: Data, root: Path | None = None) -> None:
        self.store, self.root = store, root
        self.lines = LineFinder()
        self._cache: dict[Any, tuple[str | None, int | None]] = {}

    def of(self, term: Any) -> tuple[str | None, int | None]:
        if term not in self._cache:
            self._cache[term] = self._find(term)
        return self._cache[term]

    def _named(self, term: Any) -> ox.NamedNode | None:
        """The term as a named node of the store: itself, or the named node a blank one hangs from."""
        if isinstance(term, rdflib.URIRef):
            return ox.NamedNode(str(term))
        if not isinstance(term, rdflib.BNode):
            return None
        from axiskg.shacl.results import reached_from, store_incoming

        iri, _ = reached_from(ox.BlankNode(str(term)), store_incoming(self.store), steps=8)
        return ox.NamedNode(iri) if iri is not None else None

    def _find(self, term: Any) -> tuple[str | None, int | None]:
        node = self._named(term)
        if node is None:
            return None, None
        graphs = _graphs(self.store.quads_for_pattern(node, None, None)) or _graphs(
            self.store.quads_for_pattern(None, None, node)
        )
        for graph in graphs:
            for path in self.files(graph):
                line = self.lines.line(path, node.value)
                if line is not None:
                    return shown(path), line
        return (describe_graph(graphs[0]), None) if graphs else (None, None)

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
