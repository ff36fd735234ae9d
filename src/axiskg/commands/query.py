"""axiskg query: list and run the stored SPARQL queries (queries/*.rq), or a query file of your own,
on the project's graph or on any SPARQL 1.1 endpoint."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from axiskg.commands import root_of
from axiskg.commands.options import add_output_format
from axiskg.errors import EXIT_INPUT, InputError
from axiskg.rdfio.formats import QUERY_GRAPH_FORMATS, QUERY_TABLE_FORMATS

if TYPE_CHECKING:  # (no heavy imports at option-parsing time)
    from axiskg.dataset import Data

FORMATS = (*QUERY_TABLE_FORMATS, *QUERY_GRAPH_FORMATS)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "query",
        help="run a stored SPARQL query (see --list) or your own, locally or on an endpoint",
        description="Run a stored query from queries/*.rq by NAME, or --file your own (SELECT, ASK, "
        "CONSTRUCT or DESCRIBE), on the project's published graph (ontology + data + the inferred "
        "graph, union of the named graphs) or on a SPARQL endpoint.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="stored query to run (see --list)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the stored queries (name, title, question)")
    what.add_argument("--file", type=Path, metavar="FILE", help="run the SPARQL query in FILE instead")
    what.add_argument("--all", action="store_true", help="run every stored query, printing title and results")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter to an IRI or prefixed name (repeatable)",
    )
    add_output_format(
        p,
        FORMATS,
        "table",
        old=("--format",),
        dest="format",
        help="format of what is printed: aligned table, SPARQL 1.1 csv/tsv/json results or markdown; "
        "a CONSTRUCT or DESCRIBE answer: turtle (what table gives), ntriples or jsonld",
    )
    p.add_argument("--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead of the local graph")
    p.add_argument(
        "--graph",
        action="append",
        default=[],
        metavar="IRI",
        help="with --endpoint: default graph to query (repeatable), for stores whose default graph is not ours",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30,
        metavar="SECONDS",
        help="with --endpoint: time for the whole exchange, the answer's last byte included (default 30)",
    )
    p.add_argument(
        "--max-answer",
        type=int,
        default=64,
        metavar="MiB",
        help="with --endpoint: the largest answer read; a bigger one is refused (default 64)",
    )
    p.add_argument("--limit", type=int, default=0, metavar="N", help="print at most N rows per query (0: all)")
    p.add_argument(
        "--width",
        type=int,
        default=0,
        metavar="N",
        help="table format: cut cells to N characters (two different values never to the same "
        "text); without it, a table on a terminal wraps its cells to fit $COLUMNS",
    )
    p.add_argument("--columns", metavar="NAME,...", help="print only these result columns, in this order")
    p.add_argument("--sparql", action="store_true", help="print the rendered SPARQL instead of running it")
    p.set_defaults(func=run, offline=lambda a: not a.endpoint)  # see axiskg.sandbox


def _params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(None, f"--param {pair!r}: expected KEY=VALUE, e.g. --param entity=actor:japan")
        params[key.strip()] = value.strip()
    return params


def _user_query(path: Path, params: dict[str, str]):
    """``(sparql, query)``: the text of a user's query file, rendered if it has a catalog header
    (``query`` is then its :class:`~axiskg.sparql.catalog.StoredQuery`, else ``None``)."""
    from axiskg.sparql import catalog

    text = catalog.read_query_text(path)
    if not text.strip():
        raise InputError(path, "file is empty")
    if re.match(r"#\s*title\s*:", text.lstrip(), re.I):  # a header in the catalog's format
        query = catalog.parse_query(path, text)
        return query.render(params), query
    if params:
        raise InputError(path, f"this query has no '# param:' header, so --param {next(iter(params))} cannot be used")
    return text, None


class _Runner:
    """Runs SPARQL on the endpoint, or on the local store (loaded once, on first use)."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._store: Data | None = None

    def __call__(self, sparql: str, source):
        from axiskg.sparql import endpoint, querying

        if self.args.endpoint:
            querying.syntax_check(sparql, source)
            return endpoint.run_endpoint(
                self.args.endpoint,
                sparql,
                self.args.graph or None,
                timeout=self.args.timeout,
                source=source,
                max_bytes=self.args.max_answer << 20,
            )
        if self._store is None:
            from axiskg.dataset import Dataset

            self._store = Dataset.load(root=root_of(self.args), progress=True)
        return querying.run_local(self._store, sparql, source)

    def mentions(self, iri: str) -> bool:
        """Whether some triple of the graph has ``iri`` (a checked IRI) as subject or object."""
        return bool(self(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}", None).boolean)


def _warn(message: str) -> None:
    print(f"axiskg: warning: {message}", file=sys.stderr)


def _check(query, params: dict[str, str], runner: _Runner, args) -> None:
    """Warn (stderr) about a given parameter IRI the graph does not mention, and about running a
    query on an endpoint whose engine its header says answers it differently."""
    for name, value in params.items():
        iri = query.resolve_iri(value, what=f"parameter {name!r}")
        if not runner.mentions(iri):
            _warn(
                f"--param {name}: <{iri}> is not in the graph (no triple mentions it), "
                "so the answer says nothing about it"
            )
    from axiskg.sparql.crosscheck import known_differences

    engines = known_differences(query)
    if args.endpoint and engines:
        from axiskg.sparql.endpoint import endpoint_server

        server = endpoint_server(args.endpoint, min(args.timeout, 10))
        for engine in sorted(e for e in engines if e in server.lower()):
            _warn(
                f"query {query.name!r} is known to answer differently on {engine} (the endpoint is "
                f"{server.split()[0]}): {' '.join(query.engine_notes.split())}"
            )


def _columns() -> int:
    """The width tables must fit: ``$COLUMNS`` when set, else the terminal's, else none (a pipe
    or a file gets whole lines)."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").strip().isdigit():
        return int(os.environ["COLUMNS"])
    return shutil.get_terminal_size((0, 0)).columns if sys.stdout.isatty() else 0


def _print_table(table, args, limit: int) -> None:
    from axiskg.sparql import tables
    from axiskg.terminal import for_stream

    if table.triples is not None:  # CONSTRUCT, DESCRIBE
        sys.stdout.write(for_stream(tables.format_table(table, args.format), sys.stdout))
        return
    shown = table
    if args.columns and table.boolean is None:
        wanted = [c.strip() for c in args.columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in table.columns]
        if unknown:
            raise InputError(
                None, f"--columns: no column {unknown[0]!r} in the results (columns: {', '.join(table.columns)})"
            )
        picks = [table.columns.index(c) for c in wanted]
        table = shown = tables.Table(wanted, [tuple(r[i] for i in picks) for r in table.rows], None, table.prefixes)
    if limit and len(table.rows) > limit:
        shown = tables.Table(table.columns, table.rows[:limit], table.boolean, table.prefixes)
    # CSV, TSV and JSON go to files exactly as written; on a terminal, control characters inert
    text = tables.format_table(shown, args.format, args.width, _columns())
    sys.stdout.write(for_stream(text, sys.stdout))
    if shown is not table:  # a note, kept out of csv/tsv/json so they stay valid
        note = f"... {len(table.rows) - limit} more rows (--limit {limit})"
        print(note, file=sys.stdout if args.format == "table" else sys.stderr)


def _list(catalog, fmt: str) -> int:
    from axiskg.sparql.catalog import markdown_table

    if fmt == "markdown":
        sys.stdout.write(markdown_table(catalog))
        return 0
    if fmt != "table":
        raise InputError(None, "--list prints a table or -o markdown")
    width = max((len(q.name) for q in catalog), default=4)
    for q in catalog:
        params = " ".join(f"[{p.name}={p.default}]" if p.default else f"<{p.name}>" for p in q.params)
        print(f"{q.name.ljust(width)}  {q.title}{'  ' + params if params else ''}")
        print(f"{' ' * width}  {q.question}")
    return 0


def _unknown(name: str, catalog) -> int:
    print(f"axiskg: error: unknown query {name!r}; the stored queries are:", file=sys.stderr)
    for q in catalog:
        print(f"  {q.name}", file=sys.stderr)
    return EXIT_INPUT


def run(args: argparse.Namespace) -> int:
    from axiskg.sparql import catalog as cat

    if args.graph and not args.endpoint:
        raise InputError(None, "--graph needs --endpoint (the local graph is always the union of ours)")
    params = _params(args.param)
    if args.file is not None:
        if args.name:
            raise InputError(None, "give a stored query NAME or --file, not both")
        sparql, query = _user_query(args.file, params)
        if args.sparql:
            sys.stdout.write(sparql)
            return 0
        runner = _Runner(args)
        if query is not None:
            _check(query, params, runner, args)
        _print_table(runner(sparql, args.file), args, args.limit)
        return 0

    catalog = cat.load_catalog(root_of(args))
    if args.list:
        return _list(catalog, args.format)
    if args.all:
        if params:
            raise InputError(None, "--param applies to one query, not to --all")
        runner = _Runner(args)
        for n, q in enumerate(catalog):
            print(f"{'' if n == 0 else chr(10)}== {q.name}: {q.title}\n   {q.question}")
            _print_table(runner(q.render(), q.path), args, args.limit)
        return 0
    if not args.name:
        raise InputError(None, "name a stored query (axiskg query --list), or give --file, --list or --all")
    query = cat.find(catalog, args.name)
    if query is None:
        return _unknown(args.name, catalog)
    sparql = query.render(params)
    if args.sparql:
        sys.stdout.write(sparql)
        return 0
    runner = _Runner(args)
    _check(query, params, runner, args)
    _print_table(runner(sparql, query.path), args, args.limit)
    return 0
