"""No network for query execution, enforced by the operating system.

Both pyoxigraph and rdflib execute ``SERVICE <url> {...}`` by opening a connection to ``url``,
and no lexer can be proven to agree with the parser about where ``SERVICE`` is
(:mod:`axiskg.sparql.safety` is the first, friendly line). So every process that runs SPARQL
written by someone else (the server's query workers, ``axiskg query`` on the local graph,
``axiskg validate`` with user shapes holding ``sh:select``, ``axiskg check``) first moves into a
new, empty *network namespace* (Linux ``unshare(CLONE_NEWNET)``): it has only a loopback
interface that is down, so any ``connect()`` fails with "network is unreachable", whatever the
query says. Without root, a new *user* namespace comes with it (``CLONE_NEWUSER``), which must
be done while the process has a single thread: call :func:`enter` first thing.

Where namespaces are refused (Docker's default seccomp profile, Ubuntu 24.04's AppArmor rule for
unprivileged user namespaces), a *seccomp filter* is installed instead: the kernel then refuses
``socket(AF_INET|AF_INET6, ...)`` and ``io_uring_setup`` (which could open sockets past the
filter) with EACCES, for every thread of the process and its children (x86-64 and arm64).

Where the OS offers none of these, :func:`enter` raises :class:`SandboxUnavailable` (exit 2 in the
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


# seccomp-BPF: (audit arch, socket syscall number, seccomp syscall number) per machine
_ARCHES = {"x86_64": (0xC000003E, 41, 317), "aarch64": (0xC00000B7, 198, 277)}
_IO_URING_SETUP = 425  # the same number on every architecture (the unified syscall table)
_AF_INET, _AF_INET6 = 2, 10
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _network_filter(arch: int, socket_nr: int) -> list[tuple[int, int, int, int]]:
    """The BPF program: refuse IPv4/IPv6 sockets and io_uring; allow everything else."""
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    deny, eperm = _RET_ERRNO | errno.EACCES, _RET_ERRNO | errno.EPERM
    return [
        (ld, 0, 0, 4),  # 0: A = seccomp_data.arch
        (jeq, 1, 0, arch),  # 1: our architecture? go on
        (ret, 0, 0, eperm),  # 2: a foreign ABI: refuse the call
        (ld, 0, 0, 0),  # 3: A = seccomp_data.nr
        (jge, 6, 0, 0x40000000),  # 4: x32 ABI numbers -> deny
        (jeq, 5, 0, _IO_URING_SETUP),  # 5: io_uring_setup -> deny
        (jeq, 0, 3, socket_nr),  # 6: not socket() -> allow
        (ld, 0, 0, 16),  # 7: A = args[0] (the domain, low 32 bits)
        (jeq, 2, 0, _AF_INET),  # 8: AF_INET -> deny
        (jeq, 1, 0, _AF_INET6),  # 9: AF_INET6 -> deny
        (ret, 0, 0, _RET_ALLOW),  # 10
        (ret, 0, 0, deny),  # 11
    ]


def _install_seccomp() -> None:
    """Install the network filter on every thread of this process (SECCOMP_FILTER_FLAG_TSYNC)."""
    machine = os.uname().machine
    if machine not in _ARCHES:
        raise OSError(errno.ENOSYS, f"no seccomp filter for {machine}")
    arch, socket_nr, seccomp_nr = _ARCHES[machine]
    program = _network_filter(arch, socket_nr)
    filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    prog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    pr_set_no_new_privs = 38
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    set_mode_filter, flag_tsync = 1, 1
    if (
        libc.syscall(
            ctypes.c_long(seccomp_nr), ctypes.c_uint(set_mode_filter), ctypes.c_uint(flag_tsync), ctypes.byref(prog)
        )
        != 0
    ):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


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
        try:
            _install_seccomp()
            _entered = True
            return "seccomp filter"
        except (OSError, AttributeError):
            pass
        if allowed_without():
            return f"none ({ENV_ALLOW})"
        raise SandboxUnavailable(
            None,
            f"cannot cut {what} off the network (unshare: {getattr(exc, 'strerror', None) or exc}); "
            "this system allows neither user/network namespaces nor a seccomp filter. "
            f"Set {ENV_ALLOW}=1 to run anyway, with only the SERVICE check of axiskg.sparql.safety in the way",
        ) from None
    _entered = True
    return how
