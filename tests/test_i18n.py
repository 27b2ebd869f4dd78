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
        a, b = set(re.findall(r"{(\w+)}", text)), set(re.findall(r"{(\w+)}", en[key]))
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
