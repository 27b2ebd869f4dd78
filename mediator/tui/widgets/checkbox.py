"""Textual's Checkbox and SelectionList, drawn as ``[x]`` / ``[ ]``.

Textual draws a box as ``▐X▌`` whether it is ticked or not; only the colour of the ``X`` tells
the two apart. A clerk could not see that 当场履行完毕 was ticked (the right default in 简易登记)
and turned it off by "ticking" it. The box says its state in characters, in every mode (the
half blocks are also among the characters the Chinese Windows console draws two cells wide).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox as TextualCheckbox
from textual.widgets import SelectionList as TextualSelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import SelectionType

#: inside the brackets of a ticked box
MARK = "x"


class Checkbox(TextualCheckbox):
    @property
    def _button(self) -> Content:
        # brackets as legible as the label; the mark in the button's colours (green when ticked)
        frame = self.get_visual_style("toggle--label")
        return Content.assemble(("[", frame), (MARK if self.value else " ",
                                               self.get_visual_style("toggle--button")), ("]", frame))


class SelectionList(TextualSelectionList[SelectionType]):
    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:  # below the last option: no box on this line
            return line
        # Textual's line starts with the three parts of the box, then a space in the style of
        # the option (see SelectionList.render_line): the same three cells, said in characters
        frame: Style | None = segments[3].style
        mark = MARK if selection.value in self._selected else " "
        return Strip([Segment("[", frame), Segment(mark, segments[1].style), Segment("]", frame),
                      *segments[3:]], line.cell_length)
