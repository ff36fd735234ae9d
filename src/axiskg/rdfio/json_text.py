"""JSON text of any depth: what ``json.dumps(value, sort_keys=True, ensure_ascii=False)`` writes
(with ``indent=2`` or compact), by an explicit stack instead of ``json``'s recursion, which stops
at about a thousand levels (a list nested in lists, in JSON-LD)."""

from __future__ import annotations

import json
from typing import Any

_END: Any = object()


def encode(value: Any, pretty: bool) -> str:
    """``value`` as ``json.dumps(value, sort_keys=True, ensure_ascii=False)`` writes it (with
    ``indent=2`` when ``pretty``), by an explicit stack: any depth."""
    out: list[str] = []
    stack: list[list] = []

    def start(item: Any, level: int) -> None:
        if isinstance(item, dict) and item:
            out.append("{")
            stack.append([iter(sorted(item.items())), True, level, True])
        elif isinstance(item, list) and item:
            out.append("[")
            stack.append([iter(item), False, level, True])
        else:
            out.append(json.dumps(item, ensure_ascii=False))

    start(value, 0)
    while stack:
        frame = stack[-1]
        item: Any = next(frame[0], _END)
        level = frame[2]
        if item is _END:
            stack.pop()
            if pretty:
                out.append("\n" + "  " * level)
            out.append("}" if frame[1] else "]")
            continue
        if not frame[3]:
            out.append("," if pretty else ", ")
        frame[3] = False
        if pretty:
            out.append("\n" + "  " * (level + 1))
        if frame[1]:
            out.append(json.dumps(item[0], ensure_ascii=False) + ": ")
            start(item[1], level + 1)
        else:
            start(item, level + 1)
    return "".join(out)
