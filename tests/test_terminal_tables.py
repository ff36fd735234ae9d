"""`axiskg query` tables for people: on a terminal they fit `$COLUMNS` by wrapping cells (nothing
lost), and `--width` cuts cells without ever making two different values read the same."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pytest

QUERY = "causal-links"  # long labels and quotes: 490-700 character lines unwrapped


def query(*args: str, columns: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "AXISKG_ROOT"}
    env["COLUMNS"] = columns
    proc = subprocess.run(
        [sys.executable, "-m", "axiskg", "query", QUERY, *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def parse(text: str) -> list[list[str]]:
    """The rows of a table as printed (wrapped rows joined back, whitespace removed), read by the
    column spans of its dashes line."""
    lines = text.rstrip("\n").split("\n")
    rule = next(i for i, line in enumerate(lines) if line.startswith("-"))
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    body = lines[rule + 1 : -1]  # without the "(N rows)" line
    blocks = "\n".join(body).split("\n\n") if "" in body else body
    rows = []
    for block in blocks:
        parts = ["" for _ in spans]
        for line in block.split("\n"):
            for i, (start, end) in enumerate(spans):
                parts[i] += line[start : end if i < len(spans) - 1 else None].strip()
        rows.append(["".join(p.split()) for p in parts])
    return rows


@pytest.mark.parametrize("columns", ["80", "120"])
def test_a_table_fits_the_terminal_and_loses_nothing(columns):
    whole = query(columns="0")  # no limit: one line per row
    fitted = query(columns=columns)
    assert max(len(line) for line in whole.splitlines()) > 400
    assert max(len(line) for line in fitted.splitlines()) <= int(columns)
    assert parse(fitted) == parse(whole) and len(parse(whole)) == whole.count("\n") - 3


def test_cut_cells_never_read_the_same_for_different_values():
    cut = parse(query("--width", "30", columns="0"))
    full = list(csv.reader(io.StringIO(query("--format", "csv", columns="0"))))[1:]
    assert len(cut) == len(full)
    for column in range(len(full[0])):
        shown: dict[str, str] = {}
        for row_cut, row_full in zip(cut, full):
            value = "".join(row_full[column].split())
            assert shown.setdefault(row_cut[column], value) == value, (row_cut[column], value)
    assert any(cell.endswith("…") for row in cut for cell in row)  # something was cut
