"""Fuzzing the importer: at least 500 malformed packages, none of which may raise, import, or
change the county's database; and payloads corrupted at the SQLite level, then properly
sealed and signed (a trusted sender's bug), which must never raise or half-merge."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediator.core.db import integrity_check
from mediator.sync import errors as E
from mediator.sync.importer import IMPORTED, REFUSED

from .conftest import clone
from .hostile import payload_of, seal

FUZZ = settings(max_examples=600, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def world(net_template, tmp_path_factory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("fuzz")
    net = clone(net_template, work)
    net.t1.register(2)
    net.t2.register(1)
    net.county.sync.import_files([net.t2.export(work / "t2.mdsync").path])
    good = net.t1.export(work / "good.mdsync").path.read_bytes()
    yield net, good, work
    net.close()


def state_hash(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.OperationalError:
                continue
            h.update(repr(sorted(rows, key=repr)).encode())
        return h.hexdigest()
    finally:
        con.close()


@st.composite
def mangled(draw, good: bytes) -> bytes:  # type: ignore[no-untyped-def]
    data = bytearray(good)
    kind = draw(st.sampled_from(["flip", "flips", "truncate", "splice", "drop", "garbage",
                                 "header", "swap"]))
    n = len(data)
    if kind == "flip":
        pos = draw(st.integers(0, n - 1))
        data[pos] ^= draw(st.integers(1, 255))
    elif kind == "flips":
        for pos in draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=8)):
            data[pos] ^= draw(st.integers(1, 255))
    elif kind == "truncate":
        data = data[: draw(st.integers(0, n - 1))]
    elif kind == "splice":
        pos = draw(st.integers(0, n))
        data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
    elif kind == "drop":
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, min(n, a + 4096)))
        del data[a:b]
    elif kind == "garbage":
        data = bytearray(draw(st.binary(min_size=0, max_size=2048)))
        if draw(st.booleans()):
            data[:8] = good[:8]   # a believable magic in front of nonsense
    elif kind == "header":
        # rewrite a piece of the JSON header (e.g. a count, the recipient) without re-signing
        start = 14
        end = start + int.from_bytes(good[10:14], "big")
        pos = draw(st.integers(start, end - 1))
        data[pos] = draw(st.sampled_from(b'0123456789"{}:,ax '))
        if data == bytearray(good):
            data[pos] ^= 0x20
    else:  # swap two bytes
        a, b = draw(st.integers(14, n - 65)), draw(st.integers(14, n - 65))
        if a == b:
            b = (a + 1) % (n - 65) + 14
        data[a], data[b] = data[b], data[a]
        if data == bytearray(good):
            data[a] ^= 0xFF
    return bytes(data)


def test_five_hundred_malformed_packages(world) -> None:
    net, good, work = world
    before = state_hash(net.county.db.path)
    seen: set[str] = set()
    codes: dict[int, int] = {}

    @FUZZ
    @given(data=st.data())
    def run(data) -> None:  # type: ignore[no-untyped-def]
        raw = data.draw(mangled(good))
        if raw == good:
            return
        seen.add(hashlib.sha256(raw).hexdigest())
        path = work / "fuzzed.mdsync"
        path.write_bytes(raw)
        (rep,) = net.county.sync.import_files([path])
        assert rep.status == REFUSED, rep.message
        assert rep.exit_code in (E.DAMAGED, E.INVALID, E.UNSUPPORTED), rep.message
        assert rep.message
        codes[rep.exit_code] = codes.get(rep.exit_code, 0) + 1

    run()
    assert len(seen) >= 500, len(seen)
    assert state_hash(net.county.db.path) == before
    assert codes.get(E.DAMAGED, 0) > 100 and codes.get(E.INVALID, 0) > 10


def test_corrupt_payloads_signed_by_a_trusted_sender(world) -> None:
    """SQLite pages damaged before sealing: the importer must refuse or merge cleanly, never
    raise and never leave a half merge (checked against the rows before)."""
    net, _good, work = world
    payload = payload_of(net.t1, work / "base.sqlite")
    base = payload.read_bytes()
    rng = random.Random(7)
    outcomes = {IMPORTED: 0, REFUSED: 0}
    for i in range(60):
        data = bytearray(base)
        for _ in range(rng.choice([1, 2, 8, 64])):
            pos = rng.randrange(100, len(data))   # past the SQLite header: deeper damage
            data[pos] = rng.randrange(256)
        bad = work / "bad.sqlite"
        bad.write_bytes(bytes(data))
        pkg = seal(net.t1, net.county, bad, work / f"corrupt{i}.mdsync",
                   counts=_counts_or_empty(bad))
        before = state_hash(net.county.db.path)
        (rep,) = net.county.sync.import_files([pkg])
        outcomes[rep.status] = outcomes.get(rep.status, 0) + 1
        if rep.status == REFUSED:
            assert rep.exit_code in (E.INVALID, E.DAMAGED), rep.message
            assert state_hash(net.county.db.path) == before
        else:   # harmless damage (free space, a letter in a text): merged whole, DB sound
            assert rep.status == IMPORTED
            assert integrity_check(net.county.db.path) == []
            assert any(r.package_hash == rep.package_hash for r in net.county.sync.import_log())
    assert outcomes[REFUSED] > 0


def _counts_or_empty(path: Path) -> dict[str, int]:
    """What an honest-but-buggy sender would state: counts read from its own payload."""
    from mediator.sync.payload import TABLES

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        finally:
            con.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return {}
