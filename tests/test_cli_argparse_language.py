"""argparse's own words — the usage line, the option lists, every parse error — come in the
user's language like the rest of the command line, with argparse's exit code 2."""

from __future__ import annotations

import argparse

import pytest

from mediator.cli import argtext, main
from mediator.i18n import set_language


@pytest.fixture(autouse=True)
def _chinese_after() -> object:
    yield
    set_language("zh")


def _fail(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err


def test_an_unknown_command_is_refused_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    err = _fail(["frobnicate"], capsys)
    assert err.startswith("用法：mediator [-h]")
    assert err.splitlines()[-1].startswith(
        "mediator：错误：参数 命令：无效的选项 'frobnicate'（可选：'init', 'demo', ")


def test_a_missing_and_an_unknown_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert _fail(["accept"], capsys).splitlines()[-1] == \
        "mediator accept：错误：缺少必需的参数：case"
    assert _fail(["doctor", "--nonsense"], capsys).splitlines()[-1] == \
        "mediator：错误：无法识别的参数：--nonsense"


def test_a_bad_language_choice(capsys: pytest.CaptureFixture[str]) -> None:
    assert _fail(["--lang", "fr", "doctor"], capsys).splitlines()[-1] == \
        "mediator：错误：参数 --lang：无效的选项 'fr'（可选：'zh', 'zh_CN', 'en'）"


def test_help_is_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["accept", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("用法：mediator accept [-h]")
    assert "命令和参数:" in out and "选项:" in out
    helps = [line.split() for line in out if line.startswith("  -h, --help")]
    assert helps == [["-h,", "--help", "显示本帮助并退出"]]   # however wide the terminal


def test_english_stays_english(capsys: pytest.CaptureFixture[str]) -> None:
    err = _fail(["--lang", "en", "accept"], capsys)
    assert err.startswith("usage: mediator accept [-h]")
    assert err.splitlines()[-1] == \
        "mediator accept: error: the following arguments are required: case"


def test_every_listed_message_has_both_languages() -> None:
    from mediator.i18n import load_catalog

    for lang in ("zh_CN", "en"):
        catalog = load_catalog(lang)
        for message, key in argtext.KEYS.items():
            text = catalog[key]
            # the same %-placeholders as argparse's message, or formatting it would fail
            for mark in ("%s", "%r", "%(prog)s", "%(message)s", "%(value)r", "%(choices)s",
                         "%(argument_name)s", "%(type)s", "%(option)s", "%(matches)s",
                         "%(parser_name)r", "%(filename)s", "%(error)s"):
                assert text.count(mark) == message.count(mark), (lang, key, mark)
    set_language("zh")
    argtext.install()
    assert argparse._("usage: ") == "用法："  # type: ignore[attr-defined]
