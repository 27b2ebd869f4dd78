"""The app's own 台账 export imports back into an empty office with the same cases, parties
and figures (issue 16): one office sends its ledger to another (or to itself after a loss)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from mediator.cli import main
from mediator.core.db import open_database
from tests.ledger import ledgers as L

INIT = ["init", "--office-name", "青石镇人民调解委员会", "--office-code", "330106001"]


def snapshot(db: Path) -> list[tuple]:
    """What the export carries, case by case: date, type, source, parties (role, name, ID,
    phone), persons, amount, mediator, state, outcome, concluded date, agreement form."""
    with open_database(db) as d, d.read() as s:
        cases = s.exec(text(  # type: ignore[call-overload]
            "SELECT c.id, c.registered_on, c.dispute_type, c.source, c.persons_involved, "
            "c.amount_fen, m.name, c.state, c.outcome, c.concluded_on, "
            "(SELECT form FROM agreement a WHERE a.case_id = c.id AND a.deleted = 0) "
            "FROM dispute_case c LEFT JOIN mediator m ON m.id = c.mediator_id "
            "WHERE c.deleted = 0 ORDER BY c.registered_on, c.seq")).all()
        out = []
        for c in cases:
            parties = s.exec(text(  # type: ignore[call-overload]
                "SELECT role, name, coalesce(id_number, org_code), phone FROM party "
                "WHERE case_id = :c AND deleted = 0 ORDER BY position"), params={"c": c[0]}).all()
            out.append((*c[1:], tuple(tuple(p) for p in parties)))
        return out


def test_own_ledger_export_imports_back(tmp_path: Path) -> None:
    first = tmp_path / "一" / "m.db"
    assert main(["--db", str(first), *INIT]) == 0
    assert main(["--db", str(first), "import", "ledger", str(L.ledger_a(tmp_path / "a.xlsx"))]) == 0
    out = tmp_path / "导出"
    out.mkdir()
    assert main(["--db", str(first), "report", "ledger", "--from", "2020-01-01", "--to",
                 "2026-11-23", "-f", "xlsx", "--unmasked", "-o", str(out)]) == 0
    exported = next(out.glob("*.xlsx"))

    second = tmp_path / "二" / "m.db"
    assert main(["--db", str(second), *INIT]) == 0
    assert main(["--db", str(second), "import", "ledger", str(exported)]) == 0
    assert snapshot(second) == snapshot(first)
