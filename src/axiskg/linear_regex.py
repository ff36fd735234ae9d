r"""Regular expressions from shapes and queries, matched in time linear in the text.

``sh:pattern`` and SPARQL's ``REGEX``/``REPLACE`` take their expression from a shapes file or
a query, both untrusted. Python's ``re`` backtracks: ``^(a+)+$`` against 34 ``a`` and a ``!``
does not finish in hours, and no signal interrupts it. RE2 (``google-re2``, Google's
automaton-based engine, with wheels for Linux, macOS and Windows) guarantees time linear in
the text and bounded memory. Its syntax is Perl's, as ``re``'s, less backreferences and
look-around, which a shape then cannot use (exit 2, naming the expression) rather than risk a
hang; ``\d``, ``\w`` and ``\s`` match ASCII characters only.

Three engines match such expressions in axiskg: our SHACL engine (:func:`compile`),
pyshacl's ``sh:pattern`` and rdflib's SPARQL functions (both switched to RE2 by
:func:`install`, before pyshacl runs). pyoxigraph's ``REGEX`` already uses Rust's ``regex``
crate, which is linear too.
"""

from __future__ import annotations

import re
from typing import Any

import re2

from axiskg.errors import InputError

#: the memory RE2 may use for one compiled expression (its own default is 8 MiB)
MAX_MEMORY = 64 << 20
_INLINE = ((re.IGNORECASE, "i"), (re.DOTALL, "s"), (re.MULTILINE, "m"))


class RegexRefused(InputError):
    """An expression RE2 cannot match in linear time (backreference, look-around) or cannot parse."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # (the error is raised to the caller, not written to stderr)
    options.max_mem = MAX_MEMORY
    return options


def compile(pattern: str, flags: int = 0) -> Any:  # noqa: A001 (as re.compile)
    """``pattern`` with ``re``'s flags (IGNORECASE, DOTALL, MULTILINE; others are ignored) as an
    RE2 expression, whose ``search``/``match``/``sub`` take linear time; :class:`RegexRefused`
    if RE2 cannot take it."""
    inline = "".join(letter for bit, letter in _INLINE if flags & bit)
    text = f"(?{inline}){pattern}" if inline else str(pattern)
    try:
        return re2.compile(text, _options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        shown = pattern if len(pattern) <= 80 else pattern[:80] + "…"
        raise RegexRefused(
            None,
            f"regular expression {shown!r}: {reason} (axiskg matches regular expressions with RE2, "
            "in linear time; it has no backreferences or look-around)",
        ) from None


class _LinearRe:
    """What pyshacl and rdflib call on their module ``re``, answered by RE2 (with plain strings:
    RE2 builds its results with the type of the text, and an rdflib Literal is a ``str`` that
    cannot be built so)."""

    IGNORECASE = I = re.IGNORECASE  # noqa: E741 (pyshacl writes re.I)
    DOTALL = S = re.DOTALL
    MULTILINE = M = re.MULTILINE
    error = re.error

    @staticmethod
    def compile(pattern: str, flags: int = 0) -> Any:
        return compile(pattern, flags)

    @staticmethod
    def search(pattern: str, string: str, flags: int = 0) -> Any:
        return compile(str(pattern), flags).search(str(string))

    @staticmethod
    def match(pattern: str, string: str, flags: int = 0) -> Any:
        return compile(str(pattern), flags).match(str(string))

    @staticmethod
    def sub(pattern: str, repl: str, string: str, count: int = 0, flags: int = 0) -> str:
        return compile(str(pattern), flags).sub(str(repl), str(string), count)


def install() -> None:
    """Make pyshacl's ``sh:pattern`` and rdflib's SPARQL ``REGEX``/``REPLACE`` use RE2 (for this
    process). Idempotent."""
    from pyshacl.constraints.core import string_based_constraints
    from rdflib.plugins.sparql import operators

    for module in (string_based_constraints, operators):
        module.re = _LinearRe
