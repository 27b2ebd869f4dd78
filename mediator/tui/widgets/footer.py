"""The key footer of every screen: Textual's compact footer, rebuilt only when its keys change."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Textual's compact footer, with two costs of its start-up taken out (measured on the
    cases screen at 100,000 cases, where they were a third of the first frame):

    - each key gets its ``-compact`` class before it is mounted; set afterwards (Textual's
      way, by a watcher) it restyled every key, one whole stylesheet pass per key;
    - Textual rebuilds the footer on every change of focus or bindings (six times while the
      cases screen starts). Here the requests of one frame fold into one, and the footer is
      rebuilt only when the keys it shows are not the ones it already shows.

    And it stays one readable line at any width: the keys that do not fit are hidden from the
    end (the app's own keys come after the screen's, and the top bar offers the same places),
    where Textual's would cut a key mid-word and draw the palette key over the rest. Hidden
    keys still work, and the palette (^p) lists every action.
    """

    def __init__(self, *, compact: bool = True, **kwargs: Any) -> None:
        super().__init__(compact=compact, **kwargs)
        self._shown: tuple[object, ...] | None = None
        self._rebuild_pending = False

    def _keys_shown(self) -> tuple[object, ...]:
        keys = tuple((binding.key, binding.action, binding.description, binding.key_display,
                      binding.group, bool(enabled), tooltip)
                     for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                     if binding.show)
        return (*keys, self.compact, self.show_command_palette)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys_shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and self.compact:
                widget.set_class(True, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            # at start: the keys after the first frame is on the terminal (their compose and
            # the relayout were ~10 ms before it); MediatorApp.after_first_frame
            after_first_frame = getattr(screen.app, "after_first_frame", None)
            if after_first_frame is not None:
                after_first_frame(self._rebuild, self)
            else:
                self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if self.is_attached and self._keys_shown() != self._shown:
            await self.recompose()
            self._fit()

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    @staticmethod
    def _width(key: FooterKey) -> int:
        """A compact key's width on screen: key, a space, description (no layout needed, so
        hidden keys are measured too)."""
        width = cell_len(key.key_display)
        return width + 1 + cell_len(key.description) if key.description else width

    def _fit(self) -> None:
        keys = [w for w in self.children if isinstance(w, FooterKey)]
        docked = [k for k in keys if k.has_class("-command-palette")]
        # + its left border and the cell it keeps free at the right edge (docked at x = width
        # - key - 2: counting only the border let the last key run one cell under it)
        room = self.size.width - sum(self._width(k) + 2 for k in docked)
        used = 0
        fits = True
        for key in keys:
            if key in docked:
                continue
            used += self._width(key)
            fits = fits and used <= room
            used += 1  # the margin after a key (may run off the end)
            if key.display != fits:
                key.display = fits
