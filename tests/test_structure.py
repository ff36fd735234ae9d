"""The package's layers: no import cycle (imports inside functions count; only ``if
TYPE_CHECKING:`` ones are free), and the core never imports the commands, the server or the site."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
#: the layers on top: they import the core, the core never imports them
TOP = ("axiskg.commands", "axiskg.server", "axiskg.docs")
#: the entry points, above everything
ENTRY = ("axiskg.cli", "axiskg.__main__")


def _modules(src: Path) -> dict[str, Path]:
    mods = {}
    for path in src.rglob("*.py"):
        name = ".".join(path.relative_to(src).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


def _imports(tree: ast.AST):
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def import_graph(src: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, wherever in the module the import is."""
    mods = _modules(src)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = m.split(".")
                    keep = len(parts) - node.level + (1 if path.name == "__init__.py" else 0)
                    base = ".".join(parts[:keep] + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            edges[m] |= {t for t in targets if t in mods and t != m}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _is_top(module: str) -> bool:
    return any(module == t or module.startswith(t + ".") for t in TOP)


def test_the_check_finds_a_cycle_through_an_import_inside_a_function(tmp_path):
    pkg = tmp_path / "axiskg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from axiskg import b\n")
    (pkg / "b.py").write_text("def f():\n    from axiskg import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from axiskg import a\n")
    edges = import_graph(tmp_path)
    assert cycles(edges) == [["axiskg.a", "axiskg.b"]]
    assert edges["axiskg.c"] == set()


def test_no_import_cycle():
    assert cycles(import_graph(SRC)) == []


def test_the_core_never_imports_the_commands_the_server_or_the_site():
    wrong = [
        f"{m} imports {t}"
        for m, targets in sorted(import_graph(SRC).items())
        if not _is_top(m) and m not in ENTRY
        for t in sorted(targets)
        if _is_top(t)
    ]
    assert not wrong, "\n".join(wrong)
