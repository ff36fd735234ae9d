"""Formatters for SHACL validation reports: text, JSON, Turtle, JUnit XML and GitHub annotations.

All formatters take a :class:`axiskg.shacl.results.Report` and are deterministic (results are
sorted by :meth:`~axiskg.shacl.results.Result.sort_key`). ``fail_on`` is the lowest severity that
fails the run (``"violation"``, ``"warning"`` or ``"info"``); see :func:`fails`.
The JSON schema is documented in ``docs/validation.md`` and identified by :data:`JSON_SCHEMA`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from axiskg.errors import InputError
from axiskg.vocab import BASE, SEVERITIES, compact

if TYPE_CHECKING:  # reporting is imported by the CLI's option parsing: no rdflib at import time
    from axiskg.shacl.results import Report, Result

JSON_SCHEMA = BASE + "schema/validation-report/1"
FAIL_LEVELS = ("violation", "warning", "info")
OUTPUTS = ("text", "json", "turtle", "junit", "github")

_COLORS = {"Violation": "31", "Warning": "33", "Info": "36"}  # red, yellow, cyan


def failing(result: Result, fail_on: str = "violation") -> bool:
    """Whether ``result`` is at or above the ``fail_on`` level."""
    level = FAIL_LEVELS.index(fail_on)
    return result.severity in SEVERITIES[: level + 1]


def fails(report: Report, fail_on: str = "violation") -> bool:
    """True when any result is at or above ``fail_on`` (exit code 1)."""
    return any(failing(r, fail_on) for r in report.results)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def _groups(report: Report) -> dict[str, dict[str, list[Result]]]:
    """``{source: {focus: [results]}}`` in report order (most severe first)."""
    out: dict[str, dict[str, list[Result]]] = {}
    for r in report.results:
        out.setdefault(r.source or "(unknown source)", {}).setdefault(r.focus, []).append(r)
    return out


def format_text(report: Report, fail_on: str = "violation", color: bool = False) -> str:
    """Results grouped by file, then focus node, most severe first; then one line per severity.

    ``color`` adds ANSI colours (the CLI turns them on only for a terminal without ``NO_COLOR``).
    """
    from axiskg.terminal import escape  # file names, values and messages from the inputs: printed inert

    lines: list[str] = []
    for source, focuses in _groups(report).items():
        lines.append(_paint(escape(source), "1", color))
        for focus, results in focuses.items():
            where = min((r.line for r in results if r.line is not None), default=None)
            lines.append(f"  {escape(compact(focus))}" + (f"  (line {where})" if where is not None else ""))
            for r in results:
                severity = _paint(f"{r.severity:<9}", _COLORS.get(r.severity, "0"), color)
                lines.append(f"    {severity} {escape(r.component_name)}")
                lines += [f"      {name:<7} {escape(text)}" for name, text in _fields(r)]
                lines.append(f"      shape   {escape(compact(r.source_shape))}")
        lines.append("")
    for severity in SEVERITIES:
        n = report.count(severity)
        line = f"{severity}s: {n}"
        lines.append(_paint(line, _COLORS[severity], color) if n else line)
    lines.append(summary(report, fail_on))
    return "\n".join(lines) + "\n"


def summary(report: Report, fail_on: str = "violation") -> str:
    """One line a person reads right: ``Conforms: yes``, or ``Conforms: no (5 infos); passes at
    --fail-on violation`` (SHACL's ``sh:conforms`` is false with any result, while the run
    fails only at or above ``fail_on``)."""
    if report.conforms:
        return "Conforms: yes"
    counts = []
    for severity in SEVERITIES:
        n = report.count(severity)
        if n:
            counts.append(f"{n} {severity.lower()}{'s' if n != 1 else ''}")
    verdict = "fails" if fails(report, fail_on) else "passes"
    return f"Conforms: no ({', '.join(counts) or 'no results'}); {verdict} at --fail-on {fail_on}"


def to_json(report: Report, fail_on: str = "violation") -> dict:
    """The report as a JSON-ready dict (schema :data:`JSON_SCHEMA`, see docs/validation.md)."""
    return {
        "schema": JSON_SCHEMA,
        "conforms": report.conforms,
        "failOn": fail_on,
        "failed": fails(report, fail_on),
        "summary": summary(report, fail_on),
        "error": None,
        "counts": {s.lower(): report.count(s) for s in SEVERITIES},
        "results": [
            {
                "severity": r.severity,
                "source": r.source,
                "line": r.line,
                "focusNode": r.focus,
                "resultPath": r.path,
                "value": r.value,
                "message": r.message,
                "sourceConstraintComponent": r.component,
                "sourceShape": r.source_shape,
            }
            for r in report.results
        ],
    }


def format_json(report: Report, fail_on: str = "violation") -> str:
    return json.dumps(to_json(report, fail_on), indent=2, ensure_ascii=False) + "\n"


def format_turtle(report: Report, fail_on: str = "violation") -> str:
    """The standard ``sh:ValidationReport`` of the results (:func:`axiskg.shacl.results.report_graph_of`),
    serialised canonically; the same from both engines."""
    from axiskg.rdfio.serialize import serialize

    return serialize(report.graph, "turtle").decode("utf-8")


def _fields(r: Result) -> list[tuple[str, str]]:
    """The optional parts of a result that are there: path, value, message."""
    fields = [
        ("path", compact(r.path) if r.path else ""),
        ("value", compact(r.value) if r.value is not None else ""),
        ("message", r.message or ""),
    ]
    return [(name, text) for name, text in fields if text]


def _describe(r: Result) -> str:
    return "; ".join([f"{r.severity}: {r.component_name}"] + [f"{name} {text}" for name, text in _fields(r)])


def format_junit(report: Report, fail_on: str = "violation", tool: str = "axiskg validate") -> str:
    """JUnit XML: one test case per (file, focus node, shape). A case fails when one of its
    results is at or above ``fail_on``; lower results go to its ``system-out``. A report
    without results is one passing case."""
    from xml.sax.saxutils import escape, quoteattr  # (imports urllib: not at option-parsing time)

    cases: dict[tuple[str, str, str], list[Result]] = {}
    for r in report.results:
        cases.setdefault((r.source or "(unknown source)", r.focus, r.source_shape), []).append(r)
    body: list[str] = []
    failures = 0
    for (source, focus, shape), results in cases.items():
        name = quoteattr(f"{compact(focus)} [{compact(shape)}]")
        body.append(f"    <testcase classname={quoteattr(source)} name={name}>")
        bad = [r for r in results if failing(r, fail_on)]
        if bad:
            failures += 1
            message = quoteattr(bad[0].message or bad[0].component_name)
            text = escape("\n".join(_describe(r) for r in bad))
            body.append(f"      <failure type={quoteattr(bad[0].severity)} message={message}>{text}</failure>")
        rest = [r for r in results if not failing(r, fail_on)]
        if rest:
            body.append(f"      <system-out>{escape(chr(10).join(_describe(r) for r in rest))}</system-out>")
        body.append("    </testcase>")
    if not cases:
        body.append('    <testcase classname="axiskg" name="conforms"/>')
    tests = max(len(cases), 1)
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name={quoteattr(tool)} tests="{tests}" failures="{failures}" errors="0">',
        f'  <testsuite name={quoteattr(tool)} tests="{tests}" failures="{failures}" errors="0" skipped="0">',
    ]
    return "\n".join(head + body + ["  </testsuite>", "</testsuites>"]) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


_GH_LEVEL = {"Violation": "error", "Warning": "warning", "Info": "notice"}


def format_github(report: Report, fail_on: str = "violation", tool: str = "axiskg validate") -> str:
    """GitHub Actions workflow commands (``::error file=...,title=...::message``), one per result."""
    lines = []
    for r in report.results:
        props = []
        if r.source:
            props.append(f"file={_gh_property(r.source)}")
            if r.line is not None:
                props.append(f"line={r.line}")
        props.append(f"title={_gh_property(f'{r.component_name} on {compact(r.focus)}')}")
        lines.append(f"::{_GH_LEVEL.get(r.severity, 'notice')} {','.join(props)}::{_gh_data(_describe(r))}")
    counts = ", ".join(f"{report.count(s)} {s.lower()}(s)" for s in SEVERITIES)
    verdict = "fails" if fails(report, fail_on) else "passes"
    lines.append(f"{tool}: {counts}; conforms: {'yes' if report.conforms else 'no'}; {verdict} at --fail-on {fail_on}")
    return "\n".join(lines) + "\n"


FORMATTERS = {
    "text": format_text,
    "json": format_json,
    "turtle": format_turtle,
    "junit": format_junit,
    "github": format_github,
}


# --------------------------------------------------------------------------- errors as reports


def format_error(error: InputError, output: str, tool: str = "axiskg validate", fail_on: str = "violation") -> str:
    """The report of a run that could not validate (unreadable input, a syntax error, refused
    shapes) in ``output``: a JSON document with the error, a JUnit ``<error>``, a GitHub
    ``::error``; nothing for ``text`` and ``turtle`` (the message goes to stderr, and a SHACL
    report cannot say that validation failed)."""
    where = {"file": error.path, "line": error.line, "column": error.column, "message": error.problem}
    if output == "json":
        doc: dict[str, object] = {
            "schema": JSON_SCHEMA,
            "conforms": None,
            "failOn": fail_on,
            "failed": True,
            "summary": f"error: {error}",
            "error": where,
            "counts": {s.lower(): 0 for s in SEVERITIES},
            "results": [],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output == "junit":
        from xml.sax.saxutils import escape, quoteattr

        return (
            "\n".join(
                [
                    '<?xml version="1.0" encoding="UTF-8"?>',
                    f'<testsuites name={quoteattr(tool)} tests="1" failures="0" errors="1">',
                    f'  <testsuite name={quoteattr(tool)} tests="1" failures="0" errors="1" skipped="0">',
                    f"    <testcase classname={quoteattr(error.path or tool)} name={quoteattr('input')}>",
                    f'      <error type="InputError" message={quoteattr(error.problem)}>{escape(str(error))}</error>',
                    "    </testcase>",
                    "  </testsuite>",
                    "</testsuites>",
                ]
            )
            + "\n"
        )
    if output == "github":
        props = [f"file={_gh_property(error.path)}"] if error.path else []
        props += [f"{k}={v}" for k, v in (("line", error.line), ("col", error.column)) if v is not None]
        props.append(f"title={_gh_property(tool + ': error')}")
        return f"::error {','.join(props)}::{_gh_data(error.problem)}\n{tool}: error: {_gh_data(str(error))}\n"
    return ""
