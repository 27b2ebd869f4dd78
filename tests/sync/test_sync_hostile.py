"""Hostile files are refused with a clear message, the right exit code, and the county's
database exactly as before (logical dump of every table, FTS shadow tables included)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mediator.sync import errors as E
from mediator.sync import package as pk
from mediator.sync.importer import IMPORTED, REFUSED
from mediator.sync.payload import PAYLOAD_VERSION

from .conftest import clone, make_office
from .hostile import alter, payload_of, seal


@pytest.fixture(scope="module")
def seeded(net_template, tmp_path_factory):  # type: ignore[no-untyped-def]
    """t1 and t2 with cases; the county already holds t2's (so a merge has something to
    spoil); t1's good package ready. Built once, copied for each test."""
    work = tmp_path_factory.mktemp("seeded")
    net = clone(net_template, work)
    net.t1.register(3)
    net.t2.register(2)
    net.county.sync.import_files([net.t2.export(work / "t2.mdsync").path])
    net.t1.export(work / "net" / "good.mdsync")
    net.close()
    return work / "net"


@pytest.fixture
def setup(seeded, tmp_path):  # type: ignore[no-untyped-def]
    net = clone(seeded, tmp_path)
    yield net, tmp_path / "net" / "good.mdsync"
    net.close()


def refused(net, path: Path, dump, code: int | tuple[int, ...]) -> str:  # type: ignore[no-untyped-def]
    before = dump(net.county.db.path)
    (rep,) = net.county.sync.import_files([path])
    assert rep.status == REFUSED, rep.message
    codes = code if isinstance(code, tuple) else (code,)
    assert rep.exit_code in codes, (rep.exit_code, rep.message)
    assert rep.message and any("\u4e00" <= ch <= "\u9fff" for ch in rep.message)
    assert dump(net.county.db.path) == before
    quarantine = net.county.paths.data / "sync" / "quarantine"
    assert not any(quarantine.iterdir()) if quarantine.exists() else True
    return rep.message


def test_the_good_package_is_accepted(setup) -> None:
    net, good = setup
    (rep,) = net.county.sync.import_files([good])
    assert rep.status == IMPORTED


def test_one_byte_flipped_anywhere(setup, dump, tmp_path) -> None:
    net, good = setup
    data = good.read_bytes()
    n = len(data)
    info = pk.read_header(good)
    positions = sorted({*range(16), info.body_start - 1, info.body_start, info.body_start + 1,
                        *range(16, info.body_start, max(1, info.body_start // 12)),
                        *range(info.body_start, n - 64, max(1, (n - 64 - info.body_start) // 16)),
                        n - 64, n - 33, n - 1})
    for pos in positions:
        bad = bytearray(data)
        bad[pos] ^= 0x01 << (pos % 8)
        path = tmp_path / "flipped.mdsync"
        path.write_bytes(bad)
        refused(net, path, dump, (E.DAMAGED, E.INVALID, E.UNSUPPORTED))


def test_truncated_empty_and_random(setup, dump, tmp_path) -> None:
    net, good = setup
    data = good.read_bytes()
    for cut in (1, 7, 8, 13, 14, 40, len(data) // 2, len(data) - 65, len(data) - 64,
                len(data) - 1):
        path = tmp_path / "cut.mdsync"
        path.write_bytes(data[:cut])
        refused(net, path, dump, (E.DAMAGED, E.INVALID))
    empty = tmp_path / "empty.mdsync"
    empty.write_bytes(b"")
    assert "空文件" in refused(net, empty, dump, E.INVALID)
    noise = tmp_path / "noise.mdsync"
    noise.write_bytes(os.urandom(20000))
    assert "不是 mediator 同步包" in refused(net, noise, dump, E.INVALID)
    longer = tmp_path / "longer.mdsync"
    longer.write_bytes(data + b"\x00")
    refused(net, longer, dump, E.DAMAGED)


def test_plain_sqlite_file_renamed(setup, dump, tmp_path) -> None:
    net, _ = setup
    fake = tmp_path / "330106001_青石镇_2026-W48.mdsync"
    shutil.copy(net.t1.db.path, fake)
    assert "不是 mediator 同步包" in refused(net, fake, dump, E.INVALID)


def test_package_for_another_recipient(setup, dump, tmp_path) -> None:
    net, _ = setup
    net.t1.trust(net.city)
    pkg = net.t1.export(tmp_path / "to-city.mdsync", to="3301").path
    assert "3301" in refused(net, pkg, dump, E.INVALID)
    # also: addressed to the county but sealed to a key the county does not hold
    other = make_office(tmp_path / "x", "西湖区人民调解委员会", "西湖", "330106")
    t1_view_of_other = seal(net.t1, other, payload_of(net.t1, tmp_path / "p.sqlite"),
                            tmp_path / "other-key.mdsync")
    assert "另一把密钥" in refused(net, t1_view_of_other, dump, E.INVALID)
    other.db.close()


def test_packages_travel_upward_only(setup, dump, office_factory, tmp_path) -> None:
    """A trusted office above (the city) or beside (a township of another county) must not
    overwrite what the county holds from its own townships, even in a package addressed to
    the county and signed with a trusted key."""
    net, _ = setup
    (rep,) = net.city.sync.import_files([net.county.export(tmp_path / "up.mdsync", to="3301").path])
    assert rep.status == IMPORTED   # the city now holds t2's cases, as it should
    down = net.city.export(tmp_path / "down.mdsync", to="330106").path
    msg = refused(net, down, dump, E.INVALID)
    assert "3301" in msg and "下级" in msg
    beside = office_factory("留下镇人民调解委员会", "留下", "330107001")
    beside.trust(net.county)
    net.county.trust(beside)
    beside.register(1)
    msg = refused(net, beside.export(tmp_path / "beside.mdsync", to="330106").path, dump,
                  E.INVALID)
    assert "330107001" in msg


def test_unknown_sender_is_refused_with_its_fingerprint(setup, dump, office_factory, tmp_path) -> None:
    net, _ = setup
    stranger = office_factory("白沙镇人民调解委员会", "白沙", "330106003")
    stranger.trust(net.county)
    stranger.register(1)
    pkg = stranger.export(tmp_path / "s.mdsync").path
    from mediator.sync.keys import format_fingerprint

    fp = format_fingerprint(stranger.sync.keys().fingerprint)
    msg = refused(net, pkg, dump, E.INVALID)
    assert fp in msg and "330106003" in msg
    (rep,) = net.county.sync.import_files([pkg])
    assert rep.fingerprint == stranger.sync.keys().fingerprint
    # once the clerk has checked and trusted the key, the same file imports
    net.county.trust(stranger)
    (rep,) = net.county.sync.import_files([pkg])
    assert rep.status == IMPORTED
    # a revoked key is refused again
    net.county.sync.revoke(stranger.sync.keys().fingerprint)
    stranger.svc.edit_case(stranger.svc.find_case("(2026)白沙人调字第001号").id, facts="再改")
    refused(net, stranger.export(tmp_path / "s2.mdsync").path, dump, E.INVALID)


def test_newer_format_and_schema_versions(setup, dump, tmp_path, monkeypatch) -> None:
    net, _ = setup
    payload = payload_of(net.t1, tmp_path / "p.sqlite")
    supported = pk.FORMAT_VERSION
    monkeypatch.setattr(pk, "FORMAT_VERSION", supported + 1)
    newer = seal(net.t1, net.county, payload, tmp_path / "f3.mdsync",
                 header={"lineage": "0" * 32, "lineage_seq": 1, "ancestry": []})
    monkeypatch.setattr(pk, "FORMAT_VERSION", supported)
    assert "升级" in refused(net, newer, dump, E.UNSUPPORTED)
    newer_schema = PAYLOAD_VERSION + 1
    schema2 = seal(net.t1, net.county, payload, tmp_path / "s2.mdsync",
                   header={"schema_version": newer_schema})
    assert "升级" in refused(net, schema2, dump, E.UNSUPPORTED)
    alter(payload, f"PRAGMA user_version={newer_schema}")
    inner = seal(net.t1, net.county, payload, tmp_path / "u2.mdsync")
    refused(net, inner, dump, (E.UNSUPPORTED, E.INVALID))


@pytest.mark.parametrize("sql", [
    "CREATE TABLE extra (x)",
    "ANALYZE",
    "CREATE VIEW v AS SELECT * FROM dispute_case",
    "CREATE TRIGGER tr AFTER INSERT ON party BEGIN DELETE FROM dispute_case; END",
    "CREATE INDEX ix_extra ON party (name)",
    "CREATE VIRTUAL TABLE vt USING fts5(x)",
    "PRAGMA application_id=1",
    "PRAGMA journal_mode=WAL",
])
def test_payload_schema_must_be_exact(setup, dump, tmp_path, sql) -> None:
    net, _ = setup
    payload = alter(payload_of(net.t1, tmp_path / "p.sqlite"), sql)
    pkg = seal(net.t1, net.county, payload, tmp_path / "evil.mdsync")
    refused(net, pkg, dump, E.INVALID)


@pytest.mark.parametrize(("sql", "words"), [
    # rows of an office outside the sender's area, or of the county itself
    ("UPDATE dispute_case SET owner_code = '330106002' WHERE rowid = 1", "不在发送单位"),
    ("UPDATE office SET owner_code = '330106', code = '330106'", "不在发送单位"),
    ("UPDATE party SET owner_code = '330107001'", "不在发送单位"),
    # rows failing the same validation as typed input
    ("UPDATE dispute_case SET state = 'BOGUS' WHERE rowid = 1", "state"),
    ("UPDATE party SET id_number = '110105194912310021' WHERE id_number IS NOT NULL", "id_number"),
    ("UPDATE party SET phone = '12345' WHERE rowid = 1", "phone"),
    ("UPDATE dispute_case SET registered_on = '2026-02-30' WHERE rowid = 1", "registered_on"),
    ("UPDATE dispute_case SET revision = 'x' WHERE rowid = 1", "revision"),
    ("UPDATE dispute_case SET amount_fen = -5 WHERE rowid = 1", "amount_fen"),
    ("UPDATE dispute_case SET village_code = '99' WHERE rowid = 1", "village_code"),
    ("UPDATE dispute_case SET facts = x'00ff' WHERE rowid = 1", "facts"),
    ("UPDATE case_event SET created_at = 'yesterday' WHERE rowid = 1", "created_at"),
    ("UPDATE dispute_case SET routes_told = 'NOWHERE' WHERE rowid = 1", "routes_told"),
    ("UPDATE dispute_case SET facts = CAST(x'41e5bc' AS TEXT) WHERE rowid = 1", "UTF-8"),
    ("UPDATE party SET name = CAST(x'e5bc0a' AS TEXT) WHERE rowid = 1", "UTF-8"),
])
def test_bad_rows_refuse_the_whole_package(setup, dump, tmp_path, sql, words) -> None:
    net, _ = setup
    payload = alter(payload_of(net.t1, tmp_path / "p.sqlite"), sql)
    pkg = seal(net.t1, net.county, payload, tmp_path / "evil.mdsync")
    msg = refused(net, pkg, dump, E.INVALID)
    assert words in msg
    (rep,) = net.county.sync.import_files([pkg])
    assert rep.counts.rejected >= 1 and rep.details


def test_row_id_of_another_owner_is_refused(setup, dump, tmp_path) -> None:
    net, _ = setup
    with net.county.db.read() as s:
        from sqlalchemy import text

        t2_case = s.exec(text("SELECT id FROM dispute_case WHERE owner_code='330106002'")).first()[0]
    payload = alter(payload_of(net.t1, tmp_path / "p.sqlite"),
                    "PRAGMA foreign_keys=OFF",
                    f"UPDATE dispute_case SET id = '{t2_case}', revision = 99 WHERE rowid = 1",
                    f"UPDATE party SET case_id = '{t2_case}' WHERE rowid IN (1, 2)",
                    f"UPDATE case_event SET case_id = '{t2_case}' WHERE rowid = 1")
    pkg = seal(net.t1, net.county, payload, tmp_path / "clash.mdsync")
    refused(net, pkg, dump, E.INVALID)


def test_counts_must_match_the_signed_header(setup, dump, tmp_path) -> None:
    net, _ = setup
    payload = payload_of(net.t1, tmp_path / "p.sqlite")
    pkg = seal(net.t1, net.county, payload, tmp_path / "c.mdsync",
               counts={"dispute_case": 99})
    refused(net, pkg, dump, E.INVALID)


def test_dangling_rows_are_refused(setup, dump, tmp_path) -> None:
    net, _ = setup
    payload = alter(payload_of(net.t1, tmp_path / "p.sqlite"), "PRAGMA foreign_keys=OFF",
                    "UPDATE party SET case_id = 'ffffffffffffffffffffffffffffffff' WHERE rowid = 1")
    refused(net, seal(net.t1, net.county, payload, tmp_path / "d.mdsync"), dump, E.INVALID)


@pytest.mark.parametrize("bad", [b'"code":"030106001"', b'"code":"?30106001"', b'"code":"3301060x1"'])
def test_header_fields_the_validators_refuse(setup, dump, tmp_path, bad) -> None:
    """Found by the fuzz test: a division code in the (not yet verified) header that the
    validators refuse must read as a damaged file, not escape as an error."""
    net, good = setup
    data = good.read_bytes()
    assert data.count(b'"code":"330106001"') == 1
    path = tmp_path / "code.mdsync"
    path.write_bytes(data.replace(b'"code":"330106001"', bad))
    refused(net, path, dump, E.DAMAGED)
