"""SHACL validation that scales: the shapes compiled to SPARQL over the embedded pyoxigraph store.

:func:`validate_store` gives the same :class:`~axiskg.validation.Result` objects as
:func:`axiskg.validation.validate` (pyshacl) on the same data mixed with the ontology: same focus,
path, component, severity, value, source shape and message (pyshacl's own wording for shapes
without ``sh:message``), same multiplicity. The constraints of a property shape become at most two
SPARQL queries over the union of the store's graphs (so the data is never copied into rdflib): one
walk of the path whose rows are the violating (focus, value) pairs, with one boolean column per
per-value constraint, and one GROUP BY for its min/max counts. A SHACL-SPARQL constraint is its
``sh:select`` with the targets joined in; a final ``FILTER NOT EXISTS`` on a plain pattern that
shares only ``$this`` runs as the equivalent ``MINUS`` (:func:`not_exists_as_minus`). The queries
run in threads: pyoxigraph evaluates without holding the GIL, so they use every core.

Compiled: targets (``sh:targetClass`` including subclasses through the ontology,
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``); property shapes with paths
made of predicates, sequences, ``sh:inversePath``, ``sh:alternativePath`` and the
zero-or-more/one-or-more/zero-or-one paths; ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype``, ``sh:in``, ``sh:nodeKind``, ``sh:pattern`` (+``sh:flags``, matched with Python's
``re`` as pyshacl does), ``sh:languageIn``, ``sh:uniqueLang``, ``sh:minLength``, ``sh:maxLength``,
``sh:minInclusive``/``sh:maxInclusive``/``sh:minExclusive``/``sh:maxExclusive``,
``sh:qualifiedValueShape`` (of ``sh:languageIn``/``sh:class``) with ``sh:qualifiedMinCount``, ``sh:or``
of shapes made only of ``sh:class``; property shapes with targets of their own; SHACL-SPARQL
``sh:sparql`` constraints on node and property shapes (``$PATH``; ``?path`` and ``?value`` give the
result's path and value) and SPARQL-based constraint components (``sh:validator``,
``sh:nodeValidator``, ``sh:propertyValidator``, SELECT or ASK, ``sh:optional`` parameters). A
SPARQL query whose ``$this`` can be joined (:func:`axiskg.shape_queries.this_by_join`) runs once
with the targets joined in; any other runs per focus node with the pre-bound variables
substituted (``$this``, ``$value``, ``$currentShape``, ``$shapesGraph``, the parameters). A
shape using anything else is handed, whole, to pyshacl (:attr:`SparqlReport.fallback` names it):
correct before fast. Every query a shape carries first passes :func:`axiskg.shape_queries.check_shapes`.
Where pyshacl departs from the spec (``sh:languageIn`` by first subtag, message templates filled
with ``re.sub``) this engine follows the spec; the W3C suite is the oracle (tests/test_w3c_shacl.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, SH
from rdflib.collection import Collection

from axiskg import loading, shacl_paths, shape_queries
from axiskg.errors import InputError
from axiskg.sparql_safety import mask
from axiskg.validation import NAMESPACES, Describer, Report, Result, report_graph_of
from axiskg.vocab import local_name

_NO_PATH = object()  # result(): the check's own path

XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"

#: predicates of a node shape the compiler understands (anything else -> pyshacl)
_NODE_KEYS = {RDF.type, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
              SH.property, SH.sparql, SH.severity, SH.message, SH.deactivated,
              rdflib.RDFS.label, rdflib.RDFS.comment, SH.name, SH.description}
_PROPERTY_KEYS = {RDF.type, SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
                  rdflib.RDFS.label, rdflib.RDFS.comment, SH.order, SH.group,
                  SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["in"], SH.nodeKind, SH.pattern,
                  SH.flags, SH.languageIn, SH.uniqueLang, SH.minLength, SH.maxLength, SH.minInclusive,
                  SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.qualifiedValueShape,
                  SH.qualifiedMinCount, SH["or"], SH["not"], SH.sparql}
_DATATYPES_CHECKED_IN_PYTHON = {XSD + x for x in ("date", "dateTime", "integer", "decimal", "double", "float",
                                                  "boolean", "gYear", "gYearMonth", "time", "int", "long",
                                                  "nonNegativeInteger", "positiveInteger", "hexBinary")}


class Unsupported(Exception):
    """A shape feature the compiler does not handle (the shape goes to pyshacl)."""


@dataclass
class SparqlReport(Report):
    fallback: list[str] = field(default_factory=list)  # node shapes validated by pyshacl instead
    queries: int = 0  # SPARQL queries run


def _iri(term) -> str:
    if not isinstance(term, rdflib.URIRef):
        raise Unsupported(f"expected an IRI, got {term!r}")
    return f"<{term}>"


def _sparql_term(term) -> str:
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise Unsupported(f"blank node {term} in a constraint value")


class _Compiler:
    def __init__(self, shapes: rdflib.Graph, subclasses=None) -> None:
        self.g = shapes
        self.subclasses = subclasses  # class IRI -> its subclasses (itself included), from the data
        self._vars = 0
        self.components: list = []  # SPARQL-based constraint components of the shapes graph
        self.params: set = set()  # their parameters' paths

    def is_a(self, var: str, cls) -> str:
        """``var`` is an instance of ``cls`` (or of a subclass): rdf:type/rdfs:subClassOf*, or with
        the closure computed once, ``var a ?t . VALUES ?t { ... }`` (a third faster on pyoxigraph)."""
        if self.subclasses is None:
            return f"{var} {_TYPE_PATH} {_iri(cls)} ."
        self._vars += 1
        kinds = " ".join(f"<{c}>" for c in self.subclasses(str(cls)))
        return f"{var} a ?_t{self._vars} . VALUES ?_t{self._vars} {{ {kinds} }}"

    def items(self, node) -> list:
        return list(Collection(self.g, node))

    # ---- paths
    def path(self, node) -> str:
        text = shacl_paths.render(self.g, node, sparql=True)
        if text is None:
            raise Unsupported(f"path {node}")
        return text

    def pattern(self, node, subject: str, obj: str) -> str:
        """``subject PATH obj`` as a group pattern; a sequence of plain predicates becomes a chain
        of triple patterns (pyoxigraph evaluates a sequence path inside NOT EXISTS much slower)."""
        g = self.g
        if isinstance(node, rdflib.BNode) and g.value(node, RDF.first) is not None:
            steps = self.items(node)
            if all(isinstance(x, rdflib.URIRef) for x in steps):
                self._fresh += 1
                names = [subject] + [f"?_s{self._fresh}_{i}" for i in range(1, len(steps))] + [obj]
                return " . ".join(f"{names[i]} <{x}> {names[i + 1]}" for i, x in enumerate(steps)) + " ."
        return f"{subject} {self.path(node)} {obj} ."

    _fresh = 0

    def can_be_empty(self, node) -> bool:
        """Whether the SHACL path ``node`` can have length zero (then a focus node is one of its
        own values): a zero-or-more/zero-or-one path, a sequence of such, an alternative of one."""
        g = self.g
        if isinstance(node, rdflib.URIRef):
            return False
        if g.value(node, RDF.first) is not None:
            return all(self.can_be_empty(x) for x in self.items(node))
        if g.value(node, SH.zeroOrMorePath) is not None or g.value(node, SH.zeroOrOnePath) is not None:
            return True
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return any(self.can_be_empty(x) for x in self.items(alt))
        return False

    # ---- targets
    def targets(self, shape, distinct: bool = True) -> str | None:
        """The shape's focus nodes as a group binding ``?this``: a DISTINCT sub-select, or with
        ``distinct=False`` the plain patterns (a fifth cheaper on pyoxigraph; a focus may then
        come twice, which only queries that de-duplicate or count DISTINCT may use)."""
        g = self.g
        parts = []
        for c in g.objects(shape, SH.targetClass):
            parts.append(self.is_a("?this", c))
        for n in g.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {_sparql_term(n)} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_iri(p)} [] .")
        for p in g.objects(shape, SH.targetObjectsOf):
            parts.append(f"[] {_iri(p)} ?this .")
        if (shape, RDF.type, rdflib.RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g:
            raise Unsupported("implicit class target")
        if not parts:
            return None
        if not distinct:
            return "{ " + " UNION ".join("{ " + p + " }" for p in parts) + " }"
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in parts) + " } }"


#: (value) -> whether it is a violation
PythonFilter = Callable[[Any], bool]
#: (focus, value) -> the result's message
Generic = Callable[[Any, Any], str]


@dataclass
class _Part:
    """One constraint of a property shape answered by a query shared with the shape's others:
    a per-value constraint (``condition`` on ?v marks a violating value; the query projects
    it as the boolean ``?_f<i>``), or a count constraint (``count`` = ("min"|"max", n), tested
    in Python on the projected ``?_n``)."""

    component: str
    generic: Generic | None = None
    python_filter: PythonFilter | None = None
    condition: str | None = None
    count: tuple | None = None


@dataclass
class _Check:
    """One compiled constraint: its query and how to turn rows into results."""

    owner: rdflib.term.Node  # the node shape
    shape: rdflib.term.Node  # the shape the constraint belongs to (property shape, or owner)
    component: str
    query: str
    severity: rdflib.URIRef
    messages: list[str]
    path: rdflib.term.Node | None = None
    python_filter: PythonFilter | None = None  # applied to returned rows
    generic: Generic | None = None  # the message when the shape has no sh:message
    parts: list[_Part] = field(default_factory=list)  # constraints sharing this query (see _Part)
    sparql: rdflib.term.Node | None = None  # the sh:sparql constraint node (SHACL-SPARQL)
    job: _Job | None = None  # run per focus node instead of ``query``


def _severity(g: rdflib.Graph, shape) -> rdflib.URIRef:
    """The shape's sh:severity (sh:Violation when it has none)."""
    return g.value(shape, SH.severity) or SH.Violation


def _value_condition(c: _Compiler, qshape) -> str:
    """A FILTER expression on ?v for a qualified value shape (sh:languageIn / sh:class only)."""
    conds = []
    for p, o in c.g.predicate_objects(qshape):
        if p == SH.languageIn:
            conds.append(_lang_in(c.items(o)))
        elif p == SH["class"]:
            conds.append(f"EXISTS {{ {c.is_a('?v', o)} }}")
        elif p in (RDF.type,):
            continue
        else:
            raise Unsupported(f"qualified value shape with {p}")
    if not conds:
        raise Unsupported("empty qualified value shape")
    return " && ".join(f"({x})" for x in conds)


def _lang_in(langs: list) -> str:
    """?v has a language tag that one of ``langs`` matches by SPARQL's ``langMatches`` (basic
    filtering of RFC 4647: "en" matches "en", "EN-us" and "en-US-x"), as sh:languageIn says."""
    ranges = " || ".join(f"langMatches(lang(?v), {rdflib.Literal(str(x)).n3()})" for x in langs)
    return f'isLiteral(?v) && lang(?v) != "" && ({ranges or "false"})'


def _node_kind_violation(kind) -> str:
    return {
        SH.IRI: "!isIRI(?v)",
        SH.BlankNode: "!isBlank(?v)",
        SH.Literal: "!isLiteral(?v)",
        SH.BlankNodeOrIRI: "isLiteral(?v)",
        SH.BlankNodeOrLiteral: "isIRI(?v)",
        SH.IRIOrLiteral: "isBlank(?v)",
    }.get(kind) or _raise(f"sh:nodeKind {kind}")


def _raise(msg: str):
    raise Unsupported(msg)


_FLAGS = {"i": re.I, "s": re.S, "m": re.M, "x": re.X, "q": 0}


def _compile_property(c: _Compiler, owner, prop, targets: str, stringify) -> list[_Check]:
    g = c.g
    unknown = _unknown_keys(g, prop, _PROPERTY_KEYS | set(_TARGETS), c.params)
    if unknown:
        raise Unsupported(f"property shape uses {sorted(str(k) for k in unknown)}")
    if g.value(prop, SH.deactivated) == rdflib.Literal(True):
        return []
    path_node = g.value(prop, SH.path)
    if path_node is None:
        raise Unsupported("property shape without sh:path")
    value_of = c.pattern(path_node, "?this", "?v")
    walked = f"{targets} {value_of}"  # the focus nodes joined with their values
    if c.can_be_empty(path_node):
        # a focus node absent from the data is its own value through a zero-length path, which
        # pyoxigraph's path walk does not return (it walks from the nodes of the data)
        walked = f"{{ {walked} }} UNION {{ {targets} BIND (?this AS ?v) }}"
    severity = _severity(g, prop)
    messages = sorted(str(m) for m in g.objects(prop, SH.message))
    p_str = stringify(g, path_node)
    checks: list[_Check] = []

    def add(component: str, query: str, generic=None, python_filter=None) -> None:
        checks.append(_Check(owner, prop, SH + component, query, severity, messages, path_node,
                             python_filter, generic))

    # the per-value constraints share one walk of the path, the counts one GROUP BY (at 1M
    # triples each walk over every claim costs ~0.1 s, so a walk per constraint added up)
    value_parts: list[_Part] = []
    count_parts: list[_Part] = []

    def per_value(component: str, condition: str, generic, python_filter=None) -> None:
        value_parts.append(_Part(SH + component, generic, python_filter, condition))

    for n in g.objects(prop, SH.minCount):
        n = int(n)
        if n > 0:
            count_parts.append(_Part(SH.MinCountConstraintComponent, count=("min", n), generic=(
                lambda f, v, n=n: f"Less than {n} values on {stringify(None, f)}->{p_str}")))
    for n in g.objects(prop, SH.maxCount):
        n = int(n)
        count_parts.append(_Part(SH.MaxCountConstraintComponent, count=("max", n), generic=(
            lambda f, v, n=n: f"More than {n} values on {stringify(None, f)}->{p_str}")))
    for cls in g.objects(prop, SH["class"]):
        per_value("ClassConstraintComponent", f"!EXISTS {{ {c.is_a('?v', cls)} }}",
                  lambda f, v, cls=cls: f"Value does not have class {stringify(g, cls)}")
    for dt in g.objects(prop, SH.datatype):
        generic = (lambda f, v, dt=dt: f"Value is not Literal with datatype {stringify(g, dt)}")
        if str(dt) in (str(rdflib.RDFS.Literal),):
            per_value("DatatypeConstraintComponent", "!isLiteral(?v)", generic)
            continue
        per_value("DatatypeConstraintComponent", f"!isLiteral(?v) || datatype(?v) != {_iri(dt)}", generic)
        if str(dt) in _DATATYPES_CHECKED_IN_PYTHON:
            per_value("DatatypeConstraintComponent", f"isLiteral(?v) && datatype(?v) = {_iri(dt)}",
                      generic, python_filter=_ill_typed)
        elif str(dt) not in (XSD + "string", str(RDF.langString), XSD + "anyURI"):
            raise Unsupported(f"sh:datatype {dt}")
    for lst in g.objects(prop, SH["in"]):
        values = c.items(lst)
        cond = " || ".join(f"sameTerm(?v, {_sparql_term(x)})" for x in values) or "false"
        in_vals = set()  # pyshacl lists the values in the order of a set of them
        for x in values:
            in_vals.add(x)
        shown = [stringify(g, x) for x in in_vals]
        per_value("InConstraintComponent", f"!({cond})",
                  lambda f, v, shown=shown: f"Value {stringify(None, v)} not in list {shown}")
    for kind in g.objects(prop, SH.nodeKind):
        per_value("NodeKindConstraintComponent", _node_kind_violation(kind),
                  lambda f, v, kind=kind: f"Value is not of Node Kind {stringify(g, kind)}")
    patterns = list(g.objects(prop, SH.pattern))
    if len(patterns) > 1:
        raise Unsupported("several sh:pattern")
    for pattern in patterns:
        flags = 0
        for f in str(g.value(prop, SH.flags) or ""):
            flags |= _FLAGS.get(f, 0)
        regex = re.compile(str(pattern), flags)
        per_value("PatternConstraintComponent", "true",
                  lambda f, v, pattern=pattern: f"Value does not match pattern '{pattern}'",
                  python_filter=lambda v, regex=regex: isinstance(v, ox.BlankNode) or not regex.search(v.value))
    for lst in g.objects(prop, SH.languageIn):
        langs = c.items(lst)
        per_value("LanguageInConstraintComponent", f"!({_lang_in(langs)})",
                  lambda f, v, lst=lst: f"String language is not in {stringify(g, lst)}")
    for unique in g.objects(prop, SH.uniqueLang):
        if unique != rdflib.Literal(True):  # only true activates it ("1"^^xsd:boolean does not)
            continue
        q = (f"SELECT ?this WHERE {{ {walked} "
             f'FILTER (isLiteral(?v) && lang(?v) != "") }} '
             f"GROUP BY ?this (LCASE(lang(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)")
        add("UniqueLangConstraintComponent", q, lambda f, v: "More than one String shares the same Language")
    for n in g.objects(prop, SH.minLength):
        per_value("MinLengthConstraintComponent", f"isBlank(?v) || STRLEN(STR(?v)) < {int(n)}",
                  lambda f, v, n=n: f"String length not >= {stringify(None, n)}")
    for n in g.objects(prop, SH.maxLength):
        per_value("MaxLengthConstraintComponent", f"isBlank(?v) || STRLEN(STR(?v)) > {int(n)}",
                  lambda f, v, n=n: f"String length not <= {stringify(None, n)}")
    for key, op, component, word in ((SH.minInclusive, ">=", "MinInclusiveConstraintComponent", ">="),
                                     (SH.maxInclusive, "<=", "MaxInclusiveConstraintComponent", "<="),
                                     (SH.minExclusive, ">", "MinExclusiveConstraintComponent", ">"),
                                     (SH.maxExclusive, "<", "MaxExclusiveConstraintComponent", "<")):
        for bound in g.objects(prop, key):
            if not isinstance(bound, rdflib.Literal) or isinstance(bound.value, str):
                raise Unsupported(f"{key} with a non-numeric bound")
            per_value(component, f"!isLiteral(?v) || !COALESCE(?v {op} {bound.n3()}, false)",
                      lambda f, v, bound=bound, word=word: f"Value is not {word} {stringify(g, bound)}")
    qshape = g.value(prop, SH.qualifiedValueShape)
    qmin = g.value(prop, SH.qualifiedMinCount)
    if (qshape is None) != (qmin is None):
        raise Unsupported("sh:qualifiedValueShape without sh:qualifiedMinCount (or vice versa)")
    if qshape is not None:
        if c.can_be_empty(path_node):
            raise Unsupported("sh:qualifiedValueShape on a path that can be empty")
        cond = _value_condition(c, qshape)
        n = int(qmin)
        q = (f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ {value_of} FILTER ({cond}) }} }} "
             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})")
        add("QualifiedMinCountConstraintComponent", q, None)
    for lst in g.objects(prop, SH["or"]):
        classes = []
        for member in c.items(lst):
            preds = set(g.predicates(member)) - {RDF.type}
            if preds != {SH["class"]}:
                raise Unsupported("sh:or of shapes other than a single sh:class")
            classes.append(g.value(member, SH["class"]))
        any_class = " || ".join(f"EXISTS {{ {c.is_a('?v', x)} }}" for x in classes)
        per_value("OrConstraintComponent", f"!({any_class})",
                  lambda f, v, lst=lst: _or_message(g, lst, v, stringify))
    for negated in g.objects(prop, SH["not"]):
        keys = set(g.predicates(negated)) - {RDF.type}
        generic = (lambda f, v, negated=negated:
                   f"Node {stringify(None, v)} must not conform to shape {stringify(g, negated)}")
        if keys == {SH.pattern} or keys == {SH.pattern, SH.flags}:
            flags = 0
            for f in str(g.value(negated, SH.flags) or ""):
                flags |= _FLAGS.get(f, 0)
            regex = re.compile(str(g.value(negated, SH.pattern)), flags)
            per_value("NotConstraintComponent", "true", generic,
                      python_filter=lambda v, regex=regex: not isinstance(v, ox.BlankNode) and bool(regex.search(v.value)))
        elif keys == {SH["class"]}:
            per_value("NotConstraintComponent", f"EXISTS {{ {c.is_a('?v', g.value(negated, SH['class']))} }}",
                      generic)
        else:
            raise Unsupported("sh:not of a shape other than one sh:pattern or sh:class")
    for constraint in g.objects(prop, SH.sparql):
        if g.value(constraint, SH.deactivated) != rdflib.Literal(True):
            checks.append(_compile_sparql(c, owner, constraint, targets, shape=prop))
    for comp in c.components:
        checks += _compile_component(c, owner, prop, comp, targets)
    if value_parts:
        flags = " ".join(f"?_f{i}" for i in range(len(value_parts)))
        binds = " ".join(f"BIND (COALESCE({p.condition}, false) AS ?_f{i})" for i, p in enumerate(value_parts))
        any_flag = " || ".join(f"?_f{i}" for i in range(len(value_parts)))
        q = f"SELECT DISTINCT ?this ?v {flags} WHERE {{ {walked} {binds} FILTER ({any_flag}) }}"
        checks.append(_Check(owner, prop, None, q, severity, messages, path_node, parts=value_parts))
    if count_parts:
        having = " || ".join(f"COUNT(DISTINCT ?v) {'<' if kind == 'min' else '>'} {n}"
                             for kind, n in (p.count for p in count_parts))  # no aliases in HAVING
        if c.can_be_empty(path_node):  # every focus node has a value: itself
            walk = walked
        elif any(p.count[0] == "min" for p in count_parts):
            walk = f"{targets} OPTIONAL {{ {value_of} }}"
        else:
            walk = walked
        q = (f"SELECT ?this (COUNT(DISTINCT ?v) AS ?_n) WHERE {{ {walk} }} "
             f"GROUP BY ?this HAVING ({having})")
        checks.append(_Check(owner, prop, None, q, severity, messages, path_node, parts=count_parts))
    return checks


def _or_message(g, lst, value, stringify) -> str:
    members = list(Collection(g, lst))
    shapes = " , ".join(stringify(g, m) for m in members)
    return f"Node {stringify(None, value)} must conform to one or more shapes in {shapes}"


def _ill_typed(value) -> bool:
    lit = rdflib.Literal(value.value, datatype=rdflib.URIRef(value.datatype.value))
    return lit.ill_typed is True or isinstance(lit.value, str) and not value.datatype.value.endswith(
        ("anyURI", "string"))


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_THIS = re.compile(r"\$this\b")


def _compile_sparql(c: _Compiler, owner, constraint, targets: str, shape=None) -> _Check:
    """A SHACL-SPARQL constraint (``sh:sparql``) of ``shape`` (a node shape, or a property shape
    of ``owner``). When ``$this`` can be joined (:func:`axiskg.shape_queries.this_by_join`) it
    runs once with the targets joined in; otherwise once per focus node with the pre-bound
    variables substituted (:class:`_Job`)."""
    g = c.g
    shape = owner if shape is None else shape
    select = g.value(constraint, SH.select)
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    text = str(select)
    messages = sorted(str(x) for x in g.objects(constraint, SH.message))
    own = sorted(str(x) for x in g.objects(shape, SH.message))
    messages = own + [x for x in messages if x not in own]
    path = g.value(shape, SH.path)
    head = shape_queries.prefixes(g, constraint)
    component = SH + "SPARQLConstraintComponent"
    if path is None and shape_queries.this_by_join(text) and not re.search(r"\$(?!this\b)\w+", text):
        text = _THIS.sub("?this", text)
        m = _WHERE.search(text)
        if m is not None:
            query = head + text[: m.end()] + f" {targets} " + text[m.end():]
            query = not_exists_as_minus(query)
            return _Check(owner, shape, component, query, _severity(g, shape), messages, None, sparql=constraint)
    if path is not None:
        text = _PATH_VAR.sub(lambda _: c.path(path), text)
    job = _Job("select", head + text, targets, {"currentShape": shape}, _SHAPES_GRAPH_VAR.search(text) is not None)
    return _Check(owner, shape, component, "", _severity(g, shape), messages, path, job=job, sparql=constraint)


_PATH_VAR = re.compile(r"\$PATH\b")
_SHAPES_GRAPH_VAR = re.compile(r"[?$]shapesGraph\b")


@dataclass
class _Job:
    """A shape query run once per focus node (and, for ASK validators, per value node) with the
    pre-bound variables substituted (``$this``, ``$value``, ``$currentShape``, ``$shapesGraph``
    and a component's parameters), as https://www.w3.org/TR/shacl/#pre-binding defines it."""

    kind: str  # "select" or "ask"
    query: str  # prefixes included, $PATH already replaced by the shape's path
    targets: str  # group binding ?this to the focus nodes
    bindings: dict  # variable name -> rdflib term
    shapes_graph: bool = False  # the query reads $shapesGraph
    value_path: str | None = None  # ASK on a property shape: the SPARQL path to its values


def _compile_component(c: _Compiler, owner, shape, comp, targets: str) -> list[_Check]:
    """The checks of a SPARQL-based constraint component on ``shape``: one per combination of
    its parameters' values (https://www.w3.org/TR/shacl/#constraint-components-validation)."""
    import itertools

    g = c.g
    values = []
    for param in comp.parameters:
        found = sorted(g.objects(shape, param.path), key=str)
        if not found:
            if not param.optional:
                return []  # a mandatory parameter is missing: the component does not apply
            found = [None]
        values.append([(param.name, v) for v in found])
    path = g.value(shape, SH.path)
    validator = comp.for_property_shape() if path is not None else comp.for_node_shape()
    if validator is None:
        raise Unsupported(f"component {comp.iri} without a validator for this kind of shape")
    select, ask = g.value(validator, SH.select), g.value(validator, SH.ask)
    if (select is None) == (ask is None):
        raise Unsupported(f"validator of {comp.iri}")
    text = str(select if select is not None else ask)
    if path is not None:
        text = _PATH_VAR.sub(lambda _: c.path(path), text)
    messages = sorted(str(m) for m in g.objects(shape, SH.message)) or \
        sorted(str(m) for m in g.objects(validator, SH.message)) or comp.messages
    checks = []
    for combo in itertools.product(*values):
        bindings = {"currentShape": shape, **{k: v for k, v in combo if v is not None}}
        job = _Job("select" if select is not None else "ask", shape_queries.prefixes(g, validator) + text,
                   targets, bindings, _SHAPES_GRAPH_VAR.search(text) is not None,
                   c.path(path) if path is not None and ask is not None else None)
        checks.append(_Check(owner, shape, str(comp.iri), "", _severity(g, shape), messages, path, job=job))
    return checks


_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.I)
_VAR = re.compile(r"[?$]([A-Za-z0-9_]+)")
_NOT_A_PLAIN_PATTERN = re.compile(
    r"\b(?:FILTER|OPTIONAL|BIND|VALUES|MINUS|EXISTS|NOT|SELECT|GRAPH|SERVICE|UNION)\b", re.I)


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
    where = _WHERE.search(code)
    if where is None:
        return query
    body_end = _closing(code, where.end() - 1)
    found = None
    for m in _NOT_EXISTS.finditer(code, where.end(), body_end):
        found = m
    if found is None:
        return query
    block_end = _closing(code, found.end() - 1)
    if block_end < 0 or code[block_end + 1:body_end].strip():
        return query  # not the last element of the group
    depth = code.count("{", where.end(), found.start()) - code.count("}", where.end(), found.start())
    if depth != 0:
        return query  # nested inside another group
    block = code[found.end():block_end]
    if "{" in block or "}" in block or _NOT_A_PLAIN_PATTERN.search(block):
        return query
    inside = set(_VAR.findall(block))
    outside = set(_VAR.findall(code[:found.start()] + " " + code[block_end + 1:]))
    if "this" not in inside or inside & outside != {"this"}:
        return query
    return query[:found.start()] + "MINUS {" + query[found.end():]


def _unknown_keys(g: rdflib.Graph, shape, known: set, params: set) -> set:
    """The predicates of ``shape`` the compiler does not handle: SHACL's own beyond ``known``
    (a predicate outside the SHACL namespace that no component takes as a parameter says
    nothing to a validator)."""
    return {p for p in g.predicates(shape)
            if p not in known and p not in params and (str(p).startswith(str(SH)) or p == RDF.type)}


def compile_shapes(shapes: rdflib.Graph, stringify, subclasses=None) -> tuple[list[_Check], list]:
    """The checks of every shape with targets, and the shapes that must go to pyshacl."""
    c = _Compiler(shapes, subclasses)
    comps = shape_queries.components(shapes)
    c.components = comps
    c.params = {p.path for comp in comps for p in comp.parameters}
    roots = set()
    for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        roots |= set(shapes.subjects(key, None))
    roots |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
    checks, fallback = [], []
    for shape in sorted(roots, key=str):
        if shapes.value(shape, SH.deactivated) == rdflib.Literal(True):
            continue
        try:
            targets = c.targets(shape)
            if targets is None:
                continue
            foci = c.targets(shape, distinct=False)  # property checks all de-duplicate
            if shapes.value(shape, SH.path) is not None:  # a property shape with its own targets
                mine = _compile_property(c, shape, shape, foci, stringify)
            else:
                if _unknown_keys(shapes, shape, _NODE_KEYS, c.params):
                    raise Unsupported("node shape constraints")
                mine = []
                for prop in shapes.objects(shape, SH.property):
                    mine += _compile_property(c, shape, prop, foci, stringify)
                for constraint in shapes.objects(shape, SH.sparql):
                    if shapes.value(constraint, SH.deactivated) != rdflib.Literal(True):
                        mine.append(_compile_sparql(c, shape, constraint, targets))
                for comp in comps:
                    mine += _compile_component(c, shape, shape, comp, targets)
        except Unsupported:
            fallback.append(shape)
            continue
        checks += mine
    return checks, fallback


# --------------------------------------------------------------------------- running


class _Describe:
    """Results' strings exactly as :class:`axiskg.validation.Describer` makes them from
    pyshacl's report, read from the store instead of an rdflib copy of the data."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph) -> None:
        self.store = store
        self.shapes = shapes
        self.describer = Describer(rdflib.Graph(), shapes, rdflib.Graph())
        self.convert = loading.TermConverter(store)  # literals as written
        self._cache: dict = {}

    def node(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            return term.value
        if isinstance(term, ox.Literal):
            return self.convert(term).n3(NAMESPACES)
        hit = self._cache.get(term)
        if hit is None:
            hit = self._cache[term] = self._bnode(term)
        return hit

    def _bnode(self, term) -> str:
        from axiskg.validation import compact

        steps = []
        node = term
        for _ in range(4):
            incoming = sorted({(str(q.subject), q.predicate.value, q.subject)
                               for q in self.store.quads_for_pattern(None, None, node)},
                              key=lambda t: (t[0], t[1]))
            if not incoming:
                break
            _, pred, node = incoming[0]
            steps.append(compact(pred))
            if not isinstance(node, ox.BlankNode):
                return f"[] via {compact(node.value)} " + " / ".join(reversed(steps))
        return "[]"


class _Stringify:
    """pyshacl's ``stringify_node`` for generic messages: shapes-graph terms with the shapes
    graph, data terms (``graph=None``) with a fresh graph holding the blank node's description."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.convert = loading.TermConverter()
        self.fresh = rdflib.Graph()

    def __call__(self, graph, term) -> str:
        from pyshacl.rdfutil import stringify_node

        if graph is not None:
            return stringify_node(graph, term)
        if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
            if isinstance(term, ox.BlankNode):
                sub = rdflib.Graph()
                for t in self._closure(term):
                    sub.add(tuple(self.convert(x) for x in t))
                return stringify_node(sub, self.convert(term))
            term = self.convert(term)
        return stringify_node(self.fresh, term)

    def _closure(self, term, depth: int = 0):
        for q in self.store.quads_for_pattern(term, None, None):
            yield (q.subject, q.predicate, q.object)
            if isinstance(q.object, ox.BlankNode) and depth < 12:
                yield from self._closure(q.object, depth + 1)


def _message_format(text: str, bindings: dict) -> str:
    """``{$var}`` and ``{?var}`` in a message replaced by the variable's value, taken literally
    (a value may hold backslashes or ``\\1``)."""
    for var, val in bindings.items():
        text = re.sub(r"\{[?$]" + re.escape(var) + r"\}", lambda _m, val=val: str(val), text)
    return text


def _plain(term) -> str:
    """``str()`` of the rdflib term pyshacl would have (used in SPARQL messages)."""
    return term.value


def validate_store(store: ox.Store, shapes: rdflib.Graph, locate=None, progress: bool = False) -> SparqlReport:
    """Validate the union of ``store``'s graphs (data and ontology) against ``shapes``.

    ``progress=True`` shows a progress bar (one step per compiled check) when stderr is a terminal.
    """
    shape_queries.check_shapes(shapes)  # untrusted SPARQL: refused before anything runs
    stringify = _Stringify(store)
    checks, fallback = compile_shapes(shapes, stringify, _subclass_closure(store))
    describe = _Describe(store, shapes)
    results: list[Result] = []
    with _ShapesGraph(store, shapes, any(ch.job is not None and ch.job.shapes_graph for ch in checks)) as scope:
        _run(store, checks, scope, describe, results, locate, progress)
    if fallback:
        from axiskg.validation import validate as pyshacl_validate

        sub = _subgraph(shapes, fallback)
        data = loading.to_rdflib(store)
        fb = pyshacl_validate(data, sub, None, "none", locate=locate, written=loading.written_term(store))
        results += fb.results
    results.sort(key=Result.sort_key)
    graph = report_graph_of(results, shapes, lambda node: _edges(store, describe.convert, node))
    return SparqlReport(conforms=not results, results=results, graph=graph,
                        fallback=[str(s) for s in fallback], queries=len(checks))


def _run(store: ox.Store, checks: list, scope: dict, describe, results: list, locate, progress: bool) -> None:
    """Run the checks' queries in threads and turn their rows into ``results``."""
    from axiskg.progress import bar

    def result(check: _Check, focus, value, message: str | None, component: str | None = None,
               path=_NO_PATH) -> Result:
        focus_node = describe.convert(focus)
        path = check.path if path is _NO_PATH else path
        return Result(
            severity=local_name(str(check.severity)),
            focus=describe.node(focus),
            path=describe.describer.path(path),
            component=str(component or check.component),
            source_shape=describe.describer.shape(check.shape),
            value=describe.node(value) if value is not None else None,
            message=message,
            source=locate(focus_node) if locate is not None else None,
            focus_node=focus_node,
            path_node=path,
            value_node=describe.convert(value) if value is not None else None,
            shape_node=check.shape,
            severity_node=check.severity,
            constraint_node=check.sparql,
        )

    with bar(len(checks) if progress else 0, "validate", "checks") as step, \
            ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        # pyoxigraph releases the GIL while it evaluates, so the queries run on every core;
        # rows are turned into results here, in the checks' order
        fetched = pool.map(lambda check: _fetch(store, check, describe, scope), checks)
        for check, (variables, rows) in zip(checks, fetched):
            _results(check, variables, rows, result, results)
            step(1)


def validate_files(data: list, shapes: list, format: str | None = None) -> SparqlReport:
    """Validate RDF files or folders ``data`` against the shapes in ``shapes`` (files or
    folders), nothing else mixed in: the public entry point for a user's own data and shapes.
    Unreadable input or unusable shapes raise :class:`~axiskg.errors.InputError`."""
    store = loading.load_files(data, format=format)
    return validate_store(store, read_shapes(shapes), locate=loading.source_locator(store))


def read_shapes(given: list) -> rdflib.Graph:
    """Shape files (or the RDF files of folders) as one rdflib graph, every literal as written:
    parsed without a store, which would store ``"1"^^xsd:boolean`` as ``true`` (and to SHACL
    only the literal ``true`` turns ``sh:uniqueLang`` or ``sh:deactivated`` on)."""
    from pathlib import Path

    triples = []
    for path in [p for g in given for p in loading.expand_path(Path(g))]:
        fmt = loading.resolve_format(path)
        data = loading.read_rdf_bytes(path)
        if fmt == ox.RdfFormat.RDF_XML:
            loading.check_xml_safety(path, data)
        try:
            triples += list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
        except (SyntaxError, ValueError, MemoryError):
            loading.load_files([path])  # raises the loader's own message for this file
            raise
    return loading.triples_to_rdflib(t.triple if isinstance(t, ox.Quad) else t for t in triples)


#: threads running the checks' queries (pyoxigraph evaluates without the GIL)
_WORKERS = max(1, min(4, os.cpu_count() or 1))


def _fetch(store: ox.Store, check: _Check, describe: _Describe, scope: dict) -> tuple[list[str], list]:
    """The check's query run on the data: its variable names and all its rows (for a
    :class:`_Job`, rows of (focus, path, value, bindings)). Runs in a worker thread: whatever
    goes wrong becomes an InputError naming the shape, never a traceback."""
    try:
        if check.job is not None:
            return [], _run_job(store, check.job, scope)
        rows = store.query(check.query, **scope)
        return [v.value for v in rows.variables], list(rows)
    except InputError:
        raise
    except SyntaxError as exc:  # a bug in the compiler or in a shape's query
        raise InputError("shapes", f"cannot compile {describe.describer.shape(check.shape)}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - reported to the user as bad input
        raise InputError("shapes", f"cannot run the query of {describe.describer.shape(check.shape)}: "
                         f"{type(exc).__name__}: {exc}") from None


_SHAPES_GRAPH = "urn:x-axiskg:shapes-graph"


class _ShapesGraph:
    """The query options for the run (``with`` block): the union of the store's graphs, or,
    when a query reads ``$shapesGraph``, the shapes graph added for the run as a named graph
    outside the default graph (and removed afterwards)."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph, needed: bool) -> None:
        self.store, self.shapes, self.needed = store, shapes, needed

    def __enter__(self) -> dict:
        if not self.needed:
            return {"use_default_graph_as_union": True}
        data = list(self.store.named_graphs()) + [ox.DefaultGraph()]
        name = ox.NamedNode(_SHAPES_GRAPH)
        self.store.extend(ox.Quad(loading.to_ox(s), loading.to_ox(p), loading.to_ox(o), name)
                          for s, p, o in self.shapes)
        return {"default_graph": data, "named_graphs": [g for g in data if not isinstance(g, ox.DefaultGraph)] + [name]}

    def __exit__(self, *exc) -> None:
        if self.needed:
            self.store.remove_graph(ox.NamedNode(_SHAPES_GRAPH))


_FORM = re.compile(r"\b(SELECT|ASK)\b(\s+(?:DISTINCT|REDUCED)\b)?", re.I)


def _projecting(query: str, names: list[str]) -> str:
    """``query`` with the variables ``names`` in its outer projection: pyoxigraph substitutes
    (pre-binds) only projected variables. An ASK becomes ``SELECT names WHERE`` (non-empty when
    the ASK is true)."""
    m = _FORM.search(mask(query))
    if m is None:
        return query
    extra = " ".join(f"?{n}" for n in names)
    if m.group(1).upper() == "ASK":
        rest = query[m.end():]
        where = "" if re.match(r"\s*WHERE\b", rest, re.I) else " WHERE"
        return query[:m.start()] + f"SELECT {extra or '*'}{where}" + rest
    after = query[m.end():].lstrip()
    if after.startswith("*"):
        return query
    return query[:m.end()] + f" {extra} " + query[m.end():]


def _bound_as_true(query: str, names: list[str]) -> str:
    """``bound($x)`` of a pre-bound variable written as ``true``: so it is by the definition of
    pre-binding, but pyoxigraph's substitution leaves it false (measured with 0.5.13)."""
    code = mask(query)
    spans = [m.span() for m in re.finditer(r"\bbound\s*\(\s*[?$](\w+)\s*\)", code, re.I) if m.group(1) in names]
    for start, end in reversed(spans):
        query = query[:start] + "(true)" + query[end:]
    return query


def _run_job(store: ox.Store, job: _Job, scope: dict) -> list:
    """(focus, path, value, bindings) for each violation the job's query reports."""
    foci = [row["this"] for row in store.query(f"SELECT DISTINCT ?this WHERE {{ {job.targets} }}", **scope)]
    fixed = {ox.Variable(k): loading.to_ox(v) for k, v in job.bindings.items()}
    if job.shapes_graph:
        fixed[ox.Variable("shapesGraph")] = ox.NamedNode(_SHAPES_GRAPH)
    names = sorted({v.value for v in fixed} | {"this"} | ({"value"} if job.kind == "ask" else set()))
    query = _bound_as_true(job.query, names)
    query = _projecting(query, [n for n in names if not re.search(rf"SELECT[^{{]*[?$]{n}\b", mask(job.query), re.I)]
                        if job.kind == "select" else names)
    out = []
    for focus in foci:
        subs = {**fixed, ox.Variable("this"): focus}
        if job.kind == "select":
            rows = store.query(query, substitutions=subs, **scope)
            names = [v.value for v in rows.variables]
            for row in rows:
                bound = {n: row[n] for n in names if row[n] is not None}
                out.append((focus, bound.get("path"), bound.get("value"), bound))
            continue
        if job.value_path is None:
            values = [focus]
        else:
            values = [r["v"] for r in store.query(f"SELECT DISTINCT ?v WHERE {{ ?this {job.value_path} ?v }}",
                                                  substitutions={ox.Variable("this"): focus}, **scope)]
        for value in values:
            if not list(store.query(query, substitutions={**subs, ox.Variable("value"): value}, **scope)):
                out.append((focus, None, value, {"value": value}))
    return out


def _results(check: _Check, variables: list[str], rows: list, result, results: list) -> None:
    """The check's rows as validation results, appended to ``results``."""
    if check.job is not None:
        _job_results(check, rows, result, results)
    elif check.sparql is not None:
        _sparql_results(check, variables, rows, result, results)
    elif check.parts:
        _part_results(check, rows, result, results)
    else:
        has_value = "v" in variables
        for row in rows:
            focus = row["this"]
            value = row["v"] if has_value else None
            if check.python_filter is not None and not check.python_filter(value):
                continue
            if check.messages:
                message = "; ".join(check.messages)
            elif check.generic is not None:
                message = check.generic(focus, value)
            else:
                message = None
            results.append(result(check, focus, value, message))


def _subclass_closure(store: ox.Store):
    cache: dict[str, list[str]] = {}

    def subclasses(cls: str) -> list[str]:
        if cls not in cache:
            rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}",
                               use_default_graph_as_union=True)
            cache[cls] = sorted({cls} | {r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)})
        return cache[cls]

    return subclasses


def _part_results(check: _Check, rows: list, result, out: list) -> None:
    counted = check.parts[0].count is not None
    for row in rows:
        focus = row["this"]
        value = None if counted else row["v"]
        n = int(row["_n"].value) if counted else 0
        for i, part in enumerate(check.parts):
            if counted:
                kind, bound = part.count
                if not (n < bound if kind == "min" else n > bound):
                    continue
            else:
                flag = row[f"_f{i}"]
                if flag is None or flag.value != "true":
                    continue
                if part.python_filter is not None and not part.python_filter(value):
                    continue
            if check.messages:
                message = "; ".join(check.messages)
            else:
                message = part.generic(focus, value) if part.generic is not None else None
            out.append(result(check, focus, value, message, part.component))


def _sparql_results(check: _Check, names: list[str], rows: list, result, out: list) -> None:
    seen: dict = {}
    for row in rows:
        values = {n: row[n] for n in names if row[n] is not None}
        focus = values.get("this")
        if focus is None:
            continue
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        if key in seen.setdefault(focus, set()):
            continue
        seen[focus].add(key)
        value = values.get("value", focus)
        bindings = {k: _plain(v) for k, v in values.items() if k not in ("this", "path", "value")}
        bindings = {"this": _plain(focus), **({"value": _plain(values["value"])} if "value" in values else {}),
                    **bindings}
        messages = [_message_format(m, bindings) for m in check.messages]
        path = values.get("path")
        path_node = rdflib.URIRef(path.value) if isinstance(path, ox.NamedNode) else check.path
        out.append(result(check, focus, value, "; ".join(sorted(messages)) if messages else None, path=path_node))


def _job_results(check: _Check, rows: list, result, out: list) -> None:
    """A job's rows as results: the value is ``?value`` (or, on a node shape, the focus node),
    the path ``?path`` when it is an IRI (or the property shape's path)."""
    seen = set()
    for focus, path, value, bound in rows:
        if value is None and check.path is None:
            value = focus
        key = (focus, path, value)
        if key in seen:
            continue
        seen.add(key)
        bindings = {k: v.value for k, v in bound.items() if isinstance(v, (ox.NamedNode, ox.Literal, ox.BlankNode))}
        bindings.setdefault("this", focus.value)
        if value is not None:
            bindings.setdefault("value", value.value)
        for name, term in check.job.bindings.items():
            bindings.setdefault(name, str(term))
        messages = [_message_format(m, bindings) for m in check.messages]
        path_node = rdflib.URIRef(path.value) if isinstance(path, ox.NamedNode) else check.path
        out.append(result(check, focus, value, "; ".join(sorted(messages)) if messages else None, path=path_node))


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _subgraph(shapes: rdflib.Graph, roots: list) -> rdflib.Graph:
    """The shapes ``roots`` with everything they reference, and the SPARQL-based constraint
    components, as a shapes graph of its own. A shape reached from a root keeps no targets of
    its own (its targets were validated by the compiled checks: it is validated here only where
    the root reaches it)."""
    out = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    roots_set = set(roots)
    todo, done = list(roots), set()
    for comp in shape_queries.instances(shapes, SH.ConstraintComponent):
        todo.append(comp)
        todo += list(shapes.transitive_objects(comp, rdflib.RDFS.subClassOf))
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for p, o in shapes.predicate_objects(node):
            if node not in roots_set and (p in _TARGETS or (p == RDF.type and o in (
                    rdflib.RDFS.Class, rdflib.OWL.Class))):
                continue
            out.add((node, p, o))
            if (o, None, None) in shapes:
                todo.append(o)
    return out


def _edges(store: ox.Store, convert, node) -> list:
    """The (predicate, object) pairs of a blank node of the data, as rdflib terms."""
    return [(convert(q.predicate), convert(q.object))
            for q in store.quads_for_pattern(ox.BlankNode(str(node)), None, None)]
