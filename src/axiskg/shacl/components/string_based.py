"""String-based constraint components (SHACL §4.4, https://www.w3.org/TR/shacl/#core-components-string)."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import SH

from axiskg import linear_regex
from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.model import Unsupported

_FLAGS = {"i": re.I, "s": re.S, "m": re.M}
#: flag ``x``'s tokens: an escape (``\\[`` is no class), a character class, or bare whitespace
_VERBOSE_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\s+", re.S)


def regex(pattern: Any, flags: Any) -> Any:
    """sh:pattern with sh:flags, matched in linear time (:mod:`axiskg.linear_regex`); flag ``x``
    removes whitespace outside character classes, as XPath's ``fn:matches`` says."""
    bits = 0
    for f in str(flags or ""):
        bits |= _FLAGS.get(f, 0)
    text = str(pattern)
    if "x" in str(flags or ""):
        text = _VERBOSE_TOKEN.sub(lambda m: "" if m.group().isspace() else m.group(), text)
    return linear_regex.compile(text, bits)


def lang_in(langs: list) -> str:
    """?v has a language tag that one of ``langs`` matches by SPARQL's ``langMatches`` (basic
    filtering of RFC 4647: "en" matches "en", "EN-us" and "en-US-x"), as sh:languageIn says."""
    ranges = " || ".join(f"langMatches(lang(?v), {rdflib.Literal(str(x)).n3()})" for x in langs)
    return f'isLiteral(?v) && lang(?v) != "" && ({ranges or "false"})'


@unit("MinLengthConstraintComponent", SH.minLength)
def min_length(s: PropertyShape, component: str) -> None:
    """§4.4.1 sh:minLength (https://www.w3.org/TR/shacl/#MinLengthConstraintComponent): the
    string form of each value node has at least n characters (a blank node is a violation)."""
    _length(s, component, SH.minLength, "<", ">=")


@unit("MaxLengthConstraintComponent", SH.maxLength)
def max_length(s: PropertyShape, component: str) -> None:
    """§4.4.2 sh:maxLength (https://www.w3.org/TR/shacl/#MaxLengthConstraintComponent): the
    string form of each value node has at most n characters (a blank node is a violation)."""
    _length(s, component, SH.maxLength, ">", "<=")


def _length(s: PropertyShape, component: str, parameter: Any, violates: str, word: str) -> None:
    stringify = s.stringify
    for n in s.values(parameter):
        s.per_value(
            component,
            f"isBlank(?v) || STRLEN(STR(?v)) {violates} {int(n)}",
            lambda f, v, n=n: f"String length not {word} {stringify(None, n)}",
        )


@unit("PatternConstraintComponent", SH.pattern, SH.flags)
def pattern(s: PropertyShape, component: str) -> None:
    """§4.4.3 sh:pattern, sh:flags (https://www.w3.org/TR/shacl/#PatternConstraintComponent):
    the string form of each value node matches the regular expression (a blank node does not)."""
    patterns = s.values(SH.pattern)
    if len(patterns) > 1:
        raise Unsupported("several sh:pattern")
    for p in patterns:
        compiled = regex(p, s.g.value(s.prop, SH.flags))
        s.per_value(
            component,
            "true",
            lambda f, v, p=p: f"Value does not match pattern '{p}'",
            python_filter=lambda v, r=compiled: isinstance(v, ox.BlankNode) or not r.search(v.value),
        )


@unit("LanguageInConstraintComponent", SH.languageIn)
def language_in(s: PropertyShape, component: str) -> None:
    """§4.4.4 sh:languageIn (https://www.w3.org/TR/shacl/#LanguageInConstraintComponent): each
    value node is a literal whose language tag one of the list's ranges matches."""
    g, stringify = s.g, s.stringify
    for lst in s.values(SH.languageIn):
        s.per_value(
            component,
            f"!({lang_in(s.c.items(lst))})",
            lambda f, v, lst=lst: f"String language is not in {stringify(g, lst)}",
        )


@unit("UniqueLangConstraintComponent", SH.uniqueLang)
def unique_lang(s: PropertyShape, component: str) -> None:
    """§4.4.5 sh:uniqueLang (https://www.w3.org/TR/shacl/#UniqueLangConstraintComponent): with
    ``true``, no two value nodes share a language tag (case-insensitively)."""
    for unique in s.values(SH.uniqueLang):
        if unique != rdflib.Literal(True):  # only true activates it ("1"^^xsd:boolean does not)
            continue
        q = (
            f"SELECT ?this WHERE {{ {s.walked} "
            f'FILTER (isLiteral(?v) && lang(?v) != "") }} '
            f"GROUP BY ?this (LCASE(lang(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
        )
        s.add(component, q, lambda f, v: "More than one String shares the same Language")
