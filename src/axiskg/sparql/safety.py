"""Refuse what a read-only public endpoint must never run: SPARQL Update and SERVICE.

Both rdflib and pyoxigraph execute ``SERVICE <url> { ... }`` by sending an HTTP request to
``url`` (server-side request forgery), and pyoxigraph has no switch to turn that off. So every
query is checked here, before it reaches any engine, by a small lexer that follows the SPARQL
1.1 grammar for the only places where the word may harmlessly appear: string literals, IRIs
(``<...>``), comments, variable names and the local part of prefixed names.

The check is deliberately conservative. pyoxigraph matches keywords without a word boundary
(measured: ``SERVICE:x {..}``, ``SERVICEx: {..}``, ``?s ?p 12SERVICE <u> {..}`` and
``?s ?p trueSERVICE <u> {..}`` all make it connect), so *any* other occurrence of the letters
``service`` in any case, including inside a prefix label or glued to a number, is refused.
Wherever the lexer is unsure (an unterminated string, a backslash outside a string, an IRI
holding an escape) it reads the text as code, which can only refuse more, never less. SPARQL
also allows ``\\uXXXX`` escapes; a query holding one is checked both as written and with the
escapes applied. The cost is a few microseconds per query (see ``benchmarks/serve_bench.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: keywords that open a SPARQL 1.1 Update operation
UPDATE_KEYWORDS = frozenset({"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"})
#: the four query forms
QUERY_FORMS = ("select", "ask", "construct", "describe")

# The tokens that hide text from the check, scanned left to right (leftmost match wins, as in
# a lexer). Strings must be terminated on the same line (short) or at all (long): an
# unterminated quote is skipped and the rest is read as code. IRIREF excludes whitespace and
# <>"{}|^`\ exactly as the grammar does. Comments stop at any line terminator (ending one early
# only exposes more text to the check). A backslash outside a string takes the next character
# with it, so "\#" never opens a comment. Everything else is code.
_HIDING = re.compile(
    r"""
      (?P<comment>\#[^\n\r\x0b\x0c\x85\u2028\u2029]*)
    | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}
               | '{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               | "(?:[^"\\\n\r]|\\[^\n\r])*"
               | '(?:[^'\\\n\r]|\\[^\n\r])*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_]+)
    | (?P<pname>(?P<prefix>[A-Za-z][A-Za-z0-9_-]*)?:[A-Za-z0-9_-]*)
    | (?P<escape>\\.)
    | (?P<word>[A-Za-z0-9_-]+)
    """,
    re.X | re.S,
)
# the first keyword once the prologue (BASE <iri>, PREFIX p: <iri>) is taken out
_FIRST_KEYWORD = re.compile(r"\s*(?:(?:base|prefix(?:\s+[A-Za-z][A-Za-z0-9_-]*)?)\s+)*([A-Za-z]+)", re.I)
_NESTING = re.compile(r"[(){}\[\]!+\-*/|&=<>^]")
#: the deepest nesting of brackets a query may have (pyoxigraph's parser recurses on them)
MAX_DEPTH = 100
#: the deepest nesting of brackets and operators together (see :func:`_nesting`): pyoxigraph's
#: parser crashes the process past about 1,000 steps of a property path and 10,000 ``!`` or ``+``
MAX_NESTING = 256
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Refused(Exception):
    """A query this endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Inspection:
    """What the lexer saw: the query form (``select``/``ask``/``construct``/``describe``,
    or ``None`` when the text opens with none of them: the parser will say why)."""

    form: str | None


def _unescape(text: str) -> str:
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _UNICODE_ESCAPE.sub(char, text)


def _code(text: str) -> str:
    """``text`` with strings, IRIs, comments, variables and local names blanked out, under
    *every* reading of ``<``. A ``<`` that opens an IRI for this lexer may be a less-than
    operator for the parser (``FILTER(?x<'a>') ...`` compares with the string ``'a>'``: no IRI
    there), which then lexes what follows differently. The lexer is a function of the position
    alone, so all readings are explored by visiting each reachable token start once: an IRI at
    ``p`` also leads to ``p + 1`` with ``<`` as code. A character is code if it is code in any
    reading (which can only refuse more), with one exception that keeps IRIs such as
    ``<http://www.w3.org/ns/sparql-service-description#>`` usable: inside the would-be IRI, the
    operator reading counts as code only from its first ``)`` on, because ``<`` is an operator
    only inside an expression, always in brackets, and SERVICE can only follow once the
    expression is closed."""
    n = len(text)
    inside = bytearray(n)  # 1: inside a token of the first reading, not at its start
    iris: list[tuple[int, int]] = []

    def first_reading(m: re.Match) -> str:
        start, end, kind = m.start(), m.end(), m.lastgroup
        if end - start > 1:
            inside[start + 1 : end] = b"\x01" * (end - start - 1)
        if kind == "pname":
            prefix = m.group("prefix") or ""
            return prefix + " " * (end - start - len(prefix))
        if kind in ("escape", "word"):
            return m.group()
        if kind == "iri":
            iris.append((start, end))
        return " " * (end - start)

    code = _HIDING.sub(first_reading, text)
    # the other readings, each followed only until it is back in step with the first one
    marked = bytearray(n)
    seen: set = set()
    todo = []
    for start, end in iris:
        close = text.find(")", start + 1, end)
        todo.append((start + 1, end if close < 0 else close))
    while todo:
        pos, quiet = todo.pop()
        while pos < n:
            if pos >= quiet and not inside[pos]:
                break  # a token start of the first reading: from here on both read alike
            key = pos if pos >= quiet else (pos, quiet)
            if key in seen:
                break
            seen.add(key)
            m = _HIDING.match(text, pos)
            if m is None:  # punctuation, space, anything else: code
                if pos >= quiet:
                    marked[pos] = 1
                pos += 1
                continue
            kind = m.lastgroup
            if pos < quiet:
                pass
            elif kind == "pname":  # the prefix label is code: "SERVICE:x" is a SERVICE clause
                end = pos + len(m.group("prefix") or "")
                marked[pos:end] = b"\x01" * (end - pos)
            elif kind in ("escape", "word"):
                marked[pos : m.end()] = b"\x01" * (m.end() - pos)
            if kind == "iri":
                close = text.find(")", pos + 1, m.end())
                todo.append((pos + 1, m.end() if close < 0 else close))
            pos = m.end()
    if not any(marked):
        return code
    return "".join(text[i] if marked[i] else c for i, c in enumerate(code))


def nesting_depth(code: str) -> int:
    """The deepest nesting of ``(``, ``{`` and ``[`` in ``code`` (from :func:`_code`)."""
    return _nesting(code)[0]


def _nesting(code: str) -> tuple[int, int]:
    """(bracket depth, operator nesting) of ``code``. The parser recurses on operators as on
    brackets: ``!!!x`` is three nested negations, ``1+1+1`` and ``a/b/c`` chains are trees as
    deep as they are long. So an operator counts one level inside the bracket that holds it,
    until that bracket closes; the operator nesting is the deepest sum of open brackets and
    their operators. Each character of ``&&``, ``!=`` ... counts, which can only refuse more."""
    frames = [0]  # operators seen in each open bracket (the first: outside any)
    depth = deepest = nested = deepest_nested = 0
    for m in _NESTING.finditer(code):
        char = m.group()
        if char in "({[":
            frames.append(0)
            depth += 1
            nested += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            if len(frames) > 1:
                nested -= 1 + frames.pop()
                depth -= 1
        else:
            frames[-1] += 1
            nested += 1
        deepest_nested = max(deepest_nested, nested)
    return deepest, deepest_nested


def mask(text: str) -> str:
    """``text`` with strings, IRIs and comments replaced by spaces of the same length (so offsets
    still match the original); variables, prefixed names, words and punctuation are kept."""

    def blank(m: re.Match) -> str:
        return " " * len(m.group()) if m.lastgroup in ("comment", "string", "iri") else m.group()

    return _HIDING.sub(blank, text)


@lru_cache(maxsize=4096)
def inspect(query: str) -> Inspection:
    """Check ``query`` before execution; raise :class:`Refused` for Update or SERVICE.
    (Answers are cached by query text; a refusal is raised again each time.)"""
    code = _code(query)
    depth, nested = _nesting(code)
    if depth > MAX_DEPTH:
        raise Refused(
            400,
            f"the query nests brackets {depth} deep; at most {MAX_DEPTH} are allowed "
            "(checked before parsing: deeper nesting could crash the parser)",
        )
    if nested > MAX_NESTING:
        raise Refused(
            400,
            f"the query nests operators and brackets {nested} deep (each operator such as ! + - / || "
            f"counts as one level inside its brackets); at most {MAX_NESTING} are allowed "
            "(checked before parsing: deeper nesting could crash the parser)",
        )
    m = _FIRST_KEYWORD.match(code)
    first = m.group(1).casefold() if m else None
    service = "service" in code.casefold()
    if not service and ("\\u" in query or "\\U" in query):
        service = "service" in _code(_unescape(query)).casefold()
    if first in UPDATE_KEYWORDS:
        raise Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if service:
        raise Refused(
            403,
            "SERVICE is not allowed: this endpoint does not query other endpoints "
            "(the word 'service' may appear only in strings, IRIs, comments, variable names "
            "and the local part of prefixed names)",
        )
    return Inspection(form=first if first in QUERY_FORMS else None)
