"""Names have one home: every namespace IRI is spelled out in ``axiskg/vocab.py`` only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from axiskg import vocab

SRC = Path(__file__).resolve().parents[1] / "src" / "axiskg"


def _namespaces() -> dict[str, str]:
    """The namespace constants of vocab.py (``NAME = "http...#"`` or ``".../"``)."""
    return {
        name: value
        for name, value in vars(vocab).items()
        if name.isupper() and isinstance(value, str) and re.fullmatch(r"https?://\S+[#/]", value)
    }


def _code_strings(tree: ast.AST):
    """The string constants of the code (docstrings left out: they may show an IRI to people)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def spelled_out(source: str, where: str) -> list[str]:
    found = []
    for node in _code_strings(ast.parse(source)):
        for name, iri in _namespaces().items():
            if iri in node.value:
                found.append(f"{where}:{node.lineno}: {iri} (use axiskg.vocab.{name})")
    return found


def test_vocab_defines_the_namespaces_the_check_looks_for():
    found = set(_namespaces().values())
    assert {"https://w3id.org/axiskg/", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/shacl#"} <= found


def test_the_check_finds_a_namespace_spelled_out_in_code():
    code = 'PROV = "http://www.w3.org/ns/prov#"\nQ = f"SELECT * {{ ?s <https://w3id.org/axiskg/ontology#x> ?o }}"\n'
    found = {line.split(": ", 1)[1].split(" (use")[0] for line in spelled_out(code, "x.py")}
    assert found == {"http://www.w3.org/ns/prov#", "https://w3id.org/axiskg/", "https://w3id.org/axiskg/ontology#"}
    assert spelled_out('"""See http://www.w3.org/ns/prov# for the terms."""\n', "x.py") == []


def test_no_namespace_iri_is_spelled_out_outside_vocab():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path != SRC / "vocab.py":
            found += spelled_out(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert not found, "namespace IRIs spelled out outside vocab.py:\n" + "\n".join(found)
