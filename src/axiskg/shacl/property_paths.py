"""SHACL property paths (https://www.w3.org/TR/shacl/#property-paths) written as text.

One renderer for every place that shows a path: validation results, the documentation site
and the SPARQL compiler. Readable form (default): ``a / b``, ``^p``, ``(p)*``, ``(a | b)``;
SPARQL form (``sparql=True``): a SPARQL 1.1 property path, ``(<a>/<b>)``, ``^(<p>)``, ``(<a>|<b>)``.
"""

from __future__ import annotations

from collections.abc import Callable

import rdflib
from rdflib import RDF, SH
from rdflib.collection import Collection

from axiskg.vocab import compact

#: unary path operators and how each wraps its inner path
_UNARY = ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


def render(g: rdflib.Graph, node, name: Callable[[str], str] = compact, sparql: bool = False) -> str | None:
    """``node`` (an IRI or a path blank node in ``g``) as text, IRIs named by ``name``
    (``<iri>`` with ``sparql``); ``None`` when ``node`` is no well-formed path. (Readable text
    shows a malformed part inside a path as ``?``; SPARQL gives ``None`` for the whole.)"""
    try:
        return _render(g, node, name, sparql)
    except _Malformed:
        return None


class _Malformed(Exception):
    pass


def _render(g: rdflib.Graph, node, name: Callable[[str], str], sparql: bool) -> str | None:
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>" if sparql else name(str(node))
    if node is None or isinstance(node, rdflib.Literal):
        return None

    def inner(x) -> str:
        text = _render(g, x, name, sparql)
        if text is None and sparql:
            raise _Malformed
        return text or "?"

    if g.value(node, RDF.first) is not None:
        steps = [inner(x) for x in Collection(g, node)]
        return "(" + "/".join(steps) + ")" if sparql else " / ".join(steps)
    for pred, op in _UNARY:
        value = g.value(node, pred)
        if value is not None:
            return (
                f"^({inner(value)})"
                if op == "^" and sparql
                else (f"^{inner(value)}" if op == "^" else f"({inner(value)}){op}")
            )
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + ("|" if sparql else " | ").join(inner(x) for x in Collection(g, alternatives)) + ")"
    return None
