"""The README's examples run as written: every `axiskg query` line of its "Stored queries" block on
the local graph and, with its `--endpoint` pointed there, on `axiskg serve` (``/sparql``) and on the
Oxigraph server (``/query``), giving the same output; and its SPARQLWrapper example on `axiskg serve`."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import run_cli
from serve_helpers import Server
from test_query_endpoint import endpoint  # noqa: F401 (the Oxigraph server fixture)

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MY_QUESTION = """PREFIX axis: <https://w3id.org/axiskg/ontology#>
SELECT (COUNT(?claim) AS ?claims) WHERE { ?claim a axis:Claim }
"""


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def query_examples() -> list[list[str]]:
    """The argument lists of the README's `axiskg query ...` lines (comments dropped)."""
    block = next(b for b in code_blocks("sh") if "axiskg query axis-core-states" in b and "--file" in b)
    return [shlex.split(line, comments=True)[1:] for line in block.splitlines() if line.startswith("axiskg query")]


EXAMPLES = query_examples()


@pytest.fixture(scope="module")
def serve():
    server = Server()
    yield server.url
    server.stop()


def run_example(args: list[str], cwd: Path, endpoint_url: str | None):
    args = list(args)
    if "--endpoint" in args:
        i = args.index("--endpoint")
        del args[i : i + 2]
    if endpoint_url:
        args += ["--endpoint", endpoint_url]
    return run_cli(*args, root=ROOT, cwd=cwd)


def test_the_examples_are_found():
    assert len(EXAMPLES) == 5
    assert ["query", "axis-core-states", "--endpoint", "http://127.0.0.1:7878/sparql"] in EXAMPLES


@pytest.mark.parametrize("args", EXAMPLES, ids=[" ".join(a[1:3]) for a in EXAMPLES])
def test_readme_query_example_on_serve_and_oxigraph(args, serve, endpoint, tmp_path):  # noqa: F811
    (tmp_path / "my-question.rq").write_text(MY_QUESTION)
    local = run_example(args, tmp_path, None)
    assert local.returncode == 0, local.stderr
    assert len(local.stdout.splitlines()) >= 3
    for url in (serve + "/sparql", endpoint):
        remote = run_example(args, tmp_path, url)
        assert remote.returncode == 0, remote.stderr
        assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines()), url


def test_readme_sparqlwrapper_example_on_serve(serve, capsys):
    block = next(b for b in code_blocks("python") if "SPARQLWrapper" in b)
    assert "http://127.0.0.1:7878/sparql" in block
    exec(compile(block.replace("http://127.0.0.1:7878", serve), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.count("'quote'") == 3
