"""The app and the log: errors in workers and screens are logged with their traceback and
tell where the log is; a crash ends with a short message, not a traceback; the start-up
checks' warnings are shown once the screen is taken over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import settle  # type: ignore[import-not-found]

from mediator.core import logs
from mediator.core.errors import DomainError

ID = "11010519491231002X"


@pytest.fixture
def log_folder(tmp_path: Path) -> Any:
    folder = tmp_path / "日志 logs"
    logs.setup_logging(folder)
    yield folder
    logs.close_logging()


def notices(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


def where(folder: Path) -> str:
    return f"详细情况已记入日志（{folder}）；运行 mediator doctor --bundle 可打包交给信息技术人员。"


async def test_a_worker_error_is_logged_and_says_where(svc: Any, app_factory: Any,
                                                       log_folder: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        try:
            raise LookupError(f"张三 {ID}")
        except LookupError as exc:
            app.report_error(exc)
        await pilot.pause()
        assert notices(app)[-1] == f"出现意外错误（已记录）：LookupError: 张三 {ID} {where(log_folder)}"
        app.report_error(DomainError("案件已归档"))
        await pilot.pause()
        assert notices(app)[-1] == "案件已归档"
    text = (log_folder / "mediator.log").read_text(encoding="utf-8")
    assert "LookupError: […] [ID]" in text.splitlines()
    assert text.count("unexpected error in tui: LookupError") == 1
    assert "DomainError" not in text and ID not in text


def test_dialog_errors_are_logged(log_folder: Path) -> None:
    from mediator.tui.dialogs.base import unexpected

    try:
        {}["x"]
    except KeyError as exc:
        message = unexpected(exc)
    assert message == f"操作未完成，数据未作修改：KeyError: 'x' {where(log_folder)}"
    text = (log_folder / "mediator.log").read_text(encoding="utf-8")
    assert "unexpected error in screen: KeyError" in text and "KeyError: 'x'" in text.splitlines()


async def test_a_crash_leaves_a_traceback_in_the_log_and_a_short_message(
        svc: Any, app_factory: Any, log_folder: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    app = app_factory()

    def broken() -> None:
        raise ZeroDivisionError(f"party {ID}")

    monkeypatch.setattr(app, "action_toggle_theme", broken)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, app)
            await pilot.press("ctrl+t")
            await pilot.pause()
    assert app.return_code == 1
    err = capsys.readouterr().err
    assert err == (
        f"mediator 因意外错误退出：ZeroDivisionError: party {ID}。详细情况已记入日志，日志文件夹："
        f"{log_folder}。已保存的数据不受影响。请运行 mediator doctor --bundle -o 诊断包.zip，"
        "把生成的文件交给县里的信息技术人员。\n")
    text = (log_folder / "mediator.log").read_text(encoding="utf-8")
    assert "unexpected error in tui (fatal): ZeroDivisionError" in text
    assert "ZeroDivisionError: party [ID]" in text.splitlines()
    assert "Traceback (most recent call last):" in text.splitlines()


async def test_startup_warnings_are_shown_in_the_app(svc: Any, app_factory: Any) -> None:
    app = app_factory()
    app.startup_notices = ("警告：数据库在网络共享上。",)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert notices(app)[0] == "警告：数据库在网络共享上。"
