"""Shared fixtures: a file database in tmp_path (in-memory SQLite is invisible from worker
threads), an office, and a Services object on a fixed clock."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from mediator.i18n import set_language

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user data folder; Chinese by default."""
    home = tmp_path_factory.mktemp("home 用户")
    monkeypatch.setenv("MEDIATOR_HOME", str(home))
    monkeypatch.delenv("MEDIATOR_DB", raising=False)
    monkeypatch.delenv("MEDIATOR_LANG", raising=False)
    monkeypatch.delenv("MEDIATOR_OPERATOR", raising=False)
    set_language("zh_CN")
    return home


@pytest.fixture(autouse=True)
def _buttons_take_every_click(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's Button ignores clicks for 0.2 s after a press (its press effect): whether a
    test's second click counted depended on how fast the machine ran the lines between the
    clicks. Without the effect every click is a press, on a fast machine and a busy one."""
    from textual.widgets import Button

    monkeypatch.setattr(Button, "_start_active_affect", lambda self: None)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "数据 库" / "mediator.db"


@pytest.fixture
def db(db_path: Path):  # type: ignore[no-untyped-def]
    from mediator.core.db import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def svc(db):  # type: ignore[no-untyped-def]
    from mediator.core.services import Services

    s = Services(db, operator="王调解", today=lambda: TODAY)
    s.init_office("青石镇人民调解委员会", "青石", "330106001")
    return s


@pytest.fixture
def make_case(svc):  # type: ignore[no-untyped-def]
    """Register a two-party neighbour dispute; keyword arguments override CaseInput fields."""
    from mediator.core.enums import DisputeType, PartyRole
    from mediator.core.inputs import CaseInput, PartyInput

    def make(days_ago: int = 10, **kw):  # type: ignore[no-untyped-def]
        parties = kw.pop("parties", None) or [
            PartyInput("张三", id_number="11010519491231002X", phone="13812345678"),
            PartyInput("李四", role=PartyRole.RESPONDENT, phone="13900001111"),
        ]
        data = CaseInput(parties=parties, dispute_type=kw.pop("dispute_type", DisputeType.NEIGHBOUR),
                         facts=kw.pop("facts", "两家因宅基地滴水问题发生争执"),
                         registered_on=TODAY - timedelta(days=days_ago), **kw)
        return svc.find_case(svc.register_case(data).case_id)  # the row, for its fields

    return make


@pytest.fixture
def windows_rules(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Windows' file rules on this machine (see tests/windows_rules.py); a file held open is
    retried briefly, as on Windows, but without the real pauses."""
    from windows_rules import install

    from mediator.core import files

    monkeypatch.setattr(files, "RETRY_DELAYS", (0.0, 0.0))
    return install(monkeypatch)
