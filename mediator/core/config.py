"""User settings kept in ``config.toml`` (operator name, language, theme, screen glyphs, risk
colours).

Written atomically (tmp + replace) so a power cut never leaves half a file; an unreadable file
is reported and ignored rather than stopping the program.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mediator.core.files import atomic_write
from mediator.core.glyphs import DEFAULT_GLYPH_MODE, normalise_glyph_mode

DEFAULT_RISK_COLOURS = {"GENERAL": "blue", "MAJOR": "yellow", "SEVERE": "red"}


@dataclass
class Config:
    operator: str = ""
    language: str = ""
    theme: str = ""
    #: "auto", "safe" or "full": see mediator.core.glyphs
    glyphs: str = DEFAULT_GLYPH_MODE
    #: the notice on starting in Windows Terminal was shown (once is enough)
    glyphs_hint_shown: bool = False
    risk_colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_RISK_COLOURS))
    problem: str | None = None  # why the file could not be read, if it could not


def load_config(path: Path) -> Config:
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problem=str(exc))
    colours = dict(DEFAULT_RISK_COLOURS)
    raw = data.get("risk_colours")
    if isinstance(raw, dict):
        colours.update({str(k): str(v) for k, v in raw.items()})
    return Config(operator=str(data.get("operator", "")), language=str(data.get("language", "")),
                  theme=str(data.get("theme", "")), glyphs=normalise_glyph_mode(data.get("glyphs")),
                  glyphs_hint_shown=data.get("glyphs_hint_shown") is True, risk_colours=colours)


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def save_config(path: Path, cfg: Config) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(cfg)
    lines = [f"{k} = {_toml_str(str(data[k]))}" for k in ("operator", "language", "theme", "glyphs")]
    lines.append(f"glyphs_hint_shown = {'true' if cfg.glyphs_hint_shown else 'false'}")
    lines.append("")
    lines.append("[risk_colours]")
    lines += [f"{k} = {_toml_str(v)}" for k, v in cfg.risk_colours.items()]
    atomic_write(path, "\n".join(lines) + "\n")
