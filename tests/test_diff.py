"""`axiskg diff`: the diff of a known change lists exactly that change."""

from __future__ import annotations

import shutil
import subprocess

from conftest import run_main

from axiskg import diff

CHANGE = {
    # ontology: a new class, a deprecated one (replaced), a changed label
    "ontology/core.ttl": [
        (
            'axis:Driver a owl:Class ; rdfs:label "driver"@en .',
            'axis:Driver a owl:Class ; rdfs:label "driver"@en ; owl:deprecated true ; '
            "<http://purl.org/dc/terms/isReplacedBy> axis:Factor .\n"
            'axis:Factor a owl:Class ; rdfs:label "factor"@en .',
        ),
        ('rdfs:label "military command"@en', 'rdfs:label "military headquarters"@en'),
    ],
    # data: a quote changed inside a claim's evidence (blank nodes), a triple removed
    "data/report/claims.ttl": [
        ('oa:exact "pressure"', 'oa:exact "mounting pressure"'),
        ("    axis:isAbout actor:japan ;\n", ""),
    ],
}

EXPECTED_TEXT = """\
axiskg diff OLD -> NEW
terms: 1 added, 0 removed, 1 deprecated
triples: 6 added, 3 removed, in 5 subjects

terms added:
  + axis:Factor (owl:Class)

terms deprecated:
  ! axis:Driver (owl:Class), replaced by axis:Factor

triples by subject:
  axis:Driver
    + dcterms:isReplacedBy axis:Factor
    + owl:deprecated "true"^^xsd:boolean
  axis:Factor
    + rdf:type owl:Class
    + rdfs:label "factor"@en
  axis:MilitaryCommand
    - rdfs:label "military command"@en
    + rdfs:label "military headquarters"@en
  id:claim/test/1
    - axis:isAbout id:actor/japan
  id:claim/test/2
    - [axis:hasEvidence/oa:hasSelector] oa:exact "pressure"
    + [axis:hasEvidence/oa:hasSelector] oa:exact "mounting pressure"
"""


def changed_copy(project, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(project, new)
    for rel, edits in CHANGE.items():
        path = new / rel
        text = path.read_text()
        for old, replacement in edits:
            assert old in text, (rel, old)
            text = text.replace(old, replacement, 1)
        path.write_text(text)
    return new


def test_known_change_text(project, tmp_path):
    new = changed_copy(project, tmp_path)
    proc = run_main("diff", str(project), str(new))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == EXPECTED_TEXT.replace("OLD", str(project)).replace("NEW", str(new))


def test_known_change_markdown(project, tmp_path):
    new = changed_copy(project, tmp_path)
    out = tmp_path / "diff.md"
    proc = run_main("diff", str(project), str(new), "--format", "markdown", "-o", str(out))
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr
    text = out.read_text()
    assert text.startswith(f"## axiskg diff: `{project}` → `{new}`\n\n- terms: 1 added, 0 removed, 1 deprecated\n")
    assert (
        "### Terms deprecated\n\n| term | kind | replaced by |\n|---|---|---|\n| `axis:Driver` | owl:Class | axis:Factor |\n"
        in text
    )
    assert (
        '#### `axis:MilitaryCommand`\n\n```diff\n- rdfs:label "military command"@en\n'
        '+ rdfs:label "military headquarters"@en\n```\n'
    ) in text


def test_same_graph_in_another_syntax_is_no_change(project, tmp_path):
    """Re-serialised (blank nodes relabelled, order changed): no differences, exit 0."""
    # (not the build: it adds the inferred graph)
    from axiskg.dataset import Dataset
    from axiskg.rdfio.serialize import serialize
    from axiskg.rdfio.terms import to_rdflib

    other = tmp_path / "asserted.rdf"
    other.write_bytes(serialize(to_rdflib(Dataset.load(root=project, inferred=False)), "rdfxml"))
    proc = run_main("diff", str(project), str(other))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("no differences\n")


def test_diff_against_a_git_revision(project, tmp_path):
    def git(*args):
        subprocess.run(
            ["git", "-C", str(project), *args],
            check=True,
            capture_output=True,
            env={
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@t",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@t",
                "HOME": str(tmp_path),
                "PATH": "/usr/bin:/bin",
            },
        )

    git("init", "-q")
    git("add", "ontology", "data")
    git("commit", "-q", "-m", "v1")
    claims = project / "data" / "report" / "claims.ttl"
    claims.write_text(claims.read_text().replace('"Pressure drives integration"@en', '"Pressure drives it"@en'))
    proc = run_main("diff", "--rev", "HEAD", root=project)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[1:] == [
        "terms: 0 added, 0 removed, 0 deprecated",
        "triples: 1 added, 1 removed, in 1 subjects",
        "",
        "triples by subject:",
        "  id:claim/test/2",
        '    - rdfs:label "Pressure drives integration"@en',
        '    + rdfs:label "Pressure drives it"@en',
    ]
    bad = run_main("diff", "--rev", "no-such-rev", root=project)
    assert bad.returncode == 2 and bad.stderr.startswith("axiskg: error: ") and "no-such-rev" in bad.stderr


def test_bad_input(project, tmp_path):
    proc = run_main("diff", str(project), str(tmp_path / "missing.ttl"))
    assert proc.returncode == 2
    assert proc.stderr == f"axiskg: error: {tmp_path / 'missing.ttl'}: no such file or directory\n"
    assert run_main("diff", str(project)).returncode == 2


def test_removed_term_is_listed():
    import rdflib

    old = rdflib.Graph().parse(
        data="""@prefix axis: <https://w3id.org/axiskg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        axis:Gone a owl:ObjectProperty . axis:Kept a owl:Class .""",
        format="turtle",
    )
    new = rdflib.Graph().parse(
        data="""@prefix axis: <https://w3id.org/axiskg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        axis:Kept a owl:Class .""",
        format="turtle",
    )
    d = diff.diff_graphs(old, new)
    assert [t.iri for t in d.removed_terms] == ["https://w3id.org/axiskg/ontology#Gone"]
    assert d.added_terms == [] and d.deprecated_terms == []
    assert d.by_subject == {"axis:Gone": [diff.Change("-", "", "rdf:type", "owl:ObjectProperty")]}
