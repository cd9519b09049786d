"""Text to blocks: paragraphs of prose and raw cell grids, each with source lines.

Two table layouts occur in text extracted from Word and PDF:

* tab-separated rows, one table row per line (a single blank line inside a
  table is a page break, not the end of the table);
* Word-table dumps, one cell per line: a cell line starts with a tab, a blank
  line ends a row, and lines without a tab continue the previous cell.

Cells stay raw strings here; normalisation happens in :mod:`loaders.cells`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat

from loaders.cells import compact


@dataclass(slots=True)
class Cell:
    text: str
    line: int


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    line: int
    double_break: bool = False  # row was cut by 2+ blank lines (page break)

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Grid:
    rows: list[Row]
    layout: str  # "tsv" or "cells"
    line: int


@dataclass
class Paragraph:
    text: str
    line: int
    # (offset in text, source line) for every joined source line, to map back
    spans: list[tuple[int, int]] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        line = self.line
        for start, src in self.spans:
            if start <= offset:
                line = src
            else:
                break
        return line


Block = Grid | Paragraph

_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_SENTENCE_END = tuple("。；！？：.!?;:")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|附件|表[一二三四五六七八九十\d]+)"
)
_CONTINUATION_MAX = 12  # chars of a stray line that may continue a Word cell


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def _is_tsv_line(line: str) -> bool:
    return "\t" in line and not _is_cell_line(line)


def _is_separator_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL.match(c) for c in filled)


def _next_nonblank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _tsv_grid(lines: list[str], i: int) -> tuple[Grid, int]:
    rows: list[Row] = []
    start = i
    while i < len(lines):
        line = lines[i]
        # _is_tsv_line, inlined: a tab, and not a Word cell line (one leading tab)
        if "\t" in line and not (line[0] == "\t" and line.count("\t") == 1):
            cells = line.split("\t")
            # a separator cell holds "--": a line without it is no separator row, unread
            if "--" not in line or not _is_separator_row(cells):
                number = i + 1
                rows.append(Row(list(map(Cell, cells, repeat(number))), number))
            i += 1
            continue
        nxt = _next_nonblank(lines, i)
        if not line.strip() and nxt - i == 1 and nxt < len(lines) and _is_tsv_line(lines[nxt]):
            i = nxt  # a page break inside the table
            continue
        break
    return Grid(rows, "tsv", start + 1), i


def _continues_cell(lines: list[str], i: int, blanks: int) -> bool:
    """A stray text line inside a Word dump: part of the cell above or the table's end?"""
    if blanks == 0:
        return True
    if blanks > 2 or len(compact(lines[i])) > _CONTINUATION_MAX:
        return False
    j = i + 1
    while j < len(lines):
        if not lines[j].strip() or (
            not _is_cell_line(lines[j]) and len(compact(lines[j])) <= _CONTINUATION_MAX
        ):
            j += 1
            continue
        return _is_cell_line(lines[j])
    return False


def _cell_grid(lines: list[str], i: int) -> tuple[Grid, int]:
    rows: list[Row] = []
    current: list[Cell] = []
    start = i
    blanks = 0
    while i < len(lines):
        line = lines[i]
        is_cell = line.startswith("\t") and line.count("\t") == 1  # _is_cell_line, inlined
        if not is_cell and not line.strip(" \t\r"):  # U+3000 alone is cell text
            blanks += 1
            i += 1
            continue
        if is_cell:
            if blanks and current:
                rows.append(Row(current, current[0].line, double_break=blanks >= 2))
                current = []
            current.append(Cell(line[1:], i + 1))
            blanks = 0
            i += 1
            continue
        if _is_tsv_line(line) or not current or not _continues_cell(lines, i, blanks):
            break
        current[-1].text += "\n" + line
        blanks = 0
        i += 1
    if current:
        rows.append(Row(current, current[0].line))
    # do not swallow the trailing blank lines: they belong to nobody
    return Grid(rows, "cells", start + 1), i


def is_heading(text: str) -> bool:
    """A short numbered line such as ``（一）部门项目支出`` or ``2. 使用方向``."""
    text = compact(text)
    return bool(_HEADING.match(text)) and len(text) < 40


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def _paragraph(lines: list[str], i: int) -> tuple[Paragraph, int]:
    """One prose paragraph; lines broken mid-sentence (page breaks) are joined."""
    text = lines[i].strip()
    para = Paragraph(text, i + 1, [(0, i + 1)])
    i += 1
    while not _ends_sentence(para.text) and not (
        _HEADING.match(compact(para.text)) and len(compact(para.text)) < 30
    ):
        nxt = _next_nonblank(lines, i)
        if nxt >= len(lines) or nxt - i > 2 or "\t" in lines[nxt]:
            break
        follow = lines[nxt].strip()
        if _HEADING.match(compact(follow)) or len(compact(para.text)) < 15:
            break
        para.spans.append((len(para.text), nxt + 1))
        para.text += follow
        i = nxt + 1
    return para, i


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def _from_markdown(line: str) -> str:
    """Markdown as PDF-to-Markdown converters write it, read as the plain text it stands for.

    ``| a | b |`` rows become tab-separated rows (``|---|`` separators are dropped later
    with the other separator rows); ``#`` heading marks and ``**bold**`` marks go.
    """
    if _PIPE_ROW.match(line) and line.count("|") >= 3:
        cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
        row = "\t".join(c.strip().replace("\\|", "|") for c in cells)
        if row.startswith("\t") and row.count("\t") == 1:
            row += "\t"  # keep "| | x |" a table row, not a Word cell line
        return _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), row)
    if "#" in line[:8]:
        line = _MD_HEADING.sub("", line)
    if "**" in line or "__" in line:
        line = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), line)
    return line


def text_to_blocks(text: str) -> list[Block]:
    """Split a report's text into paragraphs and grids, in reading order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if "|" in text or "#" in text or "**" in text:
        lines = [_from_markdown(line) for line in lines]
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and not _is_cell_line(line):
            i += 1
        elif _is_cell_line(line):
            grid, i = _cell_grid(lines, i)
            blocks.append(grid)
        elif _is_tsv_line(line):
            grid, i = _tsv_grid(lines, i)
            if grid.rows:
                blocks.append(grid)
        else:
            para, i = _paragraph(lines, i)
            blocks.append(para)
    return blocks
