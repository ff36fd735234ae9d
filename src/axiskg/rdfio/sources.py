"""Where a triple or a term comes from: graph names for people, files and lines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib

from axiskg import paths
from axiskg.rdfio.line_scan import first_lines
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH

if TYPE_CHECKING:
    from axiskg.dataset import Data


def data_graph_name(root: Path, path: Path) -> str:
    """``data/<name>/...`` -> ``<GRAPH_NS><name>``; files directly in ``data/`` -> ``<GRAPH_NS>data``."""
    rel = path.relative_to(root / "data")
    return GRAPH_NS + (rel.parts[0] if len(rel.parts) > 1 else "data")


def describe_graph(name: str) -> str:
    """A graph name for people: the file path for ``file://`` graphs (relative to the cwd when
    below it), ``data/<name>`` for the project's data graphs."""
    if name.startswith("file://"):
        from urllib.parse import unquote, urlparse

        path = Path(unquote(urlparse(name).path))
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    if name == ONTOLOGY_GRAPH:
        return "ontology"
    if name == GRAPH_NS + "inferred":
        return "inferred"
    if name.startswith(GRAPH_NS):
        rest = name[len(GRAPH_NS) :]
        return "data" if rest == "data" else f"data/{rest}"
    return name


def source_locator(store: Data):
    """``locate(term) -> str | None``: the file (or project graph) that describes an rdflib
    term of ``store``, i.e. where it is a subject (else an object); the first by name when
    several do."""
    cache: dict = {}

    def locate(term) -> str | None:
        if term in cache:
            return cache[term]
        node: ox.NamedNode | ox.BlankNode
        if isinstance(term, rdflib.URIRef):
            node = ox.NamedNode(str(term))
        elif isinstance(term, rdflib.BNode):
            node = ox.BlankNode(str(term))
        else:
            return None
        names = {
            q.graph_name.value
            for q in store.quads_for_pattern(node, None, None)
            if isinstance(q.graph_name, ox.NamedNode)
        }
        if not names:
            names = {
                q.graph_name.value
                for q in store.quads_for_pattern(None, None, node)
                if isinstance(q.graph_name, ox.NamedNode)
            }
        cache[term] = describe_graph(min(names)) if names else None
        return cache[term]

    return locate


_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.I | re.M)


def subject_line(path: Path, iri: str) -> int | None:
    """The first line of the Turtle/TriG/N-Triples file ``path`` that starts with ``iri`` as a
    subject (``<iri>`` or a prefixed name declared in the file); ``None`` when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    forms = [re.escape(f"<{iri}>")]
    for prefix, ns in _PREFIX_LINE.findall(text):
        if ns and iri.startswith(ns) and re.fullmatch(r"[\w.-]*", iri[len(ns) :]):
            forms.append(re.escape(f"{prefix}:{iri[len(ns) :]}"))
    start = re.compile(r"^[ \t]*(?:" + "|".join(forms) + r")(?=[\s;,]|$)", re.M)
    m = start.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def split_location(where: str | None) -> tuple[str | None, int | None]:
    """``"file:12"`` (as :func:`definition_locator` gives it) -> ``("file", 12)``; anything else
    -> ``(where, None)``."""
    if where is not None:
        head, sep, tail = where.rpartition(":")
        if sep and head and tail.isdigit():
            return head, int(tail)
    return where, None


def definition_locator(store: Data, root: Path | str | None = None):
    """``locate(iri) -> "file:line" | "file" | graph | None``: where a term of ``store`` is
    described (see :func:`source_locator`), down to the file and line of its first description
    as a subject when its graph is a user's file or a project folder."""
    root = Path(root) if root is not None else None
    graph_of = source_locator(store)
    cache: dict[str, str | None] = {}

    def locate(iri: str) -> str | None:
        if iri in cache:
            return cache[iri]
        where = graph_of(rdflib.URIRef(iri)) if iri and not iri.startswith("_:") else None
        if where is None:
            cache[iri] = None
            return None
        candidates = [Path(where)]
        if Path(where).is_file():
            pass  # a user's file
        elif root is not None and where == "ontology":
            candidates = paths.ontology_files(root)
        elif root is not None and where.startswith("data"):
            candidates = sorted(
                p for p in paths.data_files(root) if data_graph_name(root, p) == GRAPH_NS + (where[5:] or "data")
            )
        for path in candidates:
            line = subject_line(path, iri)
            if line is not None:
                shown = describe_graph(Path(path).resolve().as_uri())
                cache[iri] = f"{shown}:{line}"
                return cache[iri]
        cache[iri] = where
        return where

    return locate


def graph_files(root: Path | None, graph: str) -> list[Path]:
    if graph.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return [Path(unquote(urlparse(graph).path))]
    if root is None:
        return []
    if graph == ONTOLOGY_GRAPH:
        return paths.ontology_files(root)
    return [p for p in paths.data_files(root) if data_graph_name(root, p) == graph]


#: characters a file may write as ``\\uXXXX`` (XML cannot carry them; writers escape them)
_ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escaped(text: str, u: str, case: str) -> str:
    """``text`` with each character of :data:`_ESCAPED` written ``\\uXXXX`` (``u``: "u") or
    ``\\UXXXXXXXX`` ("U"), in upper or lower case hex (``case``: "X" or "x")."""
    width = 4 if u == "u" else 8
    return _ESCAPED.sub(lambda m: f"\\{u}{ord(m.group()):0{width}{case}}", text)


def find_line(files: list[Path], text: str) -> tuple[Path | None, int | None]:
    """The file of ``files`` and the line where the literal ``text`` is first written (its
    first line's first 200 characters looked for, after a quote, else alone; a control character
    as written, or escaped as ``\\u0001`` or ``\\u001f``)."""
    start = text[:200].split("\n")[0]
    forms = [start]
    if _ESCAPED.search(start):
        forms += [_escaped(start, u, case) for u in ("u", "U") for case in "Xx"]
    for needles in (
        {f'"{form}'.encode(): "found" for form in forms},
        {form.encode(): "found" for form in forms if form},
    ):
        for path in files if needles else ():
            line = first_lines(path, needles).get("found")
            if line is not None:
                return path, line
    return (files[0] if len(files) == 1 else None), None
