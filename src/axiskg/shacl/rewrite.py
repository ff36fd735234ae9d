"""Rewrites of query text: the compiled query made faster on pyoxigraph, a shape's query made
ready for pyoxigraph's substitution of pre-bound variables."""

from __future__ import annotations

import re

from axiskg.sparql.safety import mask

WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.I)
_VAR = re.compile(r"[?$]([A-Za-z0-9_]+)")
_NOT_A_PLAIN_PATTERN = re.compile(
    r"\b(?:FILTER|OPTIONAL|BIND|VALUES|MINUS|EXISTS|NOT|SELECT|GRAPH|SERVICE|UNION)\b", re.I
)
_FORM = re.compile(r"\b(SELECT|ASK)\b(\s+(?:DISTINCT|REDUCED)\b)?", re.I)


def _closing(code: str, opening: int) -> int:
    """The offset of the ``}`` that closes the ``{`` at ``opening`` (-1 if none)."""
    depth = 0
    for i in range(opening, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def not_exists_as_minus(query: str) -> str:
    """``query`` with its outermost group's final ``FILTER NOT EXISTS { P }`` written as
    ``MINUS { P }`` when the two are equivalent, else ``query`` unchanged.

    pyoxigraph evaluates ``FILTER NOT EXISTS`` once per row (a reachability path from every
    focus node: seconds at 1M triples) but ``MINUS`` once for all rows (milliseconds). SHACL
    forbids MINUS in the shapes themselves (pre-binding), so the compiled query is rewritten.
    Equivalent here because: P is a plain basic graph pattern (triples and property paths; no
    nested group, filter, optional, bind, values or sub-select), the only variable P shares with
    the rest of the query is ``?this``, which every row binds (the targets are joined in), and P
    mentions it; and the filter is the group's last element, so MINUS applies to the whole group.
    """
    code = mask(query)
    where = WHERE.search(code)
    if where is None:
        return query
    body_end = _closing(code, where.end() - 1)
    found = None
    for m in _NOT_EXISTS.finditer(code, where.end(), body_end):
        found = m
    if found is None:
        return query
    block_end = _closing(code, found.end() - 1)
    if block_end < 0 or code[block_end + 1 : body_end].strip():
        return query  # not the last element of the group
    depth = code.count("{", where.end(), found.start()) - code.count("}", where.end(), found.start())
    if depth != 0:
        return query  # nested inside another group
    block = code[found.end() : block_end]
    if "{" in block or "}" in block or _NOT_A_PLAIN_PATTERN.search(block):
        return query
    inside = set(_VAR.findall(block))
    outside = set(_VAR.findall(code[: found.start()] + " " + code[block_end + 1 :]))
    if "this" not in inside or inside & outside != {"this"}:
        return query
    return query[: found.start()] + "MINUS {" + query[found.end() :]


def projecting(query: str, names: list[str]) -> str:
    """``query`` with the variables ``names`` in its outer projection: pyoxigraph substitutes
    (pre-binds) only projected variables. An ASK becomes ``SELECT names WHERE`` (non-empty when
    the ASK is true)."""
    m = _FORM.search(mask(query))
    if m is None:
        return query
    extra = " ".join(f"?{n}" for n in names)
    if m.group(1).upper() == "ASK":
        rest = query[m.end() :]
        where = "" if re.match(r"\s*WHERE\b", rest, re.I) else " WHERE"
        return query[: m.start()] + f"SELECT {extra or '*'}{where}" + rest
    after = query[m.end() :].lstrip()
    if after.startswith("*"):
        return query
    return query[: m.end()] + f" {extra} " + query[m.end() :]


def bound_as_true(query: str, names: list[str]) -> str:
    """``bound($x)`` of a pre-bound variable written as ``true``: so it is by the definition of
    pre-binding, but pyoxigraph's substitution leaves it false (measured with 0.5.13)."""
    code = mask(query)
    spans = [m.span() for m in re.finditer(r"\bbound\s*\(\s*[?$](\w+)\s*\)", code, re.I) if m.group(1) in names]
    for start, end in reversed(spans):
        query = query[:start] + "(true)" + query[end:]
    return query
