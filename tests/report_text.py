"""Where the tests find the report's text (never copied into the repository)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def report_text_path() -> Path:
    """``$AXISKG_REPORT_TEXT``, else ``../shared/seed/alliance-axis-report.txt`` beside the checkout."""
    env = os.environ.get("AXISKG_REPORT_TEXT")
    if env:
        return Path(env)
    return REPO / ".." / "shared" / "seed" / "alliance-axis-report.txt"
