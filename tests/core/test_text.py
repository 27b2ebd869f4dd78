"""mediator.core.text and mediator.core.safejson: outside text shown, stored and parsed
safely (issue 17)."""

from __future__ import annotations

import json

import pytest

from mediator.core.safejson import loads_bounded, nesting_depth
from mediator.core.text import has_controls, plain, strip_controls, visible_controls, xml_safe
from mediator.core.validate import normalise, normalise_line, normalise_text


def test_one_plain_for_the_cli_and_the_tui() -> None:
    from mediator.tui import text as tui_text
    from mediator.tui.widgets import form

    assert tui_text.plain is plain
    assert not hasattr(form, "plain") and not hasattr(form, "literal")
    assert tui_text.literal("a\x1bb\nc", one_line=False).plain == "a^[b\nc"


@pytest.mark.parametrize(("raw", "one_line", "multi_line"), [
    ("\x1b[2J", "^[[2J", "^[[2J"),
    ("\x1b]0;title\x07", "^[]0;title^G", "^[]0;title^G"),
    ("a\rb", "a b", "ab"),
    ("a\nb\tc", "a b c", "a\nb    c"),
    ("\x00\x7f\x85\x9b", "^@^?<85><9B>", "^@^?<85><9B>"),
    ("abc\u202edcba\u2066x\u2069", "abc<U+202E>dcba<U+2066>x<U+2069>",
     "abc<U+202E>dcba<U+2066>x<U+2069>"),
    ("张三👨‍👩‍👧", "张三👨‍👩‍👧", "张三👨‍👩‍👧"),
    (None, "", ""),
])
def test_plain_shows_every_control_visibly_in_ascii(raw, one_line, multi_line) -> None:  # type: ignore[no-untyped-def]
    assert plain(raw) == one_line
    assert plain(raw, one_line=False) == multi_line
    for out in (plain(raw), plain(raw, one_line=False)):
        assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) < 0xA0 for c in out)


def test_plain_limit_cuts_before_expanding() -> None:
    assert plain("\x1b\x1b\x1b", limit=2) == "^[^["


def test_visible_controls_keeps_layout_but_not_a_lone_cr() -> None:
    assert visible_controls("a,b\r\nc\td\x1b\re\n") == "a,b\r\nc\td^[^Me\n"


@pytest.mark.parametrize(("raw", "line", "block"), [
    ("张\x0b三", "张三", "张三"),
    ("张\t三\n", "张 三 ", "张\t三\n"),
    ("a\r\n\nb", "a b", "a\r\n\nb"),
    ("\x00\x1b[31m红\x9b\x7f", "[31m红", "[31m红"),
])
def test_strip_controls(raw, line, block) -> None:  # type: ignore[no-untyped-def]
    assert strip_controls(raw) == line
    assert strip_controls(raw, multi_line=True) == block
    assert has_controls(raw)
    assert not has_controls(block, multi_line=True)


def test_a_printable_text_is_returned_as_it_is() -> None:
    """strip_controls returns a printable text at once (issue 16): no printable character is
    one its substitutions change, so both ways give the same text, in both modes."""
    from mediator.core.text import _CONTROLS, _WHITESPACE_CONTROLS

    printable = "".join(ch for ch in map(chr, range(0x30000))
                        if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)
    assert len(printable) > 100_000
    assert _CONTROLS.sub("", _WHITESPACE_CONTROLS.sub(" ", printable)) == printable
    assert _CONTROLS.sub("", printable) == printable
    assert strip_controls(printable) is printable
    assert strip_controls("张三\u3000丰\t") == "张三\u3000丰 "  # not printable: substituted


def test_input_normalisation_removes_controls() -> None:
    assert normalise(" 张\x0b三\x00 ") == "张三"
    assert normalise_line("李\n四\t") == "李 四"
    assert normalise_text("第一行\x0b\r\n第二行\r第三行\x1b") == "第一行\n第二行\n第三行"
    assert normalise_text("甲\t乙") == "甲\t乙"


def test_xml_safe_drops_what_xml_cannot_hold() -> None:
    assert xml_safe("a\x00b\x0bc\x1bd\tn\ne\rf\x85\ud800\ufffe\uffff") == "abcd\tn\ne\rf"
    assert xml_safe(None) == ""


def test_nesting_depth_ignores_brackets_in_strings() -> None:
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert nesting_depth('{"a": "\\"[[["}') == 1


@pytest.mark.parametrize("raw", [
    b"[" * 100_000 + b"]" * 100_000,       # RecursionError in json.loads
    b'{"a": 1.5}', b'{"a": 1e400}', b'{"a": NaN}', b'{"a": -Infinity}',
    b'{"a": ' + b"9" * 20 + b"}",
    b'{"a": 1, "a": 2}',
    b"\xff\xfe",
    b'{"a": [1, 2',
])
def test_loads_bounded_refuses_with_value_error(raw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        loads_bounded(raw, max_bytes=1_000_000, max_depth=8)


def test_loads_bounded_reads_what_a_writer_writes() -> None:
    data = {"kind": "x", "n": 2**63 - 1, "neg": -5, "s": "张三\\", "l": [[1], {"b": None}]}
    assert loads_bounded(json.dumps(data).encode(), max_bytes=1000, max_depth=3) == data
    with pytest.raises(ValueError):
        loads_bounded(json.dumps(data).encode(), max_bytes=10)
    with pytest.raises(ValueError):
        loads_bounded(json.dumps(data).encode(), max_bytes=1000, max_depth=2)
