"""``core/bulk_tables.py`` is generated from the models and must match them.

The ledger import's writer takes the columns it converts and the case defaults from that
module so that the command never imports SQLModel, SQLAlchemy or pydantic (issue 16: those
imports were a fifth of the command's CPU). The models stay the one source of truth: this test
fails when they and the description disagree, and prints the text to paste. Regenerate with
``python -m tests.core.test_bulk_tables > mediator/core/bulk_tables.py``."""

from __future__ import annotations

from pprint import pformat

from mediator.core import bulk_tables

HEADER = '''"""Generated from ``mediator.core.models`` by ``python -m tests.core.test_bulk_tables``: do not
edit. What the bulk writer (``core.bulk``) needs of the models without importing them
(tests/core/test_bulk_tables.py checks it against them)."""

'''


def describe() -> str:
    from pydantic_core import PydanticUndefined
    from sqlalchemy import Boolean, Date

    from mediator.core.bulk import _Rows
    from mediator.core.models import SYNCED_TABLES, Case, SyncedRow

    models = {m.__tablename__: m for m in SYNCED_TABLES}  # type: ignore[attr-defined]
    columns, converted = {}, {}
    for name in _Rows.TABLES:
        cols = models[name].__table__.columns
        columns[name] = tuple(c.name for c in cols)
        converted[name] = tuple(c.name for c in cols if isinstance(c.type, (Boolean, Date)))
    synced = set(SyncedRow.model_fields)
    defaults = {name: (None if f.default is PydanticUndefined else f.default)
                for name, f in Case.model_fields.items()
                if name not in synced and f.default_factory is None}
    return (HEADER
            + "#: every column of each table the writer fills, in the models' order\n"
            + f"COLUMNS: dict[str, tuple[str, ...]] = {pformat(columns, width=96, sort_dicts=False)}\n\n"
            + "#: the date and boolean columns (stored as ISO text and 0/1)\n"
            + f"CONVERTED: dict[str, tuple[str, ...]] = {pformat(converted, width=96, sort_dicts=False)}\n\n"
            + "#: a new case's columns with their model defaults (those without a factory)\n"
            + f"CASE_DEFAULTS: dict[str, object] = {pformat(defaults, width=96, sort_dicts=False)}\n")


def test_description_matches_the_models() -> None:
    from pathlib import Path

    assert Path(bulk_tables.__file__).read_text(encoding="utf-8") == describe()


if __name__ == "__main__":
    print(describe(), end="")


def test_the_rows_built_as_tuples_name_columns_of_their_tables() -> None:
    """The writer's tuple rows (``_Rows._TUPLE_COLUMNS``) name their table's columns in the
    models' order; those they leave out are nullable or have a default in the table."""
    from mediator.core.bulk import _Rows
    from mediator.core.models import SYNCED_TABLES

    models = {m.__tablename__: m for m in SYNCED_TABLES}  # type: ignore[attr-defined]
    for name, cols in _Rows._TUPLE_COLUMNS.items():
        table = models[name].__table__
        assert name in _Rows.TABLES
        assert list(cols) == [c for c in bulk_tables.COLUMNS[name] if c in cols]
        left = [c for c in table.columns if c.name not in cols]
        assert [c.name for c in left if not (c.nullable or c.server_default is not None)] == []


def test_a_row_from_the_template_is_the_row_add_row_makes() -> None:
    """``_Rows.add_with`` copies the common columns and the defaults made once per table:
    the same columns, in the same order, with the same values as ``add_row`` merging them."""
    from mediator.core.bulk import _Rows

    rows = _Rows("330106001", "王调解", "0" * 64)
    fields = {"facts": "邻里漏水", "seq": 7, "village_code": None}
    made = rows.add_with("dispute_case", bulk_tables.CASE_DEFAULTS, fields)
    again = rows.add_with("dispute_case", bulk_tables.CASE_DEFAULTS, {"facts": "噪音", "seq": 8})
    merged = rows.add_row("dispute_case", bulk_tables.CASE_DEFAULTS, fields)
    assert list(made) == list(merged) == list(again)
    assert {k: v for k, v in made.items() if k != "id"} == \
        {k: v for k, v in merged.items() if k != "id"}
    assert len({made["id"], again["id"], merged["id"]}) == 3
    assert (again["facts"], again["seq"], again["village_code"]) == ("噪音", 8, None)
    assert rows.rows["dispute_case"] == [made, again, merged]
