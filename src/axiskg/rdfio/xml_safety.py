"""Refusing RDF/XML whose DTD could read files or blow up on expansion, before it is parsed."""

from __future__ import annotations

import re
from pathlib import Path

from axiskg.errors import InputError
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
    if b"<!DOCTYPE" not in data and b"<!ENTITY" not in data:
        return
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
