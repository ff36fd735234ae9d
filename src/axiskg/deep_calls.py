"""Running a recursive function of another library on deeply nested data, bounded.

rdflib's JSON-LD writer and Python's ``json`` recurse once or twice per level of nesting (an RDF
list inside a list inside a list ...), so a 2 KB file holding a 1,000-deep collection exhausted
the default recursion limit (1,000 frames) with a ``RecursionError`` traceback. :func:`call_deep`
runs such a function on a thread of its own with a large stack (:data:`STACK_BYTES`, reserved,
not used until needed) and a recursion limit of :data:`MAX_FRAMES` (an eighth of both in a
process whose memory cap leaves no room for that stack, such as a server's query worker); deeper
data is refused with :class:`~axiskg.errors.InputError` (exit 2), never a crash.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from axiskg.errors import InputError

T = TypeVar("T")

#: the deepest recursion allowed (about 20,000 levels of lists nested in lists for JSON-LD)
MAX_FRAMES = 100_000
#: the stack of the thread that recurses: room for :data:`MAX_FRAMES` frames of C code too
STACK_BYTES = 512 << 20
_lock = threading.Lock()


def call_deep(what: str, function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` on a thread with a deep stack; :class:`InputError` naming ``what``
    when the data nests deeper than :data:`MAX_FRAMES` frames allow."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = function(*args)
        except RecursionError:
            out["deep"] = True
        except BaseException as exc:  # re-raised on the caller's thread
            out["error"] = exc

    with _lock:  # (the recursion limit is the interpreter's, the stack size a setting for new threads)
        old_limit = sys.getrecursionlimit()
        for stack, frames in ((STACK_BYTES, MAX_FRAMES), (STACK_BYTES // 8, MAX_FRAMES // 8)):
            old_stack = threading.stack_size(stack)
            sys.setrecursionlimit(max(old_limit, frames))
            try:
                thread = threading.Thread(target=run, name=f"deep {what}")
                thread.start()
                thread.join()
                break
            except RuntimeError:  # no room for the stack (a process under a memory cap): a smaller one
                continue
            finally:
                threading.stack_size(old_stack)
                sys.setrecursionlimit(old_limit)
        else:
            run()  # no thread at all: here, with the usual limit
    if "error" in out:
        raise out["error"]
    if out.get("deep"):
        raise InputError(None, f"{what}: the data nests too deep (over {MAX_FRAMES:,} levels of recursion)")
    return out["value"]
