"""Hostile input to the commands (issue 14): each case with its exit code, message, time bound
(the subprocess timeout) and no Python traceback; a TCP listener on 127.0.0.1 proves that no
query path opens a connection."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axiskg import sandbox

ILL_TYPED = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/axiskg/id/x> <https://w3id.org/axiskg/ontology#n> "abc"^^xsd:integer ;
    <https://w3id.org/axiskg/ontology#d> "2024-13-45"^^xsd:date .
"""
LEXER_BYPASS = (
    "SELECT * WHERE {{ BIND('0' AS ?x) FILTER(?x<'a>') SERVICE<http://127.0.0.1:{port}/> "
    "{{ ?a ?b ?c }} FILTER(?x != 'z') }}\n"
)


def cli(*args, root=None, env=None, timeout=120):
    """``python -m axiskg`` (so the CLI runs as a program: sandboxed) with extra environment
    variables; asserts that it printed no traceback and was not killed by a signal."""
    argv = [sys.executable, "-m", "axiskg"] + (["--root", str(root)] if root else []) + list(args)
    environ = {k: v for k, v in os.environ.items() if k != "AXISKG_ROOT"}
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env={**environ, **(env or {})})
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}"
    return proc


# --------------------------------------------------------------------------- not regular files


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "input.ttl"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{f}"],
        ["reason", "{f}"],
        ["check", "{f}"],
        ["diff", "{f}", "{f}"],
        ["query", "--file", "{q}"],
        ["validate", "--shapes", "{f}"],
    ],
)
def test_a_fifo_is_refused_not_waited_on(project, fifo, command):
    q = fifo.with_suffix(".rq")
    os.mkfifo(q)
    args = [a.format(f=fifo, q=q) for a in command]
    proc = cli(*args, root=project, timeout=60)
    assert proc.returncode == 2
    assert "refused: a FIFO, not a regular file" in proc.stderr


def test_a_fifo_in_the_project_data_is_refused(project):
    os.mkfifo(project / "data" / "pipe.ttl")
    proc = cli("build", root=project, timeout=60)
    assert proc.returncode == 2 and "pipe.ttl: refused: a FIFO, not a regular file" in proc.stderr
    assert not (project / "dist").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{f}"],
        ["validate", "--shapes", "{f}"],
        ["query", "--file", "{f}"],
        ["reason", "{f}"],
        ["check", "{f}"],
        ["check", "--profile", "{f}"],
        ["diff", "{f}", "{f}"],
        ["verify", "{f}"],
        ["publish", "--endpoint", "http://127.0.0.1:9/", "--file", "{f}"],
    ],
)
def test_a_symlink_to_dev_zero_is_refused(project, tmp_path, command):
    link = tmp_path / "zero.ttl"
    link.symlink_to("/dev/zero")
    proc = cli(*[a.format(f=link) for a in command], root=project, timeout=60)
    assert proc.returncode == 2 and f"{link.name}: refused: a device, not a regular file" in proc.stderr


@pytest.mark.parametrize(
    "command, message",
    [
        (["validate", "{d}"], "directory contains no RDF files"),
        (["validate", "--shapes", "{d}"], "directory contains no RDF files"),
        (["reason", "{d}"], "directory contains no RDF files"),
        (["check", "{d}"], "directory contains no RDF files"),
        (["diff", "{d}", "{d}"], "directory contains no RDF files"),
        (["verify", "{d}"], "directory contains no RDF files"),
        (["query", "--file", "{d}"], "is a directory"),
        (["check", "--profile", "{d}"], "is a directory"),
        (["publish", "--endpoint", "http://127.0.0.1:9/", "--file", "{d}"], "is a directory"),
    ],
)
def test_a_directory_where_a_file_is_expected_is_named(project, tmp_path, command, message):
    folder = tmp_path / "folder"
    folder.mkdir()
    proc = cli(*[a.format(d=folder) for a in command], root=project, timeout=60)
    assert proc.returncode == 2 and f"folder: {message}" in proc.stderr


def test_a_fifo_as_check_profile_is_refused(project, fifo):
    proc = cli("check", "--profile", str(fifo), root=project, timeout=60)
    assert proc.returncode == 2 and "input.ttl: refused: a FIFO, not a regular file" in proc.stderr


def test_input_size_cap_is_configurable(project, tmp_path):
    big = tmp_path / "big.nt"
    big.write_text('<http://e/s> <http://e/p> "x" .\n' * 40_000)  # 1.3 MB
    proc = cli("validate", str(big), root=project, env={"AXISKG_MAX_INPUT_MB": "1"}, timeout=60)
    assert proc.returncode == 2 and "over the 1 MB limit (AXISKG_MAX_INPUT_MB)" in proc.stderr
    assert cli("validate", str(big), root=project, env={"AXISKG_MAX_INPUT_MB": "2"}, timeout=60).returncode == 0


# --------------------------------------------------------------------------- XML entities


BOMB_BEHIND_COMMENT = """<?xml version="1.0"?>
<!-- <!DOCTYPE decoy [ <!ENTITY a "x"> ]> -->
<!DOCTYPE rdf:RDF [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&e;&e;&e;&e;&e;&e;&e;&e;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("hide", ["comment", "pi"])
def test_entity_bomb_behind_a_decoy_doctype_is_refused(project, tmp_path, hide):
    text = BOMB_BEHIND_COMMENT
    if hide == "pi":
        text = text.replace('<!-- <!DOCTYPE decoy [ <!ENTITY a "x"> ]> -->', "<?decoy <!DOCTYPE d [ ]> ?>")
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(text)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    for args in (["validate", str(bomb)], ["diff", str(bomb), str(bomb)]):
        started = time.monotonic()
        proc = cli(*args, root=project, timeout=60)
        assert proc.returncode == 2 and time.monotonic() - started < 30
        assert "bomb.rdf:5: refused: XML entity 'b' refers to other entities" in proc.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < max(before, 1 << 20)  # KiB: < 1 GB


# --------------------------------------------------------------------------- N-Triples


@pytest.fixture(scope="module")
def huge_lines(tmp_path_factory):
    """Two N-Triples files, each with a single 50 MB line (#14's case, full scale)."""
    folder = tmp_path_factory.mktemp("huge")
    out = []
    for name, char in (("long.nt", "x"), ("other.nt", "y")):
        path = folder / name
        path.write_text(f'<http://e/s> <http://e/p> "{char * (50 << 20)}" .\n<http://e/s> <http://e/q> "short\\n" .\n')
        out.append(path)
    return out


# (command, the 50 MB file copied into the project's data/, exit code, what it must say)
HUGE_LINE_CASES = {
    "validate": (["validate", "{f}"], False, 0, "stdout", "Conforms: yes\n"),
    "validate-project": (["validate"], True, 0, "stdout", "Conforms: yes\n"),
    "diff": (["diff", "{f}", "{g}"], False, 1, "stdout", '    + <http://e/p> "yyyyyyyy'),
    "query": (["query", "--file", "{q}"], True, 0, "stdout", "52428800"),
    "build": (
        ["build"],
        True,
        2,
        "stderr",
        "cannot continue: Reached the buffer maximal size of 16777216 (a single value "
        "over 16 MiB, which pyoxigraph cannot write",
    ),
    "reason": (
        ["reason"],
        True,
        2,
        "stderr",
        "data/long.nt:1: literal of 52,428,800 characters: over the 1,048,576 "
        "that the OWL reasoner is given (AXISKG_REASON_MAX_LITERAL_MB)",
    ),
}


@pytest.mark.parametrize("case", sorted(HUGE_LINE_CASES))
def test_a_single_50_mb_ntriples_line(project, tmp_path, huge_lines, case):
    """Loaded in linear time (pyoxigraph refuses tokens over 16 MiB; the long line is parsed
    another way), or refused with a message where a command cannot go on; never a traceback."""
    args, in_project, code, stream, text = HUGE_LINE_CASES[case]
    f, g = huge_lines
    if in_project:
        os.link(f, project / "data" / "long.nt")  # (a symlink out of the project is refused)
    q = _query(tmp_path, "SELECT (STRLEN(?o) AS ?n) WHERE { <http://e/s> <http://e/p> ?o }")
    started = time.monotonic()
    proc = cli(*[a.format(f=f, g=g, q=q) for a in args], root=project, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == code, proc.stderr[-2000:]
    assert text in getattr(proc, stream)
    assert not (project / "dist").exists() or not any((project / "dist").iterdir())
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 3 << 19  # KiB: < 1.5 GB


def _query(folder: Path, text: str) -> Path:
    path = folder / "q.rq"
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- ill-typed literals


@pytest.fixture
def ill_typed(tmp_path) -> Path:
    path = tmp_path / "bad.ttl"
    path.write_text(ILL_TYPED)
    return path


def test_ill_typed_literals_in_validate_are_findings(project, ill_typed):
    proc = cli("validate", str(ill_typed), root=project)
    assert proc.returncode == 1
    assert f"message {ill_typed}:2: ill-typed literal: 'abc' is not a valid xsd:integer\n" in proc.stdout
    assert f"message {ill_typed}:3: ill-typed literal: '2024-13-45' is not a valid xsd:date\n" in proc.stdout
    # and axis:n, axis:d, which the ontology does not declare (axsh:DeclaredTermShape)
    assert proc.stdout.count("DeclaredTermConstraintComponent") == 2
    assert proc.stdout.endswith(
        "Violations: 4\nWarnings: 0\nInfos: 0\nConforms: no (4 violations); fails at --fail-on violation\n"
    )


def test_ill_typed_literals_stop_the_build(project):
    (project / "data" / "bad.ttl").write_text(ILL_TYPED)
    proc = cli("build", root=project)
    assert proc.returncode == 2 and not (project / "dist").exists()
    assert "data/bad.ttl:2: ill-typed literal: 'abc' is not a valid xsd:integer" in proc.stderr


def test_ill_typed_literals_in_reason_name_the_input(project, ill_typed):
    proc = cli("reason", str(ill_typed), root=project)
    assert proc.returncode == 2
    assert f"{ill_typed}:2: ill-typed literal" in proc.stderr and "axiskg-reason-" not in proc.stderr


def test_nul_character_in_reason_is_a_data_problem(project, tmp_path):
    path = tmp_path / "nul.nt"
    path.write_text('<https://w3id.org/axiskg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "a\\u0000b" .\n')
    proc = cli("reason", str(path), root=project)
    assert proc.returncode == 2
    assert f"{path}:1: literal holds U+0000, which RDF/XML (and so the OWL tools) cannot carry" in proc.stderr


@pytest.mark.parametrize("command", ["build", "release"])
def test_nul_character_stops_the_build_before_it_writes_ill_formed_rdf_xml(project, command):
    """U+0000 cannot be in XML: the build wrote an RDF/XML file no XML parser reads, and exited 0."""
    (project / "data" / "nul.nt").write_text(
        '<https://w3id.org/axiskg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "a\\u0000b" .\n'
    )
    proc = cli(command, "--out", str(project / "out"), root=project)
    assert proc.returncode == 2 and not (project / "out").exists()
    assert "data/nul.nt:1: literal holds U+0000, which RDF/XML (and so the OWL tools) cannot carry" in proc.stderr


def test_ill_typed_literals_in_diff_are_noted_not_a_traceback(project, ill_typed, tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text(ILL_TYPED.replace('"abc"', '"12"'))
    proc = cli("diff", str(ill_typed), str(other), root=project)
    assert proc.returncode == 1  # differences found
    assert f"axiskg: warning: {ill_typed}:2: ill-typed literal: 'abc' is not a valid xsd:integer" in proc.stderr
    assert '\n    - axis:n "abc"^^xsd:integer\n    + axis:n "12"^^xsd:integer\n' in proc.stdout


# --------------------------------------------------------------------------- diff bounds


def _chain(path: Path, depth: int, end: str) -> Path:
    lines = ["<http://e/s> <http://e/p> _:b0 ."] + [f"_:b{i} <http://e/p> _:b{i + 1} ." for i in range(depth)]
    lines.append(f'_:b{depth} <http://e/p> "{end}" .')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_diff_of_a_deep_blank_node_chain_is_linear(tmp_path):
    old, new = _chain(tmp_path / "old.nt", 5000, "a"), _chain(tmp_path / "new.nt", 5000, "b")
    started = time.monotonic()
    proc = cli("diff", str(old), str(new), timeout=120)
    assert proc.returncode == 1 and time.monotonic() - started < 90
    assert proc.stdout.count("\n    - ") == 1 and proc.stdout.count("\n    + ") == 1
    assert '/…] <http://e/p> "b"' in proc.stdout


def test_diff_refuses_a_two_million_item_list_in_seconds(tmp_path):
    """#14's case at full scale: 2,000,000 items (4,000,001 triples); counted without being
    stored, refused past AXISKG_DIFF_MAX_TRIPLES (100,000) (it took >90 s and 4 GB)."""
    path = tmp_path / "list.ttl"
    path.write_text("<http://e/s> <http://e/p> ( " + " ".join(f'"{i}"' for i in range(2_000_000)) + " ) .\n")
    started = time.monotonic()
    proc = cli("diff", str(path), str(path), timeout=120)
    assert time.monotonic() - started < 30
    assert proc.returncode == 2 and "list.ttl: over 100000 triples: more than diff compares" in proc.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 3 << 19  # KiB: < 1.5 GB


def test_diff_refuses_more_triples_than_its_limit(tmp_path):
    items = " ".join(f'"{i}"' for i in range(3000))
    path = tmp_path / "list.ttl"
    path.write_text(f"<http://e/s> <http://e/p> ( {items} ) .\n")  # 6,001 triples
    proc = cli("diff", str(path), str(path), env={"AXISKG_DIFF_MAX_TRIPLES": "5000"}, timeout=60)
    assert proc.returncode == 2 and "list.ttl: over 5000 triples: more than diff compares" in proc.stderr


#: each limit set by an environment variable: the command that reads it, and a bad value that
#: used to end in a traceback (``reason``'s and ``diff``'s were not checked at all; ``int(nan)``,
#: ``int(inf)`` and ``int("²")``, a digit to str.isdigit, raised in the others)
BAD_LIMITS = {
    "AXISKG_REASON_MAX_LITERAL_MB": (["reason"], "1MB"),
    "AXISKG_DIFF_MAX_TRIPLES": (["diff", "{f}", "{f}"], "lots"),
    "AXISKG_MAX_INPUT_MB": (["validate"], "nan"),
    "AXISKG_MAX_QUERY_KB": (["query", "--file", "{q}"], "inf"),
    "AXISKG_MAX_TEXT_MB": (["ingest", "{t}", "--id", "new-one", "--published", "2026-01-01"], "-2"),
    "AXISKG_MAX_XML_DEPTH": (["validate", "{x}"], "\u00b2"),
    "AXISKG_SYNTH_MAX_REPORTS": (["synth", "--reports", "1", "--out", "{o}"], "\u00b2"),
}


@pytest.mark.parametrize("name", sorted(BAD_LIMITS))
def test_a_bad_limit_in_the_environment_is_refused_by_name(project, tmp_path, name):
    args, value = BAD_LIMITS[name]
    files = {"f": tmp_path / "a.ttl", "q": tmp_path / "q.rq", "t": tmp_path / "report.txt", "x": tmp_path / "a.rdf"}
    files["f"].write_text("<http://e/s> <http://e/p> <http://e/o> .\n")
    files["q"].write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n")
    files["t"].write_text("Title\n\nJapan will open a cell.\n")
    files["x"].write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    argv = [a.format(**files, o=tmp_path / "out") for a in args]
    proc = cli(*argv, root=project, env={name: value}, timeout=120)  # (cli: no traceback)
    assert proc.returncode == 2, proc.stderr
    assert f"{name}={value!r}: expected a" in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists() and not (project / "data" / "new-one").exists()


# --------------------------------------------------------------------------- queries


def test_deeply_nested_query_file_is_refused_before_parsing(project, tmp_path):
    query = _query(tmp_path, "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000)
    proc = cli("query", "--file", str(query), root=project, timeout=60)
    assert proc.returncode == 2 and "nests brackets 100000 deep; at most 100" in proc.stderr


OPERATOR_NESTING = {
    "not": "SELECT (" + "!" * 10_000 + "true AS ?x) WHERE {}",
    "plus": "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) WHERE {}",
    "path": "SELECT * WHERE { ?s " + "/".join(["<http://e/p>"] * 1_000) + " ?o }",
}


@pytest.mark.parametrize("case", OPERATOR_NESTING)
def test_operator_nesting_in_a_query_file_is_refused_before_parsing(project, tmp_path, case):
    """Nesting without brackets crashed the parser (exit 139): counted like brackets now."""
    query = _query(tmp_path, OPERATOR_NESTING[case])
    proc = cli("query", "--file", str(query), root=project, timeout=60)
    assert proc.returncode == 2 and "the query nests operators and brackets" in proc.stderr


@pytest.mark.parametrize("command", ["validate", "build"])
def test_operator_nesting_in_a_shape_is_refused_before_parsing(project, tmp_path, command):
    # validate reads a shapes file named on the command line, build the project's own shapes
    shapes = tmp_path / "deep.ttl" if command == "validate" else project / "ontology" / "shapes" / "deep.ttl"
    deep = "+".join(["1"] * 10_000)
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://e/S> a sh:NodeShape ; "
        'sh:targetNode <https://w3id.org/axiskg/id/actor/japan> ;\n  sh:sparql [ sh:message "x" ; '
        f'sh:select """SELECT $this WHERE {{ FILTER(({deep}) < 0) }}""" ] .\n'
    )
    args = ["validate", "--shapes", str(shapes)] if command == "validate" else ["build"]
    proc = cli(*args, root=project, timeout=120)
    assert proc.returncode == 2 and "nests operators and brackets" in proc.stderr, proc.stderr[-500:]


def test_a_50_mb_query_file_is_refused_before_the_lexer(project, tmp_path):
    """The SPARQL safety lexer holds about 180 bytes per character: a 50 MB query took 8.9 GB."""
    query = _query(tmp_path, 'SELECT * WHERE { ?s ?p "' + "x" * (50 << 20) + '" }\n')
    started = time.monotonic()
    proc = cli("query", "--file", str(query), root=project, timeout=60)
    assert proc.returncode == 2 and time.monotonic() - started < 30
    assert (
        "q.rq: refused: a query of 52,428,828 characters, over the 1,048,576 allowed (AXISKG_MAX_QUERY_KB)"
        in proc.stderr
    )
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 3 << 19  # KiB: < 1.5 GB
    small = _query(tmp_path, 'SELECT * WHERE { ?s ?p "' + "x" * 3000 + '" }\n')
    assert cli("query", "--file", str(small), root=project).returncode == 0
    proc = cli("query", "--file", str(small), root=project, env={"AXISKG_MAX_QUERY_KB": "2"})
    assert proc.returncode == 2 and "over the 2,048 allowed" in proc.stderr


def test_a_shape_with_a_10_mb_query_is_refused_before_the_lexer(project, tmp_path):
    shapes = tmp_path / "big.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://e/S> a sh:NodeShape ; "
        'sh:targetNode <http://e/x> ;\n  sh:sparql [ sh:message "x" ; sh:select """SELECT $this WHERE '
        '{ $this ?p "' + "x" * (10 << 20) + '" }""" ] .\n'
    )
    started = time.monotonic()
    proc = cli("validate", "--shapes", str(shapes), root=project, timeout=60)
    assert proc.returncode == 2 and time.monotonic() - started < 30  # (it took 7 s, 1.8 GB, exit 1)
    assert "refused: a query of 10,485," in proc.stderr and "over the 1,048,576 allowed" in proc.stderr


def test_query_file_lexer_bypass_never_connects(project, tmp_path, listener):
    query = _query(tmp_path, LEXER_BYPASS.format(port=listener.port))
    before = listener.connections
    proc = cli("query", "--file", str(query), root=project, timeout=60)
    time.sleep(0.3)
    assert proc.returncode == 2 and "SERVICE is not allowed" in proc.stderr
    assert listener.connections == before


def test_validate_with_a_service_shape_never_connects(project, tmp_path, listener):
    """A user's shape with SERVICE in sh:select: whatever the shape check says, the process
    runs without network, so the listener gets nothing."""
    shapes = tmp_path / "evil.ttl"
    shapes.write_text(f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://e/S> a sh:NodeShape ; sh:targetNode <https://w3id.org/axiskg/id/actor/japan> ;
  sh:sparql [ sh:message "x" ; sh:select \"\"\"SELECT $this WHERE {{
      SERVICE <http://127.0.0.1:{listener.port}/> {{ ?a ?b ?c }} }}\"\"\" ] .
""")
    before = listener.connections
    proc = cli("validate", "--shapes", str(shapes), root=project, timeout=120)
    time.sleep(0.3)
    assert proc.returncode in (0, 1, 2)
    assert listener.connections == before


# --------------------------------------------------------------------------- the sandbox itself


def test_sandboxed_process_cannot_connect(listener):
    code = (
        f"import socket, sys\nfrom axiskg.sandbox import enter\nprint(enter())\n"
        f"s = socket.socket()\nsys.exit(s.connect_ex(('127.0.0.1', {listener.port})))\n"
    )
    before = listener.connections
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    time.sleep(0.3)
    assert proc.stdout.strip() in ("network namespace", "user + network namespace")
    assert proc.returncode != 0  # ENETUNREACH
    assert listener.connections == before
    # the harness is sensitive: without the sandbox the same connect succeeds
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5):
        pass
    time.sleep(0.3)
    assert listener.connections == before + 1


def test_seccomp_filter_where_namespaces_are_refused(listener):
    """Docker's default profile and Ubuntu 24.04 refuse namespaces: the seccomp filter then makes
    the kernel refuse IPv4/IPv6 sockets, in every thread, while files and AF_UNIX still work."""
    code = (
        "import socket, sys, threading\n"
        "from axiskg import sandbox\n"
        "def refuse(flags):\n    raise OSError(1, 'Operation not permitted')\n"
        "sandbox._unshare = refuse\n"
        "print(sandbox.enter())\n"
        "socket.socketpair()[0].close()\n"
        "open(sys.executable, 'rb').close()\n"
        "out = {}\n"
        "def attempt():\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {listener.port}), timeout=5)\n"
        "        out['ok'] = True\n"
        "    except OSError as exc:\n"
        "        out['errno'] = exc.errno\n"
        "t = threading.Thread(target=attempt); t.start(); t.join()\n"
        "print(out)\n"
    )
    before = listener.connections
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    time.sleep(0.3)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["seccomp filter", "{'errno': 13}"]
    assert listener.connections == before


def test_no_sandbox_is_a_clear_refusal(monkeypatch):
    def refuse(flags):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(sandbox, "_unshare", refuse)
    monkeypatch.setattr(sandbox, "_install_seccomp", lambda: refuse(0))
    monkeypatch.setattr(sandbox.threading, "active_count", lambda: 1)
    monkeypatch.setattr(sandbox, "_entered", False)
    monkeypatch.delenv(sandbox.ENV_ALLOW, raising=False)
    with pytest.raises(sandbox.SandboxUnavailable) as exc:
        sandbox.enter("axiskg query")
    assert "cannot cut axiskg query off the network (unshare: Operation not permitted)" in str(exc.value)
    assert "AXISKG_NO_SANDBOX=1" in str(exc.value)
    monkeypatch.setenv(sandbox.ENV_ALLOW, "1")
    assert sandbox.enter() == "none (AXISKG_NO_SANDBOX)"


@pytest.mark.parametrize(
    "value",
    [
        "http://www.w3.org/2002/07/owl#Class> . SERVICE <http://127.0.0.1:PORT/> { ?x ?y ?z } } #",
        "<http://www.w3.org/2002/07/owl#Class> . SERVICE <http://127.0.0.1:PORT/> { ?x ?y ?z } } #>",
        "http://x/>}",
        "owl:Class> . SERVICE <http://127.0.0.1:PORT/> { ?x ?y ?z } } #",
    ],
)
def test_stats_class_is_checked_as_an_iri(project, listener, value):
    """``stats --class`` once wrote its value into a query as is: it could close the IRI and
    add a SERVICE clause (the listener got the connection) or end the query (a traceback)."""
    before = listener.connections
    proc = cli("stats", "--class", value.replace("PORT", str(listener.port)), root=project, timeout=60)
    time.sleep(0.3)
    assert proc.returncode == 2 and "--class" in proc.stderr and ("not an IRI" in proc.stderr), proc.stderr
    assert listener.connections == before


class _Untrusted:
    """An HTTP endpoint on 127.0.0.1 that answers every request with ``body_chunks()`` after a
    SPARQL JSON header, counting its connections."""

    def __init__(self, body_chunks) -> None:
        import threading

        self.body_chunks = body_chunks
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += conn.recv(65536)
                head, _, body = request.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(v)
                        for k, _, v in (h.partition(b":") for h in head.split(b"\r\n"))
                        if k.lower() == b"content-length"
                    ),
                    0,
                )
                while len(body) < length:
                    body += conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
                for chunk in self.body_chunks():
                    conn.sendall(chunk)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self.sock.close()


def _endless():
    yield b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
    while True:
        yield b'{"x": {"type": "literal", "value": "' + b"y" * 65000 + b'"}},'


def _trickle():
    for _ in range(60):
        yield b" "
        time.sleep(0.5)


def _deep():
    yield b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (_endless, "answer is over 1,048,576 bytes (--max-answer)"),
        (_trickle, "no whole answer from the SPARQL endpoint within 3 s (--timeout)"),
        (_deep, "nested too deeply"),
    ],
)
def test_query_endpoint_bounds_what_it_reads(project, tmp_path, answer, message):
    """An endpoint is not trusted: an endless answer stops at --max-answer, one trickling a byte
    at a time at --timeout for the whole read, deeply nested JSON is a clear error."""
    server = _Untrusted(answer)
    query = _query(tmp_path, "SELECT ?x WHERE { ?x ?p ?o }")
    started = time.monotonic()
    try:
        proc = cli(
            "query", "--endpoint", server.url, "--file", str(query), "--timeout", "3", "--max-answer", "1", timeout=60
        )
    finally:
        server.close()
    assert time.monotonic() - started < 15
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert server.connections == 1
