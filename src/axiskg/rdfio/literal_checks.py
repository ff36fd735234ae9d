"""Ill-typed literals (and, for the OWL tools, literals they cannot carry), as written, with the
file and line where each is written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib import XSD

from axiskg.errors import InputError
from axiskg.rdfio import literals
from axiskg.rdfio.sources import describe_graph, find_line, graph_files
from axiskg.sparql.querying import solutions
from axiskg.vocab import compact

if TYPE_CHECKING:
    from axiskg.dataset import Data

# characters XML 1.0 cannot hold (RDF/XML, and so owlready2 and HermiT, refuse them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: the integer-derived XSD datatypes: (lowest, highest) value as rdflib checks them (None: no bound)
_XSD = str(XSD)
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    _XSD + "integer": (None, None),
    _XSD + "long": (None, None),
    _XSD + "int": (-(2**31), 2**31 - 1),
    _XSD + "short": (-(2**15), 2**15 - 1),
    _XSD + "byte": (-128, 127),
    _XSD + "unsignedLong": (0, None),
    _XSD + "unsignedInt": (0, 2**32 - 1),
    _XSD + "unsignedShort": (0, 2**16 - 1),
    _XSD + "unsignedByte": (0, 255),
    _XSD + "nonNegativeInteger": (0, None),
    _XSD + "positiveInteger": (1, None),
    _XSD + "nonPositiveInteger": (None, 0),
    _XSD + "negativeInteger": (None, -1),
}
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def integer_ill_typed(literal: ox.Literal) -> bool | None:
    """Whether ``literal``, of an integer-derived XSD datatype and written as ASCII digits, is
    out of its datatype's range (as rdflib reads it: ``"300"^^xsd:byte``); None for any other
    literal (then rdflib decides). Much cheaper than an rdflib literal, for the many integers of
    a large dataset."""
    bounds = _INTEGER_RANGES.get(literal.datatype.value)
    if bounds is None or not _ASCII_INTEGER.fullmatch(literal.value):
        return None
    low, high = bounds
    n = int(literal.value)
    return (low is not None and n < low) or (high is not None and n > high)


def _lexical_problem(literal: ox.Literal) -> str | None:
    """Why an XSD-typed literal is ill-typed (rdflib's reading of the datatypes, ranges of the
    integer-derived types included), or ``None``."""
    datatype = literal.datatype.value
    if not datatype.startswith(str(XSD)) or datatype == str(XSD.string):
        return None
    ill = integer_ill_typed(literal)
    if ill is None:
        ill = rdflib.Literal(literal.value, datatype=rdflib.URIRef(datatype), normalize=False).ill_typed is True
    if not ill:
        return None
    return f"ill-typed literal: {literal.value[:60]!r} is not a valid {compact(datatype, brackets=True)}"


def _literal_problem(literal: ox.Literal, xml: bool, longest: int | None) -> str | None:
    """Why ``literal`` is refused (see :func:`bad_literals`), or ``None``."""
    problem = _lexical_problem(literal)
    bad = _NOT_XML.search(literal.value) if problem is None and xml else None
    if bad:
        problem = f"literal holds U+{ord(bad.group()):04X}, which RDF/XML (and so the OWL tools) cannot carry"
    elif problem is None and longest is not None and len(literal.value) > longest:
        problem = (
            f"literal of {len(literal.value):,} characters: over the {longest:,} that the OWL "
            "reasoner is given (AXISKG_REASON_MAX_LITERAL_MB)"
        )
    return problem


def refuse_bad_literals(store: Data, root: Path | None = None, xml: bool = False, longest: int | None = None) -> None:
    """Raise the last of :func:`literal_problems` (exit 2), the others printed on stderr first:
    for commands that cannot continue on them (build, reason)."""
    import sys

    problems = literal_problems(store, root, xml, longest)
    if problems:
        for problem in problems[:-1]:
            print(f"axiskg: error: {problem}", file=sys.stderr)
        raise problems[-1]


@dataclass(frozen=True)
class BadLiteral:
    """A literal of the data that is ill-typed (or, for the OWL tools, holds a character XML
    cannot carry): the triple it is the object of, as written, and where it is written."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    literal: ox.Literal  # as written (see axiskg.rdfio.literals)
    graph: str
    problem: str
    path: str  # the file (or graph) it is written in
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def error(self) -> InputError:
        return InputError(self.path, self.problem, self.line)


def literal_problems(
    store: Data, root: Path | None = None, xml: bool = False, longest: int | None = None
) -> list[InputError]:
    """:func:`bad_literals` as errors naming file and line, one per literal and file."""
    errors = {(b.path, b.line, b.problem): b.error() for b in bad_literals(store, root, xml, longest)}
    return [errors[key] for key in sorted(errors, key=lambda k: (k[0], k[1] or 0, k[2]))]


def bad_literals(
    store: Data, root: Path | None = None, xml: bool = False, longest: int | None = None
) -> list[BadLiteral]:
    """Ill-typed literals (``"abc"^^xsd:integer``, ``"2024-13-45"^^xsd:date``, ``"300"^^xsd:byte``)
    as written, as rdflib reads the XSD datatypes, with ``xml=True`` literals holding characters
    XML 1.0 cannot carry (U+0000 ...), and with ``longest`` literals longer than that (the OWL
    reasoner's limit), each with its triple and the file and line
    where it is written, where they can be found (``root``: the project whose data graphs to
    look in), sorted by file and line."""
    # the candidates are found inside pyoxigraph: typed XSD literals (not xsd:string), and
    # literals with a character XML cannot hold; literals the store rewrote are checked as written
    typed = f'isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{XSD}") && DATATYPE(?o) != <{XSD}string>'
    control = r'isLiteral(?o) && REGEX(STR(?o), "[\\x{0}-\\x{8}\\x{B}\\x{C}\\x{E}-\\x{1F}\\x{FFFE}\\x{FFFF}]")'
    condition = f"({typed}) || ({control})" if xml else typed
    if longest is not None:
        condition += f" || (isLiteral(?o) && STRLEN(STR(?o)) > {int(longest)})"
    # (the distinct literals, not the distinct (graph, literal) pairs: a project of many files
    # repeats its numbers in each; the graphs of the few bad ones are looked up after); a graph
    # whose literals the loader saw (axiskg.rdfio.census) is not scanned
    store_, kept = literals.parts(store)
    seen = {} if kept is None or longest is not None else kept.census
    seen = {g: census for g, census in seen.items() if not (xml and census.control)}
    graphs = [g for g in store_.named_graphs() if g.value not in seen]
    named = all(isinstance(g, ox.NamedNode) for g in graphs)  # (VALUES cannot hold a blank node)
    scanned = f"VALUES ?g {{ {' '.join(map(str, graphs))} }}" if named else ""
    query = f"SELECT DISTINCT ?o WHERE {{ {scanned} GRAPH ?g {{ ?s ?p ?o }} FILTER({condition}) }}"
    candidates = [row[0] for row in solutions(store_, query)] if graphs else []
    candidates = list(dict.fromkeys(candidates + [literal for census in seen.values() for literal in census.typed]))

    problems: dict[ox.Literal, str | None] = {}  # each distinct literal is checked once

    def problem_of(literal: ox.Literal) -> str | None:
        if literal not in problems:
            problems[literal] = _literal_problem(literal, xml, longest)
        return problems[literal]

    found: list[tuple] = []  # (subject, predicate, literal as written, graph, problem)
    record = literals.table(store)
    for stored in candidates:
        for q in store.quads_for_pattern(None, None, stored) if problem_of(stored) else ():
            graph = q.graph_name
            if isinstance(graph, ox.NamedNode) and (
                record is None or (q.subject, q.predicate, stored, graph) not in record.quads
            ):
                found.append((q.subject, q.predicate, stored, graph, problem_of(stored)))
    # the distinct literals as written are judged first (a large dataset repeats its numbers);
    # the record is gone through again only to find where the ill-typed ones are
    distinct = {w for written in record.quads.values() for w in written} if record is not None else set()
    ill = {w for w in distinct if problem_of(w) is not None}
    for (s, p, _, graph), written in record.quads.items() if ill and record is not None else ():
        for literal in written:
            if literal in ill and isinstance(graph, ox.NamedNode):
                found.append((s, p, literal, graph, problem_of(literal)))
    out = []
    for s, p, literal, graph, problem in found:
        path, line = find_line(graph_files(root, graph.value), literal.value)
        out.append(BadLiteral(s, p, literal, graph.value, problem, str(path or describe_graph(graph.value)), line))
    out.sort(key=lambda b: (b.path, b.line or 0, b.problem, str(b.subject), str(b.predicate)))
    return out
