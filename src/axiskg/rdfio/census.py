"""What the loader saw of a graph it read whole, so that the check for ill-typed literals
(:func:`axiskg.rdfio.literal_checks.bad_literals`) need not scan it in the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from axiskg.rdfio.literals import parts, rewritable, stored_form

if TYPE_CHECKING:
    from axiskg.dataset import Data


@dataclass
class Census:
    """A graph read whole by :func:`axiskg.rdfio.bulk_load.load_ntriples_file`: the stored forms
    of its XSD-typed literals (but ``xsd:string``), and whether a line of it may hold a character
    XML cannot carry (a control character, U+FFFE, U+FFFF or any ``\\u`` escape: then it is
    scanned for those). Kept per graph IRI in the dataset's record (``record.census``)."""

    typed: set[ox.Literal] = field(default_factory=set)
    control: bool = False


def forget(data: Data, graph: str) -> None:
    """``graph`` gets more triples: what the loader saw of it is no longer all it holds."""
    _, record = parts(data)
    if record is not None:
        record.census.pop(graph, None)


def typed_stored(quads: Iterable[ox.Quad]) -> Iterator[ox.Literal]:
    """The stored forms of the literals of ``quads`` that the store may rewrite."""
    return (stored_form(o) for o in (q.object for q in quads) if type(o) is ox.Literal and rewritable(o))
