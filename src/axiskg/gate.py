"""The gate before ``build`` and ``release`` write anything: the project's asserted data must
have no SHACL violation (the default engine, the project's shapes; drafts count as warnings).
It validates the dataset the command has loaded to publish, so the project is loaded once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from axiskg.dataset import Dataset
    from axiskg.shacl.results import Report


class Refused(Exception):
    """The project's data has an ``sh:Violation``: ``report`` holds the results, placed at their
    files and lines."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"the data has {report.count('Violation')} SHACL violation(s)")
        self.report = report


def refuse_violations(dataset: Dataset, root: Path) -> None:
    """Raise :class:`Refused` when ``dataset`` (the project at ``root``, asserted graphs only, as
    loaded) has an ``sh:Violation``. The validation leaves the dataset as it was."""
    from axiskg.dataset import load_shapes
    from axiskg.ingest.curation import soften_drafts
    from axiskg.memory import release_freed_memory
    from axiskg.rdfio.sources import source_locator
    from axiskg.shacl import validate_store
    from axiskg.shacl.locations import Locations, place
    from axiskg.shacl.reporting import fails
    from axiskg.shacl.results import Result

    report = validate_store(dataset, load_shapes(root), locate=source_locator(dataset))
    report = soften_drafts(report, dataset)  # drafts are not published unless asked for: warnings
    if fails(report, "violation"):
        report.results = sorted(place(report.results, Locations(dataset, root)), key=Result.sort_key)
        raise Refused(report)
    release_freed_memory()  # the validation's working memory, before the command goes on
