"""Every screen and every case-file dialog as a clerk sees it at 80×24, in Chinese and English,
and the main screens at 120×36 in Chinese (issue 18: nothing cut mid-word, no button off
screen).

One database is built per session (60 cases, villages, mediators, follow-ups and one case
with a written agreement in two instalments, a session and a follow-up) and copied for each
test. Frozen: the clock, the data (fixed seed), the paths shown, the key fingerprint and the
removable drives. Update after a deliberate change with ``pytest
tests/tui/shell/test_screens_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import OFFICE, TODAY, make_app, settle  # type: ignore[import-not-found]
from shell_factory import bulk_cases  # type: ignore[import-not-found]

from mediator.core.db import open_database
from mediator.core.enums import AgreementForm, FollowUpMethod, FollowUpResult
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.core.paths import Paths
from mediator.core.queries import CaseFilter
from mediator.core.services import Services
from mediator.i18n import set_language

#: what the screens show as paths: the same on every machine
SHOWN = Path("/home/mediator/.local/share/mediator")
SMALL, LARGE = (80, 24), (120, 36)


def _case_with_agreement(svc: Services) -> str:
    """A case with something in every part of its file: parties, details, a session, a
    follow-up done and one open, a written agreement in two instalments (one part paid)."""
    mediator = svc.add_mediator("王调解", "13812345678", "主任")
    from mediator.core.enums import DisputeType, PartyRole
    from mediator.core.inputs import CaseInput, PartyInput

    case = svc.register_case(CaseInput(
        parties=[PartyInput("张三", id_number="11010519491231002X", phone="13812345678",
                            address="青石村三组12号"),
                 PartyInput("李四", role=PartyRole.RESPONDENT, phone="13900001111")],
        dispute_type=DisputeType.NEIGHBOUR, facts="两家因院墙滴水问题发生争执，李四家屋檐"
        "雨水常年流入张三院内，致张三院墙受损。", requests="李四赔偿损失三千元",
        village_code="330106001001", mediator_id=mediator.id, amount_fen=300000,
        registered_on=TODAY - timedelta(days=12)))
    case_id = case.case_id
    svc.accept_case(case_id, on=TODAY - timedelta(days=11))
    svc.record_notice(case_id, on=TODAY - timedelta(days=11), note="口头告知")
    svc.add_session(case_id, "双方陈述滴水经过，同意分期赔偿", on=TODAY - timedelta(days=5),
                    place="青石村委会", participants="张三、李四")
    svc.schedule_follow_up(case_id, TODAY - timedelta(days=3), note="了解双方情绪")
    fu = svc.case_file(case_id).follow_ups[0]
    svc.complete_follow_up(fu.id, FollowUpResult.SATISFIED, FollowUpMethod.PHONE, "情绪稳定",
                           done_on=TODAY - timedelta(days=3))
    svc.record_agreement(case_id, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=TODAY - timedelta(days=2),
        terms="李四分两期赔偿张三三千元", perform_method="现金", perform_place="青石村委会",
        amount_fen=300000,
        obligations=[ObligationInput(TODAY + timedelta(days=5), 100000, "第一期", "李四"),
                     ObligationInput(TODAY + timedelta(days=35), 200000, "第二期", "李四")]))
    first = svc.case_file(case_id).obligations[0]
    svc.record_performance(first.id, TODAY - timedelta(days=1), "收条", amount_fen=40000)
    return case_id


@pytest.fixture(scope="session")
def snapshot_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    # the texts the services store (event summaries, follow-up notes) are in the language
    # of the moment: Chinese, whatever test ran before
    set_language("zh_CN")
    path = tmp_path_factory.mktemp("snapshots") / "snap.db"
    db = open_database(path)
    try:
        svc = Services(db, "王调解", today=lambda: TODAY)
        svc.init_office(*OFFICE)
        bulk_cases(db, 60, TODAY, seed=3)
        case_id = _case_with_agreement(svc)
        svc.add_mediator("李文书")
        rows = svc.list_cases(CaseFilter(states=("MEDIATING",)), limit=6).rows
        for i, row in enumerate(rows[:4]):
            svc.schedule_follow_up(row.id, TODAY + timedelta(days=i * 2 - 1) if i else TODAY,
                                   note=("电话回访，了解协议履行情况", "上门回访", "",
                                         "回访申请人")[i])
    finally:
        db.close()
    return path, case_id


class World:
    def __init__(self, template: tuple[Path, str], tmp_path: Path) -> None:
        self.db_path = tmp_path / "snap.db"
        shutil.copyfile(template[0], self.db_path)
        self.case_id = template[1]
        self.db = open_database(self.db_path)
        self.svc = Services(self.db, "王调解", today=lambda: TODAY)
        self.tmp_path = tmp_path

    def app(self, first_screen: Callable[[], Any] | None = None) -> Any:
        paths = Paths(data=SHOWN, config=self.tmp_path / "config", backups=SHOWN / "backups",
                      db=self.db_path)
        return make_app(self.db, paths, first_screen=first_screen)


@pytest.fixture
def world(snapshot_template: tuple[Path, str], tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    import mediator.sync.keys
    import mediator.sync.service

    # machine-dependent: the removable drives plugged in, the office key made for this copy
    monkeypatch.setattr(mediator.sync.service, "removable_folders", list)
    monkeypatch.setattr(mediator.sync.keys, "format_fingerprint",
                        lambda fp: "ABCD EF01 2345 6789 ABCD EF01 2345 6789")
    w = World(snapshot_template, tmp_path)
    yield w
    w.db.close()
    set_language("zh_CN")


def _frozen(app: Any) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def opened(keys: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    async def run(pilot: Any) -> None:
        from mediator.tui.screens.ledger_import import LedgerImportScreen

        if isinstance(pilot.app.screen, LedgerImportScreen):
            # its folder tree's loader is a worker that never ends: wait for the screen only
            await pilot.pause()
            await pilot.pause()
        else:
            await settle(pilot, pilot.app)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, pilot.app)
        _frozen(pilot.app)
        await pilot.pause()
    return run


def _screen(name: str, world: World) -> tuple[Any, tuple[str, ...]]:
    """The app opened on screen ``name``, and the keys that bring it up."""
    from mediator.tui.screens.case_file import CaseFileScreen
    from mediator.tui.screens.intake import IntakeScreen, QuickCaseScreen
    from mediator.tui.screens.ledger_import import LedgerImportScreen
    from mediator.tui.screens.sync import SyncScreen

    (world.tmp_path / "ledgers").mkdir(exist_ok=True)
    first: dict[str, Callable[[], Any]] = {
        "case_file": lambda: CaseFileScreen(world.case_id),
        "intake": IntakeScreen,
        "quick": QuickCaseScreen,
        "sync": SyncScreen,
        "ledger_import": lambda: LedgerImportScreen(start_dir=world.tmp_path / "ledgers"),
    }
    keys = {"agenda": ("f3",), "settings": ("f4",), "dashboard": ("f5",)}
    return world.app(first.get(name)), keys.get(name, ())


SCREENS = ("cases", "case_file", "intake", "quick", "agenda", "settings", "dashboard", "sync",
           "ledger_import")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("name", SCREENS)
def test_screen_at_80x24(snap_compare: Any, world: World, name: str, lang: str) -> None:
    set_language(lang)
    app, keys = _screen(name, world)
    assert snap_compare(app, terminal_size=SMALL, run_before=opened(keys))


@pytest.mark.parametrize("name", SCREENS)
def test_screen_at_120x36(snap_compare: Any, world: World, name: str) -> None:
    set_language("zh_CN")
    app, keys = _screen(name, world)
    assert snap_compare(app, terminal_size=LARGE, run_before=opened(keys))


def _dialogs() -> list[str]:
    from mediator.tui.dialogs import ACTION_DIALOGS

    return [*ACTION_DIALOGS, "PARTY"]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("key", _dialogs())
def test_case_dialog_at_80x24(snap_compare: Any, world: World, key: str, lang: str) -> None:
    from mediator.tui.dialogs import ACTION_DIALOGS
    from mediator.tui.dialogs.edit import PartyDialog
    from mediator.tui.screens.case_file import CaseFileScreen

    set_language(lang)
    app = world.app(lambda: CaseFileScreen(world.case_id))

    async def run(pilot: Any) -> None:
        await settle(pilot, app)
        cf = world.svc.case_file(world.case_id)
        dialog = PartyDialog(cf, cf.parties[0]) if key == "PARTY" else ACTION_DIALOGS[key](cf)
        app.push_screen(dialog)
        await settle(pilot, app)
        if key == "PARTY":
            # the repeat-party lookup starts on a timer after typing stops: start it now and
            # wait for its worker, so the notice is always in the picture
            from mediator.tui.widgets.party_editor import PartyEditor

            editor = dialog.query_one(PartyEditor)
            if editor._lookup_timer is not None:
                editor._lookup_timer.stop()
            editor._start_lookup()
            await settle(pilot, app)
        _frozen(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=run)
