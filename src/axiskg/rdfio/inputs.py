"""Reading an input file safely: a regular file only, and at most a configurable size.

Every command's input files come through :func:`read_input` (RDF through
:func:`axiskg.rdfio.inputs.read_rdf_bytes`, query files through :func:`axiskg.sparql.catalog.read_query_text`),
so a FIFO, a device (``/dev/zero``, also behind a symlink) or a socket is refused at once with
exit code 2, instead of hanging or filling the memory; so is a file of /proc or /sys
(``/proc/self/environ`` is a "regular file" holding the environment's secrets).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from axiskg.errors import InputError, parser_message
from axiskg.limits import env_limit

#: the largest input file read, in bytes; set ``AXISKG_MAX_INPUT_MB`` to change it
DEFAULT_MAX_INPUT_MB = 1024


def max_input_bytes() -> int:
    return env_limit("AXISKG_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB, whole=False, unit=1 << 20)


def read_input(path: Path) -> bytes:
    """The bytes of the input file ``path``: only a regular file (a FIFO, device or socket, also
    behind a symlink, would hang or never end), at most :func:`max_input_bytes` long."""
    limit = max_input_bytes()
    with open_input(path) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(path, f"refused: over the {limit >> 20} MB limit (AXISKG_MAX_INPUT_MB)")
    return data


def open_input(path: Path) -> BinaryIO:
    """The input file ``path`` opened for reading (binary), with the checks of :func:`read_input`
    made on what was opened: for a reader that streams a large file instead of holding it whole."""
    import os
    import stat

    path = Path(path)
    try:
        info = path.stat()  # follows symlinks: a link to /dev/zero is a device
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "not a regular file"
        )
        raise InputError(path, f"refused: {kind}, not a regular file")
    _refuse_kernel_file(path, info)
    limit = max_input_bytes()
    if info.st_size > limit:
        raise InputError(path, f"refused: {info.st_size} bytes, over the {limit >> 20} MB limit (AXISKG_MAX_INPUT_MB)")
    try:
        fh = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fh.fileno())
    except OSError as exc:
        fh.close()
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):  # swapped since the stat above
        fh.close()
        raise InputError(path, "refused: not a regular file")
    try:
        _refuse_kernel_file(path, info)  # (the file opened, whatever the path points at now)
    except InputError:
        fh.close()
        raise
    if info.st_size > limit:
        fh.close()
        raise InputError(path, f"refused: {info.st_size} bytes, over the {limit >> 20} MB limit (AXISKG_MAX_INPUT_MB)")
    return fh


#: file systems whose "regular files" are the kernel's views of processes and devices
#: (``/proc/self/environ`` holds the environment, CI tokens included), never an input
KERNEL_FILE_SYSTEMS = ("/proc", "/sys", "/dev")


def _refuse_kernel_file(path: Path, info) -> None:
    """InputError when ``path`` (after symbolic links) is under /proc, /sys or /dev, or when the
    file ``info`` describes is on one of their file systems (where that folder is a mount point:
    otherwise it shares its device with ordinary files)."""
    import os

    target = path.resolve()
    for top in KERNEL_FILE_SYSTEMS:
        try:
            device = os.stat(top).st_dev if os.path.ismount(top) else None
        except OSError:
            device = None
        if str(target) == top or str(target).startswith(top + "/") or info.st_dev == device:
            raise InputError(path, f"refused: {target} is a file of the kernel ({top}), not an input")


#: the longest SPARQL query text (a query file, a shape's sh:select) the safety lexer is given, in
#: KiB; ``AXISKG_MAX_QUERY_KB`` to change it. The lexer holds about 180 bytes per character
#: (a 5 MB query: 900 MB; a 50 MB one: 8.9 GB, measured), so longer queries are refused first.
DEFAULT_MAX_QUERY_KB = 1024


def refuse_long_query(text: str, where, line: int | None = None) -> None:
    """InputError (exit 2) when the SPARQL ``text`` is over ``AXISKG_MAX_QUERY_KB``."""
    limit = env_limit("AXISKG_MAX_QUERY_KB", DEFAULT_MAX_QUERY_KB, whole=False, unit=1024)
    if len(text) > limit:
        raise InputError(
            where,
            f"refused: a query of {len(text):,} characters, over the {limit:,} allowed (AXISKG_MAX_QUERY_KB)",
            line,
        )


# "Parser error at line 3 column 11: ...", "... between line 3 column 11 and line 4 column 1: ..."
_LOCATION_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def read_rdf_bytes(path: Path) -> bytes:
    """The bytes of ``path`` (see :func:`read_input`), refusing empty files (UTF-8: see
    :func:`load_file`)."""
    data = read_input(path)
    if not data or data.isspace():  # (not data.strip(): that copies the whole file)
        raise InputError(path, "file is empty")
    return data


def check_utf8_text(path: Path, data: bytes) -> None:
    """Refuse ``data`` unless it is UTF-8, naming the line and column of the first bad byte."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, column) from None


def syntax_problem(exc: SyntaxError) -> str:
    message = exc.msg or str(exc)
    return parser_message(_LOCATION_PREFIX.sub("", message).strip()) or "syntax error"


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
