"""A seeded corpus of synthetic reports, shaped like the real one, for scale tests and benchmarks.

Each synthetic report is the real report's graph (``data/alliance-axis-2025/``, loaded the one
way, :meth:`axiskg.dataset.Dataset.load`) with every data IRI renamed into its own namespace
(``.../id/report/synth-0001``, ``.../id/actor/synth-0001-japan``, ``.../id/claim/synth-0001/3``),
its own blank nodes, a seeded issue date and a seeded permutation of the claims' modalities: the
same classes, properties and proportions (actors, mechanisms, claims with quotes, causal links,
impacts) as the real report, conforming to the shapes. Then ``violations`` known faults are
injected (kinds in :data:`KINDS`, round-robin over reports), each producing exactly one known
SHACL result; the manifest lists them.

Output: ``OUT/synth-NNNN/report.nt`` (one folder per report, so under ``data/`` each report is
its own named graph) and ``OUT/manifest.json``. The same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from axiskg.atomic import atomic_write
from axiskg.dataset import Dataset
from axiskg.errors import InputError
from axiskg.limits import env_limit
from axiskg.rdfio import bnodes
from axiskg.vocab import AXIS, DCTERMS, GRAPH_NS, ID, OA, RDFS, SKOS, XSD, compact
from axiskg.vocab import RDF_TYPE as TYPE_IRI

TEMPLATE_REPORT = "alliance-axis-2025"
RDF_TYPE = ox.NamedNode(TYPE_IRI)
LABEL = ox.NamedNode(RDFS + "label")
XSD_DATE = ox.NamedNode(XSD + "date")
OA_EXACT = ox.NamedNode(OA + "exact")
ISSUED = ox.NamedNode(DCTERMS + "issued")
EXACT_MATCH = ox.NamedNode(SKOS + "exactMatch")


def _axis(local: str) -> ox.NamedNode:
    return ox.NamedNode(AXIS + local)


@dataclass(frozen=True)
class Injected:
    """One injected fault and the SHACL result it must produce."""

    report: str
    kind: str
    severity: str
    focus: str  # IRI, or for a blank node the way it is reached ("[] via <iri> p / q")
    path: str | None
    component: str  # local name, e.g. MinCountConstraintComponent


# --------------------------------------------------------------------------- the template


def template_triples(root: Path | str | None = None) -> list[ox.Triple]:
    """The real report's triples (its own named graph), sorted."""
    store = Dataset.load(root=root, inferred=False)
    graph = ox.NamedNode(GRAPH_NS + TEMPLATE_REPORT)
    from axiskg.rdfio import literals

    # statements about the ontology's own shared terms (a code-list concept held by the report's
    # state) stay the real report's: copied under each report's IRIs, every shared concept would be
    # held by as many states as there are reports, and queries joining on it grow with their square
    triples = [
        ox.Triple(s, p, o)  # literals as the report's files wrote them
        for s, p, o, _ in literals.written_quads(store, store.quads_for_pattern(None, None, None, graph))
        if not (isinstance(s, ox.NamedNode) and s.value.startswith(AXIS))
    ]
    if not triples:
        raise InputError(f"data/{TEMPLATE_REPORT}", "the template report has no triples")
    stable = bnodes.stable_labels(triples)
    if stable is None:
        raise InputError(f"data/{TEMPLATE_REPORT}", "the template report's blank nodes are not trees")
    return sorted(stable, key=str)


def report_slug(k: int) -> str:
    return f"synth-{k:04d}"


def _renamer(slug: str):
    cache: dict = {}

    def rename(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
            out = cache.get(term)
            if out is None:
                rest = term.value[len(ID) :]
                if TEMPLATE_REPORT in rest:
                    rest = rest.replace(TEMPLATE_REPORT, slug)
                else:
                    kind, _, local = rest.partition("/")
                    rest = f"{kind}/{slug}-{local}" if local else f"{slug}-{kind}"
                out = cache[term] = ox.NamedNode(ID + rest)
            return out
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{slug.replace('-', '')}x{term.value}")
        return term

    return rename


# --------------------------------------------------------------------------- one report


class _Report:
    """The triples of one synthetic report, with helpers to pick and change them."""

    def __init__(self, template: list[ox.Triple], k: int, seed: int) -> None:
        self.slug = report_slug(k)
        self.rng = random.Random(f"{seed}:{k}")
        rename = _renamer(self.slug)
        self.triples = {ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in template}
        self._vary()

    def subjects(self, predicate, obj=None) -> list:
        return sorted(
            {t.subject for t in self.triples if t.predicate == predicate and (obj is None or t.object == obj)}, key=str
        )

    def objects(self, subject, predicate) -> list:
        return sorted((t.object for t in self.triples if t.subject == subject and t.predicate == predicate), key=str)

    def replace(self, subject, predicate, new_object=None) -> None:
        """Drop ``subject predicate *``; add ``subject predicate new_object`` if given."""
        self.triples = {t for t in self.triples if not (t.subject == subject and t.predicate == predicate)}
        if new_object is not None:
            self.triples.add(ox.Triple(subject, predicate, new_object))

    def _vary(self) -> None:
        """A seeded issue date, and the claims' modalities permuted (same proportions)."""
        report = self.subjects(RDF_TYPE, _axis("Report"))[0]
        old_issued = self.objects(report, ISSUED)
        year, month, day = self.rng.randint(2015, 2025), self.rng.randint(1, 12), self.rng.randint(1, 28)
        issued = ox.Literal(f"{year}-{month:02d}-{day:02d}", datatype=XSD_DATE)
        self.replace(report, ISSUED, issued)
        date = ox.NamedNode(DCTERMS + "date")
        for status in self.subjects(RDF_TYPE, _axis("StatusAssessment")):  # the status at the report's date
            if self.objects(status, date) == old_issued:
                self.replace(status, date, issued)
        modality = _axis("hasModality")
        pairs = sorted(((t.subject, t.object) for t in self.triples if t.predicate == modality), key=str)
        shuffled = [o for _, o in pairs]
        self.rng.shuffle(shuffled)
        for (claim, _), new in zip(pairs, shuffled):
            self.replace(claim, modality, new)

    # ---- injected faults: each changes one node and gives exactly one known result

    def pick(self, nodes: list):
        if not nodes:
            raise InputError(f"data/{TEMPLATE_REPORT}", "the template lacks a node to inject a fault into")
        return self.rng.choice(nodes)

    def claims(self) -> list:
        return self.subjects(RDF_TYPE, _axis("Claim"))

    def inject(self, kind: str) -> Injected:
        return _INJECTORS[kind](self)


def _result(r: _Report, kind: str, focus, path: str | None, component: str, severity: str = "Violation") -> Injected:
    return Injected(r.slug, kind, severity, focus if isinstance(focus, str) else focus.value, path, component)


def _claim_no_label(r: _Report) -> Injected:
    claim = r.pick(r.claims())
    r.replace(claim, LABEL)
    return _result(r, "claim-no-label", claim, LABEL.value, "MinCountConstraintComponent")


def _claim_bad_modality(r: _Report) -> Injected:
    claim = r.pick(r.claims())
    r.replace(claim, _axis("hasModality"), _axis("Increases"))
    return _result(r, "claim-bad-modality", claim, AXIS + "hasModality", "InConstraintComponent")


def _state_two_english_labels(r: _Report) -> Injected:
    state = r.pick(r.subjects(RDF_TYPE, _axis("State")))
    r.triples.add(ox.Triple(state, LABEL, ox.Literal("A second English name", language="en")))
    return _result(r, "state-two-english-labels", state, LABEL.value, "UniqueLangConstraintComponent")


def _actor_bad_wikidata(r: _Report) -> Injected:
    actor = r.pick(r.subjects(RDF_TYPE, _axis("State")))
    r.replace(actor, EXACT_MATCH, ox.NamedNode("http://www.wikidata.org/entity/Q0"))
    return _result(r, "actor-bad-wikidata", actor, EXACT_MATCH.value, "PatternConstraintComponent")


def _causal_no_cue(r: _Report) -> Injected:
    link = r.pick(r.subjects(RDF_TYPE, _axis("CausalLink")))
    r.replace(link, _axis("causalCue"))
    return _result(r, "causal-link-no-cue", link, AXIS + "causalCue", "MinCountConstraintComponent")


def _claim_empty_cue(r: _Report) -> Injected:
    claim = r.pick(r.claims())
    r.replace(claim, _axis("modalityCue"), ox.Literal(""))
    return _result(r, "claim-empty-modality-cue", claim, AXIS + "modalityCue", "MinLengthConstraintComponent")


def _report_issued_not_date(r: _Report) -> Injected:
    report = r.subjects(RDF_TYPE, _axis("Report"))[0]
    r.replace(report, ISSUED, ox.Literal("2025-12-22"))
    return _result(r, "report-issued-not-a-date", report, ISSUED.value, "DatatypeConstraintComponent")


def _quote_trailing_space(r: _Report) -> Injected:
    claim = r.pick(r.claims())
    evidence = r.objects(claim, _axis("hasEvidence"))[0]
    selectors = r.objects(evidence, ox.NamedNode(OA + "hasSelector"))
    selector = next(s for s in selectors if r.objects(s, OA_EXACT))  # the quote selector
    quote = r.objects(selector, OA_EXACT)[0]
    r.replace(selector, OA_EXACT, ox.Literal(quote.value + " "))
    focus = (
        selector.value
        if isinstance(selector, ox.NamedNode)
        else f"[] via {compact(claim.value)} axis:hasEvidence / oa:hasSelector"
    )
    return _result(r, "quote-trailing-space", focus, OA_EXACT.value, "NotConstraintComponent", "Warning")


def _claim_incomplete_slots(r: _Report) -> Injected:
    claim = r.pick(r.subjects(_axis("claimRelation")))
    r.replace(claim, _axis("claimRelation"))
    return _result(r, "claim-incomplete-slots", claim, None, "SPARQLConstraintComponent")


_INJECTORS = {
    "claim-no-label": _claim_no_label,
    "claim-bad-modality": _claim_bad_modality,
    "state-two-english-labels": _state_two_english_labels,
    "actor-bad-wikidata": _actor_bad_wikidata,
    "causal-link-no-cue": _causal_no_cue,
    "claim-empty-modality-cue": _claim_empty_cue,
    "report-issued-not-a-date": _report_issued_not_date,
    "quote-trailing-space": _quote_trailing_space,
    "claim-incomplete-slots": _claim_incomplete_slots,
}
#: the kinds of injected faults, in the order they are handed out
KINDS = tuple(_INJECTORS)


# --------------------------------------------------------------------------- the corpus


#: the most reports one run writes, unless AXISKG_SYNTH_MAX_REPORTS says otherwise (10,000 reports
#: are about 46 million triples and 6 GB of N-Triples)
MAX_REPORTS = 10_000


def plan(
    reports: int | None = None, triples: int | None = None, violations: int = 0, root: Path | str | None = None
) -> tuple[int, list[ox.Triple]]:
    """How many reports a run writes (``reports``, or as many as make about ``triples`` triples)
    and the template they copy (:func:`template_triples`, loaded once). Every count is checked
    here: at least one report (or triple) and no negative ``violations`` before the template is
    loaded, then at most AXISKG_SYNTH_MAX_REPORTS (default :data:`MAX_REPORTS`) reports."""
    if triples is not None and triples < 1:
        raise InputError(None, f"--triples must be at least 1 (got {triples})")
    if reports is not None and reports < 1:
        raise InputError(None, f"--reports must be at least 1 (got {reports})")
    if violations < 0:
        raise InputError(None, f"--violations must not be negative (got {violations})")
    limit = env_limit("AXISKG_SYNTH_MAX_REPORTS", MAX_REPORTS)
    template = template_triples(root)
    count = reports if reports is not None else max(1, round((triples or 1) / len(template)))
    if count > limit:
        raise InputError(None, f"--reports {count:,}: over the {limit:,} one run writes (AXISKG_SYNTH_MAX_REPORTS)")
    return count, template


def check_disk(out: Path, reports: int, template: list[ox.Triple]) -> None:
    """Refuse more bytes than the disk under ``out`` has free (estimated from the template's
    size, plus a tenth), before anything is written."""
    per_report = len(ox.serialize(template, format=ox.RdfFormat.N_TRIPLES) or b"")
    needed = reports * per_report * 11 // 10
    existing = next(p for p in (out, *out.absolute().parents) if p.exists())
    free = shutil.disk_usage(existing).free
    if needed > free:
        raise InputError(
            out, f"{reports:,} reports need about {needed / 1e9:,.1f} GB; the disk has {free / 1e9:,.1f} GB free"
        )


def generate(reports: int, seed: int, violations: int, template: list[ox.Triple]):
    """Yield ``(slug, sorted triples, [Injected])`` for each of ``reports`` synthetic reports
    copied from ``template`` (counts and template as :func:`plan` gives them)."""
    for k in range(1, reports + 1):
        report = _Report(template, k, seed)
        injected = []
        # fault i goes to report (i mod reports) + 1, with kind KINDS[i mod len(KINDS)]
        for i in range(k - 1, violations, reports):
            injected.append(report.inject(KINDS[i % len(KINDS)]))
        yield report.slug, sorted(report.triples, key=str), injected


def write_corpus(
    out: Path | str,
    reports: int,
    seed: int = 1,
    violations: int = 0,
    root: Path | str | None = None,
    progress=None,
    template: list[ox.Triple] | None = None,
) -> dict:
    """Write the corpus to ``out`` (see the module doc); returns the manifest. ``template``: what
    :func:`plan` gave with ``reports`` (else :func:`plan` checks the counts and loads it here)."""
    out = Path(out)
    if template is None:
        reports, template = plan(reports, None, violations, root)
    check_disk(out, reports, template)
    total = 0
    injected: list[Injected] = []
    for slug, triples, faults in generate(reports, seed, violations, template):
        atomic_write(out / slug / "report.nt", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        total += len(triples)
        injected += faults
        if progress is not None:
            progress(1)
    manifest = {
        "seed": seed,
        "reports": reports,
        "triples": total,
        "violations": sum(1 for f in injected if f.severity == "Violation"),
        "warnings": sum(1 for f in injected if f.severity == "Warning"),
        "injected": [asdict(f) for f in injected],
    }
    atomic_write(out / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
    return manifest
