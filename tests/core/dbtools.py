"""Helpers for the storage tests: a logical dump of every table (to prove nothing was written)
and file fingerprints (to prove a refused file was never touched)."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

from mediator.core.db import LATEST_VERSION, migrate


def logical_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables included), in a stable order."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        out: dict[str, list[tuple]] = {}
        for name in names:
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.OperationalError:  # a virtual table's own name; its shadows are dumped
                continue
            out[name] = sorted(rows, key=repr)
        out["pragma.user_version"] = [(con.execute("PRAGMA user_version").fetchone()[0],)]
        return out
    finally:
        con.close()


def fingerprint(path: Path) -> dict[str, str | None]:
    """sha256 of a file and of its -wal/-shm/-journal companions (None when absent)."""
    out: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = path.with_name(path.name + suffix)
        out[suffix or "main"] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
    return out


V1_ROWS = """
INSERT INTO setting (key, value) VALUES ('office_code', '330106001');
INSERT INTO office (id, owner_code, revision, created_at, updated_at, deleted, origin, code, name,
    short_name, parent_code)
VALUES ('0ff1ce0000000000000000000000000a', '330106001', 1, '2026-01-05 01:00:00.000000',
    '2026-01-05 01:00:00.000000', 0, NULL, '330106001', '青石镇人民调解委员会', '青石', NULL);
INSERT INTO dispute_case (id, owner_code, revision, created_at, updated_at, deleted, origin, year,
    seq, case_no, state, outcome, dispute_type, type_note, source, registered_on, accepted_on,
    notice_on, deadline_on, extension_count, concluded_on, archived_on, next_due_on,
    next_due_kind, village_code, mediator_id, facts, requests, persons_involved, amount_fen,
    group_dispute, risk_grade, is_hard, lead_official, responsible_person, resolve_by,
    stabilising_measures, prevented_criminal, prevented_petition, petition_channel,
    petition_received_on, petition_extended, refusal_reason, routes_told, transfer_to,
    linked_case_id, linked_case_no, withdraw_reason, import_key, import_flags, parties_text)
VALUES ('c0000000000000000000000000000001', '330106001', 3, '2026-11-02 02:00:00.000000',
    '2026-11-03 02:00:00.000000', 0, NULL, 2026, 1, '(2026)青石人调字第001号', 'ACCEPTED', NULL,
    'NEIGHBOUR', NULL, 'APPLICATION', '2026-11-02', '2026-11-03', NULL, '2026-12-03', 0, NULL,
    NULL, '2026-12-03', 'MEDIATION', NULL, NULL, '两家因宅基地滴水问题发生争执', '', 2, 0, 0,
    'GENERAL', 0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, '欧阳明 / 李四');
INSERT INTO party (id, owner_code, revision, created_at, updated_at, deleted, origin, case_id,
    position, role, kind, name, id_number, gender, birth_date, ethnicity, phone, address,
    org_code, representative)
VALUES ('b0000000000000000000000000000001', '330106001', 1, '2026-11-02 02:00:00.000000',
    '2026-11-02 02:00:00.000000', 0, NULL, 'c0000000000000000000000000000001', 0, 'APPLICANT',
    'PERSON', '欧阳明', '11010519491231002X', 'FEMALE', '1949-12-31', NULL, '13812345678', NULL,
    NULL, NULL),
    ('b0000000000000000000000000000002', '330106001', 1, '2026-11-02 02:00:00.000000',
    '2026-11-02 02:00:00.000000', 0, NULL, 'c0000000000000000000000000000001', 1, 'RESPONDENT',
    'PERSON', '李四', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO case_event (id, owner_code, revision, created_at, updated_at, deleted, origin,
    case_id, kind, occurred_on, summary, body, place, participants, state_from, state_to,
    operator)
VALUES ('e0000000000000000000000000000001', '330106001', 1, '2026-11-02 02:00:00.000000',
    '2026-11-02 02:00:00.000000', 0, NULL, 'c0000000000000000000000000000001', 'STATE',
    '2026-11-02', '登记', '', NULL, NULL, NULL, 'REGISTERED', '王调解');
"""


def make_v1_database(path: Path) -> None:
    """A file exactly as mediator's first schema version left it, with a case in it."""
    assert migrate(path, target=1) == 1
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.executescript("BEGIN;" + V1_ROWS + "COMMIT;")
    finally:
        con.close()
    probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert probe.execute("PRAGMA user_version").fetchone()[0] == 1
    finally:
        probe.close()


def make_bad(kind: str, folder: Path, good: Path) -> Path:
    path = folder / f"坏 文件-{kind}.db"
    if kind == "text":
        path.write_text("案号,当事人\n(2026)青石人调字第001号,张三\n", encoding="utf-8")
    elif kind == "random":
        path.write_bytes(random.Random(7).randbytes(40000))
    elif kind == "sqlite_magic_only":
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    elif kind == "foreign":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        con.execute("INSERT INTO contacts VALUES ('张三', '13812345678')")
        con.commit()
        con.close()
    elif kind == "foreign_wal":
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif kind == "newer":
        shutil.copy(good, path)
        con = sqlite3.connect(path)
        con.execute(f"PRAGMA user_version={LATEST_VERSION + 1}")
        con.commit()
        con.close()
    elif kind in ("zeroed", "truncated", "garbage_page1"):
        data = bytearray(good.read_bytes())
        page = 4096
        pages = len(data) // page
        if kind == "zeroed":
            for n in range(pages // 2, pages // 2 + 4):
                data[n * page:(n + 1) * page] = bytes(page)
        elif kind == "truncated":
            data = data[: (pages // 2) * page]
        else:
            data[100:page] = random.Random(3).randbytes(page - 100)
        path.write_bytes(bytes(data))
    elif kind == "directory":
        path.mkdir()
        (path / "x.txt").write_text("x")
    else:  # pragma: no cover
        raise AssertionError(kind)
    return path
