"""Atomic file writes: the data goes to a synced temp file next to its target, which is then
moved into place, so a reader never sees a half-written file and a failure leaves the old one.

A temp file's name carries the id of the process writing it (``.axiskg.nt.<pid>.<random>.tmp``):
one left behind by a process that was killed (SIGKILL, a power cut) is removed by the next
write next to the same target, once no process with that id is running."""

from __future__ import annotations

import glob
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from axiskg.slices import SLICE, write_in_slices

log = logging.getLogger(__name__)


def atomic_write(path: Path | str, data: bytes | list[bytes]) -> None:
    """Write ``data`` (bytes, or a list of bytes written one after the other) to a temp file
    next to ``path``, then move it into place."""
    path = Path(path)
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    log.info("wrote %s", path)


def write_temp(path: Path | str, data: bytes | list[bytes] | BinaryIO) -> str:
    """``data`` (as for :func:`atomic_write`, or an open file to copy from its position to its
    end, then close) written and synced to a new temp file next to ``path`` (mode 644); its name.
    Written in slices (:mod:`axiskg.slices`; the GIL is free while each is written)."""
    tmp = new_temp(path)
    try:
        with open(tmp, "wb") as fh:
            if isinstance(data, list):
                for i in range(0, len(data), 8192):  # (many lines joined a group at a time)
                    group = data[i : i + 8192]
                    write_in_slices(fh, group[0] if len(group) == 1 else b"".join(group))
            elif not isinstance(data, bytes):
                with data:
                    shutil.copyfileobj(data, fh, SLICE)
            else:
                write_in_slices(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        remove_quietly(tmp)
        raise
    return tmp


def new_temp(path: Path | str) -> str:
    """A new, empty temp file next to ``path`` (its folder made if missing; the abandoned temp
    files of ``path`` removed first): its name, for a writer that writes it in place before
    :func:`sync_temp` readies it to be moved."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return tmp


def sync_temp(tmp: Path | str) -> str:
    """Sync the temp file ``tmp`` (:func:`new_temp`), written in place, and give it mode 644,
    ready to be moved into place; its name."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o644)
    return str(tmp)


def remove_abandoned(path: Path) -> None:
    """Remove the temp files of ``path`` whose writer is no longer running."""
    prefix = f".{path.name}."
    for entry in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = entry.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            log.info("removing %s, left by process %s", entry, pid)
            remove_quietly(entry)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_quietly(path: Path | str) -> None:
    """Remove ``path`` if it is there (a temp file being cleaned up)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
