"""The one table of RDF formats: names, file extensions, media types, pyoxigraph formats.

Reading (:mod:`axiskg.rdfio.reading`), finding files (:mod:`axiskg.paths`), content negotiation
(:mod:`axiskg.server.formats`) and the CLI's ``--format-in`` choices all look formats up here,
so they agree on what, say, ``.json`` means (JSON-LD, everywhere). Plain strings only: the
pyoxigraph format is looked up by name when asked for, so importing this module is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RdfFormat:
    name: str  # the canonical name, e.g. "turtle"
    extensions: tuple[str, ...]  # the first is the one written
    media_type: str
    media_aliases: tuple[str, ...] = ()  # other media types that ask for it
    aliases: tuple[str, ...] = ()  # other names accepted for it (``--format-in``)
    oxigraph_name: str = ""  # the member of pyoxigraph.RdfFormat

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def oxigraph(self):
        import pyoxigraph as ox

        return getattr(ox.RdfFormat, self.oxigraph_name)


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", (".ttl",), "text/turtle", ("application/x-turtle",), ("ttl",), "TURTLE"),
        RdfFormat("ntriples", (".nt",), "application/n-triples", ("text/plain",), ("nt", "n-triples"), "N_TRIPLES"),
        RdfFormat("nquads", (".nq",), "application/n-quads", (), ("nq", "n-quads"), "N_QUADS"),
        RdfFormat("trig", (".trig",), "application/trig", (), (), "TRIG"),
        RdfFormat(
            "jsonld",
            (".jsonld", ".json-ld", ".json"),
            "application/ld+json",
            ("application/json",),
            ("json-ld",),
            "JSON_LD",
        ),
        RdfFormat(
            "rdfxml",
            (".rdf", ".owl", ".xml"),
            "application/rdf+xml",
            ("application/xml", "text/xml"),
            ("xml", "rdf/xml"),
            "RDF_XML",
        ),
    )
}

#: every file extension read as RDF, longest first (".json-ld" before ".json" can never clash,
#: but a name is matched by its longest known ending)
EXTENSIONS: tuple[str, ...] = tuple(sorted((e for f in FORMATS.values() for e in f.extensions), key=len, reverse=True))

#: every name accepted for a format, lower case -> format
BY_NAME: dict[str, RdfFormat] = {n: f for f in FORMATS.values() for n in (f.name, *f.aliases)}


def by_path(path: Path | str) -> RdfFormat | None:
    """The format a file name's extension says, or ``None``."""
    name = str(path).lower()
    return next((f for e in EXTENSIONS for f in FORMATS.values() if e in f.extensions and name.endswith(e)), None)


def by_name(name: str) -> RdfFormat | None:
    return BY_NAME.get(name.lower())


#: the formats axiskg writes a graph in (:mod:`axiskg.rdfio.serialize`; ``axiskg build`` writes them all)
WRITTEN: tuple[str, ...] = ("turtle", "ntriples", "jsonld", "rdfxml")

#: ``axiskg query --format``: a SELECT or ASK answer as a table ...
QUERY_TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "markdown")
#: ... and a CONSTRUCT or DESCRIBE answer as RDF
QUERY_GRAPH_FORMATS: tuple[str, ...] = ("turtle", "ntriples", "jsonld")
