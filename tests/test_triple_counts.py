"""One triple count with its meaning everywhere: ``build``'s output, ``stats`` (table and JSON),
the site's overview and the release's VoID give the same asserted, inferred and total figures,
and the total is what the published N-Triples hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from conftest import run_main

from axiskg import __version__, paths

ROOT = paths.project_root(Path(__file__).parent)
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def counts(tmp_path_factory) -> dict[str, dict[str, int]]:
    tmp = tmp_path_factory.mktemp("counts")
    found: dict[str, dict[str, int]] = {}
    proc = run_main("build", "--out", str(tmp / "dist"), root=ROOT)
    assert proc.returncode == 0, proc.stderr
    m = re.fullmatch(r"(\d+) triples \((\d+) asserted \+ (\d+) inferred\)", proc.stdout.splitlines()[-1])
    assert m, proc.stdout
    found["build"] = dict(zip(("total", "asserted", "inferred"), map(int, m.groups())))
    nt_lines = sum(1 for line in (tmp / "dist" / "axiskg.nt").read_bytes().splitlines() if line.strip())
    found["build's N-Triples"] = {**found["build"], "total": nt_lines}

    proc = run_main("stats", "-o", "json", root=ROOT)
    assert proc.returncode == 0, proc.stderr
    found["stats --json"] = json.loads(proc.stdout)["graph"]["triples"]
    proc = run_main("stats", root=ROOT)
    table = dict(re.findall(r"^triples, (\w+) +(\d+)$", proc.stdout, re.M))
    found["stats"] = {k: int(v) for k, v in table.items()}

    proc = run_main("release", "--out", str(tmp / "release"), root=ROOT)
    assert proc.returncode == 0, proc.stderr
    void = rdflib.Graph().parse(tmp / "release" / "void.ttl", format="turtle")
    ds = rdflib.URIRef(f"https://w3id.org/axiskg/dataset/{__version__}")
    inferred = int(void.value(rdflib.URIRef("https://w3id.org/axiskg/graph/inferred"), VOID.triples))
    total = int(void.value(ds, VOID.triples))
    found["VoID"] = {"total": total, "inferred": inferred, "asserted": total - inferred}
    comment = str(void.value(ds, rdflib.RDFS.comment))
    found["VoID comment"] = dict(
        zip(
            ("total", "asserted", "inferred"),
            map(int, re.match(r"(\d+) triples \((\d+) asserted \+ (\d+) inferred\)", comment).groups()),
        )
    )

    proc = run_main("docs", "--out", str(tmp / "site"), root=ROOT)
    assert proc.returncode == 0, proc.stderr
    html = (tmp / "site" / "index.html").read_text(encoding="utf-8")
    site = dict(re.findall(r"<td>triples (asserted|inferred|in total)[^<]*</td><td>(\d+)</td>", html))
    found["site"] = {("total" if k == "in total" else k): int(v) for k, v in site.items()}
    return found


def test_every_output_gives_the_same_triple_counts(counts):
    expected = counts["build"]
    assert expected["total"] == expected["asserted"] + expected["inferred"] and expected["inferred"] > 0
    for where, figures in counts.items():
        assert figures == expected, where
