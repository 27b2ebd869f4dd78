"""Hash-chained audit trail.

Each entry's hash covers the previous entry's hash and the entry's own text exactly as stored,
so editing, inserting or deleting a row behind the application's back breaks the chain at
that point and ``verify`` names the first broken link. Entries are written in the same
transaction as the change they describe (BEGIN IMMEDIATE keeps the chain linear across
processes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    raise TypeError(type(value).__name__)


def to_json(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=_default)


def entry_hash(prev_hash: str, at: str, operator: str, action: str, entity: str,
               entity_id: str | None, before: str | None, after: str | None) -> str:
    payload = json.dumps([prev_hash, at, operator, action, entity, entity_id, before, after],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _now_text() -> str:
    # The storage format SQLAlchemy uses for DATETIME on SQLite; hashed exactly as stored.
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def append(session: Session, operator: str, action: str, entity: str,
           entity_id: str | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> str:
    """Append one entry inside the caller's transaction; returns its hash."""
    prev = session.exec(  # type: ignore[call-overload]
        text("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    ).scalar()
    prev_hash = prev or GENESIS
    at = _now_text()
    b, a = to_json(before), to_json(after)
    h = entry_hash(prev_hash, at, operator, action, entity, entity_id, b, a)
    session.exec(  # type: ignore[call-overload]
        text("INSERT INTO audit_log (at, operator, action, entity, entity_id, \"before\", \"after\","
             " prev_hash, hash) VALUES (:at, :op, :action, :entity, :eid, :b, :a, :prev, :h)"),
        params={"at": at, "op": operator, "action": action, "entity": entity, "eid": entity_id,
                "b": b, "a": a, "prev": prev_hash, "h": h},
    )
    return h


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: Iterable[tuple[Any, ...]]) -> VerifyResult:
    """Check (seq, at, operator, action, entity, entity_id, before, after, prev_hash, hash) rows
    in order; stop at the first broken link."""
    prev_hash = GENESIS
    count = 0
    last_seq = 0
    for seq, at, op, action, entity, eid, b, a, stored_prev, stored_hash in rows:
        count += 1
        if seq != last_seq + 1:
            return VerifyResult(count, seq, "gap")
        if stored_prev != prev_hash:
            return VerifyResult(count, seq, "prev")
        if entry_hash(prev_hash, str(at), op, action, entity, eid, b, a) != stored_hash:
            return VerifyResult(count, seq, "hash")
        prev_hash = stored_hash
        last_seq = seq
    return VerifyResult(count)


def verify(session: Session) -> VerifyResult:
    rows = session.exec(  # type: ignore[call-overload]
        text("SELECT seq, at, operator, action, entity, entity_id, \"before\", \"after\","
             " prev_hash, hash FROM audit_log ORDER BY seq")
    )
    return verify_rows(tuple(r) for r in rows)
