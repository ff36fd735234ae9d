"""Where things live: the project root and the files under it."""

from __future__ import annotations

import os
from pathlib import Path

from axiskg.rdfio.formats import EXTENSIONS as RDF_EXTENSIONS


def packaged_root() -> Path:
    """The folder that holds the ontology shipped inside the installed package
    (``axiskg/ontology/``, copied from the repository's ``ontology/`` at build time)."""
    return Path(__file__).resolve().parent


def project_root(start: Path | None = None) -> Path:
    """``$AXISKG_ROOT`` if set, else the nearest folder (from ``start``/the cwd upwards) holding
    ``ontology/``, else the source checkout this package lives in, else the ontology packaged
    with an installed (non-editable) axiskg, e.g. when run by pre-commit."""
    env = os.environ.get("AXISKG_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology").is_dir():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    return packaged_root()


def _root(root: Path | str | None) -> Path:
    return Path(root) if root is not None else project_root()


def is_rdf_file(path: Path) -> bool:
    """An RDF file name that is not a folder: FIFOs, devices and sockets count, so that loading
    refuses them by name (exit 2) rather than skipping them (see axiskg.rdfio.inputs)."""
    return path.name.lower().endswith(RDF_EXTENSIONS) and path.exists() and not path.is_dir()


def rdf_files_under(folder: Path) -> list[Path]:
    """All RDF files below ``folder`` (recursively), sorted."""
    return sorted(p for p in folder.rglob("*") if is_rdf_file(p))


def ontology_files(root: Path | str | None = None) -> list[Path]:
    """``ontology/*.ttl`` plus ``ontology/modules/**/*.ttl`` (shapes are not ontology files)."""
    ont = _root(root) / "ontology"
    files = set(ont.glob("*.ttl")) | set((ont / "modules").glob("**/*.ttl"))
    return sorted(p for p in files if p.exists() and not p.is_dir())


def shape_files(root: Path | str | None = None) -> list[Path]:
    return sorted(p for p in (_root(root) / "ontology" / "shapes").glob("**/*.ttl") if p.exists() and not p.is_dir())


def data_files(root: Path | str | None = None) -> list[Path]:
    data = _root(root) / "data"
    return rdf_files_under(data) if data.is_dir() else []


def dist_dir(root: Path | str | None = None) -> Path:
    return _root(root) / "dist"
