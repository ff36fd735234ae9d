"""Result tables: what a query answered (:class:`Table`, the same for the local store and an
endpoint), written for people (an aligned table, Markdown) or programs (SPARQL 1.1 JSON, CSV,
TSV; a CONSTRUCT or DESCRIBE answer as Turtle, N-Triples or JSON-LD)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from axiskg import vocab
from axiskg.errors import InputError
from axiskg.rdfio.formats import QUERY_GRAPH_FORMATS, QUERY_TABLE_FORMATS
from axiskg.terminal import escape

#: formats of a SELECT or ASK answer, and of a CONSTRUCT or DESCRIBE answer (a graph; "table"
#: writes it as Turtle)
FORMATS, GRAPH_FORMATS = QUERY_TABLE_FORMATS, QUERY_GRAPH_FORMATS
XSD_STRING = vocab.XSD + "string"


@dataclass
class Table:
    """A SELECT result (``columns`` and ``rows`` of pyoxigraph terms or ``None``), an ASK
    result (``boolean`` set, no columns), or a CONSTRUCT/DESCRIBE result (``triples`` set: a
    list of pyoxigraph triples, no columns)."""

    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    prefixes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    triples: list | None = None


def json_results(table: Table) -> dict:
    """The SPARQL 1.1 Query Results JSON document of ``table``."""
    if table.boolean is not None:
        return {"head": {}, "boolean": table.boolean}
    bindings = []
    for row in table.rows:
        b = {}
        for column, term in zip(table.columns, row):
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                b[column] = {"type": "uri", "value": term.value}
            elif isinstance(term, ox.BlankNode):
                b[column] = {"type": "bnode", "value": term.value}
            else:
                b[column] = {"type": "literal", "value": term.value}
                if term.language:
                    b[column]["xml:lang"] = term.language
                elif term.datatype.value != XSD_STRING:
                    b[column]["datatype"] = term.datatype.value
        bindings.append(b)
    return {"head": {"vars": list(table.columns)}, "results": {"bindings": bindings}}


def _serialized(table: Table, fmt: ox.QueryResultsFormat) -> str:
    doc = json.dumps(json_results(table))
    data = ox.parse_query_results(doc, ox.QueryResultsFormat.JSON).serialize(format=fmt)
    return (data or b"").decode("utf-8")


def short(term, prefixes: dict[str, str] | None = None) -> str:
    """A term for people: IRIs as prefixed names where a prefix fits, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return vocab.compact(term.value, prefixes or {}, brackets=True, pname=True)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if width <= 0 or len(text) <= width else text[: max(width - 1, 1)] + "…"


def text_table(table: Table, width: int = 0) -> str:
    """An aligned plain-text table; ``width`` > 0 clips each cell to that many characters."""
    if table.boolean is not None:
        return ("yes" if table.boolean else "no") + "\n"
    cells = [[_clip(escape(short(t, table.prefixes)), width) for t in row] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    n = len(table.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def markdown(table: Table) -> str:
    if table.boolean is not None:
        return f"{'true' if table.boolean else 'false'}\n"
    out = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    for row in table.rows:
        out.append("| " + " | ".join(escape(short(t, table.prefixes)).replace("|", "\\|") for t in row) + " |")
    return "\n".join(out) + "\n"


def format_triples(table: Table, fmt: str = "turtle") -> str:
    """A CONSTRUCT/DESCRIBE answer as Turtle (``table`` too), N-Triples (sorted lines) or
    JSON-LD (compacted with the context of :mod:`axiskg.rdfio.jsonld_context`), deterministically."""
    from axiskg.rdfio import serialize
    from axiskg.rdfio.terms import parse_ntriples, triples_to_rdflib

    if fmt not in ("table", *GRAPH_FORMATS):
        raise InputError(
            None,
            f"--format {fmt} is for SELECT and ASK answers; a CONSTRUCT or DESCRIBE answer "
            f"is written as {', '.join(GRAPH_FORMATS)}",
        )
    written = ox.serialize(table.triples or [], format=ox.RdfFormat.N_TRIPLES) or b""
    lines = sorted(set(written.splitlines(keepends=True)))
    ntriples = b"".join(lines)
    if fmt == "ntriples":
        return ntriples.decode("utf-8")
    if fmt == "jsonld":
        graph = triples_to_rdflib(parse_ntriples(ntriples))
        return serialize.serialize(graph, "jsonld").decode("utf-8")
    known = {**serialize.KNOWN_PREFIXES, **{p: ns for p, ns in table.prefixes.items() if p}}
    return serialize.write(lines, "turtle", known).decode("utf-8")


def format_table(table: Table, fmt: str = "table", width: int = 0) -> str:
    """``table`` as text in one of :data:`FORMATS` (a CONSTRUCT/DESCRIBE answer in one of
    :data:`GRAPH_FORMATS`, see :func:`format_triples`)."""
    if table.triples is not None:
        return format_triples(table, fmt)
    if fmt in GRAPH_FORMATS:
        raise InputError(
            None,
            f"--format {fmt} is for CONSTRUCT and DESCRIBE answers; a SELECT or ASK answer "
            f"is written as {', '.join(FORMATS)}",
        )
    if fmt == "table":
        return text_table(table, width)
    if fmt == "csv":
        return _serialized(table, ox.QueryResultsFormat.CSV)
    if fmt == "tsv":
        return _serialized(table, ox.QueryResultsFormat.TSV)
    if fmt == "json":
        return json.dumps(json_results(table), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown(table)
    raise InputError(None, f"unknown output format {fmt!r} (known: {', '.join(FORMATS)})")
