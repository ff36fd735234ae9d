"""Text from inputs reaches a terminal inert: ESC/OSC sequences (clipboard writes, a cleared
screen), carriage returns and newlines in literals and file names are printed as visible escapes
by `query` (table, and CSV on a terminal), `validate` and `check`; CSV into a pipe keeps the exact
bytes. Each command runs as a user runs it, on a pseudo-terminal where the case is about one."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from axiskg.terminal import escape

OSC52 = "\x1b]52;c;SGk=\x07"  # write "Hi" to the clipboard
CLEAR = "\x1b[2J"
HOSTILE = f"{OSC52}evil{CLEAR}\r\nFAKE: Conforms: yes"
QUERY = 'SELECT ?x WHERE { BIND("\\u001b]52;c;SGk=\\u0007evil\\u001b[2J\\r\\nFAKE: Conforms: yes" AS ?x) }'


def run(*args: str, root=None, tty: bool = False) -> tuple[int, str, str]:
    """``python -m axiskg ARGS``: (exit code, stdout, stderr); stdout on a pseudo-terminal when ``tty``."""
    argv = [sys.executable, "-m", "axiskg", *(["--root", str(root)] if root else []), *args]
    env = {k: v for k, v in os.environ.items() if k != "AXISKG_ROOT"}
    if not tty:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait(timeout=120)
    return proc.returncode, out.decode().replace("\r\n", "\n"), stderr


def test_escape_makes_control_characters_visible():
    assert escape(HOSTILE) == "\\x1b]52;c;SGk=\\x07evil\\x1b[2J\\r\\nFAKE: Conforms: yes"
    assert escape("a\u202eb\x9bc\x7f") == "a\\u202eb\\x9bc\\x7f"
    assert escape("line 1\nline 2\tx", keep="\n\t") == "line 1\nline 2\tx"


@pytest.mark.parametrize("tty", [False, True])
def test_query_table_prints_literals_inert(project, tmp_path, tty):
    query = tmp_path / "q.rq"
    query.write_text(QUERY)
    code, out, _ = run("query", "--file", str(query), root=project, tty=tty)
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "\\x1b]52;c;SGk=\\x07evil\\x1b[2J\\r\\nFAKE: Conforms: yes" in out
    assert not any(line.startswith("FAKE") for line in out.splitlines())


def test_query_csv_is_exact_in_a_pipe_and_inert_on_a_terminal(project, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text(QUERY)
    code, piped, _ = run("query", "--file", str(query), "--format", "csv", root=project)
    assert code == 0 and OSC52 in piped  # a file gets what the data holds
    code, shown, _ = run("query", "--file", str(query), "--format", "csv", root=project, tty=True)
    assert code == 0 and "\x1b" not in shown and "\x07" not in shown and "\\x1b]52;c;SGk=" in shown


def test_validate_and_check_print_values_and_file_names_inert(project, tmp_path):
    data = tmp_path / f"evil{CLEAR}\nname.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<https://w3id.org/axiskg/id/x> "
        '<https://w3id.org/axiskg/ontology#n> "1\\u001b]52;c;SGk=\\u0007"^^xsd:integer .\n'
    )
    code, out, err = run("validate", str(data), root=project, tty=True)
    # (its own colours are the only escape sequences on the terminal)
    assert code == 1 and "\x1b]" not in out and CLEAR not in out and "\x07" not in out, out
    assert "evil\\x1b[2J\\nname.ttl" in out and "\\x1b]52;c;SGk=" in out
    broken = tmp_path / f"broken{OSC52}.ttl"
    broken.write_text("<a> <b> .\n")
    code, out, err = run("check", str(broken), root=project)
    assert code == 2 and "\x1b" not in err and "broken\\x1b]52;c;SGk=\\x07.ttl" in err, err


@pytest.mark.parametrize("output", ["json", "junit", "github"])
def test_a_parser_message_in_a_report_is_inert(project, tmp_path, output):
    """A parser's message quoting the input (here a right-to-left override, U+202E, that would
    show the rest of a line reversed) reaches a JSON, JUnit or GitHub report escaped, as it does
    the terminal."""
    from conftest import run_main

    bad = tmp_path / "bidi.ttl"
    bad.write_text('<http://e/a> <http://e/p> "x" ;\n  \u202ebad "y" .\n', encoding="utf-8")
    proc = run_main("validate", "-o", output, str(bad), root=project, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "\u202e" not in proc.stdout + proc.stderr
    assert "'\\u202e' is not allowed at the beginning of a prefix name" in proc.stdout.replace("\\\\", "\\")
