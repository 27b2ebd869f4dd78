"""Patterns compiled on first use (mediator.core.lazyre): the same answers as re.compile."""

from __future__ import annotations

import re

from mediator.core import lazyre
from mediator.core.lazyre import lazy


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    text = "电话 13812345678 转 12，Ext. 7"
    for pattern, flags, whole in ((r"1[3-9][0-9]{2}", 0, "1381"),
                                  (r"(转|ext\.?)\s*([0-9]+)", re.IGNORECASE, "EXT 7")):
        got, want = lazy(pattern, flags), re.compile(pattern, flags)
        assert got.search(text).group(0) == want.search(text).group(0)  # type: ignore[union-attr]
        assert got.findall(text) == want.findall(text)
        assert [m.span() for m in got.finditer(text)] == [m.span() for m in want.finditer(text)]
        assert got.sub("#", text) == want.sub("#", text)
        assert got.subn("#", text) == want.subn("#", text)
        assert got.split(text) == want.split(text)
        assert got.match(text) is None and want.match(text) is None
        assert got.fullmatch(whole).group(0) == whole  # type: ignore[union-attr]
        assert (got.pattern, got.flags, got.groups, got.groupindex) == \
               (want.pattern, want.flags, want.groups, want.groupindex)


def test_it_compiles_once_and_only_when_used(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compiled: list[str] = []
    original = re.compile

    def counting(pattern, flags=0):  # type: ignore[no-untyped-def]
        compiled.append(pattern)
        return original(pattern, flags)

    monkeypatch.setattr(lazyre.re, "compile", counting)
    pattern = lazy(r"[0-9]{17}[0-9X]")
    assert compiled == []
    assert pattern.fullmatch("11010519491231002X") is not None
    assert pattern.sub("[ID]", "身份证 11010519491231002X") == "身份证 [ID]"
    assert compiled == [r"[0-9]{17}[0-9X]"]
