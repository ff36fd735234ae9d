"""The catalog of stored SPARQL queries (``queries/*.rq``): header parsing and parameters.

Each query file opens with a header of ``#`` comment lines (see ``docs/queries.md``)::

    # title: Claims about an entity
    # question: What does the report claim about a given actor, with quotes and sections?
    # param: entity = actor:japan -- the actor, mechanism or initiative to look up
    # columns: claim, claimLabel, role, modality
    # expect: empty                      (optional: an empty result is the right answer)
    # engine-notes: free text            (optional)

A line starting with ``#`` and two or more spaces continues the field above it. A parameter
``NAME`` is bound in the query body by one single-line ``VALUES ?NAME { ... }`` block holding its
default, so every stored file runs as it is in any SPARQL 1.1 tool; :meth:`StoredQuery.render`
replaces the block's content with the given value as a full IRI (``<...>``), on every engine alike.
Values must be IRIs (full, or prefixed names whose prefix the query declares): anything else is
refused, so a parameter can never inject SPARQL.

This module imports nothing heavy; it is safe to use from ``register()`` code and ``--help``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from axiskg import paths
from axiskg.errors import InputError
from axiskg.vocab import PROJECT_PREFIXES

FIELDS = ("title", "question", "param", "columns", "expect", "engine-notes")
REQUIRED = ("title", "question", "columns")

_FIELD = re.compile(r"^#\s*(?P<key>[A-Za-z][\w-]*)\s*:\s?(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>\S+))?\s*(?:--\s*(?P<description>.*))?$")
_PREFIX_DECL = re.compile(r"PREFIX\s+(?P<prefix>[A-Za-z][\w.-]*)?:\s*<(?P<ns>[^>\s]*)>", re.I)
_FULL_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_PREFIXED_NAME = re.compile(r"^(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>[\w][\w.-]*)?$")
_VARIABLE = re.compile(r"^[A-Za-z_]\w*$")


def _values_block(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{(?P<content>[^}\n]*)\}", re.I)


@dataclass(frozen=True)
class Param:
    """One parameter: ``name``, its ``default`` as written (``None`` when it has none)."""

    name: str
    default: str | None
    description: str = ""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    expect_empty: bool = False
    engine_notes: str = ""
    prefixes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def resolve_iri(self, value: str, what: str = "value") -> str:
        """``value`` (``<iri>``, ``iri`` or ``prefix:local``) as a full IRI, or InputError."""
        return resolve_iri(value, self.prefixes, where=self.path, what=what)

    def render(self, params: dict[str, str] | None = None) -> str:
        """Executable SPARQL: each parameter's ``VALUES`` block holds the given value (else the
        default) as a full IRI. Line numbers are those of the file."""
        params = dict(params or {})
        unknown = sorted(set(params) - {p.name for p in self.params})
        if unknown:
            takes = ", ".join(p.name for p in self.params) or "no parameters"
            raise InputError(self.path, f"query {self.name!r} has no parameter {unknown[0]!r} (it takes: {takes})")
        text = self.text
        for p in self.params:
            value = params.get(p.name, p.default)
            if value is None:
                raise InputError(
                    self.path,
                    f"query {self.name!r} needs --param {p.name}=IRI ({p.description or 'no default'})",
                )
            iri = self.resolve_iri(value, what=f"parameter {p.name!r}")
            block = f"VALUES ?{p.name} {{ <{iri}> }}"
            text = _values_block(p.name).sub(lambda _m: block, text, count=1)
        return text


def declared_prefixes(text: str, project: bool = True) -> dict[str, str]:
    """``prefix -> namespace``: :data:`PROJECT_PREFIXES` (unless ``project`` is false),
    overridden by the ``PREFIX`` declarations of the query ``text``."""
    found = {(m["prefix"] or ""): m["ns"] for m in _PREFIX_DECL.finditer(text)}
    return {**PROJECT_PREFIXES, **found} if project else found


def resolve_iri(value: str, prefixes: dict[str, str], where=None, what: str = "value") -> str:
    """A parameter value as a full IRI; refuses anything that is not an IRI or prefixed name."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        if _FULL_IRI.match(value[1:-1]):
            return value[1:-1]
    else:
        m = _PREFIXED_NAME.match(value)
        absolute = "://" in value or value.lower().startswith("urn:")
        if m and (m["prefix"] or "") in prefixes:
            return prefixes[m["prefix"] or ""] + (m["local"] or "")
        if m and not absolute:
            known = ", ".join(f"{p}:" for p in sorted(prefixes)) or "none"
            raise InputError(where, f"{what}: unknown prefix '{m['prefix'] or ''}:' in {value!r} (declared: {known})")
        if absolute and _FULL_IRI.match(value):
            return value
    raise InputError(where, f"{what}: {value!r} is not an IRI or prefixed name")


# --------------------------------------------------------------------------- parsing


def parse_header(text: str, path: Path | str | None = None) -> dict[str, list[tuple[int, str]]]:
    """The header fields of a query file: ``key -> [(line, value), ...]``."""
    fields: dict[str, list[tuple[int, str]]] = {}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        cont = _CONTINUATION.match(stripped) if last else None
        if cont and last:
            line_no, value = fields[last][-1]
            fields[last][-1] = (line_no, f"{value} {cont['value'].strip()}".strip())
            continue
        m = _FIELD.match(stripped)
        if m is None:
            if stripped.strip("# ") == "":
                last = None
                continue
            raise InputError(path, "header line is not '# key: value'", number)
        key = m["key"].lower()
        if key not in FIELDS:
            raise InputError(path, f"unknown header field {m['key']!r} (known: {', '.join(FIELDS)})", number)
        fields.setdefault(key, []).append((number, m["value"].strip()))
        last = key
    return fields


def read_query_text(path: Path) -> str:
    """The text of a query file; InputError for a missing, unreadable, not regular (FIFO,
    device), oversized or non-UTF-8 file (see :func:`axiskg.rdfio.inputs.read_input`)."""
    from axiskg.rdfio.inputs import read_input

    try:
        return read_input(Path(path)).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None


def parse_query(path: Path, text: str | None = None) -> StoredQuery:
    """A :class:`StoredQuery` from a ``.rq`` file; InputError (with the line) if its header is bad."""
    path = Path(path)
    if text is None:
        text = read_query_text(path)
    fields = parse_header(text, path)
    for key in REQUIRED:
        if not fields.get(key) or not fields[key][0][1]:
            raise InputError(path, f"header has no '# {key}:' line", 1)
    for key in ("title", "question", "columns", "expect", "engine-notes"):
        if len(fields.get(key, [])) > 1:
            raise InputError(path, f"header field '{key}' given twice", fields[key][1][0])
    prefixes = declared_prefixes(text)
    params: list[Param] = []
    for line, raw in fields.get("param", []):
        m = _PARAM.match(raw)
        if m is None:
            raise InputError(path, "param line is not 'NAME = DEFAULT -- description'", line)
        if any(p.name == m["name"] for p in params):
            raise InputError(path, f"parameter {m['name']!r} declared twice", line)
        blocks = _values_block(m["name"]).findall(text)
        if len(blocks) != 1:
            raise InputError(
                path,
                f"parameter {m['name']!r} needs exactly one single-line 'VALUES ?{m['name']} {{ ... }}' block (found {len(blocks)})",
                line,
            )
        if m["default"] is not None:
            resolve_iri(m["default"], prefixes, where=f"{path}:{line}", what=f"default of {m['name']!r}")
        params.append(Param(m["name"], m["default"], (m["description"] or "").strip()))
    columns_line, columns_raw = fields["columns"][0]
    columns = tuple(c.strip().lstrip("?") for c in columns_raw.split(","))
    if not all(_VARIABLE.match(c) for c in columns):
        raise InputError(path, "columns must be a comma-separated list of variable names", columns_line)
    expect = fields.get("expect", [(0, "")])[0]
    if expect[1] and expect[1].lower() != "empty":
        raise InputError(path, "the only expectation a header can state is 'expect: empty'", expect[0])
    return StoredQuery(
        name=path.stem,
        path=path,
        title=fields["title"][0][1],
        question=fields["question"][0][1],
        params=tuple(params),
        columns=columns,
        text=text,
        expect_empty=expect[1].lower() == "empty",
        engine_notes=fields.get("engine-notes", [(0, "")])[0][1],
        prefixes=prefixes,
    )


def queries_dir(root: Path | str | None = None) -> Path:
    return (Path(root) if root is not None else paths.project_root()) / "queries"


def load_catalog(root: Path | str | None = None) -> list[StoredQuery]:
    """Every stored query of the project, sorted by name."""
    folder = queries_dir(root)
    return [parse_query(p) for p in sorted(folder.glob("*.rq"))] if folder.is_dir() else []


def find(catalog: list[StoredQuery], name: str) -> StoredQuery | None:
    return next((q for q in catalog if q.name == name), None)


# --------------------------------------------------------------------------- listing


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(catalog: list[StoredQuery]) -> str:
    """The catalog as a Markdown table (name, title, question, parameters), for README/docs."""
    lines = ["| query | title | question | parameters |", "|---|---|---|---|"]
    for q in catalog:
        params = ", ".join(f"`{p.name}` (default `{p.default}`)" if p.default else f"`{p.name}`" for p in q.params)
        lines.append(f"| `{q.name}` | {_cell(q.title)} | {_cell(q.question)} | {_cell(params) or '-'} |")
    return "\n".join(lines) + "\n"
