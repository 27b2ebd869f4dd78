"""Word (.docx) helpers shared by the case documents and the docx reports.

Chinese text needs its font named in ``w:eastAsia`` (``w:ascii`` alone leaves WPS and Word
falling back to whatever they like), so every style and run set here names both: a Latin
font for digits and letters, and 宋体 / 仿宋 / 黑体 for Chinese. Pages are A4 with the margins
of official documents (公文: top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm).
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from mediator.core.files import atomic_path
from mediator.core.text import xml_safe
from mediator.i18n import t

LATIN = "Times New Roman"
SONG = "宋体"
FANGSONG = "仿宋"
HEI = "黑体"
KAI = "楷体"

A4_WIDTH, A4_HEIGHT = Cm(21.0), Cm(29.7)


def _fonts(rpr: Any, east_asia: str, latin: str = LATIN) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_font(run: Run, east_asia: str = FANGSONG, size: float | None = None,
             bold: bool | None = None) -> Run:
    run.font.name = LATIN
    _fonts(run._element.get_or_add_rPr(), east_asia)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    return run


def _style_fonts(doc: Document, name: str, east_asia: str, size: float) -> None:
    style = doc.styles[name]
    style.font.name = LATIN
    style.font.size = Pt(size)
    _fonts(style.element.get_or_add_rPr(), east_asia)


def new_document(*, landscape: bool = False, body_font: str = FANGSONG,
                 body_size: float = 14, margins_cm: tuple[float, float, float, float] = (3.7, 3.5, 2.8, 2.6)
                 ) -> Document:
    """An empty A4 document whose default text is ``body_font`` for Chinese."""
    doc = new_docx()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_HEIGHT, A4_WIDTH
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    top, bottom, left, right = margins_cm
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    # document defaults (styles.xml docDefaults) as well as Normal: WPS reads the former
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPr"))
            if rpr is not None:
                _fonts(rpr, body_font)
    _style_fonts(doc, "Normal", body_font, body_size)
    _style_fonts(doc, "Table Grid", SONG, 10.5)
    lang = doc.styles["Normal"].element.get_or_add_rPr()
    el = OxmlElement("w:lang")
    el.set(qn("w:eastAsia"), "zh-CN")
    lang.append(el)
    page_numbers(section)
    return doc


def page_numbers(section: Any) -> None:
    """The page number centred in the footer as official documents print it: — 1 — (a PAGE
    field, so Word and WPS count the pages)."""
    footer = section.footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(t("doc.page_before")), SONG, 14)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("num", "1"),
                       ("end", None)):
        run = p.add_run()
        set_font(run, SONG, 14)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "num":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    set_font(p.add_run(t("doc.page_after")), SONG, 14)


def title(doc: Document, text: str, size: float = 22, font: str = SONG,
          space_after: float = 12) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(space_after)
    set_font(p.add_run(xml_safe(text)), font, size, bold=True)
    return p


def heading(doc: Document, text: str, size: float = 14, font: str = HEI) -> Paragraph:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    set_font(p.add_run(xml_safe(text)), font, size)
    return p


def para(doc: Document, text: str, *, indent: bool = True, align: str | None = None,
         size: float | None = None, font: str = FANGSONG, bold: bool = False) -> Paragraph:
    """A paragraph; ``indent`` adds the two-character first-line indent of Chinese prose.
    Line breaks in ``text`` stay line breaks."""
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * (size or 14))
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_lines(p, text, font, size, bold or None)
    return p


def labelled(doc: Document, label: str, value: str, size: float | None = None) -> Paragraph:
    """``label：value`` with the label in bold (the lines of a form)."""
    p = doc.add_paragraph()
    set_font(p.add_run(xml_safe(label) + t("doc.label_sep")), FANGSONG, size, bold=True)
    add_lines(p, value, FANGSONG, size)
    return p


_RPR_CACHE: dict[tuple[str, float | None, bool | None], Any] = {}


def _rpr(font: str, size: float | None, bold: bool | None) -> Any:
    """A run-properties element naming ``font`` for Chinese (built once, copied per run)."""
    key = (font, size, bold)
    if key not in _RPR_CACHE:
        rpr = OxmlElement("w:rPr")
        _fonts(rpr, font)
        if bold:
            rpr.append(OxmlElement("w:b"))
            rpr.append(OxmlElement("w:bCs"))
        if size is not None:
            for tag in ("w:sz", "w:szCs"):
                el = OxmlElement(tag)
                el.set(qn("w:val"), str(round(size * 2)))
                rpr.append(el)
        _RPR_CACHE[key] = rpr
    return _RPR_CACHE[key]


_W_R, _W_T, _W_BR, _XML_SPACE = qn("w:r"), qn("w:t"), qn("w:br"), qn("xml:space")


def add_lines(p: Paragraph, text: str, font: str = FANGSONG, size: float | None = None,
              bold: bool | None = None) -> None:
    """Runs for ``text`` with its line breaks kept. The run XML is written directly: through
    python-docx's run and font objects a table of a few hundred rows takes seconds.
    Characters XML cannot hold (a vertical tab pasted from Word, NUL, ESC in a row an old
    version or an import stored) are dropped here, the writers' second line of defence:
    lxml refuses them and the whole document would fail."""
    template = _rpr(font, size, bold)
    run = etree.SubElement(p._p, _W_R)
    run.append(deepcopy(template))
    lines = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            etree.SubElement(run, _W_BR)
        el = etree.SubElement(run, _W_T)
        el.text = line
        el.set(_XML_SPACE, "preserve")


def table(doc: Document, headers: Sequence[str] | None, rows: Sequence[Sequence[str]],
          widths_cm: Sequence[float] | None = None, size: float = 9,
          bold_rows: Sequence[int] = (), font: str = SONG) -> Any:
    """A bordered table; the header row repeats on every page.

    Cells are reached through the row XML: python-docx's ``row.cells`` rebuilds the whole
    table's cell grid on every call, which makes a few hundred rows take seconds.
    """
    ncols = len(headers) if headers else max((len(r) for r in rows), default=1)
    tbl = doc.add_table(rows=(1 if headers else 0) + len(rows), cols=ncols)
    tbl.style = doc.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    trs = tbl._tbl.tr_lst
    bold = set(bold_rows)
    offset = 0
    widths = [Cm(w) for w in widths_cm] if widths_cm else None

    def cells(tr: Any) -> list[_Cell]:
        return [_Cell(tc, tbl) for tc in tr.tc_lst]

    if headers:
        trpr = trs[0].get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)
        for cell, value in zip(cells(trs[0]), headers):
            add_lines(cell.paragraphs[0], value, font, size, True)
        offset = 1
    for i, values in enumerate(rows):
        for cell, value in zip(cells(trs[i + offset]), values):
            add_lines(cell.paragraphs[0], str(value), font, size, True if i in bold else None)
    if widths:
        for tr in trs:
            for cell, w in zip(cells(tr), widths):
                cell.width = w
    return tbl


def save(doc: Document, path: Path) -> Path:
    """Write next to the target, then replace it: a crash never leaves half a file."""
    path = Path(path)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
