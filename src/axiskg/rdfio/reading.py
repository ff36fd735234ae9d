"""Parsing one RDF file into a store: format resolution, the checks before parsing, the fallbacks.

Every problem with an input file (missing, empty, not UTF-8, unknown extension, syntax error) is
raised as :class:`~axiskg.errors.InputError` with the file, line and column where known.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg import paths
from axiskg.errors import InputError, parser_message
from axiskg.rdfio import bulk_load, census
from axiskg.rdfio import formats as rdf_formats
from axiskg.rdfio.inputs import check_utf8_text, open_input, read_rdf_bytes, syntax_problem
from axiskg.rdfio.ntriples import load_long_lines
from axiskg.rdfio.rdflib_fallback import RDFLIB_FALLBACK, load_with_rdflib
from axiskg.rdfio.xml_safety import check_xml_safety

if TYPE_CHECKING:
    from axiskg.dataset import Data

log = logging.getLogger(__name__)


def resolve_format(path: Path, format: str | ox.RdfFormat | None = None) -> ox.RdfFormat:
    """The pyoxigraph format for ``path``: the explicit override, else from the extension."""
    if isinstance(format, ox.RdfFormat):
        return format
    if format is not None:
        found = rdf_formats.by_name(format)
        if found is None:
            known = ", ".join(sorted(rdf_formats.BY_NAME))
            raise InputError(None, f"unknown RDF format {format!r} (known: {known})")
        return found.oxigraph
    found = rdf_formats.by_path(path.name)
    if found is None:
        raise InputError(path, f"unknown RDF file extension {path.suffix!r}")
    return found.oxigraph


def load_file(
    target: Data,
    path: Path,
    graph: str,
    format: str | ox.RdfFormat | None = None,
) -> None:
    """Parse one file into ``target`` (a dataset, whose record keeps its literals as written, or a
    bare store); triples go to named graph ``graph`` (quads keep theirs)."""
    if Path(path).is_dir():  # (before its extension is looked at: "x" is a directory, not a format)
        raise InputError(path, "is a directory")
    fmt = resolve_format(path, format)
    census.forget(target, graph)
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) and _load_stream(target, path, fmt, graph):
        return
    # pyoxigraph refuses bytes that are not UTF-8 in every format; the file is decoded here
    # (a tenth of the parse time) only to name the bad byte's place when the parse fails
    data = read_rdf_bytes(path)
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml_safety(path, data)
    try:  # literals the store rewrites are recorded as written (axiskg.rdfio.literals)
        bulk_load.load(target, data, fmt, path.resolve().as_uri(), graph)
    except SyntaxError as exc:
        check_utf8_text(path, data)
        raise InputError(path, syntax_problem(exc), exc.lineno, exc.offset) from None
    except ValueError as exc:  # e.g. an invalid IRI or an unsupported format
        raise InputError(path, parser_message(str(exc))) from None
    except MemoryError as exc:
        # pyoxigraph's Turtle/N-Triples/JSON-LD lexers refuse any token over 16 MiB
        # (e.g. a 20 MB literal); rdflib's parsers for the Turtle family have no such cap
        if fmt not in RDFLIB_FALLBACK:
            raise InputError(path, f"cannot parse: {exc} (a single token is too large)") from None
        check_utf8_text(path, data)
        log.info("%s: a token is over pyoxigraph's 16 MiB limit; parsing it another way", path)
        if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            load_long_lines(target, path, data, fmt, graph)
        else:
            load_with_rdflib(target, path, data, fmt, graph)
    log.debug("loaded %s into <%s>", path, graph)


def _load_stream(target: Data, path: Path, fmt: ox.RdfFormat, graph: str) -> bool:
    """Load the N-Triples / N-Quads file ``path`` a piece at a time (a large file is never held
    whole beside the store): True when loaded; False when it cannot be, so that the whole
    file read into memory names the problem (the line of a syntax error in the whole file, a
    byte that is not UTF-8, an empty file) or takes the way round pyoxigraph's token cap."""
    with open_input(path) as fh:
        while block := fh.read(1 << 16):
            if not block.isspace():
                break
        else:
            return False  # empty
        fh.seek(0)
        try:
            bulk_load.load_stream(target, fh, fmt, path.resolve().as_uri(), graph)
        except (SyntaxError, ValueError, MemoryError):
            return False
    log.debug("loaded %s into <%s>", path, graph)
    return True


def expand_path(path: Path) -> list[Path]:
    """A file as itself, a folder as the RDF files below it."""
    if path.is_dir():
        files = paths.rdf_files_under(path)
        if not files:
            raise InputError(path, "directory contains no RDF files")
        return files
    if not path.exists():
        raise InputError(path, "no such file or directory")
    return [path]


def count_triples(files: Iterable[Path], limit: int, format: str | None = None) -> int:
    """How many statements ``files`` hold, counted by parsing without storing and stopping
    once past ``limit`` (so a huge input is refused in time and memory bounded by the limit);
    a file that does not parse stops the count there (loading it names the problem)."""
    import itertools

    total = 0
    for path in files:
        try:
            data = read_rdf_bytes(path)
            fmt = resolve_format(path, format)
            if fmt == ox.RdfFormat.RDF_XML:
                check_xml_safety(path, data)
            total += sum(
                1
                for _ in itertools.islice(
                    ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()), limit + 1 - total
                )
            )
        except (SyntaxError, ValueError, MemoryError):
            continue
        if total > limit:
            break
    return total
