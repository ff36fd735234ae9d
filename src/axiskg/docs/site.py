"""``axiskg docs``: the static site in ``dist/site/``, and the README pictures.

Pages (Jinja2 templates in ``axiskg/docs/templates/``, autoescaped):

* ``index.html``            -- the report, counts, the two main pictures, the way around
* ``ontology.html``         -- pyLODE's reference of the ontology
* ``ontology-extras.html``  -- disjointness and the SHACL shapes constraining each class
* ``data.html``             -- actors, mechanisms with members, the report's structure
* ``claims.html``           -- every claim with its quote, section and modality, linked to entities
* ``entities.html``         -- every entity with its labels, facts and the claims about it
* ``queries.html``          -- the stored-query catalog, each query's text and current results
* ``pictures.html``         -- the pictures (SVG files under ``img/``)

Everything is rendered in memory, written to a fresh folder next to the target, then swapped
in, so a failed run leaves the previous site as it was. No page loads anything from the network
(styles are local, pictures are local SVG).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiskg import paths, vocab
from axiskg.atomic import atomic_write
from axiskg.dataset import Dataset, load_shapes
from axiskg.docs import graphdata, pagedata, pictures
from axiskg.docs import ontology as ont_docs
from axiskg.rdfio.terms import ontology_graph
from axiskg.vocab import BASE

PAGES = ("index", "ontology", "ontology-extras", "data", "claims", "entities", "queries", "pictures")
NAV = (
    ("index.html", "Overview"),
    ("pictures.html", "Pictures"),
    ("data.html", "Data"),
    ("claims.html", "Claims"),
    ("entities.html", "Entities"),
    ("queries.html", "Queries"),
    ("ontology.html", "Ontology"),
    ("ontology-extras.html", "Disjointness & shapes"),
)


def slug(iri: str) -> str:
    """The fragment id of an entity or claim on its page."""
    if iri.startswith(vocab.ID):
        iri = iri[len(vocab.ID) :]
    else:
        iri = vocab.curie(iri)
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in iri)


@dataclass
class Linker:
    """Where each IRI is shown on the site."""

    claims: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    components: set[str] = field(default_factory=set)
    ontology: dict[str, str] = field(default_factory=dict)  # IRI -> pyLODE fragment

    def __call__(self, iri: str | None) -> str | None:
        if not iri:
            return None
        if iri in self.claims:
            return f"claims.html#{slug(iri)}"
        if iri in self.entities:
            return f"entities.html#{slug(iri)}"
        if iri in self.components:
            return f"data.html#{slug(iri)}"
        if iri in self.ontology:
            return f"ontology.html#{self.ontology[iri]}"
        return None

    def from_folder(self, folder: str):
        """The same links as seen from a file in ``folder`` (the SVG pictures live in ``img/``: a
        link inside an SVG resolves against the SVG's own address, even when a page embeds it)."""
        up = "../" * len(Path(folder).parts)

        def href(iri: str | None) -> str | None:
            url = self(iri)
            return up + url if url else None

        return href


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("axiskg.docs", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["slug"] = slug
    env.filters["curie"] = vocab.curie
    return env


def _query_catalog(root: Path, store, href) -> tuple[list[dict], str | None]:
    """Each stored query with its text and current results; or why there are none."""
    try:
        from axiskg.sparql import catalog, querying
    except ImportError as exc:
        return [], f"the query catalog is not available in this version ({exc.name} is missing)"
    from axiskg.errors import InputError

    try:
        stored = catalog.load_catalog(root)
    except InputError as exc:
        return [], f"cannot read the query catalog: {exc}"
    out = []
    for q in stored:
        entry: dict[str, Any] = {
            "name": q.name,
            "title": q.title,
            "question": q.question,
            "text": q.text,
            "params": [(p.name, p.default or "", p.description) for p in q.params],
            "columns": [],
            "rows": [],
            "error": None,
        }
        try:
            table = querying.run_local(store, q.render())
            entry["columns"] = list(table.columns)
            entry["rows"] = [[_cell(v, href) for v in row] for row in table.rows]
        except Exception as exc:  # a broken stored query is shown on its page, not fatal
            entry["error"] = f"{type(exc).__name__}: {exc}"
            print(f"axiskg docs: warning: query {q.name!r} failed: {exc}", file=sys.stderr)
        out.append(entry)
    return out, None


def _cell(value, href) -> dict:
    text = "" if value is None else str(getattr(value, "value", value))
    return {"text": text, "href": href(text) if text.startswith(BASE) else None}


def render_site(root: Path | str | None = None) -> dict[str, bytes]:
    """Every file of the site, by relative path, rendered in memory."""
    root = Path(root) if root is not None else paths.project_root()
    store = Dataset.load(root=root, inferred=False)
    ontology = ontology_graph(store)
    shapes = load_shapes(root)
    labels = vocab.english_labels(store)

    lode = ont_docs.pylode_html(ontology)
    claims = pagedata.claims(store)
    entities = pagedata.entities(store)
    reports = pagedata.reports(store)
    link = Linker(
        claims={c.iri for c in claims},
        entities={e.iri for e in entities},
        components={c.iri for r in reports for c in r.components} | {r.iri for r in reports},
        ontology=ont_docs.pylode_anchors(lode),
    )
    files: dict[str, bytes] = {}
    for name, picture in pictures.build_pictures(store, href=link.from_folder("img")).items():
        files[f"img/{name}.svg"] = pictures.render_svg(picture)

    network = graphdata.alliance_network(store)
    hierarchy = graphdata.class_hierarchy(store)
    groups = ont_docs.disjointness(ontology)
    by_class = ont_docs.shapes_by_class(shapes)
    disjoint = ont_docs.disjoint_with(groups)
    classes = [
        {
            "iri": c,
            "label": label,
            "own": c in hierarchy.own,
            "disjoint": disjoint.get(c, []),
            "shapes": by_class.get(c, []),
            "inherited": [(sup, by_class[sup]) for sup in ont_docs.superclasses(ontology, c) if sup in by_class],
        }
        for c, label in sorted(hierarchy.classes.items(), key=lambda kv: (kv[0] not in hierarchy.own, kv[1].lower()))
    ]
    published = Dataset.load(root=root)
    queries, queries_missing = _query_catalog(root, published, link)  # queries see the published graph
    from axiskg import __version__
    from axiskg.ingest.curation import progress as curation_progress
    from axiskg.stats import published_triples

    env = _environment()
    context = {
        "nav": NAV,
        "standalone": False,
        "version": __version__,
        "labels": labels,
        "link": link,
        "label": lambda iri: vocab.readable(iri, labels),
        "claims": claims,
        "entities": entities,
        "reports": reports,
        "network": network,
        "counts": overview_counts(root, store),
        "triples": published_triples(published),
        "curation": curation_progress(store),
        "groups": groups,
        "classes": classes,
        "queries": queries,
        "queries_missing": queries_missing,
        "picture_names": pictures.PICTURES,
        "actor_kinds": ("state", "military command", "armed force", "government body"),
    }
    for page in PAGES:
        if page == "ontology":
            files["ontology.html"] = _with_nav(lode, env).encode("utf-8")
        else:
            text = env.get_template(f"{page}.html").render(page=f"{page}.html", **context)
            files[f"{page}.html"] = text.encode("utf-8")
    files["site.css"] = (Path(__file__).parent / "static" / "site.css").read_bytes()
    return files


def overview_counts(root: Path, store) -> list[tuple[str, list]]:
    """The overview's "At a glance" table: per ontology module (file under ``ontology/``, in name
    order), the classes it declares that have instances, largest first (with subclasses, as
    ``axiskg stats`` counts them). A module added by an ontology engineer shows up here as it is."""
    import pyoxigraph as ox

    from axiskg.stats import class_counts
    from axiskg.vocab import OWL, RDF, RDFS

    out = []
    for path in paths.ontology_files(root):
        module = Dataset.load([path], inferred=False)
        labelled = {q.subject for q in module.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None)}
        classes = sorted(
            q.subject.value
            for q in module.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Class"))
            if q.subject in labelled and isinstance(q.subject, ox.NamedNode)
        )
        if not classes:
            continue
        counts = sorted(
            (c for c in class_counts(store, classes) if c.instances), key=lambda c: (-c.instances, c.label.lower())
        )
        if counts:
            out.append((path.stem, counts))
    return out


def _with_nav(page: str, env) -> str:
    """pyLODE's page with the site's navigation bar at the top of its body."""
    bar = env.get_template("navbar.html").render(nav=NAV, page="ontology.html", standalone=True)
    return page.replace("<body>", "<body>\n" + bar, 1)


def write_site(out_dir: Path | str, files: dict[str, bytes]) -> Path:
    """Write ``files`` into a fresh folder and swap it in for ``out_dir``."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, data in sorted(files.items()):
            atomic_write(staging / rel, data)
        staging.chmod(0o755)
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            out.rename(old / out.name)
        staging.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def readme_pictures(root: Path | str | None = None) -> dict[str, bytes]:
    """The README's pictures (without site links), by file name."""
    store = Dataset.load(root=root, inferred=False)
    built = pictures.build_pictures(store, href=None, names=pictures.README_PICTURES)
    return {f"{name}.svg": pictures.render_svg(p) for name, p in built.items()}
