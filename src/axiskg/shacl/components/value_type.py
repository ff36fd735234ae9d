"""Value type constraint components (SHACL §4.1, https://www.w3.org/TR/shacl/#core-components-value-type)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import rdflib
from rdflib import RDF, SH

from axiskg.rdfio.literal_checks import integer_ill_typed
from axiskg.rdfio.terms import TermConverter
from axiskg.shacl.components.base import PropertyShape, unit
from axiskg.shacl.model import Unsupported, iri
from axiskg.vocab import XSD

_DATATYPES_CHECKED_IN_PYTHON = {
    XSD + x
    for x in (
        "date",
        "dateTime",
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "gYear",
        "gYearMonth",
        "time",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
        "hexBinary",
    )
}

#: the datatypes whose valid literals pyoxigraph's store rewrites to xsd:integer
STORED_AS_INTEGER = {XSD + x for x in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}


@unit("ClassConstraintComponent", SH["class"])
def class_(s: PropertyShape, component: str) -> None:
    """§4.1.1 sh:class (https://www.w3.org/TR/shacl/#ClassConstraintComponent): each value node
    is a SHACL instance of the class (rdf:type/rdfs:subClassOf*)."""
    g, stringify = s.g, s.stringify
    for cls in s.values(SH["class"]):
        s.per_value(
            component,
            f"!EXISTS {{ {s.c.is_a('?v', cls)} }}",
            lambda f, v, cls=cls: f"Value does not have class {stringify(g, cls)}",
        )


@unit("DatatypeConstraintComponent", SH.datatype)
def datatype(s: PropertyShape, component: str) -> None:
    """§4.1.2 sh:datatype (https://www.w3.org/TR/shacl/#DatatypeConstraintComponent): each value
    node is a literal with that datatype, and well-formed for it (ill-typed literals are checked
    in Python, with rdflib's parsers; other datatypes than those known go to pyshacl)."""
    g, stringify = s.g, s.stringify
    for dt in s.values(SH.datatype):
        generic = lambda f, v, dt=dt: f"Value is not Literal with datatype {stringify(g, dt)}"
        if str(dt) in (str(rdflib.RDFS.Literal),):
            s.per_value(component, "!isLiteral(?v)", generic)
            continue
        if str(dt) in STORED_AS_INTEGER:
            # the store holds every literal of these datatypes as xsd:integer: those are checked
            # as the data wrote them (axiskg.rdfio.literals), the others by their datatype here
            integer = iri(rdflib.URIRef(XSD + "integer"))
            s.per_value(component, f"!isLiteral(?v) || datatype(?v) != {iri(dt)} && datatype(?v) != {integer}", generic)
            s.per_value(
                component,
                f"isLiteral(?v) && datatype(?v) = {integer}",
                generic,
                as_written=_not_written_as(str(dt)),
            )
            if str(dt) != XSD + "integer":  # kept as written by the store: ill-formed ones
                s.per_value(component, f"isLiteral(?v) && datatype(?v) = {iri(dt)}", generic, python_filter=ill_typed)
            continue
        s.per_value(component, f"!isLiteral(?v) || datatype(?v) != {iri(dt)}", generic)
        if str(dt) in _DATATYPES_CHECKED_IN_PYTHON:
            s.per_value(component, f"isLiteral(?v) && datatype(?v) = {iri(dt)}", generic, python_filter=ill_typed)
        elif str(dt) not in (XSD + "string", str(RDF.langString), XSD + "anyURI"):
            raise Unsupported(f"sh:datatype {dt}")


def _not_written_as(datatype: str) -> Callable[[list], bool]:
    """Whether some form of a value, as written, is not a well-typed literal of ``datatype`` (each
    distinct literal judged once: a large dataset repeats its numbers)."""
    node = ox.NamedNode(datatype)
    verdicts: dict[ox.Literal, bool] = {}

    def bad(forms: list) -> bool:
        for written in forms:
            verdict = verdicts.get(written)
            if verdict is None:
                if len(verdicts) >= 100_000:
                    verdicts.clear()
                verdict = verdicts[written] = written.datatype != node or ill_typed(written)
            if verdict:
                return True
        return False

    return bad


def ill_typed(value) -> bool:
    """Whether the pyoxigraph literal ``value`` is not in its datatype's lexical space."""
    integer = integer_ill_typed(value)
    if integer is not None:
        return integer
    lit = TermConverter()(value)
    return (
        lit.ill_typed is True or isinstance(lit.value, str) and not value.datatype.value.endswith(("anyURI", "string"))
    )


_NODE_KIND_VIOLATION = {
    SH.IRI: "!isIRI(?v)",
    SH.BlankNode: "!isBlank(?v)",
    SH.Literal: "!isLiteral(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)",
    SH.BlankNodeOrLiteral: "isIRI(?v)",
    SH.IRIOrLiteral: "isBlank(?v)",
}


@unit("NodeKindConstraintComponent", SH.nodeKind)
def node_kind(s: PropertyShape, component: str) -> None:
    """§4.1.3 sh:nodeKind (https://www.w3.org/TR/shacl/#NodeKindConstraintComponent): each value
    node is of the node kind (sh:IRI, sh:BlankNode, sh:Literal or one of their pairs)."""
    g, stringify = s.g, s.stringify
    for kind in s.values(SH.nodeKind):
        condition = _NODE_KIND_VIOLATION.get(kind)
        if condition is None:
            raise Unsupported(f"sh:nodeKind {kind}")
        s.per_value(component, condition, lambda f, v, kind=kind: f"Value is not of Node Kind {stringify(g, kind)}")
