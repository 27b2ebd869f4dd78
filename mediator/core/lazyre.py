"""Regular expressions compiled on first use.

Compiling a module's patterns at import was a few ms of every start, paid by the terminal UI
before its first frame although most runs never use most of them (the ID-number, amount and
date parsers of :mod:`mediator.core.validate`, the log scrubber's patterns). ``lazy(p)`` is a
stand-in that compiles ``re.compile(p)`` when a method or attribute is first asked for and
from then on hands out the compiled pattern's own bound methods (an attribute of the
instance: no slower than calling the compiled pattern). It is typed as the pattern, and only
its methods and attributes are used (never ``re.sub(lazy_pattern, …)``).
"""

from __future__ import annotations

import re
from typing import Any, cast

#: what the stand-in passes on (all of ``re.Pattern``'s public methods and attributes)
_FORWARDED = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
              "scanner", "pattern", "flags", "groups", "groupindex")


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # only called for what the instance does not have yet: the first use
        compiled = re.compile(*self._args)
        for attr in _FORWARDED:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done on first use."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
