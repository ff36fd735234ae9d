"""The single way any command loads RDF.

Files are parsed by pyoxigraph into a :class:`pyoxigraph.Store`, one named graph per source:

* ontology files (``ontology/*.ttl``, ``ontology/modules/**``) -> ``<GRAPH_NS>ontology``
* ``data/<name>/**``                                           -> ``<GRAPH_NS><name>``
* files directly in ``data/``                                  -> ``<GRAPH_NS>data``

The default graph stays empty, so **query the union** with
``store.query(q, use_default_graph_as_union=True)``.

Commands that need rdflib (pyshacl, serialisation) convert with :func:`to_rdflib`. Every
problem with an input file (missing, empty, not UTF-8, unknown extension, syntax error) is
raised as :class:`~axiskg.errors.InputError` with the file, line and column where known.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import XSD

from axiskg import literals, paths, rdf_formats
from axiskg.errors import InputError, parser_message
from axiskg.inputs import read_input
from axiskg.vocab import GRAPH_NS, ONTOLOGY_GRAPH, compact

log = logging.getLogger(__name__)


# "Parser error at line 3 column 11: ...", "... between line 3 column 11 and line 4 column 1: ..."
_LOCATION_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")


# --------------------------------------------------------------------------- reading files


def resolve_format(path: Path, format: str | ox.RdfFormat | None = None) -> ox.RdfFormat:
    """The pyoxigraph format for ``path``: the explicit override, else from the extension."""
    if isinstance(format, ox.RdfFormat):
        return format
    if format is not None:
        found = rdf_formats.by_name(format)
        if found is None:
            known = ", ".join(sorted(rdf_formats.BY_NAME))
            raise InputError(None, f"unknown RDF format {format!r} (known: {known})")
        return found.oxigraph
    found = rdf_formats.by_path(path.name)
    if found is None:
        raise InputError(path, f"unknown RDF file extension {path.suffix!r}")
    return found.oxigraph


def read_rdf_bytes(path: Path) -> bytes:
    """The bytes of ``path`` (see :func:`read_input`), refusing empty files (UTF-8: see
    :func:`load_file`)."""
    data = read_input(path)
    if not data or data.isspace():  # (not data.strip(): that copies the whole file)
        raise InputError(path, "file is empty")
    return data


def check_utf8_text(path: Path, data: bytes) -> None:
    """Refuse ``data`` unless it is UTF-8, naming the line and column of the first bad byte."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, column) from None


def _syntax_problem(exc: SyntaxError) -> str:
    message = exc.msg or str(exc)
    return parser_message(_LOCATION_PREFIX.sub("", message).strip()) or "syntax error"


#: most characters that expanding internal XML entities may add to an RDF/XML file
MAX_ENTITY_EXPANSION = 1_000_000
_DOCTYPE = re.compile(rb"<!DOCTYPE\b(?P<body>[^\[>]*)")
_ENTITY = re.compile(rb"<!ENTITY\s+(?P<pe>%\s+)?(?P<name>[^\s]+)\s+(?P<rest>[^>]*)>", re.S)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_xml_safety(path: Path, data: bytes) -> None:
    """Refuse RDF/XML whose DTD could read files or blow up on expansion.

    pyoxigraph does not resolve external entities, but it does expand internal ones without a
    limit (a "billion laughs" file hangs it). So before parsing: no external DTD or entity
    (``SYSTEM``/``PUBLIC``), no parameter entities, no entity whose value refers to another
    entity, and at most :data:`MAX_ENTITY_EXPANSION` characters added by expansion. Plain
    prefix entities as Protégé writes them (``<!ENTITY owl "http://...#">``) still load.

    Every ``<!DOCTYPE`` and ``<!ENTITY`` in the file is checked wherever it is, inside a comment
    or a processing instruction included: a scanner that looked only at "the" DOCTYPE could be
    shown a decoy in a comment while the parser reads the real one after it.
    """
    if b"<!DOCTYPE" not in data and b"<!ENTITY" not in data:
        return
    for doctype in _DOCTYPE.finditer(data):
        if b"SYSTEM" in doctype["body"] or b"PUBLIC" in doctype["body"]:
            raise InputError(path, "refused: external XML DTD (not allowed)", _line_of(data, doctype.start()))
    entities: dict[bytes, int] = {}
    for m in _ENTITY.finditer(data):
        line = _line_of(data, m.start())
        rest = m["rest"].strip()
        if m["pe"] or rest.startswith((b"SYSTEM", b"PUBLIC")):
            raise InputError(
                path, f"refused: external XML entity {m['name'].decode(errors='replace')!r} (not allowed)", line
            )
        value = rest[1:-1] if len(rest) >= 2 and rest[:1] in b"\"'" and rest[-1:] == rest[:1] else None
        if value is None:
            raise InputError(path, "refused: malformed XML entity declaration", line)
        if b"&" in value or b"%" in value:
            raise InputError(
                path,
                f"refused: XML entity {m['name'].decode(errors='replace')!r} refers to other entities (possible entity-expansion bomb)",
                line,
            )
        entities[m["name"]] = max(entities.get(m["name"], 0), len(value))
    if data.count(b"<!ENTITY") != sum(1 for _ in _ENTITY.finditer(data)):
        raise InputError(path, "refused: malformed XML entity declaration", _line_of(data, data.find(b"<!ENTITY")))
    added = sum(size * data.count(b"&" + name + b";") for name, size in entities.items())
    if added > MAX_ENTITY_EXPANSION:
        raise InputError(
            path, f"refused: XML entities would expand by {added} characters (limit {MAX_ENTITY_EXPANSION})"
        )


def load_file(
    store: ox.Store,
    path: Path,
    graph: str,
    format: str | ox.RdfFormat | None = None,
) -> None:
    """Parse one file into ``store``; triples go to named graph ``graph`` (quads keep theirs)."""
    if Path(path).is_dir():  # (before its extension is looked at: "x" is a directory, not a format)
        raise InputError(path, "is a directory")
    fmt = resolve_format(path, format)
    # pyoxigraph refuses bytes that are not UTF-8 in every format; the file is decoded here
    # (a tenth of the parse time) only to name the bad byte's place when the parse fails
    data = read_rdf_bytes(path)
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml_safety(path, data)
    try:  # literals the store rewrites are recorded as written (axiskg.literals)
        literals.load(store, data, fmt, path.resolve().as_uri(), graph)
    except SyntaxError as exc:
        check_utf8_text(path, data)
        raise InputError(path, _syntax_problem(exc), exc.lineno, exc.offset) from None
    except ValueError as exc:  # e.g. an invalid IRI or an unsupported format
        raise InputError(path, parser_message(str(exc))) from None
    except MemoryError as exc:
        # pyoxigraph's Turtle/N-Triples/JSON-LD lexers refuse any token over 16 MiB
        # (e.g. a 20 MB literal); rdflib's parsers for the Turtle family have no such cap
        if fmt not in _RDFLIB_FALLBACK:
            raise InputError(path, f"cannot parse: {exc} (a single token is too large)") from None
        check_utf8_text(path, data)
        log.info("%s: a token is over pyoxigraph's 16 MiB limit; parsing it another way", path)
        if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            _load_lines(store, path, data, fmt, graph)
        else:
            _load_with_rdflib(store, path, data, fmt, graph)
    log.debug("loaded %s into <%s>", path, graph)


# one N-Triples / N-Quads statement (for lines over pyoxigraph's 16 MiB token cap); the literal
# pattern is the "unrolled loop" form, linear in the line's length
_NT_IRI = rb"<([^<>\"{}|^`\\\x00-\x20]*)>"
_NT_BNODE = rb"_:([A-Za-z0-9_][A-Za-z0-9_.\-]*)"
_NT_LITERAL = rb'"([^"\\\n\r]*(?:\\.[^"\\\n\r]*)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^<>"{}|^`\\\x00-\x20]*)>)?'
_NT_STATEMENT = re.compile(
    rb"[ \t]*(?:"
    + _NT_IRI
    + rb"|"
    + _NT_BNODE
    + rb")[ \t]*"
    + _NT_IRI
    + rb"[ \t]*(?:"
    + _NT_IRI
    + rb"|"
    + _NT_BNODE
    + rb"|"
    + _NT_LITERAL
    + rb")[ \t]*(?:(?:"
    + _NT_IRI
    + rb"|"
    + _NT_BNODE
    + rb")[ \t]*)?\.[ \t]*(?:#[^\n]*)?\r?"
)
_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_NT_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_LONG_LINE = 1 << 20  # lines at least this long are parsed by _NT_STATEMENT, the rest by pyoxigraph


def _nt_unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(3) is not None:
            if m.group(3) not in _NT_ECHAR:
                raise ValueError(f"bad escape \\{m.group(3)}")
            return _NT_ECHAR[m.group(3)]
        return chr(int(m.group(1) or m.group(2), 16))

    return _NT_ESCAPE.sub(one, text) if "\\" in text else text


def _load_lines(store: ox.Store, path: Path, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
    """N-Triples / N-Quads with a line over pyoxigraph's 16 MiB token cap, in time linear in
    the file's size: short lines in batches through pyoxigraph, long ones through
    :data:`_NT_STATEMENT`. Blank-node labels are made unique to this file."""
    import uuid

    prefix = "f" + uuid.uuid4().hex[:12]
    target = ox.NamedNode(graph)
    recorder = literals.Recorder(store, graph)

    def node(iri, bnode):
        return ox.NamedNode(iri.decode()) if iri is not None else ox.BlankNode(prefix + bnode.decode())

    def own(term):
        return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

    def flush(batch: list[bytes], first_line: int) -> None:
        if not batch:
            return
        try:
            for q in ox.parse(b"\n".join(batch), format=fmt):
                name = target if isinstance(q.graph_name, ox.DefaultGraph) else own(q.graph_name)
                store.add(recorder.quad(ox.Quad(own(q.subject), q.predicate, own(q.object), name)))
        except SyntaxError as exc:
            raise InputError(path, _syntax_problem(exc), first_line + (exc.lineno or 1) - 1) from None
        batch.clear()

    batch: list[bytes] = []
    start = size = 0
    line_no = 0
    for line_no, line in enumerate(data.split(b"\n"), 1):
        if len(line) < _LONG_LINE:
            if not batch:
                start = line_no
            batch.append(line)
            size += len(line)
            if size > 8 * _LONG_LINE:
                flush(batch, start)
                size = 0
            continue
        flush(batch, start)
        size = 0
        m = _NT_STATEMENT.fullmatch(line)
        if m is None:
            raise InputError(path, "syntax error in a statement over 1 MiB long (not an N-Triples statement)", line_no)
        g = m.groups()  # s-iri s-bnode p o-iri o-bnode o-lit lang datatype g-iri g-bnode
        try:
            subject, predicate = node(g[0], g[1]), ox.NamedNode(g[2].decode())
            if g[5] is not None:
                value = _nt_unescape(g[5].decode())
                if g[6] is not None:
                    obj = ox.Literal(value, language=g[6].decode())
                elif g[7] is not None:
                    obj = ox.Literal(value, datatype=ox.NamedNode(g[7].decode()))
                else:
                    obj = ox.Literal(value)
            else:
                obj = node(g[3], g[4])
            if g[8] is None and g[9] is None:
                name = target
            elif fmt == ox.RdfFormat.N_QUADS:
                name = node(g[8], g[9])
            else:
                raise ValueError("a graph name in N-Triples")
        except ValueError as exc:
            raise InputError(path, f"bad term: {parser_message(str(exc))}", line_no) from None
        store.add(recorder.quad(ox.Quad(subject, predicate, obj, name)))
    flush(batch, start)
    recorder.close()


#: formats whose rdflib parsers are pure (no network access), used for tokens over 16 MiB
_RDFLIB_FALLBACK = {
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.TRIG: "trig",
}


def _load_with_rdflib(store: ox.Store, path: Path, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
    import warnings

    dataset = rdflib.Dataset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(data=data, format=_RDFLIB_FALLBACK[fmt], publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; all mean "cannot parse"
        raise InputError(path, f"syntax error: {parser_message(str(exc))}") from None
    from axiskg import literals

    target = ox.NamedNode(graph)
    try:
        literals.add(
            store,
            (
                ox.Quad(
                    to_ox(s),
                    to_ox(p),
                    to_ox(o),
                    target if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else to_ox(g),
                )
                for s, p, o, g in dataset.quads((None, None, None, None))
            ),
            graph,
        )
    except ValueError as exc:  # rdflib lets through terms RDF forbids (an IRI with a space, from \u0020)
        raise InputError(path, f"bad term: {parser_message(str(exc))}") from None


def expand_path(path: Path) -> list[Path]:
    """A file as itself, a folder as the RDF files below it."""
    if path.is_dir():
        files = paths.rdf_files_under(path)
        if not files:
            raise InputError(path, "directory contains no RDF files")
        return files
    if not path.exists():
        raise InputError(path, "no such file or directory")
    return [path]


def count_triples(files: Iterable[Path], limit: int, format: str | None = None) -> int:
    """How many statements ``files`` hold, counted by parsing without storing and stopping
    once past ``limit`` (so a huge input is refused in time and memory bounded by the limit);
    a file that does not parse stops the count there (loading it names the problem)."""
    import itertools

    total = 0
    for path in files:
        try:
            data = read_rdf_bytes(path)
            fmt = resolve_format(path, format)
            if fmt == ox.RdfFormat.RDF_XML:
                check_xml_safety(path, data)
            total += sum(
                1
                for _ in itertools.islice(
                    ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()), limit + 1 - total
                )
            )
        except (SyntaxError, ValueError, MemoryError):
            continue
        if total > limit:
            break
    return total


# --------------------------------------------------------------------------- stores


def data_graph_name(root: Path, path: Path) -> str:
    """``data/<name>/...`` -> ``<GRAPH_NS><name>``; files directly in ``data/`` -> ``<GRAPH_NS>data``."""
    rel = path.relative_to(root / "data")
    return GRAPH_NS + (rel.parts[0] if len(rel.parts) > 1 else "data")


def load_store(
    root: Path | str | None = None,
    format: str | None = None,
    data: bool = True,
    progress: bool = False,
    inferred: bool = False,
) -> ox.Store:
    """The project's ontology and data in an in-memory store, one named graph per source.

    ``format`` overrides format detection for the data files; ``data=False`` loads only the
    ontology; ``progress=True`` shows a progress bar (files loaded) when stderr is a terminal;
    ``inferred=True`` adds the inferred graph (:mod:`axiskg.inference`), as published: what
    ``build``, ``release``, ``serve`` and ``query`` use (validation and checks see only what
    is asserted).
    Query the union with ``store.query(q, use_default_graph_as_union=True)``.
    """
    root = Path(root) if root is not None else paths.project_root()
    ontology = paths.ontology_files(root)
    if not ontology:
        raise InputError(root / "ontology", "no ontology files (*.ttl) found")
    jobs: list[tuple[Path, str, str | None]] = [(path, ONTOLOGY_GRAPH, None) for path in ontology]
    jobs += [(path, data_graph_name(root, path), format) for path in (paths.data_files(root) if data else ())]
    store = _load(jobs, progress)
    if inferred:
        from axiskg.inference import add_inferred

        add_inferred(store)
    return store


def _load(jobs: list[tuple[Path, str, str | None]], progress: bool) -> ox.Store:
    """A new store with each ``(path, graph, format)`` loaded, in order."""
    from axiskg.progress import bar

    store = ox.Store()
    with bar(len(jobs) if progress else 0, "load", "files") as step:
        for path, graph, fmt in jobs:
            load_file(store, path, graph, fmt)
            step(1)
    return store


def _user_jobs(given: Path | str, format: str | None) -> list[tuple[Path, str, str | None]]:
    return [(path, path.resolve().as_uri(), format) for path in expand_path(Path(given))]


def load_into(store: ox.Store, given: Path | str, format: str | None = None) -> None:
    """A user file, or the RDF files of a folder, each into named graph ``file://<abs path>``."""
    for path, graph, fmt in _user_jobs(given, format):
        load_file(store, path, graph, fmt)


def load_files(files: Iterable[Path | str], format: str | None = None, progress: bool = False) -> ox.Store:
    """Arbitrary user files and folders; each file goes into named graph ``file://<abs path>``.
    ``progress=True`` as for :func:`load_store`."""
    files = [Path(f) for f in files]
    if not files:
        raise InputError(None, "no input files given")
    return _load([job for given in files for job in _user_jobs(given, format)], progress)


def load_shapes(root: Path | str | None = None) -> rdflib.Graph:
    """All shape files of the project as one rdflib Graph."""
    root = Path(root) if root is not None else paths.project_root()
    files = paths.shape_files(root)
    if not files:
        raise InputError(root / "ontology" / "shapes", "no shape files (*.ttl) found")
    store = ox.Store()
    for path in files:
        load_file(store, path, path.resolve().as_uri())
    return to_rdflib(store)


# --------------------------------------------------------------------------- rdflib views


class TermConverter:
    """pyoxigraph terms -> rdflib terms; a blank node keeps one rdflib BNode throughout. With
    ``store``, a literal the store rewrote is given as written where that is unambiguous
    (:func:`axiskg.literals.as_written`)."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self._bnodes: dict[str, rdflib.BNode] = {}
        self._store = store

    def __call__(self, term):
        if self._store is not None:
            term = literals.as_written(self._store, term)
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            node = self._bnodes.get(term.value)
            if node is None:
                node = self._bnodes[term.value] = rdflib.BNode(term.value)
            return node
        if isinstance(term, ox.Literal):
            if term.language:
                return rdflib.Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == str(XSD.string):
                return rdflib.Literal(term.value)
            # keep the lexical form exactly as written
            return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
        raise InputError(None, f"unsupported RDF term (RDF-star?): {term}")


def to_ox(term):
    """An rdflib term as the pyoxigraph term (the inverse of :class:`TermConverter`)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_rdflib(store: ox.Store, graphs: Iterable[str] | None = None, as_written: bool = True) -> rdflib.Graph:
    """The union of all graphs of ``store`` (or of the named ``graphs``) as a plain rdflib Graph:
    its literals as the files wrote them (``as_written``, the default) or as the store holds them
    (:mod:`axiskg.literals`)."""
    convert = TermConverter()
    out = rdflib.Graph()
    if graphs is None:
        quad_sets = [store.quads_for_pattern(None, None, None)]
    else:
        quad_sets = [store.quads_for_pattern(None, None, None, ox.NamedNode(g)) for g in graphs]
    for quads in quad_sets:
        for s, p, o, _ in literals.written_quads(store if as_written else None, quads):
            out.add((convert(s), convert(p), convert(o)))
    return out


def written_term(store: ox.Store):
    """``written(term) -> term``: an rdflib literal of ``store`` as written, where the store
    rewrote it and that is unambiguous (:func:`axiskg.literals.as_written`); other terms as they are."""
    convert = TermConverter(store)

    def written(term):
        return convert(to_ox(term)) if isinstance(term, rdflib.Literal) else term

    return written


def graph_ntriples(store: ox.Store, as_written: bool = False) -> list[bytes]:
    """Every graph of ``store`` (the named ones, then the default graph) as N-Triples bytes,
    one ``S P O .`` line per triple, written inside pyoxigraph; ``as_written``: the literals the
    store rewrote as the files wrote them (:func:`axiskg.literals.written_ntriples`). The union
    of the graphs is the set of all these lines (a triple in several graphs appears in several
    of them); blank nodes keep the store's labels, which are the same in every graph."""
    from axiskg import literals

    graphs = sorted(store.named_graphs(), key=str) + [ox.DefaultGraph()]
    dumps = [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in graphs]
    if as_written:
        swaps = literals.line_swaps(store)
        dumps = [literals.written_ntriples(d, swaps.get(g)) for g, d in zip(graphs, dumps)]
    return dumps


def parse_ntriples(data: bytes):
    """Triples of N-Triples bytes this program wrote (no error handling needed)."""
    return ox.parse(data, format=ox.RdfFormat.N_TRIPLES)


def triples_to_rdflib(triples: Iterable) -> rdflib.Graph:
    """pyoxigraph triples as a plain rdflib Graph (blank-node labels kept)."""
    convert = TermConverter()
    out = rdflib.Graph()
    for t in triples:
        out.add((convert(t.subject), convert(t.predicate), convert(t.object)))
    return out


def ontology_graph(store: ox.Store) -> rdflib.Graph:
    """The ontology's named graph as an rdflib Graph."""
    return to_rdflib(store, [ONTOLOGY_GRAPH])


def data_graph(store: ox.Store) -> rdflib.Graph:
    """Every graph except the ontology's (default graph included) as one rdflib Graph."""
    from axiskg import literals

    convert = TermConverter()
    out = rdflib.Graph()
    for s, p, o, graph in literals.written_quads(store, store.quads_for_pattern(None, None, None)):
        if isinstance(graph, ox.NamedNode) and graph.value == ONTOLOGY_GRAPH:
            continue
        out.add((convert(s), convert(p), convert(o)))
    return out


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


def source_locator(store: ox.Store):
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


def definition_locator(store: ox.Store, root: Path | str | None = None):
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


# --------------------------------------------------------------------------- literal checks


# rdflib logs a warning with a traceback for every ill-typed literal it converts; such literals
# are reported as data problems by literal_problems() instead (file and line)
class _QuietIllTyped(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


logging.getLogger("rdflib.term").addFilter(_QuietIllTyped())

# characters XML 1.0 cannot hold (RDF/XML, and so owlready2 and HermiT, refuse them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _lexical_problem(literal: ox.Literal) -> str | None:
    """Why an XSD-typed literal is ill-typed (rdflib's reading of the datatypes, ranges of the
    integer-derived types included), or ``None``."""
    datatype = literal.datatype.value
    if not datatype.startswith(str(XSD)) or datatype == str(XSD.string):
        return None
    if rdflib.Literal(literal.value, datatype=rdflib.URIRef(datatype), normalize=False).ill_typed is not True:
        return None
    return f"ill-typed literal: {literal.value[:60]!r} is not a valid {compact(datatype, brackets=True)}"


def _literal_problem(literal: ox.Literal, xml: bool, longest: int | None) -> str | None:
    """Why ``literal`` is refused (see :func:`bad_literals`), or ``None``."""
    problem = _lexical_problem(literal)
    bad = _NOT_XML.search(literal.value) if problem is None and xml else None
    if bad:
        problem = f"literal holds U+{ord(bad.group()):04X}, which RDF/XML (and so the OWL tools) cannot carry"
    elif problem is None and longest is not None and len(literal.value) > longest:
        problem = (
            f"literal of {len(literal.value):,} characters: over the {longest:,} that the OWL "
            "reasoner is given (AXISKG_REASON_MAX_LITERAL_MB)"
        )
    return problem


def _graph_files(root: Path | None, graph: str) -> list[Path]:
    if graph.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return [Path(unquote(urlparse(graph).path))]
    if root is None:
        return []
    if graph == ONTOLOGY_GRAPH:
        return paths.ontology_files(root)
    return [p for p in paths.data_files(root) if data_graph_name(root, p) == graph]


def _find_line(files: list[Path], text: str) -> tuple[Path | None, int | None]:
    """The file of ``files`` and the line where the literal ``text`` is first written."""
    for needle in (f'"{text[:200]}'.encode(), text[:200].encode("utf-8")):
        for path in files:
            try:
                data = read_input(path)
            except InputError:
                continue
            at = data.find(needle) if needle else -1
            if at >= 0:
                return path, _line_of(data, at)
    return (files[0] if len(files) == 1 else None), None


def refuse_bad_literals(
    store: ox.Store, root: Path | None = None, xml: bool = False, longest: int | None = None
) -> None:
    """Raise the last of :func:`literal_problems` (exit 2), the others printed on stderr first:
    for commands that cannot continue on them (build, reason)."""
    import sys

    problems = literal_problems(store, root, xml, longest)
    if problems:
        for problem in problems[:-1]:
            print(f"axiskg: error: {problem}", file=sys.stderr)
        raise problems[-1]


@dataclass(frozen=True)
class BadLiteral:
    """A literal of the data that is ill-typed (or, for the OWL tools, holds a character XML
    cannot carry): the triple it is the object of, as written, and where it is written."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    literal: ox.Literal  # as written (see axiskg.literals)
    graph: str
    problem: str
    path: str  # the file (or graph) it is written in
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def error(self) -> InputError:
        return InputError(self.path, self.problem, self.line)


def literal_problems(
    store: ox.Store, root: Path | None = None, xml: bool = False, longest: int | None = None
) -> list[InputError]:
    """:func:`bad_literals` as errors naming file and line, one per literal and file."""
    errors = {(b.path, b.line, b.problem): b.error() for b in bad_literals(store, root, xml, longest)}
    return [errors[key] for key in sorted(errors, key=lambda k: (k[0], k[1] or 0, k[2]))]


def bad_literals(
    store: ox.Store, root: Path | None = None, xml: bool = False, longest: int | None = None
) -> list[BadLiteral]:
    """Ill-typed literals (``"abc"^^xsd:integer``, ``"2024-13-45"^^xsd:date``, ``"300"^^xsd:byte``)
    as written, as rdflib reads the XSD datatypes, with ``xml=True`` literals holding characters
    XML 1.0 cannot carry (U+0000 ...), and with ``longest`` literals longer than that (the OWL
    reasoner's limit), each with its triple and the file and line
    where it is written, where they can be found (``root``: the project whose data graphs to
    look in), sorted by file and line."""
    # the candidates are found inside pyoxigraph: typed XSD literals (not xsd:string), and
    # literals with a character XML cannot hold; literals the store rewrote are checked as written
    typed = f'isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{XSD}") && DATATYPE(?o) != <{XSD}string>'
    control = r'isLiteral(?o) && REGEX(STR(?o), "[\\x{0}-\\x{8}\\x{B}\\x{C}\\x{E}-\\x{1F}\\x{FFFE}\\x{FFFF}]")'
    condition = f"({typed}) || ({control})" if xml else typed
    if longest is not None:
        condition += f" || (isLiteral(?o) && STRLEN(STR(?o)) > {int(longest)})"
    query = f"SELECT DISTINCT ?g ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({condition}) }}"
    from axiskg.querying import solutions

    problems: dict[ox.Literal, str | None] = {}  # each distinct literal is checked once

    def problem_of(literal: ox.Literal) -> str | None:
        if literal not in problems:
            problems[literal] = _literal_problem(literal, xml, longest)
        return problems[literal]

    found: list[tuple] = []  # (subject, predicate, literal as written, graph, problem)
    record = literals.table(store)
    for row in solutions(store, query):
        graph, stored = row[0], row[1]
        if not isinstance(graph, ox.NamedNode):
            continue
        for q in store.quads_for_pattern(None, None, stored, graph) if problem_of(stored) else ():
            if record is None or (q.subject, q.predicate, stored, graph) not in record.quads:
                found.append((q.subject, q.predicate, stored, graph, problem_of(stored)))
    for (s, p, _, graph), written in record.quads.items() if record is not None else ():
        for literal in written:
            problem = problem_of(literal)
            if problem is not None and isinstance(graph, ox.NamedNode):
                found.append((s, p, literal, graph, problem))
    out = []
    for s, p, literal, graph, problem in found:
        path, line = _find_line(_graph_files(root, graph.value), literal.value.replace("\x00", "\\u0000"))
        out.append(BadLiteral(s, p, literal, graph.value, problem, str(path or describe_graph(graph.value)), line))
    out.sort(key=lambda b: (b.path, b.line or 0, b.problem, str(b.subject), str(b.predicate)))
    return out
