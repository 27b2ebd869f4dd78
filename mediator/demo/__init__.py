"""``mediator demo``: a year of realistic synthetic cases (``generator``) told with the words
in ``texts``. Above ``mediator.core`` (it plays cases through ``core.rules`` and writes them
with ``core.bulk``), below the CLI and the TUI; it never imports textual."""

from mediator.demo.generator import DemoResult, cn_date, generate, uscc, uscc_valid

__all__ = ["DemoResult", "cn_date", "generate", "uscc", "uscc_valid"]
