import json
import re
from pathlib import Path

from mediator import i18n

ROOT = Path(i18n.__file__).parent


def _areas(lang: str) -> dict[str, dict[str, str]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / lang).glob("*.json")}


def test_catalogs_have_the_same_files_and_keys() -> None:
    zh, en = _areas("zh_CN"), _areas("en")
    assert sorted(zh) == sorted(en)
    for area in zh:
        assert set(zh[area]) == set(en[area]), area


def test_keys_are_unique_across_areas() -> None:
    seen: dict[str, str] = {}
    for area, data in _areas("zh_CN").items():
        for key in data:
            assert key not in seen, f"{key} in {area} and {seen.get(key)}"
            seen[key] = area


def test_placeholders_match_between_languages() -> None:
    zh, en = i18n.load_catalog("zh_CN"), i18n.load_catalog("en")
    for key, text in zh.items():
        field = r"{(\w+)(?::[^{}]*)?}"  # {n} or {n:plural:case|cases}
        a, b = set(re.findall(field, text)), set(re.findall(field, en[key]))
        # one language may leave a value out (e.g. the day of an invalid date), never add one
        assert a <= b or b <= a, key


def test_every_literal_key_used_in_code_exists() -> None:
    catalog = i18n.load_catalog("zh_CN")
    pkg = ROOT.parent
    missing = []
    for path in pkg.rglob("*.py"):
        for key in re.findall(r"\bt\(\"([a-z_]+\.[A-Za-z0-9_.]+)\"", path.read_text(encoding="utf-8")):
            if key not in catalog:
                missing.append(f"{path.name}: {key}")
    assert not missing


def test_switching_language() -> None:
    i18n.set_language("en")
    assert i18n.t("action.ACCEPT") == "Accept"
    i18n.set_language("zh")
    assert i18n.t("action.ACCEPT") == "受理"


def test_english_plurals() -> None:
    i18n.set_language("en")
    try:
        assert i18n.t("report.text.concluded", concluded=1, success=1, failed=0, withdrawn=0,
                      transferred=0, rate="100.0%", agreements=1, written=1, amount="5.00",
                      applied=1, confirmed=0) == (
            "1 concluded: 1 mediated successfully, 0 failed, 0 withdrawn, 0 transferred up; "
            "success rate 100.0%. 1 agreement (1 written) for 5.00 yuan; 1 application for "
            "judicial confirmation, 0 confirmed.")
        assert i18n.t("tui.dash.overdue_count", n=2) == "2 cases past their mediation deadline"
        assert i18n.t("tui.dash.overdue_count", n=1) == "1 case past their mediation deadline"
    finally:
        i18n.set_language("zh_CN")
