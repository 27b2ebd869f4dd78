"""JSON from files that may be hostile (a package header on a USB stick, a ``.pub`` file).

``json.loads`` recurses once per nesting level: a 64 KiB header of ``[[[[…`` raises
RecursionError, which no ``except ValueError`` catches. This loader measures the nesting
before parsing and refuses what no mediator file contains: deeper nesting than ``max_depth``,
floats, NaN/Infinity, integers of more than 19 digits, duplicate keys (the reader and the
signer must not see different values). Every refusal is a ``ValueError``.
"""

from __future__ import annotations

import json
from typing import Any

MAX_INT_DIGITS = 19


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (no recursion, one pass)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_float(value: str) -> Any:
    raise ValueError(f"number not allowed: {value[:20]}")


def _int(value: str) -> int:
    if len(value.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError("integer too long")
    return int(value)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key[:40]!r}")
        out[key] = value
    return out


def loads_bounded(raw: bytes, *, max_bytes: int, max_depth: int = 8,
                  encoding: str = "utf-8") -> Any:
    """Parse ``raw`` as JSON within the bounds; ``ValueError`` (UnicodeDecodeError included)
    for anything else."""
    if len(raw) > max_bytes:
        raise ValueError("too large")
    text = raw.decode(encoding)
    if nesting_depth(text) > max_depth:
        raise ValueError("nested too deeply")
    try:
        return json.loads(text, parse_float=_no_float, parse_int=_int,
                          parse_constant=_no_float, object_pairs_hook=_pairs)
    except RecursionError as exc:  # pragma: no cover - the depth check comes first
        raise ValueError("nested too deeply") from exc


__all__ = ["loads_bounded", "nesting_depth"]
