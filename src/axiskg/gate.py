"""The gate before ``build`` and ``release`` write anything: the project's asserted data must
have no SHACL violation (the default engine, the project's shapes; drafts count as warnings)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from axiskg.shacl.results import Report


def violations(root: Path) -> Report | None:
    """The validation report of the project at ``root``, its results placed at their files and
    lines, when it has an ``sh:Violation`` (the build must not go on); else ``None``."""
    from axiskg.dataset import Dataset, load_shapes
    from axiskg.ingest.curation import soften_drafts
    from axiskg.rdfio.sources import source_locator
    from axiskg.shacl import validate_store
    from axiskg.shacl.locations import Locations, place
    from axiskg.shacl.reporting import fails
    from axiskg.shacl.results import Result

    dataset = Dataset.load(root=root, inferred=False)
    report = validate_store(dataset, load_shapes(root), locate=source_locator(dataset))
    report = soften_drafts(report, dataset)  # drafts are not published unless asked for: warnings
    if not fails(report, "violation"):
        return None
    report.results = sorted(place(report.results, Locations(dataset, root)), key=Result.sort_key)
    return report
