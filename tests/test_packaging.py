"""A non-editable install (as pre-commit makes) carries the ontology and shapes and validates on
its own, from a folder that has no ontology/."""

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VIOLATING = REPO / "tests" / "fixtures" / "violating.ttl"


def test_pre_commit_hook_definition():
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    hook = text[text.index("- id: axiskg-validate") :].split("\n- id:")[0]
    assert re.search(r"^\s+entry: axiskg validate --in-project$", hook, re.M)  # the staged files in context
    assert re.search(r"^\s+language: python$", hook, re.M)
    files = re.search(r"^\s+files: (.+)$", hook, re.M).group(1)
    for name in ("a.ttl", "b.nt", "c.jsonld", "d.rdf", "e.owl", "f.trig", "g.nq"):
        assert re.search(files, name), name
    assert not re.search(files, "README.md")


def test_installed_package_validates_from_another_folder(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # reuse the dependencies of the test environment (not its editable axiskg: a plain path
    # in a .pth file adds the folder without running the .pth files inside it)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("AXISKG_ROOT", "PYTHONPATH")}
    where = subprocess.run(
        [str(python), "-c", "import axiskg.paths as p; print(p.project_root()); print(p.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
        env=env,
    ).stdout.split()
    assert where[0] == str(Path(where[1]).parent) and "site-packages" in where[0]  # the packaged copy
    assert Path(where[0], "ontology", "axiskg.ttl").is_file()
    assert list(Path(where[0], "ontology", "shapes").glob("*.ttl"))
    assert list(Path(where[0], "check_rules").glob("*.rq"))

    axiskg = venv / "bin" / "axiskg"
    claim = work / "claim.ttl"
    claim.write_text("<https://w3id.org/axiskg/id/claim/x/1> a <https://w3id.org/axiskg/ontology#Claim> .\n")
    proc = subprocess.run(
        [str(axiskg), "validate", "-o", "json", "claim.ttl"], capture_output=True, text=True, cwd=work, env=env
    )
    assert proc.returncode == 1, proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert {r["focusNode"] for r in results if r["severity"] == "Violation"} == {"https://w3id.org/axiskg/id/claim/x/1"}
    assert {r["source"] for r in results} == {"claim.ttl"}
    good = work / "ok.nt"
    good.write_text('<urn:x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    assert subprocess.run([str(axiskg), "validate", "ok.nt"], cwd=work, env=env, capture_output=True).returncode == 0
    bad = subprocess.run([str(axiskg), "validate", "nope.ttl"], cwd=work, env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "nope.ttl" in bad.stderr
    check = subprocess.run(
        [str(axiskg), "check", "claim.ttl", "--output", "json"], cwd=work, env=env, capture_output=True, text=True
    )
    # the bare claim has no slots and no reason: the only ERROR; then a misspelt OWL-Time term is found with the
    # pinned vocabulary lists shipped in the package
    assert check.returncode == 1, check.stdout + check.stderr
    problems = json.loads(check.stdout)["problems"]
    assert {(p["level"], p["rule"]) for p in problems} == {
        ("ERROR", "unstructured_claim_without_reason"),
        ("INFO", "unstructured_claim"),
    }
    vocab = work / "vocab.ttl"
    vocab.write_text('<https://w3id.org/axiskg/id/x> <http://www.w3.org/2006/time#inXSDGYear> "2023" .\n')
    check = subprocess.run(
        [str(axiskg), "check", "vocab.ttl", "--output", "json"], cwd=work, env=env, capture_output=True, text=True
    )
    assert "reused_term_unknown" in {p["rule"] for p in json.loads(check.stdout)["problems"]}
