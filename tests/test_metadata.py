"""Release housekeeping: CITATION.cff is valid CFF 1.2 (checked by cffconvert, the format's own
validator), pyproject.toml carries licence, authors, URLs and valid classifiers, and one version is
given alike by ``axiskg --version``, the package metadata, the ontology's ``owl:versionInfo`` and
``owl:versionIRI``, CITATION.cff and the newest release heading of CHANGELOG.md."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest
import rdflib
from conftest import run_cli

from axiskg import __version__

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
ONTOLOGY = rdflib.URIRef("https://w3id.org/axiskg/ontology")


def _cffconvert() -> str:
    found = shutil.which("cffconvert") or str(Path(sys.executable).with_name("cffconvert"))
    if not Path(found).exists():
        pytest.skip("cffconvert (test extra) is not installed")
    return found


def test_one_version_everywhere():
    version = PYPROJECT["version"]
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"axiskg {version}"
    assert __version__ == installed_version("axiskg") == version
    g = rdflib.Graph().parse(REPO / "ontology" / "axiskg.ttl")
    assert [str(v) for v in g.objects(ONTOLOGY, rdflib.OWL.versionInfo)] == [version]
    assert list(g.objects(ONTOLOGY, rdflib.OWL.versionIRI)) == [rdflib.URIRef(f"{ONTOLOGY}/{version}")]
    cff = (REPO / "CITATION.cff").read_text()
    assert re.search(rf'^version: "?{re.escape(version)}"?$', cff, re.M)
    assert f"https://w3id.org/axiskg/release/{version}/" in cff
    # the newest released section of the release notes, once there is one, is this version
    released = re.findall(r"^## \[(\d+\.\d+\.\d+[^\]]*)\]", (REPO / "CHANGELOG.md").read_text(), re.M)
    assert not released or released[0] == version, released


def test_citation_cff_is_valid(tmp_path):
    cffconvert = _cffconvert()
    proc = subprocess.run([cffconvert, "--validate", "-i", str(REPO / "CITATION.cff")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the validator can fail: a CFF without authors is refused
    broken = tmp_path / "CITATION.cff"
    text = (REPO / "CITATION.cff").read_text()
    broken.write_text(re.sub(r"^authors:\n(  .*\n)+", "", text, flags=re.M))
    assert subprocess.run([cffconvert, "--validate", "-i", str(broken)], capture_output=True).returncode != 0
    # and it converts to the other citation formats (as GitHub and Zenodo read it)
    proc = subprocess.run(
        [cffconvert, "-i", str(REPO / "CITATION.cff"), "-f", "bibtex"], capture_output=True, text=True, check=True
    )
    assert "title = {axiskg: the alliance-axis report as a knowledge graph}" in proc.stdout


def test_pyproject_metadata_is_complete():
    trove = pytest.importorskip("trove_classifiers")
    assert PYPROJECT["license"] == "MIT AND CC-BY-4.0" and PYPROJECT["license-files"] == ["LICENSE"]
    assert "MIT License" in (REPO / "LICENSE").read_text() and "CC BY 4.0" in (REPO / "LICENSE").read_text()
    assert PYPROJECT["authors"] and all(a.get("name") for a in PYPROJECT["authors"])
    assert {"Homepage", "Ontology"} <= set(PYPROJECT["urls"])
    assert all(u.startswith("https://") for u in PYPROJECT["urls"].values())
    classifiers = PYPROJECT["classifiers"]
    assert classifiers and [c for c in classifiers if c not in trove.classifiers] == []
    assert f"Programming Language :: Python :: {PYPROJECT['requires-python'].lstrip('>=')}" in classifiers
    assert PYPROJECT["readme"] == "README.md"
    cff = (REPO / "CITATION.cff").read_text()
    assert "  - MIT\n  - CC-BY-4.0\n" in cff  # the same licences as the package
