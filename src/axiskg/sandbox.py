"""No network for query execution, enforced by the operating system.

Both pyoxigraph and rdflib execute ``SERVICE <url> {...}`` by opening a connection to ``url``,
and no lexer can be proven to agree with the parser about where ``SERVICE`` is
(:mod:`axiskg.sparql_safety` is the first, friendly line). So every process that runs SPARQL
written by someone else (the server's query workers, ``axiskg query`` on the local graph,
``axiskg validate`` with user shapes holding ``sh:select``, ``axiskg check``) first moves into a
new, empty *network namespace* (Linux ``unshare(CLONE_NEWNET)``): it has only a loopback
interface that is down, so any ``connect()`` fails with "network is unreachable", whatever the
query says. Without root, a new *user* namespace comes with it (``CLONE_NEWUSER``), which must
be done while the process has a single thread: call :func:`enter` first thing.

Where the OS offers neither, :func:`enter` raises :class:`SandboxUnavailable` (exit 2 in the
CLI, the server refuses to start) unless ``AXISKG_NO_SANDBOX=1`` says to run anyway (then the
lexer is the only barrier).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import threading

from axiskg.errors import InputError

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
#: set to 1 to run without the network sandbox where the OS cannot provide one
ENV_ALLOW = "AXISKG_NO_SANDBOX"

_entered = False


class SandboxUnavailable(InputError):
    """The OS cannot take this process off the network (and ``AXISKG_NO_SANDBOX`` is not set)."""


def _unshare(flags: int) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _enter_namespaces() -> str:
    """Unshare the network namespace (with a user namespace when not root); return how."""
    if os.geteuid() == 0:
        try:
            _unshare(CLONE_NEWNET)
            return "network namespace"
        except OSError:
            pass  # e.g. root inside a container without CAP_SYS_ADMIN: try a user namespace
    if threading.active_count() > 1:
        raise OSError(errno.EINVAL, "a user namespace needs a single-threaded process")
    uid, gid = os.geteuid(), os.getegid()
    _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    try:  # keep our own uid/gid inside, so files look the same
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
        _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
    except OSError:
        pass  # unmapped ids only change how owners are shown; the network is cut either way
    return "user + network namespace"


def allowed_without() -> bool:
    return os.environ.get(ENV_ALLOW, "").strip().lower() in ("1", "true", "yes")


def enter(what: str = "query execution") -> str:
    """Cut this process off the network for good; returns how ("network namespace", ...), or
    ``"none (AXISKG_NO_SANDBOX)"`` when the OS offers no way and running anyway was asked for.
    Idempotent. Raises :class:`SandboxUnavailable` otherwise."""
    global _entered
    if _entered:
        return "already"
    try:
        how = _enter_namespaces()
    except (OSError, AttributeError) as exc:
        if allowed_without():
            return f"none ({ENV_ALLOW})"
        raise SandboxUnavailable(
            None,
            f"cannot cut {what} off the network (unshare: {getattr(exc, 'strerror', None) or exc}); "
            f"this system does not allow user or network namespaces. Set {ENV_ALLOW}=1 to run "
            "anyway, with only the SERVICE check of axiskg.sparql_safety in the way",
        ) from None
    _entered = True
    return how
