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

import copy
import io
import logging
import re
from dataclasses import dataclass, field

from loaders.limits import Deadline, LimitExceeded, Limits
from loaders.readers.compose import Composer, Rendered, flat_cell
from loaders.readers.errors import ReadError
from loaders.readers.pdf_cells import cell_texts
from loaders.readers.pdf_content import interpret
from loaders.readers.pdf_objects import fill_objects
from loaders.readers.radicals import unify_radicals

_PAGE_FURNITURE = re.compile(
    r"^[-—－\s]*\d{1,4}[-—－\s]*$|^第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
)
_GAP = 0.8  # a gap wider than this many character sizes separates two columns (CJK text has none)
_WORD_GAP = 0.2  # a narrower gap inside a piece is a space (CJK glyphs touch)
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


def _is_furniture(line: dict, height: float) -> bool:
    """A page number in the top or bottom margin; a lone figure elsewhere is a table cell."""
    in_margin = line["bottom"] < 0.1 * height or line["top"] > 0.9 * height
    return in_margin and _PAGE_FURNITURE.match(line["text"].strip()) is not None


def _segments(line: dict) -> list[tuple[float, float, str]]:
    """A text line cut at wide gaps: (x0, x1, text) per piece; spaces inside a piece stay."""
    pieces: list[list[dict]] = []
    prev = None  # the last visible character
    for char in line["chars"]:
        if not char["text"].strip():
            if pieces:
                pieces[-1].append(char)
            continue
        size = max(prev.get("size") or 10, 4) if prev else 10
        if prev is None or char["x0"] - prev["x1"] > _GAP * size:
            pieces.append([])
        elif char["x0"] - prev["x1"] > _WORD_GAP * size and pieces[-1][-1]["text"].strip():
            pieces[-1].append({"text": " "})  # a word space drawn as a gap, not a character
        pieces[-1].append(char)
        prev = char
    out = []
    for piece in pieces:
        visible = [c for c in piece if c["text"].strip()]
        text = "".join(c["text"] for c in piece[: piece.index(visible[-1]) + 1])
        out.append((visible[0]["x0"], visible[-1]["x1"], text))
    return out


def _columns(rows: list[list[tuple[float, float, str]]]) -> list[tuple[float, float]]:
    """Column ranges from the rows that split into the most pieces.

    Overlapping pieces share a column. Only rows with as many pieces as at
    least two rows have are used: fewer-piece rows hold merged cells whose
    text would bridge two columns.
    """
    if not rows:
        return []
    counts = sorted((len(r) for r in rows), reverse=True)
    most = counts[1] if len(counts) > 1 else counts[0]
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
    if not columns:
        return 0
    return min(
        range(len(columns)),
        key=lambda k: (
            0
            if columns[k][0] <= middle <= columns[k][1]
            else min(abs(columns[k][0] - middle), abs(columns[k][1] - middle))
        ),
    )


_WRAP_GAP = 0.45  # a wrapped line sits closer than this many character sizes under its cell
_ALIGNED = 2.0  # points: text starting this close to a column start begins in that column


def _size(line: dict) -> float:
    return max((c.get("size") or 10) for c in line["chars"]) if line["chars"] else 10


def _aligned(x0: float, starts) -> bool:
    return any(abs(x0 - start) <= _ALIGNED for start in starts)


def _tight(above: dict, line: dict) -> bool:
    """Set closer under the line above than rows are: the same cells' next line."""
    return line["top"] - above["bottom"] <= _WRAP_GAP * _size(above)


def _has_figure(text: str) -> bool:
    return re.search(r"\d", text) is not None


_PLAIN_FIGURE = re.compile(r"^[\d.,%‰+\-—－]+$")


class _Run:
    """Text lines gathered as a possible unruled table, in reading order.

    A line of several pieces belongs; so does a line set tight under the
    last one, and a single piece that starts where an inner column starts (a
    ``……`` placeholder row). A single piece in the first column (``会议费``)
    is held: it belongs only if the table goes on after it.
    """

    _MAX_HELD = 6

    def __init__(self, reference: list | None = None):
        self.rows: list[list[tuple[float, float, str]]] = []
        self.lines: list[dict] = []
        self.held: list[tuple[dict, list]] = []
        self.reference = reference or []  # rows of the table this page may continue

    def offer(self, line: dict, pieces) -> bool:
        """Take the line, or hold it; ``False`` when it ends the run."""
        starts = {round(x0) for row in self.rows + self.reference for x0, _, _ in row}
        if len(pieces) >= 2:
            aligned = sum(_aligned(x0, starts) for x0, _, _ in pieces)
            if self.held and aligned < 2:
                return False  # not this table's columns: the held lines were text after it
            self._take_held()
            self._take(line, pieces)
            return True
        if not pieces or not starts:  # no column starts yet (a reference of empty rows)
            return False
        last = self.held[-1][0] if self.held else (self.lines[-1] if self.lines else None)
        x0 = pieces[0][0]
        if last is not None and _tight(last, line):
            if self.held:
                self.held.append((line, pieces))
            else:
                self._take(line, pieces)
            return True
        if x0 > min(starts) + 4 and _aligned(x0, starts):
            self._take_held()
            self._take(line, pieces)
            return True
        if _aligned(x0, [min(starts)]) and len(self.held) < self._MAX_HELD and self.rows:
            self.held.append((line, pieces))
            return True
        return False

    def _take(self, line: dict, pieces) -> None:
        self.rows.append(pieces)
        self.lines.append(line)

    def _take_held(self) -> None:
        for line, pieces in self.held:
            self._take(line, pieces)
        self.held = []


def _home(rows: list[list[list]], x0: float, x1: float, top: float, size: float):
    """The piece a wrapped piece continues: above it, tight, in the last row or the one before.

    The row before counts because a new row's first line can interleave with
    the tail of a tall cell in the row above.
    """
    middle = (x0 + x1) / 2
    for row in rows[-1:-3:-1]:
        for piece in row:
            if piece[0] - 2 <= middle <= piece[1] + 2 and top - piece[3] <= _WRAP_GAP * size:
                return piece
    return None


def _join_wrapped(run, run_lines) -> list[list[tuple[float, float, str]]]:
    """Fold wrapped lines into their cells, so a two-line header or label is one cell.

    A tight line continues the cells above it, except where a figure sits under
    a plain figure: tightly set rows of amounts are rows, not wrapped text
    (``资金量：`` / ``22.5`` wraps, ``85.5`` / ``0`` does not). A piece with
    nothing above it starts a new row.
    """
    rows: list[list[list]] = []  # pieces as [x0, x1, text, bottom]
    for k, pieces in enumerate(run):
        line = run_lines[k]
        homes = [_home(rows, x0, x1, line["top"], _size(line)) for x0, x1, _ in pieces]
        wraps = (
            bool(rows)
            and _tight(run_lines[k - 1], line)
            and all(
                not _has_figure(text) or (home is not None and not _PLAIN_FIGURE.match(home[2]))
                for (_, _, text), home in zip(pieces, homes, strict=True)
            )
        )
        if not wraps:
            rows.append([[x0, x1, text, line["bottom"]] for x0, x1, text in pieces])
            continue
        homeless = []
        for (x0, x1, text), home in zip(pieces, homes, strict=True):
            if home is None:
                homeless.append([x0, x1, text, line["bottom"]])
                continue
            home[0], home[1] = min(home[0], x0), max(home[1], x1)
            home[2] += text
            home[3] = line["bottom"]
        if homeless:
            rows.append(homeless)
    return [sorted((x0, x1, text) for x0, x1, text, _ in row) for row in rows]


def _closing_edges(page) -> list[dict]:
    """Horizontal edges along the top and bottom of the page's drawn grid.

    A table cut by a page break has no border where the page cuts it, so the
    cut row and tall merged cells that run on are not closed cells, and
    pdfplumber drops them with their text. Closing the grid at the extent of
    its vertical rules gives them back.
    """
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] >= 4]
    if not verticals:
        return []
    left = min(e["x0"] for e in verticals)
    right = max(e["x1"] for e in verticals)
    return [
        {
            "object_type": "closing_edge",
            "orientation": "h",
            "x0": left,
            "x1": right,
            "width": right - left,
            "top": y,
            "bottom": y,
            "height": 0,
        }
        for y in (min(e["top"] for e in verticals), max(e["bottom"] for e in verticals))
    ]


def _ruled_rows(table) -> list[list[tuple[float, float, str]]]:
    """A ruled table as positioned pieces, so it can be laid onto another table's columns."""
    texts = cell_texts(table)
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


def _ruled_edges(table) -> list[float]:
    lefts = {round(box[0], 1) for row in table.rows for box in row.cells if box}
    right = max((box[2] for row in table.rows for box in row.cells if box), default=None)
    if right is None:  # a grid of rules with no cell boxes
        return [round(table.bbox[0], 1), round(table.bbox[2], 1)]
    return sorted(lefts | {round(right, 1)})


def _spans(edges: list[float]) -> list[tuple[float, float]]:
    return list(zip(edges, edges[1:], strict=False))


_EDGE_TOLERANCE = 4.0  # points: one rule drawn on two pages lands within this


def _within(edge: float, edges: list[float]) -> bool:
    return any(abs(edge - other) <= _EDGE_TOLERANCE for other in edges)


def _refined_edges(old: list[float], new: list[float]) -> list[float] | None:
    """The finer of two column systems when one refines the other, else ``None``.

    A table fragment whose rows are all merged across some columns draws fewer
    column rules than the rest of the table; its rules are a subset of the
    others', and the full set places every cell of both.
    """
    if abs(old[0] - new[0]) > _EDGE_TOLERANCE or abs(old[-1] - new[-1]) > _EDGE_TOLERANCE:
        return None
    if all(_within(e, new) for e in old):
        return new
    if all(_within(e, old) for e in new):
        return old
    return None


def _left_place(columns: list[tuple[float, float]], x0: float) -> int:
    """The column a ruled cell starts in: merged cells keep their text top-left."""
    return max((k for k, (a, _) in enumerate(columns) if a <= x0 + _EDGE_TOLERANCE), default=0)


def _complementary(last: list[str], first: list[str]) -> bool:
    """``first`` completes ``last`` when they never both hold text in one column."""
    filled_last = {k for k, c in enumerate(last) if c}
    filled_first = {k for k, t in enumerate(first) if t}
    if not filled_last or not filled_first or filled_last & filled_first:
        return False
    return len(filled_last) < len(filled_first)  # a complete row above: a new row starts


_PLACEHOLDER = {"……", "…", "...", "无", "-", "—", "－", "/"}
_SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?")


def _cut_row(last: list[str], first: list[str]) -> bool:
    """``first`` is the rest of ``last``, a row the page break cut in two.

    Word and LibreOffice let a row break across pages, ruling both halves:
    the new page's first row then holds the tails of some of the cells above
    (``资产监管及营运工作经`` / ``费``). It is a tail when it fills fewer columns,
    only ones filled above, with words rather than figures or placeholders,
    under text that stops mid-sentence.
    """
    filled_last = {k for k, c in enumerate(last) if c}
    filled_first = {k for k, t in enumerate(first) if t}
    if not filled_first or not filled_first < filled_last:
        return False
    return all(
        first[k] not in _PLACEHOLDER
        and not _PLAIN_FIGURE.match(first[k])
        and not last[k].endswith(_SENTENCE_END)
        for k in filled_first
    )


@dataclass
class _Draft:
    """A table being read, perhaps over several pages, before it goes to the composer.

    Rows keep their positioned pieces so the whole table can be laid out again
    when a later page reveals a finer column system.
    """

    columns: list[tuple[float, float]]
    edges: list[float] | None  # the ruled grid's column rules, when it has them
    rows: list[list[tuple[float, float, str]]] = field(default_factory=list)
    by_left: list[bool] = field(default_factory=list)  # ruled rows: place cells by left edge
    places: list[str] = field(default_factory=list)

    def add(self, rows, by_left: bool, place: str) -> None:
        self.rows += rows
        self.by_left += [by_left] * len(rows)
        self.places += [place] * len(rows)

    def lay_out(self, row, by_left: bool) -> list[str]:
        cells = [""] * max(1, len(self.columns))
        for x0, x1, text in row:
            k = _left_place(self.columns, x0) if by_left else _place(self.columns, x0, x1)
            cells[k] = (cells[k] + text) if cells[k] else text
        return [flat_cell(unify_radicals(c)) for c in cells]

    def grid(self) -> list[list[str]]:
        return [self.lay_out(r, left) for r, left in zip(self.rows, self.by_left, strict=True)]

    def carry_on(self, rows, columns, edges: list[float] | None, place: str) -> None:
        """Rows from the next page: drop a repeated header, rejoin a row cut in two."""
        finer = _refined_edges(self.edges, edges) if self.edges and edges else None
        if finer is not None:
            self.edges, self.columns = finer, _spans(finer)
        elif self.edges is None and edges is None:  # unruled on both pages: columns from all rows
            self.columns = _columns(self.rows + rows)
        by_left = finer is not None
        if (
            rows
            and self.rows
            and self.lay_out(rows[0], by_left) == self.lay_out(self.rows[0], self.by_left[0])
        ):
            rows = rows[1:]  # the header repeated on the new page
        if rows and self.rows:
            last = self.lay_out(self.rows[-1], self.by_left[-1])
            first = self.lay_out(rows[0], by_left)
            ruled = by_left and self.by_left[-1]  # unruled rows give no cell to carry on
            if _complementary(last, first) or (ruled and _cut_row(last, first)):
                self.rows[-1] = self.rows[-1] + rows[0]
                rows = rows[1:]
        self.add(rows, by_left, place)


_CHAR_KEYS = ("text", "x0", "x1", "size")  # all the layout reader looks at in a character


@dataclass
class _PageParts:
    """What the layout reader takes from one page, as plain data.

    Taken apart from the reading itself so that pages can be taken apart in other
    processes (:mod:`loaders.readers.pdf_pages`) and read here in order. ``failure``
    says why the page's layout could not be taken; ``fallback`` is then its text lines.
    """

    height: float
    chars: int  # visible characters; ``None`` when not even they could be counted
    tables: list[tuple[tuple, list, list[float]]] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    failure: str | None = None
    fallback: list[str] | None = None  # text lines, when ``failure``; ``None``: none either


def _line(line: dict) -> dict:
    chars = [{k: c.get(k) for k in _CHAR_KEYS} for c in line["chars"]]
    return {"text": line["text"], "top": line["top"], "bottom": line["bottom"], "chars": chars}


def _layout(page) -> tuple[list, list[dict]]:
    """The page's ruled tables (bbox, rows, column rules) and its text lines outside them."""
    tables = []
    if page.rects or page.lines:
        tables = page.find_tables({"explicit_horizontal_lines": _closing_edges(page)})
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = text_page.extract_text_lines(return_chars=True, strip=True)
    ruled = [(t.bbox, _ruled_rows(t), _ruled_edges(t)) for t in tables]
    return ruled, [_line(line) for line in lines]


def _text_lines(page) -> list[str]:
    """The simpler mode for a page the layout reader fails on: its text lines, in order."""
    return [
        line["text"]
        for line in page.extract_text_lines(strip=True)
        if not _is_furniture(line, page.height)
    ]


def page_parts(page) -> _PageParts:
    """One page taken apart; an exception is kept as the page's failure, with its text."""
    chars = None
    try:
        interpret(page)
        fill_objects(page)
        chars = _visible_chars(page)
        tables, lines = _layout(page)
        return _PageParts(page.height, chars, tables, lines)
    except Exception as exc:  # one bad page must not cost the rest of the report
        return _PageParts(page.height, chars, failure=_detail(exc), fallback=_fallback(page))


def _detail(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:120]


def _fallback(page) -> list[str] | None:
    try:
        return _text_lines(page)
    except Exception:
        return None


class _PageReader:
    def __init__(self, composer: Composer):
        self.composer = composer
        self.draft: _Draft | None = None  # the table read last, still open to continuation
        self.first = True  # nothing but the open table's continuation read on this page yet

    def page(self, parts: _PageParts, number: int) -> None:
        place = f"第{number}页"
        items: list[tuple[float, str, object]] = [(t[0][1], "table", t) for t in parts.tables]
        items += [
            (line["top"], "line", line)
            for line in parts.lines
            if not _is_furniture(line, parts.height)
        ]
        items.sort(key=lambda item: item[0])
        self.first = True
        run = self._new_run()
        for _, kind, value in items:
            if kind == "line":
                if run.offer(value, _segments(value)):
                    continue
                self._end_run(run, place)
                self._loose(value["text"], place)
            else:
                self._end_run(run, place)
                _, rows, edges = value
                self._table(rows, _spans(edges), edges, place)
            run = self._new_run()
        self._end_run(run, place)

    def _new_run(self) -> _Run:
        carries_on = self.first and self.draft is not None
        return _Run(self.draft.rows if carries_on else None)

    def _loose(self, text: str, place: str) -> None:
        self.finish()
        self.composer.loose_line(unify_radicals(text), place)
        self.first = False

    def _end_run(self, run: _Run, place: str) -> None:
        if run.rows and (
            len(run.rows) >= _MIN_TABLE_ROWS or (self.first and self.draft is not None)
        ):
            rows = _join_wrapped(run.rows, run.lines)
            self._table(rows, _columns(rows), None, place)
        else:
            for line in run.lines:
                self._loose(line["text"], place)
        for line, _ in run.held:
            self._loose(line["text"], place)

    def _table(self, rows, columns, edges: list[float] | None, place: str) -> None:
        """Start a table, or carry on the one the previous page ended with."""
        if self.first and self.draft is not None:
            self.draft.carry_on(rows, columns, edges, place)
            return  # more pieces of the same table may follow on this page
        self.finish()
        self.draft = _Draft(columns, edges)
        self.draft.add(rows, edges is not None, place)
        self.first = False

    def finish(self) -> None:
        """Hand the open table to the composer: nothing later can continue it."""
        if self.draft is not None:
            self.composer.table(self.draft.grid(), self.draft.places)
            self.draft = None


def _glued_figures(lines: list[str], composer: Composer) -> None:
    """Report figures that extraction glued together (``20242995.392023``).

    Two cells set close together lose the gap between them, and their figures
    run into one token that parses as a wrong amount. A printed amount has at
    most four decimals; one with more is two figures.
    """
    for number, line in enumerate(lines, 1):
        for match in _GLUED.finditer(line):
            composer.note("glued-figures", source_line=number, text=match.group())


_GLUED = re.compile(r"(?<![\d.])\d[\d,]*\.\d{5,}(?![\d.])")


def _snapshot(composer: Composer, reader: _PageReader) -> tuple:
    return (
        len(composer.lines),
        len(composer.blocks),
        list(composer._pending),
        len(composer.notes),
        copy.deepcopy(reader.draft),
        reader.first,
    )


def _restore(composer: Composer, reader: _PageReader, state: tuple) -> None:
    lines, blocks, pending, notes, draft, first = state
    del composer.lines[lines:], composer.places[lines:], composer.blocks[blocks:]
    del composer.notes[notes:]
    composer._pending = pending
    reader.draft, reader.first = draft, first


def _text_only(lines: list[str], number: int, composer: Composer, reader: _PageReader) -> None:
    reader.finish()
    place = f"第{number}页"
    for text in lines:
        composer.loose_line(unify_radicals(text), place)


def _visible_chars(page) -> int:
    return sum(1 for c in page.chars if c.get("text", "").strip())


def _in_order(pages, data: bytes, deadline: Deadline):
    """Every page's parts, in page order: here, or from other processes for a long PDF."""
    from loaders.readers.pdf_pages import page_workers, parts_in_parallel

    workers = page_workers(len(pages))
    if workers > 1:
        yield from parts_in_parallel(data, pages, workers, deadline)
        return
    for page in pages:
        deadline.check()
        yield page_parts(page)
        page.close()


def read_pdf(data: bytes, limits: Limits, deadline: Deadline) -> Rendered:
    pdf, pages = _open(data)
    try:
        if len(pages) > limits.max_pages:
            raise LimitExceeded("too-many-pages", pages=len(pages), limit=limits.max_pages)
        composer = Composer()
        reader = _PageReader(composer)
        chars = 0
        for number, parts in enumerate(_in_order(pages, data, deadline), 1):
            deadline.check()
            state = _snapshot(composer, reader)
            chars += parts.chars or 0
            try:
                if parts.failure is not None:
                    raise _PageFailed(parts.failure)
                reader.page(parts, number)
            except (LimitExceeded, ReadError):
                raise
            except Exception as exc:  # one bad page must not cost the rest of the report
                _restore(composer, reader, state)
                detail = parts.failure or _detail(exc)
                lines = parts.fallback if parts.failure else _fallback(pages[number - 1])
                if lines is None:
                    reader.draft = None
                    composer.note("page-unreadable", page=number, detail=detail)
                    continue
                _text_only(lines, number, composer, reader)
                composer.note("page-text-only", page=number, detail=detail)
        reader.finish()
        rendered = composer.render("pdf", "pdf")  # its notes are the composer's: added below
        if chars == 0 and not any(line.strip() for line in rendered.lines):
            composer.note("no-text-layer")
        _glued_figures(rendered.lines, composer)
        return rendered
    finally:
        pdf.close()


class _PageFailed(Exception):
    """A page whose layout could not be taken apart (the reason is in its parts)."""
