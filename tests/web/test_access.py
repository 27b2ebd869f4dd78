"""mediator serve without a browser: the password, the refusal of an open address without
one, the port fallback, the certificate and the audit entries of logins (issue 23)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import sqlite3
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core.errors import ValidationError
from mediator.web import access


def test_a_password_is_stored_hashed_with_scrypt_and_checked(tmp_path: Path) -> None:
    path = access.save_password(tmp_path, "调解室密码2026")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert path == tmp_path / "web" / "password.json"
    assert sorted(stored) == ["hash", "n", "p", "r", "salt", "scheme"]
    assert (stored["scheme"], stored["n"], stored["r"], stored["p"]) == ("scrypt", 16384, 8, 1)
    assert "调解室密码2026" not in path.read_text(encoding="utf-8")
    expected = hashlib.scrypt("调解室密码2026".encode(), salt=bytes.fromhex(stored["salt"]),
                              n=16384, r=8, p=1, dklen=32)
    assert stored["hash"] == expected.hex()
    loaded = access.load_password(tmp_path)
    assert access.check_password(loaded, "调解室密码2026") is True
    assert access.check_password(loaded, "调解室密码2025") is False
    assert access.check_password(loaded, "") is False
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o600


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    a, b = access.hash_password("same-password"), access.hash_password("same-password")
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]


def test_a_damaged_password_file_counts_as_none(tmp_path: Path) -> None:
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "password.json").write_text("{broken", encoding="utf-8")
    assert access.load_password(tmp_path) is None
    assert access.check_password({"scheme": "scrypt", "salt": "zz"}, "x") is False


@pytest.mark.parametrize(("first", "second", "message"), [
    ("abcdefgh", "abcdefgX", "两次输入的密码不一样，密码未设置。"),
    ("short1", "short1", "密码太短：至少 8 个字符。密码未设置。"),
])
def test_a_new_password_is_refused(first: str, second: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        access.check_new_password(first, second)
    assert caught.value.message == message


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("192.168.1.20", False), ("::", False),
    ("office-pc", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert access.is_loopback(host) is loopback


@pytest.mark.parametrize(("host", "needed"), [
    ("127.0.0.1", False), ("localhost", False), ("::1", False), ("127.0.0.2", True),
    ("0.0.0.0", True), ("192.168.1.20", True), ("office-pc", True),
])
def test_which_addresses_need_the_password(host: str, needed: bool) -> None:
    assert access.needs_password(host) is needed


def test_an_open_address_without_a_password_is_refused(tmp_path: Path, capsys) -> None:
    db = tmp_path / "a.db"
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--no-browser"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.strip() == (
        "错误：不能在 0.0.0.0 上提供服务：其他电脑能访问这个地址，必须先设置登录密码。"
        "请先运行 mediator serve --set-password，再重新启动。")
    assert not db.exists()


def test_the_refusal_in_english(tmp_path: Path, capsys) -> None:
    assert main(["--lang", "en", "--db", str(tmp_path / "a.db"), "serve", "--host",
                 "192.168.1.20", "--no-browser"]) == 2
    assert capsys.readouterr().err.strip() == (
        "Error: Cannot serve on 192.168.1.20: other PCs can reach that address, so a login "
        "password is needed first. Run mediator serve --set-password, then start again.")


def test_set_password_through_the_cli(home: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("新的密码12345\n新的密码12345\n"))
    assert main(["serve", "--set-password"]) == 0
    path = home / "config" / "web" / "password.json"
    assert capsys.readouterr().out.strip() == (
        f"浏览器登录密码已设置（加密保存在 {path}）。现在可以用 --host 让其他电脑访问。")
    assert access.check_password(access.load_password(home / "config"), "新的密码12345")
    assert access.check_host("0.0.0.0", home / "config") is True
    assert access.check_host("127.0.0.1", home / "config") is False


def test_set_password_typed_differently_sets_none(home: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("新的密码12345\n新的密码12346\n"))
    assert main(["serve", "--set-password"]) == 2
    assert capsys.readouterr().err.strip() == "错误：两次输入的密码不一样，密码未设置。"
    assert not (home / "config" / "web" / "password.json").exists()


@pytest.fixture
def home(_isolated_home: Path) -> Path:
    return _isolated_home


def _listening() -> socket.socket:
    """A port some other program holds."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def test_a_busy_port_moves_to_the_next_free_one() -> None:
    first = _listening()
    try:
        port = first.getsockname()[1]
        second = access.bind_socket("127.0.0.1", port)
        try:
            moved = second.getsockname()[1]
            assert moved > port
            # every port between was busy (taken by someone else meanwhile)
            for between in range(port + 1, moved):
                with socket.socket() as probe, pytest.raises(OSError):
                    probe.bind(("127.0.0.1", between))
        finally:
            second.close()
    finally:
        first.close()


def test_no_free_port_is_said() -> None:
    held = _listening()
    try:
        port = held.getsockname()[1]
        with pytest.raises(ValidationError) as caught:
            access.bind_socket("127.0.0.1", port, tries=1)
        assert caught.value.message == (
            f"端口 {port} 到 {port} 都被占用，无法启动。请用 --port 指定其他端口。")
    finally:
        held.close()


def test_a_bad_port_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        access.bind_socket("127.0.0.1", 70000)
    assert caught.value.message == "端口 70000 不对：应为 1 到 65535 之间的数字。"


def test_the_certificate_is_made_once_and_names_the_host(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    made = access.ensure_certificate(tmp_path, "192.168.1.20")
    pem = made.cert.read_bytes()
    cert = x509.load_pem_x509_certificate(pem)
    der = cert.public_bytes(serialization.Encoding.DER)
    assert made.fingerprint == ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ips = sorted(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
    assert ips == ["127.0.0.1", "192.168.1.20"]
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    if os.name != "nt":
        assert made.key.stat().st_mode & 0o777 == 0o600
    # kept: the clerk compares the fingerprint once
    again = access.ensure_certificate(tmp_path, "192.168.1.20")
    assert again.fingerprint == made.fingerprint
    assert access.ensure_certificate(tmp_path, "127.0.0.1").fingerprint == made.fingerprint
    # another address the kept one does not name: a new one
    other = access.ensure_certificate(tmp_path, "10.0.0.5")
    assert other.fingerprint != made.fingerprint


def test_logins_are_audited_with_the_remote_address(db) -> None:  # type: ignore[no-untyped-def]
    from mediator.core import audit
    from mediator.core.webaudit import record_web_login

    record_web_login(db, "mediator", "192.168.1.31", False)
    record_web_login(db, "mediator", "192.168.1.31", True)
    con = sqlite3.connect(db.path)
    rows = con.execute("SELECT operator, action, entity, after FROM audit_log "
                       "WHERE action LIKE 'web.%' ORDER BY seq").fetchall()
    con.close()
    assert rows == [("mediator", "web.login_failed", "web_session", '{"remote": "192.168.1.31"}'),
                    ("mediator", "web.login", "web_session", '{"remote": "192.168.1.31"}')]
    with db.read() as s:
        assert audit.verify(s).ok


@pytest.mark.skipif(os.name == "nt", reason="Ctrl+C is sent as SIGINT")
def test_the_server_moves_off_a_busy_port_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import urllib.request

    held = _listening()
    try:
        port = held.getsockname()[1]
        proc = subprocess.Popen(
            [sys.executable, "-m", "mediator", "--db", str(tmp_path / "a.db"), "--operator",
             "张三", "serve", "--no-browser", "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        assert proc.stdout is not None
        lines = [proc.stdout.readline().rstrip("\n") for _ in range(3)]
        moved = int(lines[0].split("改用端口 ")[1].rstrip("。"))
        assert moved > port
        assert lines == [f"端口 {port} 已被占用，改用端口 {moved}。",
                         f"人民调解已在浏览器中提供：http://127.0.0.1:{moved}/",
                         "按 Ctrl+C 停止服务（所有浏览器会话随之结束）。"]
        with urllib.request.urlopen(f"http://127.0.0.1:{moved}/") as page:
            assert "<title>人民调解</title>" in page.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        assert rest.strip().splitlines()[-1] == "服务已停止。"
    finally:
        held.close()
        if "proc" in locals() and proc.poll() is None:
            proc.kill()
            proc.wait()
