"""The layout of a disclosure table: header rows, column paths, side-by-side groups, cells.

Every format reaches the recognisers as a :class:`~loaders.blocks.Grid` of text cells,
and PDF grids are imprecise: blank filler columns, a figure one column to the right of
its header, a label wrapped onto the next row with its figure on a row of its own. This
module turns a grid into what the recognisers need, whatever the format:

* the header rows merged into one **path** per column (``支出/功能分类/金额``), a parent
  header carried over the columns under it;
* **groups**: the side-by-side halves of a table (收入 | 支出 by function | 支出 by use;
  three 经济分类 code/name/amount groups), each a run of columns from a label to its
  figures;
* per body row and group, the **label** (wrapped pieces rejoined), the classification
  **code** (own column, or glued to the name), and the **figures** laid onto the group's
  amount columns by order and distance, never by exact position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.blocks import Grid, Row
from loaders.cells import Number, compact, parse_number

_CODE_HEADER = re.compile(r"编码|代码|类款项|^[类款项]$")
_SKIP_HEADER = re.compile(r"行次|栏次|序号")
_LABEL_HEADER = re.compile(r"项目$|名称|^科目$|内容|品目|物品|组织形式|^经济科目$|专项|^项目名称")
_LIST_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）])"
)
_TOTAL_WORD = re.compile(r"^(合计|总计|小计)$")
_CODE = re.compile(r"^(?:2\d{2}(?:\d{2}){0,2}|3\d{2}(?:\d{2})?)$")
_CODE_GLUED = re.compile(
    r"^(?P<code>2\d{2}(?:\d{2}){0,2}|3\d{2}(?:\d{2})?)\s*(?P<name>[\u4e00-\u9fff（(].*)$"
)
_GLUED = re.compile(r"^-?[\d,]*\d\.\d+[\d,]*\.\d+|^\d{1,3}(,\d{3})*\.\d{2}\d{1,3},\d")
_FIGURE_LIKE = re.compile(r"^[-\d,.%]+$")
# a label and its figure run together in one cell (``分散自行组织12.00``): the PDF lost the rule
_TEXT_FIGURE = re.compile(
    r"^(?P<text>.*[\u4e00-\u9fff）)A-Za-z])(?P<num>-?\d{1,3}(?:,\d{3})+\.\d{1,2}|-?\d+\.\d{1,2})$"
)
_FRAGMENT_MAX = 2  # a label piece this short, alone on its row, ends the label above it


@dataclass
class Column:
    index: int  # position in the laid-out (blank-free) grid
    path: list[str]
    role: str  # label / code / skip / amount / parent

    @property
    def leaf(self) -> str:
        return self.path[-1] if self.path else ""

    def text(self) -> str:
        return "/".join(self.path)


@dataclass
class Group:
    start: int
    end: int  # [start, end) over laid-out columns
    columns: list[Column]

    @property
    def amount_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "amount"]

    def prefix(self) -> list[str]:
        """The header path all this group's columns share (``支出`` / ``功能分类``)."""
        paths = [c.path for c in self.columns if c.path]
        if not paths:
            return []
        common = paths[0]
        for path in paths[1:]:
            k = 0
            while k < min(len(common), len(path)) and common[k] == path[k]:
                k += 1
            common = common[:k]
        return common


@dataclass
class Figure:
    column: int  # laid-out column where the figure was printed
    number: Number
    text: str


@dataclass
class Part:
    """One body row within one group."""

    row: Row
    group: Group
    labels: list[str] = field(default_factory=list)  # label cells, left to right
    label_columns: list[int] = field(default_factory=list)  # laid-out column of each label
    code: str | None = None
    figures: list[Figure] = field(default_factory=list)
    glued: list[str] = field(default_factory=list)  # cells of several figures run together
    lines: list[int] = field(default_factory=list)  # lines of the rows this part gathers

    @property
    def label(self) -> str:
        return "".join(self.labels)


@dataclass
class Layout:
    header: list[Row]
    body: list[Row]
    columns: list[Column]
    groups: list[Group]
    cells: list[list[str]]  # body rows as laid-out cell texts


def is_column_numbers(texts: list[str]) -> bool:
    """A row of column numbers (栏次 1 2 3 …) under the header: furniture, not figures."""
    filled = [(k, compact(t)) for k, t in enumerate(texts) if compact(t)]
    if not filled:
        return False
    if any("栏次" in t for _, t in filled):
        return True
    numbers = [(k, t) for k, t in filled if t.isdigit()]
    if len(numbers) < 3 or len(numbers) < len(filled) - 1:
        return False
    offsets = {int(t) - k for k, t in numbers}
    values = [int(t) for _, t in numbers]
    return len(offsets) <= 2 and values == sorted(values) and len(set(values)) == len(values)


def _is_body_row(texts: list[str]) -> bool:
    filled = [compact(t) for t in texts if compact(t)]
    if not filled:
        return False
    if any(_is_figure(t) for t in filled) or any(
        _CODE.match(t) or _CODE_GLUED.match(t) for t in filled
    ):
        return True
    first = filled[0]
    return bool(_LIST_MARK.match(first)) or (first in ("合计", "总计") and len(filled) <= 2)


def _is_figure(text: str) -> bool:
    return parse_number(text) is not None or bool(_GLUED.match(text))


def _paths(header: list[list[str]], width: int) -> list[list[str]]:
    """One header path per column.

    A cell's text is carried right over the blank cells of its row that have text
    below them (the columns a merged header cell spans), but never past a column where
    a row above starts a new cell: a merged cell does not outgrow its parent.
    """

    def text(r: int, c: int) -> str:
        return compact(header[r][c]) if c < len(header[r]) else ""

    paths: list[list[str]] = [[] for _ in range(width)]
    for r in range(len(header)):
        carry = ""
        for c in range(width):
            if any(text(above, c) for above in range(r)):
                carry = ""
            if text(r, c):
                carry = text(r, c)
                paths[c].append(carry)
            elif carry and any(text(lower, c) for lower in range(r + 1, len(header))):
                paths[c].append(carry)
            else:
                carry = ""
    return paths


_HEADER_WORDS = re.compile(r"^(小计|合计|总计|金额|[类款项]|预算|决算|其中)$")


def _join_wrapped_header(path: list[str]) -> list[str]:
    """``采购组织形`` / ``式``: a header wrapped in its cell is one header, not a parent and
    a child (a short piece that is not a header word of its own continues the one above)."""
    out: list[str] = []
    for text in path:
        if out and len(text) <= 2 and not _HEADER_WORDS.match(text) and not text[0].isdigit():
            out[-1] += text
        else:
            out.append(text)
    return out


def _role(path: list[str]) -> str:
    leaf = path[-1] if path else ""
    if not leaf:
        return "parent"
    if _SKIP_HEADER.search(leaf):
        return "skip"
    if _CODE_HEADER.search(leaf):
        return "code"
    if _LABEL_HEADER.search(leaf):
        return "label"
    return "amount"


def _groups(columns: list[Column]) -> list[Group]:
    """Side-by-side groups: a label (or code) column after a figure column starts one."""
    starts = [0]
    seen_amount = False
    last_amount = -1
    for col in columns:
        if col.role == "amount":
            seen_amount, last_amount = True, col.index
        elif col.role in ("label", "code") and seen_amount:
            # the group reaches back over parent header cells right after the last figure
            starts.append(last_amount + 1)
            seen_amount = False
    bounds = list(zip(starts, starts[1:] + [len(columns)], strict=True))
    return [Group(s, e, [c for c in columns if s <= c.index < e]) for s, e in bounds if e > s]


def lay_out(grid: Grid, inherited_header: list[list[str]] | None = None) -> Layout:
    """Header, columns and groups of a table grid (blank columns dropped).

    A header cell over a column that prints only words below it (a merged
    ``支出用途`` cell whose text landed left of its children) is a label column.
    """
    rows, texts = [], []
    for row in grid.rows:
        cells = [c.text for c in row.cells]
        if is_column_numbers(cells):
            words = [compact(t) for t in cells if _HEADER_WORDS.match(compact(t))]
            if not words:
                continue  # 栏次 1 2 3 …: furniture
            # 类 | 款 | 项 | 栏次 | 1 | 2: the code columns' headers, without the numbers
            cells = [t if _HEADER_WORDS.match(compact(t)) else "" for t in cells]
        rows.append(row)
        texts.append(cells)
    k = 0
    while k < len(texts) and not _is_body_row(texts[k]):
        k += 1
    header_rows, body_rows = rows[:k], rows[k:]
    header = texts[:k] or list(inherited_header or [])
    width = max([len(t) for t in texts + header] or [0])
    used = [c for c in range(width) if any(c < len(t) and compact(t[c]) for t in texts + header)]
    header = [[t[c] if c < len(t) else "" for c in used] for t in header]
    cells = [[t[c] if c < len(t) else "" for c in used] for t in texts[k:]]
    paths = [_join_wrapped_header(p) for p in _paths(header, len(used))]
    columns = [Column(i, p, _role(p)) for i, p in enumerate(paths)]
    for col in columns:
        body = [compact(r[col.index]) for r in cells if compact(r[col.index])]
        if col.role == "amount" and body and not any(_is_figure(t) for t in body):
            col.role = "label"
    groups = _groups(columns)
    for group in groups:
        if not group.amount_columns:
            _amount_column_from_body(group, cells)
    return Layout(header_rows, body_rows, columns, groups, cells)


def _amount_column_from_body(group: Group, cells: list[list[str]]) -> None:
    """A group whose header names no amount column (``采购组织形式总计`` run into one cell)
    but whose rows end in figures: its rightmost column with figures holds the amounts."""
    for col in reversed(group.columns):
        body = [compact(r[col.index]) for r in cells]
        if any(_is_figure(t) or _TEXT_FIGURE.match(t) for t in body if t):
            col.role = "amount"
            return


def _align(figures: list[Figure], targets: list[Column]) -> list[Column | None]:
    """Lay figures onto amount columns keeping their order, nearest overall.

    A PDF figure often sits one column off its header; order is what a printed
    row never changes. Surplus figures get ``None``.
    """
    n, m = len(figures), len(targets)
    if n == 0:
        return []
    if m == 0:
        return [None] * n
    inf = float("inf")
    # cost[i][j]: best cost placing figures[:i] onto targets[:j]; skipping a figure costs much
    skip = 100.0
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        cost[0][j] = 0.0
    for i in range(1, n + 1):
        for j in range(0, m + 1):
            best, how = cost[i - 1][j] + skip, "skip"
            if j > 0:
                if cost[i][j - 1] < best:
                    best, how = cost[i][j - 1], "left"
                d = abs(figures[i - 1].column - targets[j - 1].index)
                if cost[i - 1][j - 1] + d < best:
                    best, how = cost[i - 1][j - 1] + d, "take"
            cost[i][j], move[i][j] = best, how
    out: list[Column | None] = [None] * n
    i, j = n, m
    while i > 0:
        how = move[i][j]
        if how == "take":
            out[i - 1] = targets[j - 1]
            i, j = i - 1, j - 1
        elif how == "left":
            j -= 1
        else:
            i -= 1
    return out


def place(figures: list[Figure], group: Group) -> list[tuple[Figure, Column | None]]:
    return list(zip(figures, _align(figures, group.amount_columns), strict=True))


def parts(layout: Layout, *, codes: bool) -> list[list[Part]]:
    """Per body row, one :class:`Part` per group, with wrapped labels rejoined.

    ``codes``: the table prints classification codes, so a 3/5/7-digit number before
    the row's name is a code, not a figure.
    """
    out: list[list[Part]] = []
    for row, texts in zip(layout.body, layout.cells, strict=True):
        out.append([_part(row, texts, g, layout.columns, codes) for g in layout.groups])
    _rejoin_wrapped(out)
    return out


def _part(row: Row, texts: list[str], group: Group, columns: list[Column], codes: bool) -> Part:
    part = Part(row, group, lines=[row.line])
    for c in range(group.start, group.end):
        text = compact(texts[c]) if c < len(texts) else ""
        if not text:
            continue
        role = columns[c].role
        if role == "skip" and (text.isdigit() or text in ("-", "—")):
            continue  # 行次 / 序号 numbers are not figures
        first = not part.labels and not part.figures
        if codes and role == "code" and text.isdigit() and len(text) <= 7:
            part.code = (part.code or "") + text  # 类 | 款 | 项 in columns of their own
            continue
        if codes and first and _CODE.match(text):
            part.code = text
            continue
        glued = _CODE_GLUED.match(text) if codes else None
        if glued and first and role != "amount":
            part.code = glued["code"]
            part.labels.append(glued["name"])
            part.label_columns.append(c)
            continue
        number = parse_number(text)
        if number is not None and (role != "label" or _FIGURE_LIKE.match(text)):
            part.figures.append(Figure(c, number, text))
        elif _GLUED.match(text):
            part.glued.append(text)
        elif (glued_label := _TEXT_FIGURE.match(text)) and role != "code":
            part.labels.append(glued_label["text"])
            part.label_columns.append(c)
            part.figures.append(Figure(c, parse_number(glued_label["num"]), glued_label["num"]))
        elif role == "code" and text.isdigit():
            part.code = text
        else:
            part.labels.append(text)
            part.label_columns.append(c)
    return part


def _rejoin_wrapped(rows: list[list[Part]]) -> None:
    """Labels broken over lines, per group: a figure between the pieces, or a short tail.

    ``三、单位预留机动经`` / ``3,990.40`` / ``费``: the figure row takes the label above it,
    then the tail joins it; ``2.政府性基金预`` / ``算`` and ``当 年 收 入 13,649.07`` / ``小计``
    join the same way.
    """
    for g in range(len(rows[0]) if rows else 0):
        column = [r[g] for r in rows]
        for k, part in enumerate(column):
            if not part.figures or part.labels or part.code:
                continue
            above = column[k - 1] if k else None
            below = column[k + 1] if k + 1 < len(column) else None
            if above is not None and (above.labels or above.code) and not above.figures:
                part.labels, part.label_columns = above.labels, above.label_columns
                part.code, above.code = above.code, None  # ``301 工资福利支出`` / ``10,204.52``
                part.lines = above.lines + part.lines
                above.labels, above.label_columns = [], []
            elif below is not None and _TOTAL_WORD.match(below.label) and not below.figures:
                part.labels, part.label_columns = below.labels, below.label_columns
                part.lines = part.lines + below.lines  # ``21,940.96`` / ``合计``
                below.labels, below.label_columns = [], []
        for k, part in enumerate(column):
            if part.figures or part.code or not part.labels:
                continue
            text = part.label
            if len(text) > _FRAGMENT_MAX or not re.search(r"[\u4e00-\u9fff]", text):
                continue
            if _LIST_MARK.match(text):
                continue
            above = _previous_labelled(column, k)
            if above is not None:
                above.labels[-1] += text  # one cell wrapped, not a second label
                above.lines.append(part.row.line)
                part.labels, part.label_columns = [], []


def _previous_labelled(column: list[Part], k: int) -> Part | None:
    """The nearest part above with a label, skipping rows blank in this group."""
    for j in range(k - 1, max(-1, k - 3), -1):
        if column[j].labels:
            return column[j]
        if column[j].figures:
            return None
    return None
