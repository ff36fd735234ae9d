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
of shapes made only of ``sh:class``; and SHACL-SPARQL ``sh:sparql``/``sh:select`` constraints on node
shapes, run once with ``$this`` joined to the targets. A node shape using anything else is handed,
whole, to pyshacl (:attr:`SparqlReport.fallback` names it): correct before fast.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import RDF, SH
from rdflib.collection import Collection

from axiskg import loading
from axiskg.errors import InputError
from axiskg.sparql_safety import mask
from axiskg.validation import _NS, Report, Result, _Describer, _local

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
                  SH.qualifiedMinCount, SH["or"], SH["not"]}
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
        g = self.g
        if isinstance(node, rdflib.URIRef):
            return f"<{node}>"
        if g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(x) for x in self.items(node)) + ")"
        for pred, fmt in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                          (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, pred)
            if inner is not None:
                return fmt.format(self.path(inner))
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(x) for x in self.items(alt)) + ")"
        raise Unsupported(f"path {node}")

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


@dataclass
class _Part:
    """One constraint of a property shape answered by a query shared with the shape's others:
    a per-value constraint (``condition`` on ?v marks a violating value; the query projects
    it as the boolean ``?_f<i>``), or a count constraint (``count`` = ("min"|"max", n), tested
    in Python on the projected ``?_n``)."""

    component: str
    generic: object = None
    python_filter: object = None
    condition: str | None = None
    count: tuple | None = None


@dataclass
class _Check:
    """One compiled constraint: its query and how to turn rows into results."""

    owner: rdflib.term.Node  # the node shape
    shape: rdflib.term.Node  # the shape the constraint belongs to (property shape, or owner)
    component: str
    query: str
    severity: str
    messages: list[str]
    path: rdflib.term.Node | None = None
    python_filter: object = None  # (value) -> bool "is a violation", applied to returned rows
    generic: object = None  # (focus, value) -> message, when the shape has no sh:message
    parts: list = field(default_factory=list)  # constraints sharing this query (see _Part)
    sparql: object = None  # the sh:sparql constraint node (SHACL-SPARQL)


def _severity(g: rdflib.Graph, shape) -> str:
    sev = g.value(shape, SH.severity)
    return _local(str(sev)) if sev is not None else "Violation"


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
    wanted = ", ".join(f'"{str(x).lower()}"' for x in langs)
    if any(str(x) == "*" for x in langs):
        return 'isLiteral(?v) && lang(?v) != ""'
    return (f'isLiteral(?v) && lang(?v) != "" && (LCASE(lang(?v)) IN ({wanted}) || '
            f'LCASE(STRBEFORE(lang(?v), "-")) IN ({wanted}))')


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
    keys = set(g.predicates(prop))
    if keys - _PROPERTY_KEYS:
        raise Unsupported(f"property shape uses {sorted(str(k) for k in keys - _PROPERTY_KEYS)}")
    if g.value(prop, SH.deactivated) == rdflib.Literal(True):
        return []
    path_node = g.value(prop, SH.path)
    if path_node is None:
        raise Unsupported("property shape without sh:path")
    value_of = c.pattern(path_node, "?this", "?v")
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
        if not unique.toPython():
            continue
        q = (f"SELECT ?this WHERE {{ {targets} {value_of} "
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
    if value_parts:
        flags = " ".join(f"?_f{i}" for i in range(len(value_parts)))
        binds = " ".join(f"BIND (COALESCE({p.condition}, false) AS ?_f{i})" for i, p in enumerate(value_parts))
        any_flag = " || ".join(f"?_f{i}" for i in range(len(value_parts)))
        q = f"SELECT DISTINCT ?this ?v {flags} WHERE {{ {targets} {value_of} {binds} FILTER ({any_flag}) }}"
        checks.append(_Check(owner, prop, None, q, severity, messages, path_node, parts=value_parts))
    if count_parts:
        having = " || ".join(f"COUNT(DISTINCT ?v) {'<' if kind == 'min' else '>'} {n}"
                             for kind, n in (p.count for p in count_parts))  # no aliases in HAVING
        walk = f"OPTIONAL {{ {value_of} }}" if any(p.count[0] == "min" for p in count_parts) else value_of
        q = (f"SELECT ?this (COUNT(DISTINCT ?v) AS ?_n) WHERE {{ {targets} {walk} }} "
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


def _compile_sparql(c: _Compiler, owner, constraint, targets: str) -> _Check:
    g = c.g
    select = g.value(constraint, SH.select)
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    text = str(select)
    if re.search(r"\$(?!this\b)\w+", text):
        raise Unsupported("SHACL-SPARQL query with pre-bound variables other than $this")
    prefixes = []
    for decl_owner in g.objects(constraint, SH.prefixes):
        for decl in g.objects(decl_owner, SH.declare):
            prefixes.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
    text = _THIS.sub("?this", text)
    m = _WHERE.search(text)
    if m is None:
        raise Unsupported("sh:select without WHERE {")
    query = "\n".join(sorted(set(prefixes))) + "\n" + text[: m.end()] + f" {targets} " + text[m.end():]
    query = not_exists_as_minus(query)
    messages = sorted(str(x) for x in g.objects(constraint, SH.message))
    own = sorted(str(x) for x in g.objects(owner, SH.message))
    return _Check(owner, owner, SH + "SPARQLConstraintComponent", query, _severity(g, owner),
                  own + [x for x in messages if x not in own], None, sparql=constraint)


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


def compile_shapes(shapes: rdflib.Graph, stringify, subclasses=None) -> tuple[list[_Check], list]:
    """The checks of every node shape, and the node shapes that must go to pyshacl."""
    c = _Compiler(shapes, subclasses)
    node_shapes = set()
    for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        node_shapes |= set(shapes.subjects(key, None))
    node_shapes |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
    checks, fallback = [], []
    for shape in sorted(node_shapes, key=str):
        if shapes.value(shape, SH.deactivated) == rdflib.Literal(True):
            continue
        try:
            if set(shapes.predicates(shape)) - _NODE_KEYS:
                raise Unsupported("node shape constraints")
            if shapes.value(shape, SH.path) is not None:
                raise Unsupported("property shape with its own targets")
            targets = c.targets(shape)
            if targets is None:
                continue
            mine = []
            foci = c.targets(shape, distinct=False)  # property checks all de-duplicate
            for prop in shapes.objects(shape, SH.property):
                mine += _compile_property(c, shape, prop, foci, stringify)
            for constraint in shapes.objects(shape, SH.sparql):
                if shapes.value(constraint, SH.deactivated) != rdflib.Literal(True):
                    mine.append(_compile_sparql(c, shape, constraint, targets))
        except Unsupported:
            fallback.append(shape)
            continue
        checks += mine
    return checks, fallback


# --------------------------------------------------------------------------- running


class _Describe:
    """Results' strings exactly as :class:`axiskg.validation._Describer` makes them from
    pyshacl's report, read from the store instead of an rdflib copy of the data."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph) -> None:
        self.store = store
        self.shapes = shapes
        self.describer = _Describer(rdflib.Graph(), shapes, rdflib.Graph())
        self.convert = loading._TermConverter()
        self._cache: dict = {}

    def node(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            return term.value
        if isinstance(term, ox.Literal):
            return self.convert(term).n3(_NS)
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
        self.convert = loading._TermConverter()
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
    for var, val in bindings.items():
        text = re.sub("{{[?$]{}}}".format(var), str(val), text)
    return text


def _plain(term) -> str:
    """``str()`` of the rdflib term pyshacl would have (used in SPARQL messages)."""
    return term.value


def validate_store(store: ox.Store, shapes: rdflib.Graph, locate=None, progress: bool = False) -> SparqlReport:
    """Validate the union of ``store``'s graphs (data and ontology) against ``shapes``.

    ``progress=True`` shows a progress bar (one step per compiled check) when stderr is a terminal.
    """
    from axiskg.progress import bar

    stringify = _Stringify(store)
    checks, fallback = compile_shapes(shapes, stringify, _subclass_closure(store))
    describe = _Describe(store, shapes)
    results: list[Result] = []

    def result(check: _Check, focus, value, message: str | None, component: str | None = None) -> Result:
        return Result(
            severity=check.severity,
            focus=describe.node(focus),
            path=describe.describer.path(check.path),
            component=str(component or check.component),
            source_shape=describe.describer.shape(check.shape),
            value=describe.node(value) if value is not None else None,
            message=message,
            source=locate(describe.convert(focus)) if locate is not None else None,
        )

    with bar(len(checks) if progress else 0, "validate", "checks") as step, \
            ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        # pyoxigraph releases the GIL while it evaluates, so the queries run on every core;
        # rows are turned into results here, in the checks' order
        fetched = pool.map(lambda check: _fetch(store, check, describe), checks)
        for check, (variables, rows) in zip(checks, fetched):
            _results(check, variables, rows, result, results)
            step(1)
    if fallback:
        from axiskg.validation import validate as pyshacl_validate

        sub = _subgraph(shapes, fallback)
        data = loading.to_rdflib(store)
        fb = pyshacl_validate(data, sub, None, "none", locate=locate)
        results += fb.results
    results.sort(key=Result.sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    report_graph = _report_graph(conforms, results)
    return SparqlReport(conforms=conforms, results=results, graph=report_graph,
                        fallback=[str(s) for s in fallback], queries=len(checks))


#: threads running the checks' queries (pyoxigraph evaluates without the GIL)
_WORKERS = max(1, min(4, os.cpu_count() or 1))


def _fetch(store: ox.Store, check: _Check, describe: _Describe) -> tuple[list[str], list]:
    """The check's query run on the union graph: its variable names and all its rows."""
    try:
        rows = store.query(check.query, use_default_graph_as_union=True)
    except SyntaxError as exc:  # a bug in the compiler or in a shape's sh:select
        raise InputError("shapes", f"cannot compile {describe.describer.shape(check.shape)}: {exc}") from None
    return [v.value for v in rows.variables], list(rows)


def _results(check: _Check, variables: list[str], rows: list, result, results: list) -> None:
    """The check's rows as validation results, appended to ``results``."""
    if check.sparql is not None:
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
        out.append(result(check, focus, value, "; ".join(sorted(messages)) if messages else None))


def _subgraph(shapes: rdflib.Graph, roots: list) -> rdflib.Graph:
    """The node shapes ``roots`` with everything they reference, as a shapes graph of its own."""
    out = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    todo, done = list(roots), set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for p, o in shapes.predicate_objects(node):
            out.add((node, p, o))
            if (o, None, None) in shapes:
                todo.append(o)
    return out


def _report_graph(conforms: bool, results: list[Result]) -> rdflib.Graph:
    """A SHACL validation report graph with the results' strings (IRIs kept as IRIs)."""
    g = rdflib.Graph()
    report = rdflib.BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, rdflib.Literal(conforms)))

    def term(text: str):
        return rdflib.URIRef(text) if re.match(r"^[a-z][a-z0-9+.-]*:[^\s]*$", text) else rdflib.Literal(text)

    for i, r in enumerate(results):
        node = rdflib.BNode(f"r{i}")
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.resultSeverity, SH[r.severity]))
        g.add((node, SH.focusNode, term(r.focus)))
        g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
        g.add((node, SH.sourceShape, term(r.source_shape)))
        if r.path:
            g.add((node, SH.resultPath, term(r.path)))
        if r.value is not None:
            g.add((node, SH.value, term(r.value)))
        if r.message:
            g.add((node, SH.resultMessage, rdflib.Literal(r.message)))
    return g
