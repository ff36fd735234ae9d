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


def _clip_distinct(values: list[str], width: int) -> list[str]:
    """Each of ``values`` cut to ``width`` characters (with "…"), except that two different
    values never come out the same: where they would, each keeps the end that tells it apart
    (``Role of the U.S.-Jap…decreases``), or, where they differ only in the middle, as much of
    its start as it takes (whole, if one is the start of the other)."""
    if width <= 0:
        return values
    clipped = {v: v if len(v) <= width else v[: max(width - 1, 1)] + "…" for v in set(values)}
    by_text: dict[str, list[str]] = {}
    for value, text in clipped.items():
        by_text.setdefault(text, []).append(value)
    for same in (group for group in by_text.values() if len(group) > 1):
        clipped.update(_told_apart(sorted(same), width))
    return [clipped[v] for v in values]


def _told_apart(group: list[str], width: int) -> dict[str, str]:
    """Texts for ``group`` (different values whose cut reads the same) that all differ."""
    for tail in range(1, width - 5):
        texts = {v: v if len(v) <= width else v[: width - 1 - tail] + "…" + v[-tail:] for v in group}
        if len(set(texts.values())) == len(group):
            # the end from a word's start, where that leaves a useful head: "…decreases", not "…s"
            longest = max((len(v) - v.rfind(" ", 0, len(v) - tail) - 1 for v in group), default=tail)
            tail = longest if longest <= width - 9 else tail
            return {v: v if len(v) <= width else v[: width - 1 - tail] + "…" + v[-tail:] for v in group}
    texts = {}
    for i, value in enumerate(group):
        neighbours = group[max(i - 1, 0) : i] + group[i + 1 : i + 2]
        keep = max(width - 1, max(len(_common_prefix(value, n)) for n in neighbours) + 1)
        texts[value] = value if keep >= len(value) else value[:keep] + "…"
    return texts


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _fit(natural: list[int], total: int, gap: int, least: int = 8) -> list[int]:
    """Column widths summing (with ``gap`` between columns) to at most ``total``: columns
    narrower than an even share keep their width, the others share what is left evenly, none
    below ``least`` (on a terminal too narrow for that, lines come out longer); ``total`` <= 0:
    the natural widths."""
    room = total - gap * (len(natural) - 1)
    if total <= 0 or sum(natural) <= room:
        return list(natural)
    widths = list(natural)
    wide = set(range(len(natural)))
    while wide:
        share = room // len(wide)
        narrow = {i for i in wide if natural[i] <= share}
        if not narrow:
            extra = room - share * len(wide)
            for rank, i in enumerate(sorted(wide, key=lambda i: -natural[i])):
                widths[i] = max(least, share + (1 if rank < extra else 0))
            break
        room -= sum(natural[i] for i in narrow)
        wide -= narrow
    return widths


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def text_table(table: Table, width: int = 0, columns: int = 0) -> str:
    """An aligned plain-text table for people. ``width`` > 0 cuts each cell to that many
    characters (never two different values to the same text); ``columns`` > 0 (a terminal's
    width) wraps cells so that every line fits in it: nothing is lost. Control characters in
    values are shown as escapes (:func:`axiskg.terminal.escape`)."""
    if table.boolean is not None:
        return ("yes" if table.boolean else "no") + "\n"
    texts = [[" ".join(escape(short(t, table.prefixes)).split()) for t in row] for row in table.rows]
    by_column = [_clip_distinct([r[i] for r in texts], width) for i in range(len(table.columns))]
    cells = [list(r) for r in zip(*by_column)] if texts else []
    natural = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    widths = _fit(natural, columns, 2)
    wraps = widths != natural

    def lines_of(row: list[str]) -> list[str]:
        parts = [_wrapped(cell, w) for cell, w in zip(row, widths)]
        return [
            "  ".join((p[k] if k < len(p) else "").ljust(w) for p, w in zip(parts, widths)).rstrip()
            for k in range(max(len(p) for p in parts))
        ]

    lines = [*lines_of(list(table.columns)), "  ".join("-" * w for w in widths)]
    for i, row in enumerate(cells):
        row_lines = lines_of(row)
        if wraps and i:
            lines.append("")  # in a wrapped table, a blank line between rows
        lines += row_lines
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
    from axiskg.vocab import PUBLISHED_PREFIXES

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
    known = {**PUBLISHED_PREFIXES, **{p: ns for p, ns in table.prefixes.items() if p}}
    return serialize.write(lines, "turtle", known).decode("utf-8")


def format_table(table: Table, fmt: str = "table", width: int = 0, columns: int = 0) -> str:
    """``table`` as text in one of :data:`FORMATS` (a CONSTRUCT/DESCRIBE answer in one of
    :data:`GRAPH_FORMATS`, see :func:`format_triples`); ``width`` and ``columns``: see
    :func:`text_table`."""
    if table.triples is not None:
        return format_triples(table, fmt)
    if fmt in GRAPH_FORMATS:
        raise InputError(
            None,
            f"--format {fmt} is for CONSTRUCT and DESCRIBE answers; a SELECT or ASK answer "
            f"is written as {', '.join(FORMATS)}",
        )
    if fmt == "table":
        return text_table(table, width, columns)
    if fmt == "csv":
        return _serialized(table, ox.QueryResultsFormat.CSV)
    if fmt == "tsv":
        return _serialized(table, ox.QueryResultsFormat.TSV)
    if fmt == "json":
        return json.dumps(json_results(table), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown(table)
    raise InputError(None, f"unknown output format {fmt!r} (known: {', '.join(FORMATS)})")
