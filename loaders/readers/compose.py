"""Build the blocks the recognisers consume from any reader's paragraphs and tables.

Every format ends as the same two things the text loader produces: a list of
display lines (the "source text" an auditor sees, one paragraph or one table
row per line) and blocks (:class:`Paragraph`, :class:`Grid`) whose line numbers
point into those lines. ``places`` says where each line sits in the original
file (``第3页``, ``表2 第5行``, ``Sheet1!A7``), so evidence can name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.blocks import Block, Cell, Grid, Paragraph, Row, text_to_blocks
from loaders.issues import detail, issue

MAX_ROWS = 20_000  # of one table; budget tables have hundreds, a flood of rows is an attack
MAX_CELL = 5000  # characters; no real cell is longer, a sheet cell can hold 32,767
_FLAT = str.maketrans({"\t": " ", "\n": "", "\r": "", "\x0b": ""})


def flat_cell(text: str | None) -> str:
    """A cell's text on one line: Word/HTML line breaks inside a cell join without a gap."""
    return (text or "").translate(_FLAT).strip()


@dataclass
class Rendered:
    """A file read into display lines and blocks, ready for the recognisers."""

    lines: list[str]
    blocks: list[Block]
    places: list[str]
    encoding: str
    format: str
    notes: list[dict] = field(default_factory=list)  # reader warnings, as parse issues


class Composer:
    """Collects paragraphs, loose text lines and tables in reading order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.places: list[str] = []
        self.blocks: list[Block] = []
        self.notes: list[dict] = []
        self._pending: list[tuple[str, str]] = []  # loose lines awaiting paragraph joining

    # -- text -------------------------------------------------------------------------
    def paragraph(self, text: str, place: str = "") -> None:
        """A complete paragraph (Word, HTML): never joined with its neighbours."""
        text = " ".join(text.replace("\r", "\n").split("\n")).strip()
        if not text:
            return
        self._flush()
        self.lines.append(text)
        self.places.append(place)
        line = len(self.lines)
        self.blocks.append(Paragraph(text, line, [(0, line)]))

    def loose_line(self, text: str, place: str = "") -> None:
        """A line of running text (PDF, sheets): lines broken mid-sentence get joined."""
        self._pending.append((text.replace("\t", " ").rstrip(), place))

    def blank(self) -> None:
        self._pending.append(("", ""))

    def _flush(self) -> None:
        if not self._pending:
            return
        offset = len(self.lines)
        chunk = [t for t, _ in self._pending]
        self.lines.extend(chunk)
        self.places.extend(p for _, p in self._pending)
        self._pending = []
        for block in text_to_blocks("\n".join(chunk)):
            self.blocks.append(_shift(block, offset))

    # -- tables -----------------------------------------------------------------------
    def table(self, rows: list[list[str | None]], places: list[str] | None = None) -> Grid | None:
        """A cell grid; merged cells arrive as text in the top-left cell and blanks elsewhere."""
        self._flush()
        grid_rows: list[Row] = []
        if len(rows) > MAX_ROWS:
            self.note("table-truncated", rows=len(rows), limit=MAX_ROWS, place=(places or [""])[0])
            rows = rows[:MAX_ROWS]
        filled = [k for k, cells in enumerate(rows) if any(flat_cell(c) for c in cells)]
        if not filled:
            return None
        for k in range(filled[0], filled[-1] + 1):  # empty rows inside stay: placeholders
            texts = [self._bounded(flat_cell(c), len(self.lines) + 1) for c in rows[k]]
            while texts and not texts[-1]:
                texts.pop()
            self.lines.append("\t".join(texts))
            self.places.append(places[k] if places and k < len(places) else "")
            line = len(self.lines)
            grid_rows.append(Row([Cell(t, line) for t in texts], line))
        width = max(len(r.cells) for r in grid_rows)
        for row in grid_rows:  # pad to the table's width, as a tab-separated dump would be
            row.cells += [Cell("", row.line) for _ in range(width - len(row.cells))]
        grid = Grid(grid_rows, "tsv", grid_rows[0].line)
        self.blocks.append(grid)
        return grid

    def _bounded(self, text: str, line: int) -> str:
        """A cell's text, cut to :data:`MAX_CELL` characters with an issue when longer."""
        if len(text) <= MAX_CELL:
            return text
        self.note("cell-truncated", source_line=line, length=len(text), limit=MAX_CELL)
        return text[:MAX_CELL]

    def continue_table(self, grid: Grid, rows: list[list[str | None]], places: list[str]) -> None:
        """Rows of a table that carries on from the previous page: same grid, new lines."""
        added = self.table(rows, places)
        if added is None:
            return
        self.blocks.pop()
        width = len(grid.rows[0].cells)
        for row in added.rows:
            row.cells = (row.cells + [Cell("", row.line)] * width)[: max(width, len(row.cells))]
            grid.rows.append(row)

    def last_block(self) -> Block | None:
        return None if self._pending else (self.blocks[-1] if self.blocks else None)

    def note(
        self, code: str, message: str | None = None, source_line: int | None = None, **values
    ) -> None:
        """A catalogued parse issue about what this reader saw (see :mod:`loaders.issues`)."""
        row = detail(code, message, source_line) if message else issue(code, source_line, **values)
        self.notes.append(row)

    def render(self, encoding: str, fmt: str) -> Rendered:
        self._flush()
        return Rendered(self.lines, self.blocks, self.places, encoding, fmt, self.notes)


def _shift(block: Block, offset: int) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(
            block.text, block.line + offset, [(s, line + offset) for s, line in block.spans]
        )
    rows = [
        Row([Cell(c.text, c.line + offset) for c in r.cells], r.line + offset, r.double_break)
        for r in block.rows
    ]
    return Grid(rows, block.layout, block.line + offset)
