"""The SPARQL that shapes carry (SHACL-SPARQL, https://www.w3.org/TR/shacl/#sparql-constraints):
its prefixes, the safety gate every such query passes before any engine runs it, and the
SPARQL-based constraint components a shapes graph declares.

Shapes are untrusted input (a shapes file may come from a pull request): every ``sh:select`` and
``sh:ask`` of a shapes graph goes through :func:`axiskg.sparql.safety.inspect`, the gate of
``axiskg query`` (no SERVICE, no Update), and through the rules of SHACL's pre-binding
(https://www.w3.org/TR/shacl/#pre-binding): no ``MINUS``, no ``VALUES``, no ``SERVICE``, no
``AS`` of a pre-bound variable, and every sub-select projects the pre-bound variables it could
see. A query that breaks one is refused with :class:`~axiskg.errors.InputError` (exit 2) before
validation starts, whichever engine runs the shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rdflib
from rdflib import OWL, RDF, RDFS, SH

from axiskg.errors import InputError
from axiskg.sparql.safety import Refused, inspect, mask

#: pre-bound variables besides the parameters (https://www.w3.org/TR/shacl/#pre-binding)
PRE_BOUND = ("this", "value", "shapesGraph", "currentShape")
_QUERY_KEYS = (SH.select, SH.ask, SH.construct)  # construct: SHACL-AF rules, which pyshacl runs


#: a prefix name as SPARQL's PN_PREFIX allows (letters first; letters, digits, _ - . inside)
_PREFIX_NAME = re.compile(r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?\Z")
#: an absolute IRI as SPARQL's IRIREF allows it between < and >
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*\Z")


def _declaration(g: rdflib.Graph, decl) -> tuple[str, str] | None:
    """``(prefix, namespace)`` of one ``sh:declare`` node, both checked before either is written
    into a ``PREFIX`` line (a namespace holding ``>`` would close the IRI and carry a query of its
    own); ``None`` when it lacks one of the two."""
    prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
    if prefix is None or namespace is None:
        return None
    if not _PREFIX_NAME.match(str(prefix)):
        problem = f"sh:prefix {_excerpt(prefix)} is not a SPARQL prefix name"
    elif not _IRI.match(str(namespace)):
        problem = (
            f"sh:namespace {_excerpt(namespace)} (sh:prefix {_excerpt(prefix)}) is not an absolute IRI; "
            "refused before it is written into any query"
        )
    else:
        return str(prefix), str(namespace)
    # named by the first node with an IRI that declares it, where there is one
    owner = min((o for o in g.subjects(SH.declare, decl) if isinstance(o, rdflib.URIRef)), key=str, default=None)
    if owner is not None:
        name = f"a sh:declare of <{owner}>"
    else:
        name = f"the prefix declaration <{decl}>" if isinstance(decl, rdflib.URIRef) else "a prefix declaration"
    raise RefusedShape(InputError("shapes", f"{name}: {problem}"), decl if owner is None else owner, SH.declare)


def _excerpt(value, longest: int = 60) -> str:
    text = str(value)
    return repr(text[:longest] + ("…" if len(text) > longest else ""))


def check_declarations(g: rdflib.Graph) -> dict:
    """Every prefix declaration anywhere in ``g`` checked (:func:`_declaration`), not only those
    reached through ``sh:prefixes``: pyshacl also adds the ``sh:declare`` of every
    ``owl:Ontology`` and of the graph's name to each query it runs. Returns ``declaration ->
    (prefix, namespace)`` for those that have both, for :func:`prefixes` to read, not check again."""
    nodes = set(g.objects(None, SH.declare)) | set(g.subjects(SH.prefix, None)) | set(g.subjects(SH.namespace, None))
    checked = {}
    for decl in sorted(nodes, key=str):
        pair = _declaration(g, decl)
        if pair is not None:
            checked[decl] = pair
    return checked


def _pair(g: rdflib.Graph, decl, checked: dict | None) -> tuple[str, str] | None:
    """``decl``'s (prefix, namespace): from ``checked`` (:func:`check_declarations`) when given,
    else checked here."""
    return checked.get(decl) if checked is not None else _declaration(g, decl)


def prefixes(g: rdflib.Graph, node, checked: dict | None = None) -> str:
    """The ``PREFIX`` lines declared for ``node``'s query: the ``sh:declare`` of each of its
    ``sh:prefixes``, following ``owl:imports`` of those (https://www.w3.org/TR/shacl/#sparql-prefixes).
    ``checked``: the declarations :func:`check_declarations` returned (else each is checked here)."""
    found: dict[str, str] = {}
    todo, seen = list(g.objects(node, SH.prefixes)), set()
    while todo:
        owner = todo.pop()
        if owner in seen:
            continue
        seen.add(owner)
        for decl in g.objects(owner, SH.declare):
            pair = _pair(g, decl, checked)
            if pair is not None:
                found.setdefault(*pair)
        todo += list(g.objects(owner, OWL.imports))
    return _prefix_lines(found)


def _prefix_lines(found: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(found.items()))


def pyshacl_prefixes(g: rdflib.Graph, node, checked: dict | None = None) -> str:
    """The ``PREFIX`` lines pyshacl 0.40 puts before ``node``'s query when it runs it: besides
    the ``sh:declare`` of its ``sh:prefixes``, those of every ``owl:Ontology`` of ``g`` (unless
    the ``sh:prefixes`` value is itself an ontology with declarations), so that the gate checks
    the text pyshacl runs."""
    values = list(g.objects(node, SH.prefixes))
    if not values:
        return ""
    ontologies = set(g.subjects(RDF.type, OWL.Ontology))
    everywhere = {d for o in ontologies for d in g.objects(o, SH.declare)}
    found: dict[str, str] = {}
    for value in values:
        own = set(g.objects(value, SH.declare))
        for decl in own if own and value in ontologies else own | everywhere:
            pair = _pair(g, decl, checked)
            if pair is not None:
                found[pair[0]] = pair[1]
    return _prefix_lines(found)


def instances(g: rdflib.Graph, cls) -> set:
    """Nodes typed ``cls`` or a subclass of it (rdfs:subClassOf* within ``g``)."""
    classes = set(g.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in g.subjects(RDF.type, c)}


@dataclass
class Parameter:
    path: rdflib.URIRef
    name: str  # the variable name: the local name of the path
    optional: bool


@dataclass
class Component:
    """A SPARQL-based constraint component (https://www.w3.org/TR/shacl/#sparql-constraint-components)."""

    iri: rdflib.term.Node
    parameters: list[Parameter]
    validator: rdflib.term.Node | None = None
    node_validator: rdflib.term.Node | None = None
    property_validator: rdflib.term.Node | None = None
    messages: list = field(default_factory=list)

    def for_node_shape(self):
        return self.node_validator or self.validator

    def for_property_shape(self):
        return self.property_validator or self.validator


def _local(iri) -> str:
    return re.split(r"[#/:]", str(iri))[-1]


def components(g: rdflib.Graph) -> list[Component]:
    """Every SPARQL-based constraint component declared in ``g`` (typed ``sh:ConstraintComponent``
    or a subclass; the core components of SHACL are not declared in a shapes graph)."""
    out = []
    for cc in sorted(instances(g, SH.ConstraintComponent), key=str):
        params = []
        for p in g.objects(cc, SH.parameter):
            path = g.value(p, SH.path)
            if isinstance(path, rdflib.URIRef):
                optional = g.value(p, SH.optional)
                params.append(Parameter(path, _local(path), optional is not None and optional.toPython() is True))
        out.append(
            Component(
                cc,
                sorted(params, key=lambda x: str(x.path)),
                g.value(cc, SH.validator),
                g.value(cc, SH.nodeValidator),
                g.value(cc, SH.propertyValidator),
                sorted(str(m) for m in g.objects(cc, SH.message)),
            )
        )
    return out


# --------------------------------------------------------------------------- the gate


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[?$][A-Za-z0-9_]+|[{}()*]")


def check_query(text: str, where: str, params: tuple[str, ...] = ()) -> None:
    """Refuse ``text`` (a shape's query with its prefixes) if the SPARQL safety gate refuses it
    or it breaks SHACL's rules for pre-binding; ``where`` names it in the message."""
    from axiskg.rdfio.inputs import refuse_long_query

    refuse_long_query(text, f"shapes: {where}")  # before the lexer, whose memory grows with the text
    try:
        inspect(text)
    except Refused as exc:
        raise InputError("shapes", f"{where}: refused: {exc.message}") from None
    code = mask(text)
    tokens = _WORD.findall(code)
    lowered = [t.lower() for t in tokens]
    for keyword in ("minus", "values"):
        if keyword in lowered:
            raise InputError(
                "shapes",
                f"{where}: SHACL does not allow {keyword.upper()} in a shape's query "
                "(https://www.w3.org/TR/shacl/#pre-binding)",
            )
    bound = {v.lower() for v in PRE_BOUND + params}
    used = {t[1:] for t in tokens if t[0] in "?$" and t[1:].lower() in bound - {"shapesgraph", "currentshape"}}
    for i, t in enumerate(lowered):
        if t == "as" and i + 1 < len(tokens) and tokens[i + 1][0] in "?$" and tokens[i + 1][1:].lower() in bound:
            raise InputError(
                "shapes",
                f"{where}: a shape's query may not assign the pre-bound variable "
                f"{tokens[i + 1]} (https://www.w3.org/TR/shacl/#pre-binding)",
            )
    selects = [i for i, t in enumerate(lowered) if t == "select"]
    for i in selects[1:]:  # sub-selects must project every pre-bound variable the query uses
        projected = set()
        for t in tokens[i + 1 :]:
            if t.lower() == "where" or t == "{":
                break
            if t[0] in "?$":
                projected.add(t[1:])
        missing = sorted(used - projected)
        if missing:
            raise InputError(
                "shapes",
                f"{where}: a sub-select of a shape's query must project the pre-bound "
                f"variable(s) {', '.join('$' + m for m in missing)} "
                "(https://www.w3.org/TR/shacl/#pre-binding)",
            )


class RefusedShape(InputError):
    """A shape's query refused by :func:`check_shapes`: ``node`` holds it as its ``key``
    (``sh:select`` ...), so that a report can say in which file and line."""

    def __init__(self, refused: InputError, node, key) -> None:
        super().__init__(refused.path, refused.problem, refused.line, refused.column)
        self.node, self.key = node, key


def check_shapes(g: rdflib.Graph) -> None:
    """Every prefix declaration of the shapes graph (:func:`check_declarations`), then every
    query through :func:`check_query` with the prefixes our engine gives it and with those
    pyshacl gives it, then through the SPARQL parser (:func:`check_syntax`), so that both
    engines refuse a faulty query alike (raises :class:`RefusedShape`, or InputError for a
    declaration)."""
    checked = check_declarations(g)
    params = tuple(sorted({p.name for c in components(g) for p in c.parameters}))
    for key in _QUERY_KEYS:
        for node, text in sorted(g.subject_objects(key), key=lambda so: (str(so[0]), str(so[1]))):
            where = f"the sh:{_local(key)} of {node}"
            head = prefixes(g, node, checked)
            try:
                for each in dict.fromkeys((head, pyshacl_prefixes(g, node, checked) + "\n")):
                    check_query(each + str(text), where, params)
            except InputError as exc:
                raise RefusedShape(exc, node, key) from None
            check_syntax(g, node, key, head, str(text))


#: ``$PATH`` (https://www.w3.org/TR/shacl/#sparql-constraints-prebound) stands where the shape's
#: path goes (the compiler puts the path there); for the parser, an IRI of the same length, columns unchanged
PATH_VAR = re.compile(r"\$PATH\b")
#: what holds a query node: the shape of a constraint, the component of a validator, ...
_HOLDERS = (SH.sparql, SH.validator, SH.nodeValidator, SH.propertyValidator, SH.rule)


def check_syntax(g: rdflib.Graph, node, key, head: str, text: str) -> None:
    """Parse ``node``'s query ``text`` with its ``PREFIX`` lines ``head`` (as the engines run
    it); a syntax error raises :class:`RefusedShape` naming the shape that holds the query and
    the line and column within the query text (:func:`axiskg.sparql.syntax.locate`)."""
    import pyoxigraph as ox

    from axiskg.sparql.syntax import locate

    query = head + PATH_VAR.sub("<p:p>", text)
    try:
        ox.Store().query(query)  # an empty store: parsed (and evaluated on nothing), never run
    except SyntaxError as exc:
        problem, line, column = locate(exc, query)
        skipped = head.count("\n")
        owner = node
        if not isinstance(node, rdflib.URIRef):
            owner = min((s for p in _HOLDERS for s in g.subjects(p, node)), key=str, default=node)
        name = f"the sh:{_local(key)} of {owner}" if isinstance(owner, rdflib.URIRef) else "a shape's query"
        at = f" at line {line - skipped}, column {column} of the query" if line and line > skipped else ""
        refused = InputError("shapes", f"{name}: SPARQL syntax error{at}: {problem}")
        raise RefusedShape(refused, owner, key) from None


# --------------------------------------------------------------------------- $this by join


def this_by_join(text: str) -> bool:
    """Whether joining the focus nodes into the query's outer group (one query for all of them)
    gives the same rows as pre-binding ``$this`` in each run: true when the query has no
    sub-select and every ``$this`` inside a nested group (other than an ``EXISTS`` block of the
    outer group) stands in a triple pattern, never in an expression, where an unbound ``$this``
    would differ from a bound one."""
    code = mask(text)
    tokens = _WORD.findall(code)
    lowered = [t.lower() for t in tokens]
    if lowered.count("select") > 1:
        return False
    stack: list[str] = []  # kinds of the open groups below WHERE's
    parens = 0
    started = False
    for i in range(len(tokens)):
        t = lowered[i]
        if t == "{":
            if not started:
                started = True
                stack.append("where")
            else:
                stack.append("exists" if i > 0 and lowered[i - 1] == "exists" else "group")
        elif t == "}":
            if stack:
                stack.pop()
        elif t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t in ("?this", "$this"):
            nested = [k for k in stack[1:]]
            if not nested:
                continue
            if nested[0] == "exists" and all(k == "exists" for k in nested):
                continue
            if parens > 0 or "exists" in nested:
                return False
    return True
