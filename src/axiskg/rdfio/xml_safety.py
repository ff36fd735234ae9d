"""Refusing RDF/XML whose DTD could read files or blow up on expansion, or that nests deeper than
the RDF/XML parser handles in linear time, before it is parsed."""

from __future__ import annotations

import re
from pathlib import Path

from axiskg.errors import InputError
from axiskg.limits import env_limit
from axiskg.rdfio.inputs import line_of

#: most characters that expanding internal XML entities may add to an RDF/XML file
MAX_ENTITY_EXPANSION = 1_000_000
_DOCTYPE = re.compile(rb"<!DOCTYPE\b(?P<body>[^\[>]*)")
_ENTITY = re.compile(rb"<!ENTITY\s+(?P<pe>%\s+)?(?P<name>[^\s]+)\s+(?P<rest>[^>]*)>", re.S)


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
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        _check_dtd(path, data)
    check_depth(path, data)


def _check_dtd(path: Path, data: bytes) -> None:
    for doctype in _DOCTYPE.finditer(data):
        if b"SYSTEM" in doctype["body"] or b"PUBLIC" in doctype["body"]:
            raise InputError(path, "refused: external XML DTD (not allowed)", line_of(data, doctype.start()))
    entities: dict[bytes, int] = {}
    for m in _ENTITY.finditer(data):
        line = line_of(data, m.start())
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
        raise InputError(path, "refused: malformed XML entity declaration", line_of(data, data.find(b"<!ENTITY")))
    added = sum(size * data.count(b"&" + name + b";") for name, size in entities.items())
    if added > MAX_ENTITY_EXPANSION:
        raise InputError(
            path, f"refused: XML entities would expand by {added} characters (limit {MAX_ENTITY_EXPANSION})"
        )


#: the deepest nesting of XML elements read as RDF/XML, unless ``AXISKG_MAX_XML_DEPTH`` says
#: otherwise. pyoxigraph's RDF/XML parser takes time quadratic in the depth (8,000 levels: 0.23 s
#: of CPU; 60,000 striped elements: 75 s; 100,000 ``parseType="Resource"``: minutes), so a file
#: is measured first (expat: linear) and refused past this depth (10,000 levels: about 0.4 s).
MAX_XML_DEPTH = 10_000


class _TooDeep(Exception):
    pass


def check_depth(path: Path, data: bytes) -> None:
    """Refuse XML whose elements nest deeper than :data:`MAX_XML_DEPTH` (exit 2, naming the line
    where that depth is passed). A file with no more tags than that cannot be too deep and is
    not scanned; one that expat cannot read is left to the RDF/XML parser to report."""
    from xml.parsers import expat

    limit = env_limit("AXISKG_MAX_XML_DEPTH", MAX_XML_DEPTH)
    if data.count(b"<") <= limit:
        return
    parser = expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: dict) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _TooDeep(parser.CurrentLineNumber)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeep as exc:
        raise InputError(
            path,
            f"refused: XML elements nested over {limit:,} deep, more than the RDF/XML parser reads "
            "in reasonable time (AXISKG_MAX_XML_DEPTH)",
            exc.args[0],
        ) from None
    except expat.ExpatError:
        return
