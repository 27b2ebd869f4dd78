"""The audit trail that covers the data, across sync: package rows at the county are covered
by the import's entry and the package hash, the county's own rows row by row (issue 17,
item 5)."""

from __future__ import annotations

import sqlite3

from mediator.core import audit
from mediator.sync.importer import IMPORTED


def _verify(office) -> audit.VerifyResult:  # type: ignore[no-untyped-def]
    with office.db.read() as s:
        return audit.verify(s)


def test_imports_keep_both_ends_intact_and_own_rows_stay_covered(net) -> None:
    ids = net.t1.register(3)
    net.t1.svc.edit_case(ids[0], facts="改")
    (rep,) = net.county.sync.import_files([net.t1.export(net.stick).path])
    assert rep.status == IMPORTED
    assert _verify(net.t1).ok and _verify(net.county).ok
    # the county's copy of a township's row is not covered row by row (the package is)
    with sqlite3.connect(net.county.db.path) as con:
        assert con.execute("SELECT count(*) FROM audit_row").fetchone()[0] == 0
    # the township's own rows are: a name changed with sqlite3 is found
    con = sqlite3.connect(net.t1.db.path)
    con.execute("UPDATE party SET name = '王二麻' WHERE case_id = ?", (ids[1],))
    con.commit()
    con.close()
    changed = _verify(net.t1).changed
    assert {table for table, _ in changed} == {"party"} and len(changed) == 2
