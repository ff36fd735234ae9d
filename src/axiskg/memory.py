"""Giving freed memory back to the system between the phases of a long command.

A pyoxigraph store of a million triples is hundreds of megabytes of small allocations from the C
library's heap; freed, they stay in the process (glibc returns only the top of its heap), while
Python's own allocator takes new memory from the system for what comes next (its arenas are
separate mappings). So a build that validates (one store), loads again (a second store) and then
writes, would reach the sum of its phases. :func:`release_freed_memory` asks glibc to return
its free pages (``malloc_trim``), and :func:`return_big_blocks` has it return big blocks as they
are freed; elsewhere both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _glibc(function: str):
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), function) if name else None
    except (OSError, AttributeError):  # not glibc
        return None


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc), once a phase's big data is freed."""
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)


_M_MMAP_THRESHOLD = -3  # mallopt's parameter (glibc's malloc.h)


def return_big_blocks() -> None:
    """From now on, have glibc map each allocation of a megabyte or more on its own, so that it
    goes back to the system as soon as it is freed. This also stops glibc raising its trim
    threshold after freeing a big block, which left up to 64 MB of freed memory in the heap of
    each thread that had answered a query (seen at 1M triples: 63 MB kept by the build)."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, 1 << 20)
