"""One translation function for every user-visible string.

Catalogs live in ``mediator/i18n/<lang>/<area>.json`` (one file per feature area, so features
can add strings without touching each other's files). Keys are dotted ASCII; values are
``str.format`` templates. Chinese (zh_CN) is the default; English is complete (a test compares
the key sets of every area).
"""

from __future__ import annotations

import json
import os
import string
from typing import Any

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "cn": "zh_CN", "en": "en",
            "en_us": "en", "en-us": "en", "en_gb": "en"}

_language: str | None = None
_catalogs: dict[str, dict[str, str]] = {}


def normalise_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    key = lang.strip().split(".")[0].lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key.startswith("zh"):
        return "zh_CN"
    if key.startswith("en"):
        return "en"
    raise ValueError(lang)


def set_language(lang: str | None) -> str:
    """Select the UI language ('zh', 'zh_CN' or 'en'); returns the normalised code."""
    global _language
    _language = normalise_language(lang)
    return _language


def get_language() -> str:
    global _language
    if _language is None:
        env = os.environ.get("MEDIATOR_LANG")
        try:
            _language = normalise_language(env)
        except ValueError:
            _language = DEFAULT_LANGUAGE
    return _language


def load_catalog(lang: str) -> dict[str, str]:
    """All strings of one language, merged from its area files."""
    if lang in _catalogs:
        return _catalogs[lang]
    merged: dict[str, str] = {}
    for text in _area_texts(lang):
        merged.update(json.loads(text))
    _catalogs[lang] = merged
    return merged


def _area_texts(lang: str) -> list[str]:
    """The texts of one language's area files, by file name. Read from the package's folder
    (the checkout, the wheel, the portable build's bundle) with plain file reads: through
    ``importlib.resources`` the catalogue cost every start a few ms more (its import, zipfile)
    and the terminal UI's first frame waits for it; a package not in a folder (a zip) is read
    through ``importlib.resources`` as before."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), lang)
    if os.path.isdir(folder):
        texts = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    texts.append(fh.read())
        return texts
    from importlib import resources

    entries = resources.files(__package__).joinpath(lang).iterdir()
    return [entry.read_text(encoding="utf-8")
            for entry in sorted(entries, key=lambda p: p.name) if entry.name.endswith(".json")]


class _Formatter(string.Formatter):
    """``str.format`` plus English plurals: ``{n:plural:application|applications}`` gives
    "1 application" and "2 applications" (the number, a space, the form for it)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec.startswith("plural:"):
            one, _, many = format_spec[len("plural:"):].partition("|")
            singular = value == 1 or (isinstance(value, str) and value.strip() == "1")
            return f"{value} {one if singular else many or one}"
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def t(key: str, /, **kwargs: Any) -> str:
    """Translate ``key`` into the current language and fill in ``kwargs``.

    A missing key falls back to Chinese, then to the key itself, so a missing string is
    visible rather than fatal (the catalog test catches it before release).
    """
    lang = get_language()
    text = load_catalog(lang).get(key)
    if text is None:
        text = load_catalog(DEFAULT_LANGUAGE).get(key, key)
    if kwargs:
        try:
            if "plural:" not in text:  # str.format is C: the Formatter took 0.6 s of a
                return text.format(**kwargs)  # 10,000-row ledger import's 47,000 texts
            return _FORMATTER.format(text, **kwargs)
        except (KeyError, IndexError, ValueError):
            return text
    return text
