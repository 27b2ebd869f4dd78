"""Safe-glyph mode: when it is on, what stands in for each character, and its settings."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from mediator.core.config import Config, load_config, save_config
from mediator.core.glyphs import (
    auto_picks_safe,
    block_is_full,
    glyph_hint_due,
    is_safe_char,
    normalise_glyph_mode,
    safe_char,
    safe_text,
    use_safe_glyphs,
)

CONSOLE = {"PATH": r"C:\Windows\system32"}
WINDOWS_TERMINAL = {"PATH": r"C:\Windows\system32", "WT_SESSION": "0b9a1f2c-5d7e-4c1a-9e2b-3f4a5b6c7d8e"}


@pytest.mark.parametrize(("os_name", "environ", "safe"), [
    ("nt", CONSOLE, True),
    ("nt", WINDOWS_TERMINAL, False),
    ("nt", {"WT_SESSION": ""}, True),  # an empty variable is no Windows Terminal
    ("posix", CONSOLE, False),
    ("posix", WINDOWS_TERMINAL, False),
])
def test_auto_is_safe_on_the_windows_console_only(os_name: str, environ: dict[str, str],
                                                  safe: bool) -> None:
    assert auto_picks_safe(os_name, environ) is safe
    assert use_safe_glyphs("auto", os_name, environ) is safe
    assert use_safe_glyphs("safe", os_name, environ) is True
    assert use_safe_glyphs("full", os_name, environ) is False


def test_auto_reads_the_running_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mediator.core.glyphs.os.name", "nt")
    monkeypatch.delenv("WT_SESSION", raising=False)
    assert use_safe_glyphs("auto") is True
    monkeypatch.setenv("WT_SESSION", "1")
    assert use_safe_glyphs("auto") is False


def test_unknown_modes_read_as_auto() -> None:
    assert [normalise_glyph_mode(v) for v in ("SAFE", " full ", "", None, "ascii", 1)] == \
        ["safe", "full", "auto", "auto", "auto", "auto"]


def test_the_hint_is_due_once_and_only_when_auto_chose_safe() -> None:
    assert glyph_hint_due("auto", False, "nt", CONSOLE)
    assert not glyph_hint_due("auto", True, "nt", CONSOLE)  # shown before
    assert not glyph_hint_due("safe", False, "nt", CONSOLE)  # chosen by the user
    assert not glyph_hint_due("auto", False, "nt", WINDOWS_TERMINAL)
    assert not glyph_hint_due("auto", False, "posix", CONSOLE)


def test_safe_characters() -> None:
    assert all(is_safe_char(ch) for ch in " ~AZaz09中文、。，：（）「」　ＡＢ１")
    assert not any(is_safe_char(ch) for ch in "…—·×→①○“”▁▌▏▼▎⭘⏎│─╭✓☐éü\u00a0\x7f\x1b")


@pytest.mark.parametrize(("glyph", "ascii"), [
    ("│", "|"), ("─", "-"), ("━", "-"), ("═", "="), ("║", "|"), ("╭", "+"), ("┼", "+"),
    ("╸", "-"), ("╹", "|"), ("╱", "/"), ("╲", "\\"),
    ("▼", "v"), ("▲", "^"), ("◀", "<"), ("▶", ">"), ("→", ">"), ("←", "<"), ("↑", "^"),
    ("⭘", "o"), ("○", "o"), ("●", "o"), ("■", "#"), ("★", "*"), ("※", "*"),
    ("…", "~"), ("—", "-"), ("–", "-"), ("·", "."), ("×", "x"), ("①", "1"), ("“", '"'),
    ("’", "'"), ("✓", "v"), ("☐", "_"), ("⏎", "<"), ("ā", "a"), ("ǚ", "u"), ("é", "e"),
    ("¥", "Y"), ("\u00a0", " "), ("\u200d", ""), ("\ufe0f", ""), ("\u0301", ""),
    ("Ж", "?"), ("\ue000", "?"),
])
def test_stand_ins(glyph: str, ascii: str) -> None:
    assert safe_char(glyph) == ascii


def test_block_elements_become_a_cell_of_one_colour() -> None:
    assert safe_char("█") == safe_char("▁") == " "
    assert [block_is_full(ch) for ch in "█▊▌▐▀▄▇"] == [True] * 7
    assert [block_is_full(ch) for ch in "▁▏▎▔▕░"] == [False] * 6


def test_every_stand_in_is_one_printable_ascii_character_or_nothing() -> None:
    for code in range(0x80, 0x3000):
        ch = chr(code)
        if unicodedata.category(ch) in ("Cs", "Cn") or is_safe_char(ch):
            continue
        out = safe_char(ch)
        assert out == "" or (len(out) == 1 and " " <= out <= "~"), (hex(code), out)


def test_safe_text_keeps_chinese_and_the_number_of_cells() -> None:
    assert safe_text("逾期 3 项 · 今天 “张三”…") == '逾期 3 项 . 今天 "张三"~'
    assert safe_text("plain ascii") == "plain ascii"


def test_config_keeps_the_mode_and_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "配置 config" / "config.toml"
    assert (Config().glyphs, Config().glyphs_hint_shown) == ("auto", False)
    cfg = Config(operator="王调解", language="zh_CN", theme="light", glyphs="safe",
                 glyphs_hint_shown=True)
    save_config(path, cfg)
    back = load_config(path)
    assert (back.operator, back.language, back.theme, back.glyphs, back.glyphs_hint_shown) == \
        ("王调解", "zh_CN", "light", "safe", True)
    assert back.risk_colours == cfg.risk_colours


def test_config_without_the_new_keys_or_with_odd_values(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('operator = "李文书"\n\n[risk_colours]\nSEVERE = "red"\n', encoding="utf-8")
    cfg = load_config(path)
    assert (cfg.operator, cfg.glyphs, cfg.glyphs_hint_shown) == ("李文书", "auto", False)
    path.write_text('glyphs = "ASCII"\nglyphs_hint_shown = "yes"\n', encoding="utf-8")
    cfg = load_config(path)
    assert (cfg.glyphs, cfg.glyphs_hint_shown) == ("auto", False)
