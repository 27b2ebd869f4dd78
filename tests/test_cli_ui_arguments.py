"""The bare ``mediator``'s options read without argparse (cli.ui_arguments, issue 21): the
same values argparse gives, or None where argparse must answer (its message, exit 2)."""

from __future__ import annotations

import contextlib
import io

import pytest

from mediator.cli import build_parser, starts_ui, ui_arguments


def argparse_reads(argv: list[str]) -> dict[str, str] | str:
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return vars(build_parser(subcommands=False).parse_args(argv))
    except SystemExit as exc:
        return f"exit {exc.code}"


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {}),
    (["--db", "a.db"], {"db": "a.db"}),
    (["--db=a.db"], {"db": "a.db"}),
    (["--db", "a.db", "--db", "b.db"], {"db": "b.db"}),
    (["--lang=zh_CN", "--operator", "王芳"], {"lang": "zh_CN", "operator": "王芳"}),
    (["--lang", "en", "--lang=zh"], {"lang": "zh"}),
    (["--operator=", "--db", "x.db"], {"operator": "", "db": "x.db"}),
])
def test_the_options_are_what_argparse_reads(argv: list[str], expected: dict[str, str]) -> None:
    assert starts_ui(argv)
    args = ui_arguments(argv)
    assert args is not None
    assert vars(args) == expected == argparse_reads(argv)


@pytest.mark.parametrize(("argv", "argparse_says"), [
    (["--lang", "fr"], "exit 2"),
    (["--db", "-x"], "exit 2"),
    (["--db=-x"], {"db": "-x"}),
])
def test_argparse_judges_what_looks_unusual(argv: list[str], argparse_says: object) -> None:
    assert starts_ui(argv)
    assert ui_arguments(argv) is None
    assert argparse_reads(argv) == argparse_says


def test_a_wrong_language_still_gets_argparse_s_message(capsys: pytest.CaptureFixture[str]) -> None:
    from mediator.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--lang", "fr"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == ("mediator：错误：参数 --lang：无效的选项 'fr'"
                                    "（可选：'zh', 'zh_CN', 'en'）")
