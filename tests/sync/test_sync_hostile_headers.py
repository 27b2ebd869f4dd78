"""A corpus of crafted, unsigned package headers (issue 17, item 1).

Someone with the USB stick in hand can put anything between the magic and the signature. The
header is read before the signature can be checked, so every crafted header must be a
refusal with the documented code (3: damaged; 4: not a package) and a Chinese message, never
a traceback; and one such file must not stop the good package after it on the stick.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from mediator.sync import errors as E
from mediator.sync import package as pk
from mediator.sync.importer import IMPORTED, REFUSED

from . import test_sync_hostile as base
from .conftest import clone

seeded = base.seeded   # the hostile-file tests' network, built once per module


@pytest.fixture(scope="module")
def good_bytes(seeded) -> bytes:  # type: ignore[no-untyped-def]
    return (seeded / "good.mdsync").read_bytes()


@pytest.fixture
def net_and_good(seeded, tmp_path):  # type: ignore[no-untyped-def]
    net = clone(seeded, tmp_path)
    yield net, tmp_path / "net" / "good.mdsync"
    net.close()


def split(data: bytes) -> tuple[int, dict[str, Any], bytes]:
    _magic, version, hlen = pk.PREFIX.unpack(data[:pk.PREFIX.size])
    header = json.loads(data[pk.PREFIX.size:pk.PREFIX.size + hlen])
    return version, header, data[pk.PREFIX.size + hlen:]


def rehead(data: bytes, header: bytes | dict[str, Any]) -> bytes:
    """The package with its header replaced (the old body and signature kept: unsigned)."""
    version, _, rest = split(data)
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return pk.MAGIC + struct.pack(">HI", version, len(raw)) + raw + rest


def edit(**changes: Any):  # type: ignore[no-untyped-def]
    """A header edit: ``path=value`` with ``__`` between levels; the value ``DROP`` removes
    the key."""
    def apply(h: dict[str, Any]) -> dict[str, Any]:
        for path, value in changes.items():
            *parents, last = path.split("__")
            node = h
            for p in parents:
                node = node[p]
            if value is DROP:
                del node[last]
            else:
                node[last] = value
        return h
    return apply


DROP = object()
DEEP = 32_000  # 64 KB of brackets: RecursionError in json.loads


def deep_list(n: int = DEEP) -> bytes:
    return b"[" * n + b"]" * n


#: name -> header bytes, or a function of the good header returning the crafted one
CORPUS: dict[str, Any] = {
    # nesting
    "nested lists": deep_list(),
    "nested objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "nested in a field": lambda h: json.dumps(h).replace(
        '"app_version": ', '"app_version": ' + "[" * 9000 + "1" + "]" * 9000 + ', "x": ', 1
    ).encode(),
    "nested list in counts": edit(counts={"party": [[[[[[[[[[1]]]]]]]]]]}),
    # wrong types
    "header a list": b"[1, 2, 3]",
    "header a string": b'"mediator-sync"',
    "header a number": b"12345",
    "header null": b"null",
    "empty header": b"",
    "payload a list": edit(payload=[]),
    "payload a string": edit(payload="zlib"),
    "payload null": edit(payload=None),
    "sender a list": edit(sender=[]),
    "sender a string": edit(sender="330106001"),
    "recipient a list": edit(recipient=[1]),
    "recipient fingerprint a number": edit(recipient__fingerprint=12345678901234567890),
    "counts a list": edit(counts=[]),
    "count a string": edit(counts={"party": "12"}),
    "count a bool": edit(counts={"party": True}),
    "count a float": edit(counts={"party": 1.5}),
    "count negative": edit(counts={"party": -1}),
    "encryption a list": edit(encryption=[]),
    "encryption a string": edit(encryption="none"),
    "ephemeral key a number": edit(encryption__ephemeral_key=5),
    "ephemeral key not base64": edit(encryption__ephemeral_key="!!!!"),
    "sign key too short": edit(sender__sign_key="AAAA"),
    "sign key a dict": edit(sender__sign_key={"k": 1}),
    "sender name a list": edit(sender__name=["青石镇"]),
    "sender name empty": edit(sender__name=""),
    "sender name too long": edit(sender__name="镇" * 201),
    "sender code a number": edit(sender__code=330106001),
    "sender code full-width": edit(sender__code="３３０１０６００１"),
    "sender fingerprint wrong": edit(sender__fingerprint="0" * 32),
    "schema version a string": edit(schema_version="1"),
    "schema version a float": edit(schema_version=1.0),
    "schema version a bool": edit(schema_version=True),
    "app version a list": edit(app_version=["0.1"]),
    "week with ESC": edit(week="\x1b[2J2026-W48"),
    "week too long": edit(week="2026-W48" * 5),
    "created_at with BEL": edit(created_at="2026\x07"),
    "kind other": edit(kind="mediator-backup"),
    "alg unknown": edit(encryption__alg="ROT13"),
    "compression other": edit(payload__compression="lzma"),
    "chunk other": edit(payload__chunk=1),
    "sha256 upper case": lambda h: edit(payload__sha256=h["payload"]["sha256"].upper())(h),
    "scope a list": edit(scope=["330106001"]),
    # huge numbers
    "payload size huge": edit(payload__size=10**30),
    "payload size 2^63": edit(payload__size=2**63),
    "payload size zero": edit(payload__size=0),
    "schema version huge": edit(schema_version=10**18),
    "count huge": edit(counts={"party": 10**40}),
    "int of 5000 digits": lambda h: json.dumps(h).replace(
        f'"schema_version": {h["schema_version"]}',
        f'"schema_version": {h["schema_version"]}' + "0" * 5000).encode(),
    "NaN": lambda h: json.dumps(h).replace(f'"schema_version": {h["schema_version"]}',
                                           '"schema_version": NaN').encode(),
    "Infinity size": lambda h: json.dumps(h).replace(
        f'"size": {h["payload"]["size"]}', '"size": Infinity').encode(),
    # missing fields
    **{f"missing {k}": edit(**{k: DROP}) for k in (
        "kind", "sender", "recipient", "counts", "payload", "encryption", "app_version",
        "schema_version", "created_at")},
    **{f"missing sender.{k}": edit(**{f"sender__{k}": DROP}) for k in (
        "code", "name", "sign_key", "enc_key")},
    **{f"missing payload.{k}": edit(**{f"payload__{k}": DROP}) for k in (
        "size", "sha256", "compression", "chunk")},
    "missing recipient.code": edit(recipient__code=DROP),
    "missing encryption.alg": edit(encryption__alg=DROP),
    # duplicate keys: the reader must not see another value than the writer signed
    "duplicate key": lambda h: json.dumps(h).replace(
        '"kind": "mediator-sync"', '"kind": "mediator-sync", "kind": "mediator-sync"').encode(),
    # not UTF-8, truncated
    "not UTF-8": lambda h: json.dumps(h, ensure_ascii=False).encode("gbk"),
    "lone surrogate bytes": lambda h: json.dumps(h).encode().replace(b'"kind"', b'"\xed\xa0\x80"'),
    "truncated JSON": lambda h: json.dumps(h).encode()[:-40],
}


def crafted(good: bytes, name: str) -> bytes:
    spec = CORPUS[name]
    _, header, _ = split(good)
    raw = spec if isinstance(spec, bytes) else spec(header)
    return rehead(good, raw)


@pytest.mark.parametrize("name", list(CORPUS))
def test_read_header_refuses_crafted_header_as_damaged(good_bytes, tmp_path, name) -> None:
    path = tmp_path / "crafted.mdsync"
    path.write_bytes(crafted(good_bytes, name))
    with pytest.raises(E.PackageDamaged) as err:
        pk.read_header(path)
    assert err.value.exit_code == E.DAMAGED
    assert "crafted.mdsync 已损坏" in err.value.message and "文件头无法识别" in err.value.message


def test_the_corpus_reheader_keeps_a_good_header_good(good_bytes, tmp_path) -> None:
    """The corpus edits are the only thing wrong: the same rewrite of the unchanged header
    still reads (so each refusal above is for the edit, not for the rewriting)."""
    _, header, _ = split(good_bytes)
    path = tmp_path / "same.mdsync"
    path.write_bytes(rehead(good_bytes, json.dumps(header).encode()))
    assert pk.read_header(path).sender.office_code == "330106001"


def test_truncated_inside_the_header_and_over_long_length(good_bytes, tmp_path) -> None:
    hlen = pk.PREFIX.unpack(good_bytes[:pk.PREFIX.size])[2]
    cases = {
        "cut.mdsync": good_bytes[:pk.PREFIX.size + hlen // 2],
        "long.mdsync": good_bytes[:10] + struct.pack(">I", pk.MAX_HEADER + 1) + good_bytes[14:],
        "past-end.mdsync": good_bytes[:10] + struct.pack(">I", len(good_bytes)) + good_bytes[14:],
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(E.PackageDamaged):
            pk.read_header(path)


def test_every_crafted_file_is_refused_and_the_good_one_after_them_imported(
        net_and_good, dump, tmp_path) -> None:
    """All of the corpus on one stick, the good package last: one report per file, each
    crafted one refused as damaged with nothing changed, the good one imported."""
    net, good = net_and_good
    data = good.read_bytes()
    stick = tmp_path / "stick"
    stick.mkdir()
    files = []
    for i, name in enumerate(CORPUS):
        path = stick / f"{i:03d}.mdsync"
        path.write_bytes(crafted(data, name))
        files.append(path)
    before = dump(net.county.db.path)
    reports = net.county.sync.import_files([*files, good])
    assert [r.status for r in reports] == [REFUSED] * len(files) + [IMPORTED]
    for name, r in zip(CORPUS, reports):
        assert r.exit_code == E.DAMAGED, (name, r.message)
        assert "已损坏" in r.message, name
        # nothing from an unverified header is reported as the sender
        assert r.sender_code == "" and r.sender_name == "" and r.week == "", name
    assert dump(net.county.db.path) != before  # the good one did go in


def test_keys_trust_refuses_crafted_packages(net_and_good, tmp_path) -> None:
    """``keys trust FILE.mdsync`` reads the same header: a refusal, not a crash."""
    net, good = net_and_good
    data = good.read_bytes()
    for name in ("nested lists", "payload a list", "sender a list", "not UTF-8",
                 "int of 5000 digits", "missing sender.sign_key"):
        path = tmp_path / "k.mdsync"
        path.write_bytes(crafted(data, name))
        with pytest.raises(E.PackageDamaged):
            net.county.sync.trust(path)
    assert len(net.county.sync.trusted()) == 3   # t1, t2, city: unchanged


@pytest.mark.parametrize("raw", [
    b"[" * 30_000 + b"]" * 30_000,
    b'{"format": "mediator-public-key", "version": 1, "office_code": '
    + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"format": "mediator-public-key", "version": 1, "office_code": 330106001}',
    (b'{"format": "mediator-public-key", "version": 1, "office_code": "330106001", '
     b'"office_name": "x", "sign_key": [], "enc_key": [], "signature": []}'),
    b'{"format": "mediator-public-key", "version": 1e400}',
    b"\xff\xfe\x00",
    b"[]",
], ids=["nested", "nested code", "code a number", "keys lists", "float", "not UTF-8", "a list"])
def test_crafted_public_key_files_are_refused(net_and_good, tmp_path, raw) -> None:
    net, _ = net_and_good
    path = tmp_path / "evil.pub"
    path.write_bytes(raw)
    with pytest.raises(E.PackageInvalid) as err:
        net.county.sync.trust(path)
    assert err.value.exit_code == E.INVALID and "evil.pub" in err.value.message


def test_an_unexpected_error_in_one_file_refuses_only_that_file(net_and_good, monkeypatch) -> None:
    """The last line of defence: should anything a file holds still raise something no check
    expected, that file is refused (exit 4, a message, logged) and the next file imported."""
    net, good = net_and_good
    from mediator.sync import importer

    real = importer.read_header
    calls = []

    def flaky(path: Path):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(path)

    monkeypatch.setattr(importer, "read_header", flaky)
    first, second = net.county.sync.import_files([good, good])
    assert first.status == REFUSED and first.exit_code == E.INVALID
    assert "未导入" in first.message and "RuntimeError" in first.message
    assert second.status == IMPORTED


def use_county_home(net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Run CLI commands as the county: MEDIATOR_HOME is its data folder, with its keys."""
    import shutil

    home = net.county.paths.data
    if not (home / "config" / "keys").exists():
        shutil.copytree(net.county.paths.config / "keys", home / "config" / "keys")
    monkeypatch.setenv("MEDIATOR_HOME", str(home))
    monkeypatch.setenv("MEDIATOR_OPERATOR", "区里")


def test_cli_import_reports_every_file_without_a_traceback(net_and_good, tmp_path, capsys,
                                                           monkeypatch) -> None:
    net, good = net_and_good
    from mediator.cli import main

    data = good.read_bytes()
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "1-nested.mdsync").write_bytes(crafted(data, "nested lists"))
    (stick / "2-payload.mdsync").write_bytes(crafted(data, "payload a list"))
    (stick / "3-good.mdsync").write_bytes(data)
    use_county_home(net, monkeypatch)
    code = main(["sync", "import", str(stick)])
    out = capsys.readouterr()
    assert code == E.DAMAGED
    assert "Traceback" not in out.out + out.err
    assert "1-nested.mdsync 已损坏" in out.out and "2-payload.mdsync 已损坏" in out.out
    assert "[3/3] 3-good.mdsync 青石镇人民调解委员会（330106001）" in out.out
