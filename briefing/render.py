"""Lay a :class:`~briefing.content.Briefing` out as a Word document (python-docx).

Report text only ever goes into ``add_run``: python-docx writes it as literal text (``<``,
``&``, ``**`` stay what they are), never through anything that reads markup. Characters
XML cannot hold (control codes a broken PDF may leave) are dropped first.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from briefing.content import Briefing, FindingEntry
from briefing.page import (
    BODY_FONT,
    HEADING_FONT,
    QUOTE_PT,
    TABLE_FONT,
    TABLE_PT,
    TEXT_WIDTH_MM,
    CjkFont,
    run_fonts,
    set_up,
)

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HEADER_FILL, QUOTE_FILL, LABEL_FILL = "D9D9D9", "F2F2F2", "F2F2F2"
LABEL_MM = 28
NOTE = (
    "说明：疑点由 budget-audit 按检查规则从报告原文中筛出，是需要核实的线索，不是结论；"
    "审核状态、意见和审核人取自审核记录。金额单位为万元，保留两位小数。"
)


def plain(text: object) -> str:
    """Report text as it may go into XML: unchanged but for characters XML cannot hold."""
    return _NOT_XML.sub("", "" if text is None else str(text))


def to_docx(briefing: Briefing) -> bytes:
    document = Document()
    set_up(document)
    properties = document.core_properties
    properties.title = plain(briefing.title)
    properties.author = "budget-audit"
    properties.language = "zh-CN"
    properties.subject = "预算绩效审核简报"
    _header(document, briefing)

    title = _paragraph(document, briefing.department, style="Title", font=TABLE_FONT)
    title.runs[0].add_break()
    _run(title, f"{briefing.year}年度预算绩效审核简报", TABLE_FONT)
    line = _paragraph(document, f"生成日期：{briefing.generated}　　范围：{briefing.scope}")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _heading(document, "一、基本情况", 1)
    _pairs(document, briefing.facts)
    _heading(document, "读入的文件", 2)
    _documents(document, briefing)

    _heading(document, "二、总体情况", 1)
    _heading(document, "预算与执行", 2)
    _pairs(document, briefing.money, together=True)
    _heading(document, "问题分布（本简报所列，按类别和严重程度）", 2)
    _table(
        document,
        briefing.by_category,
        [56, 25, 25, 25, 25],
        total_row=True,
        centred_from=1,
        together=True,
    )
    _heading(document, "审核进展（本部门全部疑点）", 2)
    _pairs(document, briefing.review, together=True)
    _paragraph(document, briefing.listed)

    _heading(document, "三、问题明细", 1)
    if not briefing.findings:
        _paragraph(document, "没有符合条件的问题。")
    for entry in briefing.findings:
        _finding(document, entry)

    _heading(document, "附录：解析问题", 1)
    if len(briefing.issues) > 1:
        _paragraph(document, "读取本部门文件时遇到、可能影响上述数字的情况：")
        _table(document, briefing.issues, [40, 12, 30, 14, 60])
    else:
        _paragraph(document, "读取本部门的文件时没有遇到解析问题。")
    _paragraph(document, NOTE, size=TABLE_PT)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _header(document, briefing: Briefing) -> None:
    paragraph = document.sections[0].header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(paragraph, f"{briefing.department} · {briefing.year}年度 · 审核简报", TABLE_FONT, QUOTE_PT)


def _run(paragraph, text: object, font: CjkFont, size: float | None = None, bold: bool = False):
    run = paragraph.add_run(plain(text))
    run_fonts(run, font)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    return run


def _paragraph(document, text: str, style: str | None = None, font: CjkFont = BODY_FONT, size=None):
    paragraph = document.add_paragraph(style=style)
    _run(paragraph, text, font, size)
    return paragraph


def _heading(document, text: str, level: int):
    paragraph = document.add_heading(level=level)
    _run(paragraph, text, HEADING_FONT)
    return paragraph


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(row) -> None:
    """The first row prints again at the top of each page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _cannot_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _table(
    document,
    rows: list[list[str]],
    widths_mm: list[float],
    header: bool = True,
    labels: bool = False,
    total_row: bool = False,
    centred_from: int | None = None,
    together: bool = False,
):
    """A bordered table (Table Grid) of fixed column widths that add up to the text width.

    ``centred_from``: columns from this one on are centred (counts); ``together``: the rows
    stay on one page with what follows, as far as the page allows.
    """
    scale = TEXT_WIDTH_MM / sum(widths_mm)
    widths = [Mm(w * scale) for w in widths_mm]
    table = document.add_table(rows=len(rows), cols=len(widths_mm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    last = len(rows) - 1
    for i, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        emphasised = (header and i == 0) or (total_row and i == last)
        for j, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[j]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(1)
            paragraph.paragraph_format.line_spacing = 1.0
            _run(paragraph, text, TABLE_FONT, TABLE_PT, bold=emphasised or (labels and j == 0))
            if centred_from is not None and j >= centred_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if together:
                paragraph.paragraph_format.keep_with_next = True
            if header and i == 0:
                _shade(cell, HEADER_FILL)
            elif labels and j == 0:
                _shade(cell, LABEL_FILL)
        if header and i == 0:
            _repeat_as_header(row)
        if together:
            _cannot_split(row)
    document.add_paragraph().paragraph_format.space_after = Pt(2)
    return table


def _pairs(document, pairs: list[tuple[str, str]], together: bool = False):
    """Label / value rows, labels shaded in a narrow first column."""
    return _table(
        document,
        [[label, value] for label, value in pairs],
        [LABEL_MM, TEXT_WIDTH_MM - LABEL_MM],
        header=False,
        labels=True,
        together=together,
    )


def _documents(document, briefing: Briefing) -> None:
    header = ["文件", "格式", "类型", "读取状态"]
    widths = [44, 12, 38, 20]
    if briefing.coverage_shown:
        header.append("理解覆盖率")
        widths.append(17)
    header.append("说明")
    widths.append(30)
    rows = [header]
    for doc in briefing.documents:
        row = [doc.file, doc.format, doc.kind, doc.status]
        if briefing.coverage_shown:
            row.append(doc.coverage)
        rows.append([*row, doc.message])
    if len(rows) == 1:
        _paragraph(document, "没有读入该部门该年度的文件。")
        return
    _table(document, rows, widths)


def _finding(document, entry: FindingEntry) -> None:
    _heading(document, entry.heading, 2)
    _pairs(document, entry.facts, together=True)
    if entry.quote:
        cited = next(q.number for q in entry.quote if q.cited)
        label = _paragraph(
            document,
            f"原文摘录（第{entry.quote[0].number}–{entry.quote[-1].number}行，第{cited}行为所引行）：",
            size=TABLE_PT,
        )
        label.paragraph_format.keep_with_next = True
        _quote(document, entry)


def _quote(document, entry: FindingEntry) -> None:
    """The lines around the cited one in a shaded box, each with its line number."""
    table = document.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    table.autofit = False
    _cannot_split(table.rows[0])
    cell = table.rows[0].cells[0]
    cell.width = Mm(TEXT_WIDTH_MM)
    _shade(cell, QUOTE_FILL)
    for k, line in enumerate(entry.quote):
        paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        number = _run(
            paragraph, f"{'▶' if line.cited else ' '}{line.number:>5}  ", TABLE_FONT, QUOTE_PT
        )
        number.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        _run(paragraph, line.text, TABLE_FONT, QUOTE_PT, bold=line.cited)
    document.add_paragraph().paragraph_format.space_after = Pt(2)
