"""The log file: where it lives, what a run writes (and never writes: ID numbers, phones,
names, facts), unexpected errors in the CLI, and ``doctor --bundle``."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs
import pytest

from mediator import __version__
from mediator.cli import main
from mediator.core import logs
from mediator.core.db import open_database
from mediator.core.enums import DisputeType
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.paths import Paths, resolve_paths
from mediator.core.services import Services

ID = "11010519491231002X"
PHONE = "13812345678"
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR) \[\d+\] "
                  r"([\w.]+): (.*)$")


@pytest.fixture(autouse=True)
def _closed_log() -> Iterator[None]:
    yield
    logs.close_logging()


@pytest.fixture
def home() -> Path:
    return Path(os.environ["MEDIATOR_HOME"])


@pytest.fixture
def log_file(home: Path) -> Path:
    return home / "logs" / "mediator.log"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A database with a party whose ID, phone, name and facts must never reach the log."""
    path = tmp_path / "我的 文档" / "台账.db"
    with open_database(path) as db:
        svc = Services(db, operator="王调解", today=date.today)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        svc.register_case(CaseInput(parties=[PartyInput("张三丰", id_number=ID, phone=PHONE),
                                             PartyInput("李四")],
                                    dispute_type=DisputeType.NEIGHBOUR, facts="宅基地滴水纠纷"))
    return path


def records(path: Path) -> list[tuple[str, str, str]]:
    """(level, logger, message) of each log line that starts a record."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = LINE.match(line)
        if m:
            out.append(m.groups())
    return out


# --- scrubbing -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (f"id={ID} phone={PHONE}", "id=[ID] phone=[PHONE]"),
    ("110105194912310021", "[ID]"),
    ("１１０１０５１９４９１２３１００２ｘ", "[…]"),       # full-width: an IME's digits, all masked
    ("110105194912310021 x", "[ID] x"),
    ("call 19912345678.", "call [PHONE]."),
    ("12345678901", "12345678901"),                       # not a mobile number (12…)
    ("1381234567", "1381234567"),                         # 10 digits: too short
    ("party 张三 at 青石村, facts 滴水", "party […] at […], facts […]"),
    ("UNIQUE constraint failed: party.id_number", "UNIQUE constraint failed: party.id_number"),
    (r"C:\Users\王五\AppData", r"C:\Users\[…]\AppData"),
])
def test_scrub(text: str, expected: str) -> None:
    assert logs.scrub(text) == expected


def test_an_exception_with_personal_data_is_logged_without_it(tmp_path: Path) -> None:
    logs.setup_logging(tmp_path)
    try:
        try:
            raise ValueError(f"bad party 张三 {ID} {PHONE}")
        except ValueError as inner:
            raise RuntimeError(f"while saving 李四 {PHONE}") from inner
    except RuntimeError as exc:
        logs.log_exception(exc, "test")
    text = (tmp_path / "mediator.log").read_text(encoding="utf-8")
    assert ID not in text and PHONE not in text and "张三" not in text and "李四" not in text
    assert "ValueError: bad party […] [ID] [PHONE]" in text.splitlines()
    assert "RuntimeError: while saving […] [PHONE]" in text.splitlines()
    assert "Traceback (most recent call last):" in text.splitlines()
    assert records(tmp_path / "mediator.log") == [
        ("ERROR", "mediator", "unexpected error in test: RuntimeError")]


def test_libraries_log_from_warning_only(tmp_path: Path) -> None:
    """SQLAlchemy at INFO writes each statement with its parameters (names, IDs)."""
    logs.setup_logging(tmp_path)
    logging.getLogger("sqlalchemy.engine.Engine").info("INSERT ... ('张三', '%s')", ID)
    logging.getLogger("sqlalchemy.pool").warning("pool %s", PHONE)
    logging.getLogger("mediator.tui.app").info("a line of ours")
    logs.flush()
    assert records(tmp_path / "mediator.log") == [
        ("WARNING", "sqlalchemy.pool", "pool [PHONE]"),
        ("INFO", "mediator.tui.app", "a line of ours")]


# --- the file ------------------------------------------------------------------------------


def test_log_folder_with_and_without_mediator_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_paths().logs == home / "logs"
    monkeypatch.delenv("MEDIATOR_HOME")
    assert resolve_paths().logs == platformdirs.user_log_path("mediator", appauthor=False)
    # Paths built by hand (tests, benchmarks) keep their logs beside their data
    assert Paths(data=home, config=home, backups=home, db=home / "x.db").logs == home / "logs"


def test_handler_rotates_at_1_mb_keeping_5_in_utf8(tmp_path: Path) -> None:
    path = logs.setup_logging(tmp_path / "日志 logs")
    assert path == tmp_path / "日志 logs" / "mediator.log"
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]
    assert (handler.maxBytes, handler.backupCount, handler.encoding) == (1_000_000, 5, "utf-8")
    assert handler.baseFilename == str(path)
    assert not path.exists()  # delay=True: nothing is opened until a line is written


def test_setting_up_twice_keeps_one_handler(tmp_path: Path) -> None:
    logs.setup_logging(tmp_path / "a")
    logs.setup_logging(tmp_path / "b")
    mine = [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]
    assert [h.baseFilename for h in mine] == [str(tmp_path / "b" / "mediator.log")]
    logs.close_logging()
    assert not [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]


def test_rotation_keeps_five_old_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 200)
    logs.setup_logging(tmp_path)
    for i in range(40):
        logs.log.info("line %d %s", i, "x" * 100)
    logs.flush()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["mediator.log", *(f"mediator.log.{i}" for i in range(1, 6))]
    assert [p.name for p in logs.log_files(tmp_path)] == [
        "mediator.log", *(f"mediator.log.{i}" for i in range(1, 6))]


def test_a_failed_rotation_keeps_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to rename a log another mediator window holds open."""
    monkeypatch.setattr(logs, "MAX_BYTES", 200)
    logs.setup_logging(tmp_path)

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(32, "The process cannot access the file")

    monkeypatch.setattr(os, "rename", refuse)
    for i in range(5):
        logs.log.info("line %d %s", i, "x" * 100)
    logs.flush()
    assert [m for _, _, m in records(tmp_path / "mediator.log")] == [
        f"line {i} {'x' * 100}" for i in range(5)]


def test_an_unwritable_log_folder_does_not_stop_the_program(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert logs.setup_logging(blocker / "logs") is None
    logs.log.error("nowhere to go")  # no handler of ours, no exception


# --- the CLI -------------------------------------------------------------------------------


def test_a_command_logs_start_and_stop(good: Path, log_file: Path, capsys) -> None:
    assert main(["--db", str(good), "audit", "verify"]) == 0
    rows = records(log_file)
    assert rows[0] == ("INFO", "mediator", f"start command=audit verify version={__version__} "
                       f"python={sys.version.split()[0]} platform={logs.short_platform()}")
    assert rows[-1] == ("INFO", "mediator", "stop command=audit verify exit=0")
    text = log_file.read_text(encoding="utf-8")
    assert str(good) not in text and "我的" not in text


def test_arguments_are_never_logged(tmp_path: Path, log_file: Path) -> None:
    db = tmp_path / "new.db"
    assert main(["--db", str(db), "--operator", "赵六", "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    text = log_file.read_text(encoding="utf-8")
    assert "赵六" not in text and "青石" not in text and "330106001" not in text
    assert [m for _, _, m in records(log_file)][-1] == "stop command=init exit=0"


def test_the_tui_path_leaves_a_log(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mediator.tui

    monkeypatch.setattr(mediator.tui, "run_app", lambda ctx: 0)
    assert main([]) == 0
    assert [m.split(" version=")[0] for _, _, m in records(log_file)] == [
        "start command=tui", "stop command=tui exit=0"]


def _boom(ctx) -> int:  # type: ignore[no-untyped-def]
    raise KeyError(f"张三 {ID}")


def test_an_unexpected_error_is_logged_and_explained(log_file: Path, home: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys) -> None:
    from mediator.cli import basic

    monkeypatch.setattr(basic, "cmd_audit_verify", _boom)
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err == (f"意外错误：KeyError: '张三 {ID}'。详细情况已记入日志，日志文件夹：{home / 'logs'}。"
                   "请运行 mediator doctor --bundle -o 诊断包.zip，把生成的文件交给县里的信息技术人员。\n")
    text = log_file.read_text(encoding="utf-8")
    assert ID not in text and "张三" not in text
    assert "KeyError: '[…] [ID]'" in text.splitlines()
    assert any(line.strip() == "raise KeyError(f\"张三 {ID}\")".replace("张三", "[…]")
               for line in text.splitlines())
    assert records(log_file)[-2:] == [
        ("ERROR", "mediator", "unexpected error in audit verify: KeyError"),
        ("INFO", "mediator", "stop command=audit verify exit=1")]


def test_an_unexpected_error_in_english(home: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from mediator.cli import basic

    monkeypatch.setattr(basic, "cmd_audit_verify", _boom)
    assert main(["--lang", "en", "audit", "verify"]) == 1
    assert capsys.readouterr().err == (
        f"Unexpected error: KeyError: '张三 {ID}'. The details are in the log, in the folder "
        f"{home / 'logs'}. Run mediator doctor --bundle -o bundle.zip and give the file to the "
        "county's IT staff.\n")


def test_no_traceback_on_screen_from_a_real_process(tmp_path: Path) -> None:
    """``python -m mediator`` with a failure inside a command: the short message only."""
    code = ("import sys\nfrom mediator.cli import basic, main\n"
            "def boom(ctx):\n    raise ZeroDivisionError('x')\n"
            "basic.cmd_audit_verify = boom\nsys.exit(main(['audit', 'verify']))\n")
    env = dict(os.environ, MEDIATOR_HOME=str(tmp_path / "家"), PYTHONIOENCODING="utf-8")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         encoding="utf-8", env=env, timeout=60)
    assert out.returncode == 1
    assert out.stderr.startswith("意外错误：ZeroDivisionError: x。") and "Traceback" not in out.stderr
    log = (tmp_path / "家" / "logs" / "mediator.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError: x" in log.splitlines()


def test_logs_and_startup_checks_do_not_import_textual() -> None:
    code = ("import sys, mediator.core.logs, mediator.core.startup\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- doctor --bundle ------------------------------------------------------------------------


def test_doctor_bundle(good: Path, tmp_path: Path, log_file: Path, monkeypatch, capsys) -> None:
    from mediator.cli import basic

    monkeypatch.setattr(basic, "cmd_audit_verify", _boom)
    assert main(["--db", str(good), "audit", "verify"]) == 1  # an error worth sending
    capsys.readouterr()
    target = tmp_path / "给 县里" / "诊断包.zip"
    assert main(["--db", str(good), "doctor", "--bundle", "-o", str(target)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines()[-1] == f"诊断包已写入 {target}（不含数据库和案件数据）。"
    doctor_said = out.out.splitlines()[:-1]
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == ["doctor.txt", "logs/mediator.log", "versions.txt"]
        doctor = zf.read("doctor.txt").decode("utf-8")
        versions = zf.read("versions.txt").decode("utf-8")
        log = zf.read("logs/mediator.log").decode("utf-8")
    assert doctor.splitlines() == doctor_said
    assert doctor_said[0] == f"数据库：{good}" and doctor_said[-1] == "存储位置：本机磁盘"
    import sqlite3
    from importlib import metadata

    fields = dict(line.split(": ", 1) for line in versions.splitlines())
    assert {k: fields[k] for k in ("mediator", "python", "sqlite", "textual", "frozen",
                                   "portable", "language", "log folder")} == {
        "mediator": __version__, "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version, "textual": metadata.version("textual"),
        "frozen": "no", "portable": "no", "language": "zh_CN", "log folder": str(log_file.parent)}
    assert fields["platform"] != ""
    assert "unexpected error in audit verify: KeyError" in log
    assert "start command=doctor" in log  # this very run, flushed before packing
    everything = doctor + versions + log
    for secret in (ID, PHONE, "张三丰", "宅基地"):
        assert secret not in everything


def test_doctor_bundle_into_a_folder(good: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(good), "doctor", "--bundle"]) == 0
    [made] = list(tmp_path.glob("mediator-bundle-*.zip"))
    assert re.fullmatch(r"mediator-bundle-\d{8}-\d{6}\.zip", made.name)
    folder = tmp_path / "U盘"
    folder.mkdir()
    assert main(["--db", str(good), "doctor", "--bundle", "-o", str(folder)]) == 0
    [inside] = list(folder.iterdir())
    assert re.fullmatch(r"mediator-bundle-\d{8}-\d{6}\.zip", inside.name)
    assert capsys.readouterr().out.splitlines()[-1] == f"诊断包已写入 {inside}（不含数据库和案件数据）。"
    assert not [p for p in folder.iterdir() if ".partial" in p.name]


def test_doctor_bundle_of_a_missing_database(tmp_path: Path, capsys) -> None:
    """When the database cannot be opened the bundle is needed most: still written."""
    missing = tmp_path / "无 此.db"
    target = tmp_path / "b.zip"
    assert main(["--db", str(missing), "doctor", "--bundle", "-o", str(target)]) == 3
    out = capsys.readouterr()
    assert out.err == f"错误：找不到数据库文件 {missing}。\n"
    with zipfile.ZipFile(target) as zf:
        assert zf.read("doctor.txt").decode("utf-8").splitlines() == [
            f"数据库：{missing}", f"检查未能完成：找不到数据库文件 {missing}。"]
    assert not missing.exists()


def test_doctor_bundle_of_a_damaged_database(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 200)
    target = tmp_path / "b.zip"
    code = main(["--lang", "en", "--db", str(bad), "doctor", "--bundle", "-o", str(target)])
    assert code == 3
    with zipfile.ZipFile(target) as zf:
        doctor = zf.read("doctor.txt").decode("utf-8").splitlines()
    assert doctor[0] == f"Database: {bad}"
    assert doctor[1].startswith("The check could not be completed: ")


def test_output_without_bundle_is_refused(good: Path, tmp_path: Path, capsys) -> None:
    assert main(["--db", str(good), "doctor", "-o", str(tmp_path / "x.zip")]) == 2
    assert capsys.readouterr().err == (
        "错误：-o 只能与 --bundle 一起使用，例如：mediator doctor --bundle -o 诊断包.zip\n")
    assert not (tmp_path / "x.zip").exists()


def test_bundle_never_holds_the_database(good: Path, tmp_path: Path) -> None:
    """Even when the log folder is the data folder and holds a database file."""
    shutil.copyfile(good, tmp_path / "mediator.db")
    target = logs.write_bundle(tmp_path / "b.zip", "ok\n", tmp_path)
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == ["doctor.txt", "versions.txt"]


def test_doctor_bundle_by_windows_rules(good: Path, tmp_path: Path, windows_rules, capsys) -> None:  # type: ignore[no-untyped-def]
    """The log is open (this run writes to it) while it is packed; a bundle open in another
    program is refused with the usual message and left as it was."""
    target = tmp_path / "诊断包.zip"
    assert main(["--db", str(good), "doctor", "--bundle", "-o", str(target)]) == 0
    with zipfile.ZipFile(target) as zf:
        assert "logs/mediator.log" in zf.namelist()
    before = target.read_bytes()
    capsys.readouterr()
    windows_rules.hold(target)
    assert main(["--db", str(good), "doctor", "--bundle", "-o", str(target)]) == 7
    from mediator.i18n import t

    assert capsys.readouterr().err == f"错误：{t('files.in_use', path=str(target))}\n"
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".zip") == ["诊断包.zip"]
