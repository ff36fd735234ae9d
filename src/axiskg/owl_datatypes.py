"""Literals inside the OWL 2 datatype map, for the files and views that reasoners read.

HermiT (and any OWL 2 DL tool) refuses a literal whose datatype is outside the OWL 2 datatype
map (OWL 2 Structural Specification, section 4), e.g. ``xsd:date`` or OWL-Time's ``xsd:gYear``.
The reasoner's input (:func:`axiskg.reasoning.owl_view`) and the release's OWL file
(:func:`axiskg.release.owl_view`) therefore carry such values as the nearest type inside the map:

* ``xsd:date`` -> ``xsd:dateTime`` at midnight (``"2025-12-22"`` -> ``"2025-12-22T00:00:00"``),
* ``xsd:gYear`` -> ``xsd:dateTime`` at the start of the year (``"2023"`` -> ``"2023-01-01T00:00:00"``),
* ``xsd:gYearMonth`` -> ``xsd:dateTime`` at the start of the month,

a time zone, if written, kept. ``rdfs:range`` of one of these types becomes ``xsd:dateTime``. Any
other datatype outside the map is given as ``xsd:string`` (its lexical form kept), so a reasoner
never stops on it. The other release formats keep the values exactly as written.
"""

from __future__ import annotations

import re

import rdflib
from rdflib import RDF, RDFS, XSD

from axiskg.vocab import OWL

_XSD = str(XSD)

#: the OWL 2 datatype map (OWL 2 Structural Specification, section 4)
OWL2_DATATYPES = frozenset(
    {
        rdflib.URIRef(_XSD + name)
        for name in (
            "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short "
            "byte unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token "
            "language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
        ).split()
    }
    | {
        rdflib.URIRef(OWL + "real"),
        rdflib.URIRef(OWL + "rational"),
        RDF.PlainLiteral,
        RDF.XMLLiteral,
        RDF.langString,
        RDFS.Literal,
    }
)

_DATE_LIKE = {
    XSD.date: re.compile(r"(-?\d{4,}-\d{2}-\d{2})(.*)"),
    XSD.gYear: re.compile(r"(-?\d{4,})(.*)"),
    XSD.gYearMonth: re.compile(r"(-?\d{4,}-\d{2})(.*)"),
}
_FILL = {XSD.date: "", XSD.gYear: "-01-01", XSD.gYearMonth: "-01"}


def in_map(literal: rdflib.Literal) -> rdflib.Literal:
    """``literal`` itself if its datatype is in the OWL 2 datatype map (or it has none), else the
    nearest literal that is (see the module docs)."""
    datatype = literal.datatype
    if datatype is None or datatype in OWL2_DATATYPES:
        return literal
    pattern = _DATE_LIKE.get(datatype)
    match = pattern.fullmatch(str(literal)) if pattern is not None else None
    if match is not None:
        lexical = f"{match.group(1)}{_FILL[datatype]}T00:00:00{match.group(2)}"
        return rdflib.Literal(lexical, datatype=XSD.dateTime, normalize=False)
    return rdflib.Literal(str(literal), datatype=XSD.string, normalize=False)


def range_in_map(datatype: rdflib.term.Node) -> rdflib.term.Node:
    """The ``rdfs:range`` to declare for a property whose values :func:`in_map` rewrites."""
    return XSD.dateTime if datatype in _DATE_LIKE else datatype


def triple_in_map(s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node) -> tuple:
    """The triple with its literal (or its ``rdfs:range`` datatype) inside the OWL 2 datatype map."""
    if isinstance(o, rdflib.Literal):
        return s, p, in_map(o)
    if p == RDFS.range:
        return s, p, range_in_map(o)
    return s, p, o
