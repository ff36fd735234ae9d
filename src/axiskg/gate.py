"""The gate before ``build`` and ``release`` write anything: the project's asserted data must
have no SHACL violation (the default engine, the project's shapes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from axiskg.validation import Report


def violations(root: Path) -> Report | None:
    """The validation report of the project at ``root`` when it has an ``sh:Violation`` (the
    build must not go on), else ``None``."""
    from axiskg.dataset import Dataset, load_shapes
    from axiskg.rdfio.sources import source_locator
    from axiskg.reporting import fails
    from axiskg.shacl import validate_store

    dataset = Dataset.load(root=root, inferred=False)
    report = validate_store(dataset, load_shapes(root), locate=source_locator(dataset))
    return report if fails(report, "violation") else None
