"""The key footer at 80 columns: every key shown is shown whole, none under the palette key."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import settle  # type: ignore[import-not-found]
from textual.widgets._footer import FooterKey

from mediator.i18n import set_language
from mediator.tui.widgets.footer import Footer


def footer_layout(app: Any) -> tuple[list[str], list[str], bool]:
    """(keys shown, keys hidden, whether every shown key ends before the palette key)."""
    footer = app.screen.query_one(Footer)
    keys = [k for k in footer.children if isinstance(k, FooterKey)]
    palette = next(k for k in keys if k.has_class("-command-palette"))
    rest = [k for k in keys if k is not palette]
    shown = [k for k in rest if k.display]
    whole = all(k.region.right <= palette.region.x and
                k.region.width == Footer._width(k) for k in shown)
    return [k.key for k in shown], [k.key for k in rest if not k.display], whole


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_footer_shows_whole_keys_at_80_columns(svc: Any, app_factory: Any,
                                                    lang: str) -> None:
    set_language(lang)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        shown, hidden, whole = footer_layout(app)
        assert whole
        assert shown[:2] == ["enter", "slash"]  # the screen's own keys come first
        await pilot.press("f5")
        await settle(pilot, app)
        shown, hidden, whole = footer_layout(app)
        assert whole
        assert shown[:3] == ["escape", "ctrl+r", "ctrl+e"]
        assert hidden  # 80 columns cannot hold all of them: the app's last keys give way
        await pilot.resize_terminal(160, 30)
        await settle(pilot, app)
        shown, hidden, whole = footer_layout(app)
        assert (hidden, whole) == ([], True)
