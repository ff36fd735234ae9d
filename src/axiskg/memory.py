"""Giving freed memory back to the system between the phases of a long command.

A pyoxigraph store of a million triples is hundreds of megabytes of small allocations from the C
library's heap; freed, they stay in the process (glibc returns only the top of its heap), while
Python's own allocator takes new memory from the system for what comes next (its arenas are
separate mappings). So a build that validates (one store), loads again (a second store) and then
writes, would reach the sum of its phases. :func:`release_freed_memory` asks glibc to return
its free pages (``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc), once a phase's big data is freed."""
    trim = _trim()
    if trim is not None:
        trim(0)
