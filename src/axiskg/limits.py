"""Limits a user may change through environment variables (``AXISKG_MAX_INPUT_MB`` and the like).

One parser for all of them, so that a bad value is refused the same way everywhere: an
:class:`~axiskg.errors.InputError` (exit 2) naming the variable and the value, never a traceback
and never a limit silently taken as something else.
"""

from __future__ import annotations

import math
import os

from axiskg.errors import InputError


def env_limit(name: str, default: float, whole: bool = True, unit: int = 1) -> int:
    """The limit set by the environment variable ``name`` (``default`` when unset or blank),
    times ``unit`` (e.g. ``1 << 20`` for a value in MB), as a whole number.

    ``whole``: the value must be a whole number (digits only, a count); otherwise any finite
    number not below zero (a size, ``0.5`` MB). Anything else is an :class:`InputError`."""
    text = os.environ.get(name, "").strip()
    if not text:
        return int(default * unit)
    if whole:
        if not (text.isascii() and text.isdigit()):
            raise InputError(None, f"{name}={text!r}: expected a whole number")
        return int(text) * unit
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError(None, f"{name}={text!r}: expected a number not below 0")
    return int(value * unit)
