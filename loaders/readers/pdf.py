"""PDF reports through pdfplumber: running text, ruled tables and unruled tables.

Per page, ruled tables come from the drawn lines (``find_tables``); the text
outside them is read line by line. Lines whose characters fall into columns
separated by wide gaps, several in a row, form an unruled table. A table that
opens a page with the previous page's table as the last thing read, and the
same number of columns, continues it (a repeated header row is dropped).
Radical code points are unified (see :mod:`loaders.readers.radicals`).
Provenance is ``第N页`` per line.
"""

from __future__ import annotations

import io
import logging
import re
import statistics

from loaders.blocks import Grid
from loaders.limits import Deadline, LimitExceeded, Limits
from loaders.readers.compose import Composer, Rendered, flat_cell
from loaders.readers.errors import ReadError
from loaders.readers.radicals import unify_radicals

_PAGE_FURNITURE = re.compile(
    r"^[-—－\s]*\d{1,4}[-—－\s]*$|^第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
)
_GAP = 0.8  # a gap wider than this many character sizes separates two columns (CJK text has none)
_MIN_TABLE_ROWS = 3


def _open(data: bytes):
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many types for damaged or locked files
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        name = f"{type(exc).__name__} {type(inner).__name__} {inner}"
        if "Password" in name or "Encrypt" in name or "encrypt" in name:
            raise ReadError(
                "encrypted", "PDF 已加密（需要密码才能打开），请提供未加密的版本"
            ) from exc
        raise ReadError(
            "damaged-file", f"PDF 文件已损坏或不完整，无法读取（{type(inner).__name__}）"
        ) from exc
    return pdf, pages


def _segments(line: dict) -> list[tuple[float, float, str]]:
    """A text line cut at wide gaps: (x0, x1, text) per piece."""
    chars = [c for c in line["chars"] if c["text"].strip()]
    if not chars:
        return []
    pieces: list[list[dict]] = [[chars[0]]]
    for prev, char in zip(chars, chars[1:], strict=False):
        if char["x0"] - prev["x1"] > _GAP * max(prev.get("size") or 10, 4):
            pieces.append([char])
        else:
            pieces[-1].append(char)
    out = []
    for piece in pieces:
        text = "".join(c["text"] for c in piece)
        out.append((piece[0]["x0"], piece[-1]["x1"], text))
    return out


def _columns(rows: list[list[tuple[float, float, str]]]) -> list[tuple[float, float]]:
    """Column ranges from the rows with the most pieces: overlapping pieces share a column."""
    most = statistics.mode(len(r) for r in rows) if rows else 0
    spans = sorted((x0, x1) for r in rows if len(r) >= most for x0, x1, _ in r)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return [(a, b) for a, b in columns]


def _place(columns: list[tuple[float, float]], x0: float, x1: float) -> int:
    middle = (x0 + x1) / 2
    return min(
        range(len(columns)),
        key=lambda k: (
            0
            if columns[k][0] <= middle <= columns[k][1]
            else min(abs(columns[k][0] - middle), abs(columns[k][1] - middle))
        ),
    )


def _wraps(above: dict, line: dict, pieces) -> bool:
    """A line set tight under the one above, without figures: the same row's wrapped cells."""
    size = max((c.get("size") or 10) for c in above["chars"]) if above["chars"] else 10
    if line["top"] - above["bottom"] > 0.45 * size:
        return False
    return not any(re.search(r"\d", text) for _, _, text in pieces)


def _join_wrapped(run, run_lines) -> list[list[tuple[float, float, str]]]:
    """Fold wrapped lines into the row above, so a two-line header or label is one cell."""
    rows: list[list[tuple[float, float, str]]] = []
    for k, pieces in enumerate(run):
        if rows and _wraps(run_lines[k - 1], run_lines[k], pieces):
            merged = list(rows[-1])
            for x0, x1, text in pieces:
                hit = next(
                    (i for i, (a, b, _) in enumerate(merged) if a - 2 <= (x0 + x1) / 2 <= b + 2),
                    None,
                )
                if hit is None:
                    merged.append((x0, x1, text))
                else:
                    a, b, old = merged[hit]
                    merged[hit] = (min(a, x0), max(b, x1), old + text)
            rows[-1] = sorted(merged)
        else:
            rows.append(pieces)
    return rows


def _ruled_rows(table) -> list[list[tuple[float, float, str]]]:
    """A ruled table as positioned pieces, so it can be laid onto another table's columns."""
    texts = table.extract()
    out = []
    for row, cells in zip(table.rows, texts, strict=False):
        out.append(
            [
                (box[0], box[2], text or "")
                for box, text in zip(row.cells, cells, strict=False)
                if box is not None and text
            ]
        )
    return out


def _ruled_columns(table) -> list[tuple[float, float]]:
    edges = sorted({round(box[0], 1) for row in table.rows for box in row.cells if box})
    right = max(box[2] for row in table.rows for box in row.cells if box)
    return [(a, b) for a, b in zip(edges, edges[1:] + [right], strict=True)]


def _lay_out(rows, columns: list[tuple[float, float]]) -> list[list[str]]:
    grid = []
    for row in rows:
        cells = [""] * len(columns)
        for x0, x1, text in row:
            k = _place(columns, x0, x1)
            cells[k] = (cells[k] + text) if cells[k] else text
        grid.append(cells)
    return grid


def _complementary(last, first: list[str]) -> bool:
    """Fill ``last`` from ``first`` when they never both hold text in one column."""
    filled_last = {k for k, c in enumerate(last.cells) if c.text}
    filled_first = {k for k, t in enumerate(first) if t}
    if not filled_last or not filled_first or filled_last & filled_first:
        return False
    if len(filled_last) >= len(filled_first):
        return False  # a complete row above: the new page starts a new row
    for k in filled_first:
        if k < len(last.cells):
            last.cells[k].text = first[k]
    return True


class _PageReader:
    def __init__(self, composer: Composer):
        self.composer = composer
        self.open_table: Grid | None = None  # the table the previous page ended with
        self.columns: list[tuple[float, float]] = []

    def page(self, page, number: int) -> None:
        place = f"第{number}页"
        tables = page.find_tables() if (page.rects or page.lines) else []
        boxes = [t.bbox for t in tables]

        def outside(obj) -> bool:
            cx = (obj["x0"] + obj["x1"]) / 2
            cy = (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

        text_page = page.filter(outside) if boxes else page
        lines = text_page.extract_text_lines(return_chars=True, strip=True)
        items: list[tuple[float, str, object]] = [(t.bbox[1], "table", t) for t in tables]
        items += [
            (line["top"], "line", line)
            for line in lines
            if not _PAGE_FURNITURE.match(line["text"].strip())
        ]
        items.sort(key=lambda item: item[0])
        self.first = True
        run: list[list[tuple[float, float, str]]] = []
        run_lines: list[dict] = []
        for _, kind, value in items:
            if kind == "line":
                pieces = _segments(value)
                if len(pieces) >= 2 or (run and _wraps(run_lines[-1], value, pieces)):
                    run.append(pieces)
                    run_lines.append(value)
                    continue
                self._end_run(run, run_lines, place)
                run, run_lines = [], []
                self.composer.loose_line(unify_radicals(value["text"]), place)
                self.open_table = None
                self.first = False
            else:
                self._end_run(run, run_lines, place)
                run, run_lines = [], []
                self._table(_ruled_rows(value), _ruled_columns(value), place)
        self._end_run(run, run_lines, place)

    def _end_run(self, run, run_lines, place: str) -> None:
        if not run:
            return
        if len(run) >= _MIN_TABLE_ROWS or (self.first and self.open_table is not None):
            rows = _join_wrapped(run, run_lines)
            self._table(rows, _columns(rows), place)
            return
        for line in run_lines:
            self.composer.loose_line(unify_radicals(line["text"]), place)
        self.open_table = None
        self.first = False

    def _table(self, pieces, columns: list[tuple[float, float]], place: str) -> None:
        """Start a table, or carry on the previous page's one on its own columns."""
        continues = self.first and self.open_table is not None
        self.first = continues  # more pieces of the same table may follow on this page
        if continues:
            grid = self.open_table
            rows = [[unify_radicals(c) for c in r] for r in _lay_out(pieces, self.columns)]
            header = [flat_cell(c.text) for c in grid.rows[0].cells]
            if rows and [flat_cell(c) for c in rows[0]] == header[: len(rows[0])]:
                rows = rows[1:]  # the header repeated on the new page
            if rows and _complementary(grid.rows[-1], rows[0]):
                rows = rows[1:]  # a row or merged cell cut by the page break, now whole again
            self.composer.continue_table(grid, rows, [place] * len(rows))
            return
        rows = [[unify_radicals(c) for c in r] for r in _lay_out(pieces, columns)]
        self.open_table = self.composer.table(rows, [place] * len(rows))
        self.columns = columns


def read_pdf(data: bytes, limits: Limits, deadline: Deadline) -> Rendered:
    pdf, pages = _open(data)
    try:
        if len(pages) > limits.max_pages:
            raise LimitExceeded(
                "too-many-pages", f"PDF 共 {len(pages)} 页，超过页数上限 {limits.max_pages} 页"
            )
        composer = Composer()
        reader = _PageReader(composer)
        for number, page in enumerate(pages, 1):
            deadline.check()
            try:
                reader.page(page, number)
            except (LimitExceeded, ReadError):
                raise
            except Exception as exc:  # one bad page must not cost the rest of the report
                composer.note("page-unreadable", f"第{number}页无法读取：{type(exc).__name__}")
            page.close()
        if not any(composer.lines):
            composer.note(
                "no-text-layer",
                "PDF 中没有可提取的文字（可能是扫描件），需先做文字识别（OCR）",
                "error",
            )
        return composer.render("pdf", "pdf")
    finally:
        pdf.close()
