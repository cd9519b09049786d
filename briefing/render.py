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
    header = document.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(header, f"{briefing.department} · {briefing.year}年度 · 审核简报", TABLE_FONT, QUOTE_PT)

    out = _Writer(document)
    title = out.paragraph(briefing.department, style="Title", font=TABLE_FONT)
    title.runs[0].add_break()
    _run(title, f"{briefing.year}年度预算绩效审核简报", TABLE_FONT)
    line = out.paragraph(f"生成日期：{briefing.generated}　　范围：{briefing.scope}")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER

    out.heading("一、基本情况", 1)
    out.pairs(briefing.facts)
    out.heading("读入的文件", 2)
    out.documents(briefing)

    out.heading("二、总体情况", 1)
    out.heading("预算与执行", 2)
    out.pairs(briefing.money, together=True)
    out.heading("问题分布（本简报所列，按类别和严重程度）", 2)
    out.table(
        briefing.by_category,
        [56, 25, 25, 25, 25],
        total_row=True,
        centred_from=1,
        together=True,
    )
    out.heading("审核进展（本部门全部疑点）", 2)
    out.pairs(briefing.review, together=True)
    out.paragraph(briefing.listed)

    out.heading("三、问题明细", 1)
    if not briefing.findings:
        out.paragraph("没有符合条件的问题。")
    for entry in briefing.findings:
        out.finding(entry)

    out.heading("附录：解析问题", 1)
    if len(briefing.issues) > 1:
        out.paragraph("读取本部门文件时遇到、可能影响上述数字的情况：")
        out.table(briefing.issues, [40, 12, 30, 14, 60])
    else:
        out.paragraph("读取本部门的文件时没有遇到解析问题。")
    out.paragraph(NOTE, size=TABLE_PT)

    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def _run(paragraph, text: object, font: CjkFont, size: float | None = None, bold: bool = False):
    run = paragraph.add_run(plain(text))
    run_fonts(run, font)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    return run


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


class _Writer:
    """Appends the briefing's blocks to a document, its styles looked up once (python-docx
    searches every style by name on each use)."""

    def __init__(self, document):
        self.document = document
        self.styles = {
            name: document.styles[name]
            for name in ("Title", "Heading 1", "Heading 2", "Table Grid")
        }

    def paragraph(self, text: str, style: str | None = None, font: CjkFont = BODY_FONT, size=None):
        paragraph = self.document.add_paragraph(style=self.styles[style] if style else None)
        _run(paragraph, text, font, size)
        return paragraph

    def heading(self, text: str, level: int):
        paragraph = self.document.add_paragraph(style=self.styles[f"Heading {level}"])
        _run(paragraph, text, HEADING_FONT)
        return paragraph

    def gap(self) -> None:
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)

    def table(
        self,
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
        table = self.document.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = self.styles["Table Grid"]
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
        self.gap()
        return table

    def pairs(self, pairs: list[tuple[str, str]], together: bool = False):
        """Label / value rows, labels shaded in a narrow first column."""
        return self.table(
            [[label, value] for label, value in pairs],
            [LABEL_MM, TEXT_WIDTH_MM - LABEL_MM],
            header=False,
            labels=True,
            together=together,
        )

    def documents(self, briefing: Briefing) -> None:
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
            self.paragraph("没有读入该部门该年度的文件。")
            return
        self.table(rows, widths)

    def finding(self, entry: FindingEntry) -> None:
        self.heading(entry.heading, 2)
        self.pairs(entry.facts, together=True)
        if entry.quote:
            cited = next(q.number for q in entry.quote if q.cited)
            first, last = entry.quote[0].number, entry.quote[-1].number
            label = self.paragraph(
                f"原文摘录（第{first}–{last}行，第{cited}行为所引行）：", size=TABLE_PT
            )
            label.paragraph_format.keep_with_next = True
            self.quote(entry)

    def quote(self, entry: FindingEntry) -> None:
        """The lines around the cited one in a shaded box, each with its line number."""
        table = self.document.add_table(rows=1, cols=1)
        table.style = self.styles["Table Grid"]
        table.autofit = False
        _cannot_split(table.rows[0])
        cell = table.rows[0].cells[0]
        cell.width = Mm(TEXT_WIDTH_MM)
        _shade(cell, QUOTE_FILL)
        for k, line in enumerate(entry.quote):
            paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            marker = f"{'▶' if line.cited else ' '}{line.number:>5}  "
            number = _run(paragraph, marker, TABLE_FONT, QUOTE_PT)
            number.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
            _run(paragraph, line.text, TABLE_FONT, QUOTE_PT, bold=line.cited)
        self.gap()
