"""Where a SPARQL query is wrong, said once for every entry point: ``axiskg query``, the shapes'
``sh:select`` and the endpoint all report a syntax error through :func:`locate`, so they name the
same line and column for the same text.

pyoxigraph's parser says where it gave up (``error at 1:25: expected one of ...``), often at
the end of the query; rdflib's points at the start of the faulty element. :func:`locate` takes
rdflib's place where rdflib's parser fails too (pyoxigraph's otherwise) and turns pyoxigraph's
message into words (:func:`syntax_problem`).
"""

from __future__ import annotations

import re


def locate(exc: SyntaxError, query: str) -> tuple[str, int | None, int | None]:
    """(a readable problem, line, column) of pyoxigraph's ``SyntaxError`` on ``query``."""
    problem, line, column = syntax_problem(exc.msg or str(exc), query)
    where = _rdflib_location(query)
    return (problem, *where) if where else (problem, line, column)


def _rdflib_location(sparql: str) -> tuple[int, int] | None:
    """Where rdflib's parser stops on ``sparql``: it points at the start of the faulty element,
    where pyoxigraph often points at the end of the query. ``None`` if rdflib parses it."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(sparql)
    except Exception as exc:  # pyparsing.ParseException and friends
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        return (line, column) if isinstance(line, int) and isinstance(column, int) else None
    return None


_ERROR_AT = re.compile(r"error at (?P<line>\d+):(?P<column>\d+):\s*")
_TOKEN = re.compile(r"<[^>\s]*>?|\"[^\"\n]*\"?|[?$]?[\w:.-]+|\S")
# parser alternatives that only confuse a reader: character classes, RDF 1.2 and extension keywords
_NOISE = re.compile(r"""^\[.*\]$|^'.*'$|^"\{\|"$|^"~"$|^LATERAL$|^SERVICE$""", re.S)
_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*')


def syntax_problem(message: str, query: str) -> tuple[str, int | None, int | None]:
    """(a readable problem, line, column) from a SPARQL parser error such as pyoxigraph's
    ``error at 1:25: expected one of LATERAL, SERVICE, [_]``: names what was found there
    ("unexpected '}'") and what could come instead, without character classes and keywords
    of extensions."""
    m = _ERROR_AT.match(message)
    if not m:
        return message.strip(), None, None
    line, column = int(m["line"]), int(m["column"])
    lines = query.split("\n")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    if query != query.rstrip() and offset >= len(query.rstrip()):
        # pyoxigraph reports trailing whitespace as the place, with a misleading "expected
        # OPTIONAL": parse the query without it (on an empty store) for its real complaint
        import pyoxigraph as ox

        try:
            ox.Store().query(query.rstrip())
        except SyntaxError as exc:
            return syntax_problem(exc.msg or str(exc), query.rstrip())
    rest = message[m.end() :].strip()
    expected = []
    if rest.startswith("expected "):
        body = rest[len("expected ") :]
        body = body[len("one of ") :] if body.startswith("one of ") else body
        for item in _ITEM.findall(body):
            item = item.strip()
            if item and not _NOISE.match(item):
                expected.append(f"'{item[1:-1]}'" if item.startswith('"') else item)
    # pyoxigraph points just after the token it could not use, or at the end of the query when
    # it ran out of input (then "}" is among what it expected)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    index = max(column - 1, 0)
    at_end = line >= len(lines) and not text[index:].strip()
    if at_end and ("'}'" in expected or not text[:index].strip()):
        found = "the end of the query"
    else:
        starting = _TOKEN.match(text, index) if text[index : index + 1].strip() else None
        before = list(_TOKEN.finditer(text[:index]))
        token = starting or (before[-1] if before else None)
        found = f"'{token.group(0)}'" if token else "the end of the line"
    problem = "the query ends too early" if found == "the end of the query" else f"unexpected {found}"
    if found in ("'}'", "'.'") and all(e.isupper() for e in expected):
        expected = []  # keywords (BIND, OPTIONAL, ...) where an object is missing: no help
    if expected:
        problem += f"; expected {', '.join(expected[:8])}{' ...' if len(expected) > 8 else ''}"
    elif found.strip("'") in ("}", "."):
        problem += " (is a triple pattern missing its object?)"
    return problem, line, column
