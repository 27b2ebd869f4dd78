"""Offices for the sync tests: each with its own folders, database, keys and Services on the
fixed clock; a 'network' of two townships under one county under one city, with the trust a
real deployment would set up (townships trust the county, the county its townships and the
city, the city the county)."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediator.core.db import open_database
from mediator.core.enums import DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.paths import Paths
from mediator.core.services import Services
from mediator.sync.keys import ensure_keys
from mediator.sync.payload import TABLES, columns
from mediator.sync.service import SyncService

TODAY = date(2026, 11, 23)
IDS = ["11010519491231002X", "330106198001011235", "330106197512124560", "330106200103037890"]


@dataclass
class Office:
    name: str
    code: str
    paths: Paths
    svc: Services
    sync: SyncService

    @property
    def db(self):  # type: ignore[no-untyped-def]
        return self.svc.db

    def register(self, n: int = 1, facts: str = "两家因宅基地滴水问题发生争执") -> list[str]:
        ids = []
        for i in range(n):
            case = self.svc.register_case(CaseInput(
                parties=[PartyInput("张三", id_number=IDS[i % len(IDS)], phone="13812345678"),
                         PartyInput("李四", role=PartyRole.RESPONDENT, phone="0571-88886666")],
                dispute_type=DisputeType.NEIGHBOUR, facts=f"{facts}{i}",
                registered_on=TODAY - timedelta(days=5)))
            ids.append(case.case_id)
        return ids

    def export(self, stick: Path | None = None, **kw):  # type: ignore[no-untyped-def]
        return self.sync.export(output=stick, **kw)

    def pub(self) -> Path:
        path = self.paths.data / f"{self.code}.pub"
        path.write_bytes(self.sync.public_key_bytes())
        return path

    def trust(self, other: Office) -> None:
        self.sync.trust(other.pub())

    def reopen(self) -> None:
        self.svc.db.close()
        db = open_database(self.paths.db)
        self.svc = Services(db, operator=self.svc.operator, today=lambda: TODAY)
        self.sync = SyncService(self.svc, self.paths)


def _paths(root: Path, short: str, code: str) -> Paths:
    base = root / f"{code} {short}"
    return Paths(data=base / "数据", config=base / "config", backups=base / "backups",
                 db=base / "数据" / "mediator.db").ensure()


def open_office(root: Path, name: str, short: str, code: str) -> Office:
    paths = _paths(root, short, code)
    svc = Services(open_database(paths.db), operator=f"{short}操作员", today=lambda: TODAY)
    return Office(name, code, paths, svc, SyncService(svc, paths))


def make_office(root: Path, name: str, short: str, code: str) -> Office:
    paths = _paths(root, short, code)
    db = open_database(paths.db)
    svc = Services(db, operator=f"{short}操作员", today=lambda: TODAY)
    office = svc.init_office(name, short, code)
    ensure_keys(paths, office)
    return Office(name, code, paths, svc, SyncService(svc, paths))


@dataclass
class Network:
    t1: Office
    t2: Office
    county: Office
    city: Office
    stick: Path

    def close(self) -> None:
        for o in (self.t1, self.t2, self.county, self.city):
            o.db.close()


@pytest.fixture
def office_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    made: list[Office] = []

    def make(name: str, short: str, code: str) -> Office:
        o = make_office(tmp_path, name, short, code)
        made.append(o)
        return o

    yield make
    for o in made:
        o.db.close()


OFFICES = (("青石镇人民调解委员会", "青石", "330106001"), ("清溪乡人民调解委员会", "清溪", "330106002"),
           ("西湖区人民调解委员会", "西湖", "330106"), ("杭州市人民调解委员会", "杭州", "3301"))


@pytest.fixture(scope="session")
def net_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four offices with keys and trust set up once; each test gets a copy."""
    root = tmp_path_factory.mktemp("network")
    t1, t2, county, city = (make_office(root, *o) for o in OFFICES)
    t1.trust(county)
    t2.trust(county)
    county.trust(t1)
    county.trust(t2)
    county.trust(city)
    city.trust(county)
    for o in (t1, t2, county, city):
        o.db.close()
    return root


def clone(template: Path, tmp_path: Path) -> Network:
    """A working copy of a template network (file copies are far cheaper than setting up)."""
    root = tmp_path / "net"
    shutil.copytree(template, root)
    offices = [open_office(root, *o) for o in OFFICES]
    stick = tmp_path / "U盘 E"
    stick.mkdir()
    from mediator.core.search import initials

    initials("张三")   # pypinyin's first call loads its tables: not the test's cost
    return Network(*offices, stick)


@pytest.fixture
def net(net_template: Path, tmp_path: Path) -> Network:  # type: ignore[no-untyped-def]
    network = clone(net_template, tmp_path)
    yield network
    network.close()


# --- comparing databases -----------------------------------------------------------------------


def synced_rows(db_path: Path, owner_prefix: str = "", origin: bool = False) -> dict[str, list[tuple]]:
    """Every synced row (payload columns, optionally origin) owned under ``owner_prefix``."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        out = {}
        for table in TABLES:
            cols = ", ".join(columns()[table]) + (", origin" if origin else "")
            out[table] = sorted(con.execute(
                f"SELECT {cols} FROM {table} WHERE substr(owner_code, 1, ?) = ?",
                (len(owner_prefix), owner_prefix)).fetchall(), key=repr)
        return out
    finally:
        con.close()


def logical_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables included) and the schema version."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out: dict[str, list[tuple]] = {}
        for name in names:
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.OperationalError:
                continue
            out[name] = sorted(rows, key=repr)
        out["schema"] = con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        out["user_version"] = [con.execute("PRAGMA user_version").fetchone()]
        return out
    finally:
        con.close()


@pytest.fixture
def dump():  # type: ignore[no-untyped-def]
    return logical_dump
