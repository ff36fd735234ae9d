"""Every SHACL shape of ontology/shapes/ against its fixtures in tests/shapes/ (see the README there).

Each fixture is ``tests/shapes/base.ttl`` plus the fixture's triples (minus its ``.remove.ttl``
triples), validated with the real ontology and shapes in this one process. ``ok*`` fixtures must
give no result of any severity; a ``bad-*`` fixture must give exactly the lines of its committed
``.expected.tsv`` and make the shape its folder is named after fire. Meta-tests check that every
node shape, reusable property shape and SHACL-SPARQL constraint has such fixtures.

Set ``AXISKG_UPDATE_EXPECTED=1`` to (re)write the ``.expected.tsv`` files from what the shapes
report now (except those of KNOWN_SHAPE_BUGS, which hold the intended result); review the diff
before committing it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, SH

from axiskg.dataset import Dataset, load_shapes
from axiskg.rdfio.terms import data_graph, ontology_graph, to_rdflib
from axiskg.shacl.results import Report, compact
from axiskg.shacl.validation import validate

ROOT = Path(__file__).resolve().parents[1]
#: one pytest-xdist worker runs this module and test_shacl_sparql.py, which reuses its cached pyshacl reports
pytestmark = pytest.mark.xdist_group("shape-fixtures")
SHAPES_DIR = ROOT / "tests" / "shapes"
BASE = SHAPES_DIR / "base.ttl"
AXSH = "https://w3id.org/axiskg/shapes#"
UPDATE = os.environ.get("AXISKG_UPDATE_EXPECTED") == "1"

_G_BASE = "urn:axiskg:test:base"
_G_ADD = "urn:axiskg:test:additions"
_G_REMOVE = "urn:axiskg:test:removals"

#: fixtures whose shape does not behave as intended (reported to the lead): fixture id -> why.
#: Each is an xfail(strict=True) test of the intended result; fix the shape, drop the entry.
KNOWN_SHAPE_BUGS: dict[str, str] = {}


# --------------------------------------------------------------------------- fixtures on disk


@dataclass(frozen=True)
class Fixture:
    shape: str  # the folder: local name of the shape (or reusable property shape) under test
    name: str  # "ok", "ok-<what>" or "bad-<what>"
    additions: Path | None
    removals: Path | None

    @property
    def id(self) -> str:
        return f"{self.shape}/{self.name}"

    @property
    def bad(self) -> bool:
        return self.name.startswith("bad-")

    @property
    def expected(self) -> Path:
        return SHAPES_DIR / self.shape / f"{self.name}.expected.tsv"


def discover() -> list[Fixture]:
    fixtures = []
    for folder in sorted(p for p in SHAPES_DIR.iterdir() if p.is_dir()):
        names: dict[str, dict[str, Path]] = {}
        for path in folder.glob("*.ttl"):
            if path.name.endswith(".remove.ttl"):
                names.setdefault(path.name[: -len(".remove.ttl")], {})["remove"] = path
            else:
                names.setdefault(path.stem, {})["add"] = path
        for name, files in sorted(names.items()):
            fixtures.append(Fixture(folder.name, name, files.get("add"), files.get("remove")))
    return fixtures


FIXTURES = discover()


def _param(fx: Fixture):
    reason = KNOWN_SHAPE_BUGS.get(fx.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(fx, id=fx.id, marks=marks)


# --------------------------------------------------------------------------- validating


@cache
def ontology() -> rdflib.Graph:
    return ontology_graph(Dataset.load(root=ROOT, data=False, inferred=False))


@cache
def shapes() -> rdflib.Graph:
    return load_shapes(ROOT)


def fixture_data(fx: Fixture | None) -> rdflib.Graph:
    """base.ttl, plus the fixture's triples, minus its removals (which base.ttl must have)."""
    store = Dataset()  # its record keeps the fixtures' literals as written
    store.add_file(BASE, _G_BASE)
    if fx is not None and fx.additions is not None:
        store.add_file(fx.additions, _G_ADD)
    if fx is not None and fx.removals is not None:
        store.add_file(fx.removals, _G_REMOVE)
        base = ox.NamedNode(_G_BASE)
        for q in list(store.quads_for_pattern(None, None, None, ox.NamedNode(_G_REMOVE))):
            triple = ox.Quad(q.subject, q.predicate, q.object, base)
            if triple not in store:
                raise AssertionError(f"{fx.removals}: base.ttl has no triple {q.triple} to remove")
            store.remove(triple)
    return to_rdflib(store, [_G_BASE, _G_ADD])


_PREPARED: dict = {}


@contextmanager
def prepared_sparql():
    """Parse each SPARQL query text once, not once per focus node.

    pyshacl hands rdflib the same SHACL-SPARQL query text for every focus node (only ``$this``
    is bound differently) and rdflib parses it anew each time: 70% of a fixture's validation
    time. A prepared query with initial bindings is rdflib's documented way to run one query
    many times, and gives the same results (``test_prepared_queries_give_the_same_report``).
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.processor import SPARQLProcessor

    original = SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in _PREPARED:
                _PREPARED[key] = prepareQuery(strOrQuery, initNs=initNs, base=base)
            strOrQuery = _PREPARED[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query
    try:
        yield
    finally:
        SPARQLProcessor.query = original


@cache
def report_for(fx: Fixture | None) -> tuple[Report, rdflib.Graph]:
    """The validation report of a fixture (``None``: base.ttl alone) and its data."""
    data = fixture_data(fx)
    with prepared_sparql():
        report = validate(data, shapes(), ontology())
    return report, data


@cache
def mixed(fx: Fixture | None) -> rdflib.Graph:
    """The fixture's data mixed with the ontology, as pyshacl saw it."""
    return report_for(fx)[1] + ontology()


def lines(report: Report) -> list[str]:
    """``severity TAB focus TAB path TAB component``, IRIs compacted, sorted."""
    return sorted(
        "\t".join((r.severity, compact(r.focus), compact(r.path) if r.path else "-", compact(r.component)))
        for r in report.results
    )


# --------------------------------------------------------------------------- what fired


def shape_iri(local: str) -> rdflib.URIRef:
    return rdflib.URIRef(AXSH + local)


@cache
def node_shapes() -> list[rdflib.URIRef]:
    return sorted(s for s in shapes().subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef))


@cache
def reusable_property_shapes() -> list[rdflib.URIRef]:
    return sorted(s for s in shapes().subjects(RDF.type, SH.PropertyShape) if isinstance(s, rdflib.URIRef))


@cache
def sparql_constraints() -> dict[rdflib.term.Node, str]:
    """Each sh:sparql constraint -> ``<shape local name>: <message>``."""
    out = {}
    for shape, constraint in shapes().subject_objects(SH.sparql):
        out[constraint] = f"{_local(shape)}: {shapes().value(constraint, SH.message)}"
    return out


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1]


def focus_nodes(shape: rdflib.URIRef, graph: rdflib.Graph) -> set:
    """The focus nodes of a node shape's targets in ``graph`` (data mixed with the ontology)."""
    sg = shapes()
    out = set(sg.objects(shape, SH.targetNode))
    for cls in sg.objects(shape, SH.targetClass):
        for sub in graph.transitive_subjects(RDFS.subClassOf, cls):
            out |= set(graph.subjects(RDF.type, sub))
    for prop in sg.objects(shape, SH.targetSubjectsOf):
        out |= set(graph.subjects(prop, None))
    for prop in sg.objects(shape, SH.targetObjectsOf):
        out |= set(graph.objects(None, prop))
    return out


def fired(fx: Fixture | None) -> set:
    """Every shape and SPARQL constraint that made a result in the fixture's report: a node
    shape fires through its own constraints, its sh:sparql and its property shapes (named
    reusable ones only on a focus node of its own targets)."""
    report, _ = report_for(fx)
    g = report.graph
    out = set()
    for r in g.subjects(RDF.type, SH.ValidationResult):
        source = g.value(r, SH.sourceShape)
        out.add(source)
        constraint = g.value(r, SH.sourceConstraint)
        if constraint is not None:
            out.add(constraint)
        focus = g.value(r, SH.focusNode)
        for owner in shapes().subjects(SH.property, source):
            if isinstance(source, rdflib.BNode) or focus in focus_nodes(owner, mixed(fx)):
                out.add(owner)
    return out


# --------------------------------------------------------------------------- the tests


def test_base_world_conforms_without_any_result():
    report, _ = report_for(None)
    assert lines(report) == []


def test_base_world_has_a_focus_node_for_every_node_shape():
    """So that every ok fixture is a real test of its shape, not an empty one."""
    assert [_local(s) for s in node_shapes() if not focus_nodes(s, mixed(None))] == []


@pytest.mark.parametrize("fx", [_param(f) for f in FIXTURES if not f.bad])
def test_ok_fixture_gives_no_result(fx: Fixture):
    assert not fx.expected.exists(), f"{fx.expected.name}: ok fixtures have no expected report"
    report, _ = report_for(fx)
    assert lines(report) == []


@pytest.mark.parametrize("fx", [_param(f) for f in FIXTURES if f.bad])
def test_bad_fixture_gives_exactly_the_expected_results(fx: Fixture):
    report, _ = report_for(fx)
    got = lines(report)
    if UPDATE and fx.id not in KNOWN_SHAPE_BUGS:
        fx.expected.write_text("".join(line + "\n" for line in got), encoding="utf-8")
    assert fx.expected.exists(), f"missing {fx.expected.relative_to(SHAPES_DIR.parent)}"
    expected = fx.expected.read_text(encoding="utf-8").splitlines()
    assert expected == sorted(expected), f"{fx.expected.name} is not sorted"
    assert got == expected
    assert shape_iri(fx.shape) in fired(fx), f"{fx.id} does not make axsh:{fx.shape} fire"


def test_every_folder_is_a_shape_with_ok_and_bad_fixtures():
    known = {_local(s) for s in node_shapes() + reusable_property_shapes()}
    folders = {p.name for p in SHAPES_DIR.iterdir() if p.is_dir()}
    assert sorted(folders - known) == [], "fixture folders named after no shape"
    assert sorted(known - folders) == [], "shapes without a fixture folder"
    for folder in sorted(folders):
        names = [f.name for f in FIXTURES if f.shape == folder]
        assert any(n == "ok" or n.startswith("ok-") for n in names), f"{folder}: no ok fixture"
        assert any(n.startswith("bad-") for n in names), f"{folder}: no bad fixture"
        assert all(n == "ok" or n.startswith(("ok-", "bad-")) for n in names), f"{folder}: {names}"


def test_known_shape_bugs_name_existing_fixtures():
    assert sorted(set(KNOWN_SHAPE_BUGS) - {f.id for f in FIXTURES}) == []


def test_no_stray_expected_reports():
    bad = {f.expected for f in FIXTURES if f.bad}
    assert sorted(str(p.relative_to(SHAPES_DIR)) for p in SHAPES_DIR.glob("*/*.tsv") if p not in bad) == []


def silent(extra_shapes: tuple = ()) -> list[str]:
    """The shapes (those of the shapes file, and ``extra_shapes``) and SPARQL constraints that
    no bad fixture makes fire."""
    fired_anywhere = set()
    for fx in FIXTURES:
        if fx.bad:
            fired_anywhere |= fired(fx)
    shapes_ = node_shapes() + reusable_property_shapes() + list(extra_shapes)
    out = [_local(s) for s in shapes_ if s not in fired_anywhere]
    out += [name for c, name in sparql_constraints().items() if c not in fired_anywhere]
    return sorted(out)


def test_every_shape_and_sparql_constraint_fires_in_some_bad_fixture():
    assert silent() == []


def test_a_shape_that_no_bad_fixture_makes_fire_is_named():
    """The meta-test above can fail: a shape without a fixture that makes it fire is named
    (tests/test_extension_copy.py shows the folder meta-tests failing on a real new shape)."""
    assert silent((shape_iri("ShapeWithoutFixtures"),)) == ["ShapeWithoutFixtures"]


def test_sparql_constraints_are_found():
    """Guards the meta-test above: it must see every sh:sparql constraint of the shapes file."""
    assert sorted(sparql_constraints().values()) == [
        "CausalLinkShape: A causal link's cause is its own effect ({?value}).",
        "CausalLinkShape: A causal link's kind of change ({?value}) is not in its words: none of the concept's cue words (skos:hiddenLabel) occurs in the link's causal cue.",
        "ClaimLinkShape: The claim link's relation is not asserted from its fact to its claim ({?value}).",
        "ClaimShape: A claim with structured slots needs all three: claimSubject, claimRelation and claimObject.",
        "ClaimShape: The claim is stated in a component ({?value}) that is not part of the report it is derived from.",
        "ClaimShape: The claim's content is asserted as a bare triple between entities ({?value}); claims must never be stated as facts.",
        "ClaimShape: The claim's evidence quotes a source ({?value}) other than the report it is derived from.",
        "CuratedFactShape: The fact bears on claim {?value} with no claim link saying who judged so and why.",
        "DriverReachesTrendShape: The driver leads to no central trend through causal links.",
        "ImpactReachedShape: No causal path leads from a central trend to this impact.",
        "InitiativeShape: An initiative a report speaks of has a status (planned, under way, carried out) at the report's date, derived from a claim of the report.",
        "ReportComponentShape: Two components of the same kind in the same parent share ordinal {?ordinal} (the other is {?value}).",
        "RestatedStructureShape: {?value} restates this claim as structure ({?property}) without axis:restatesClaim to the claim or a curated fact showing it carried out.",
        "SentenceShape: The sentence ends ({?value}) before it starts, or lies outside the component it is part of.",
        "StatusAssessmentShape: The status assessment is dated {?value}, not the date of what it rests on (the report's publication date or the fact's date).",
        "TextPositionSelectorShape: The position selector ends ({?value}) before it starts.",
    ]


# --------------------------------------------------------------------------- the real data


@cache
def project() -> tuple[Report, rdflib.Graph, rdflib.Graph]:
    """The project's data validated as ``axiskg validate`` does it (no prepared queries):
    the report, the data, and the data mixed with the ontology."""
    store = Dataset.load(root=ROOT, inferred=False)
    data, ont = data_graph(store), ontology_graph(store)
    return validate(data, shapes(), ont), data, data + ont


def test_project_data_conforms_without_violations_or_warnings():
    report, _, _ = project()
    assert [line for line in lines(report) if not line.startswith("Info\t")] == []
    # every state has a Chinese or Japanese label, so there is no Info either
    assert [line for line in lines(report) if line.startswith("Info\t")] == []


def test_prepared_queries_give_the_same_report():
    """The speed-up used for the fixtures changes nothing: the fixtures whose SPARQL
    constraints fire give the same results without it."""
    ids = [
        "ClaimShape/bad-sparql-evidence-from-other-report",
        "ReportComponentShape/bad-sparql-duplicate-ordinal",
        "DriverReachesTrendShape/bad-sparql-leads-nowhere",
    ]
    chosen = [f for f in FIXTURES if f.id in ids]
    assert len(chosen) == len(ids)
    for fx in chosen:
        plain = validate(fixture_data(fx), shapes(), ontology())
        assert sum(r.component_name == "SPARQLConstraintComponent" for r in plain.results) >= 1
        assert plain.results == report_for(fx)[0].results, fx.id


def test_every_class_used_in_the_project_data_is_checked_by_a_node_shape():
    """Every typed node of the data is a focus node of some node shape."""
    _, data, graph = project()
    focus = set().union(*(focus_nodes(s, graph) for s in node_shapes()))
    unchecked = {compact(str(c)) for s, c in data.subject_objects(RDF.type) if s not in focus}
    assert sorted(unchecked) == []
