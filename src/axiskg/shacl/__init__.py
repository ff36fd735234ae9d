"""SHACL validation that scales: the shapes compiled to SPARQL over the embedded pyoxigraph store.

:func:`validate_store` gives the same :class:`~axiskg.shacl.results.Result` objects as
:func:`axiskg.shacl.validation.validate` (pyshacl) on the same data mixed with the ontology: same focus,
path, component, severity, value, source shape and message (pyshacl's own wording for shapes
without ``sh:message``), same multiplicity. The modules, in the order a run uses them:

- :mod:`.compiler`: the shapes with targets, their focus nodes and paths; a property shape's
  constraints become at most two SPARQL queries over the union of the store's graphs (so the
  data is never copied into rdflib).
- :mod:`.components`: one unit per SHACL constraint component, citing the specification, in a
  registry from component IRI to unit; a SHACL-SPARQL constraint is its ``sh:select`` with the
  targets joined in, SPARQL-based constraint components run per focus node with the pre-bound
  variables substituted.
- :mod:`.rewrite`: a final ``FILTER NOT EXISTS`` that shares only ``$this`` runs as the equivalent
  ``MINUS`` (:func:`not_exists_as_minus`); a shape's query made ready for pre-binding.
- :mod:`.execute`: the queries run in threads (pyoxigraph evaluates without holding the GIL).
- :mod:`.report`: the rows as results, worded as pyshacl words them.
- :mod:`.fallback`: a shape using anything the compiler does not handle is validated, whole, by
  pyshacl (:attr:`SparqlReport.fallback` names it): correct before fast.

Every query a shape carries first passes :func:`axiskg.shacl.shape_queries.check_shapes`. Where pyshacl
departs from the spec (``sh:languageIn`` by first subtag, message templates filled with
``re.sub``) this engine follows the spec; the W3C suite is the oracle (tests/test_w3c_shacl.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from axiskg.shacl.engine import SparqlReport, read_shapes, validate_files, validate_store
    from axiskg.shacl.rewrite import not_exists_as_minus

__all__ = ["SparqlReport", "not_exists_as_minus", "read_shapes", "validate_files", "validate_store"]

_HOMES = {name: "axiskg.shacl.engine" for name in __all__} | {"not_exists_as_minus": "axiskg.shacl.rewrite"}


def __getattr__(name: str) -> Any:
    """The entry points, imported when first used: the CLI reads the output formats
    (:mod:`axiskg.shacl.reporting`) while parsing options, before rdflib or pyoxigraph load."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
