"""Raw cell grids to recognised rows: budget lines, indicators and table narratives.

One walker reads a grid row by row. Header rows set what each column means
(:mod:`loaders.columns`); data rows under a money header become budget lines,
rows under an indicator header become indicators; key rows (项目名称, 资金量,
年度总体目标) set context. A self-evaluation table mixes all of these in one
grid, so the walker switches mode whenever a new header appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from loaders.blocks import Grid, Row
from loaders.cells import Number, clean_text, compact, parse_number
from loaders.columns import (
    is_code_header,
    is_label_header,
    is_staff_header,
    merge_header_rows,
    role_of,
)
from loaders.issues import issue

_LIST_MARK = re.compile(
    r"^(\d+[、.．]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|[①-⑳])\s*"
)
_SUB_PREFIX = re.compile(r"^其中[：:]?")
_MAYBE_NUMBER = re.compile(r"[\d０-９]")  # a cell without a digit is no figure: skip parsing
_KV = re.compile(
    r"^(?:其中[：:])?(?P<label>[^：:\d]{2,30}?)[：:](?P<num>-?[\d,]+(?:\.\d+)?)(?:万元)?$"
)


@lru_cache(maxsize=1 << 16)
def _kv(text: str) -> re.Match | None:
    """``label：number`` in one cell (the match is read only, so it is shared)."""
    return _KV.match(text) if "：" in text or ":" in text else None


_FUNDS_SIZE = re.compile(r"资金量[：:]\s*(?P<num>\d[\d,]*(?:\.\d+)?)")
_SCORE_SUFFIX = re.compile(r"[（(]\d+分[)）]$")
_TOTAL = re.compile(r"(合计|总计)$")
_SUBTOTAL = re.compile(r"^小计$")
_INDICATOR_TOTAL = re.compile(r"^(总分|合计|总计)$")
_PROJECT_KEY = re.compile(r"^项目(支出)?名称$")
_DEPT_KEY = re.compile(r"^(部门|单位)名称$")
_GOAL_KEY = re.compile(r"^(年度总体目标|年度目标\d*[：:]?|整体绩效目标|部门职能职责概述)$")
_DEVIATION_KEY = re.compile(r"^(偏差大或目标未完成原因分析|偏差原因.*|改进措施.*)$")
_NOT_MONEY = frozenset(("rate", "weight", "score"))  # the roles that state no amount
_GENERIC_LABELS = re.compile(r"^(序号|项目|预算项目|科目名称|功能分类科目编码|类款项|收入|支出)$")


@dataclass
class TableContext:
    """What the text around a grid says about it."""

    title: str
    kind: str
    table_id: int
    report_year: int | None
    unit_factor: float = 1.0  # 1e-4 when the table is stated in 元


@dataclass
class Recognised:
    budget_lines: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    narratives: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    cells_numeric: int = 0  # numeric cells of data rows (not 序号, codes, column numbers)
    cells_placed: int = 0  # of them, the ones read into a row


def cell_texts(row: Row, layout: str) -> list[str]:
    """Clean cell strings; Word cells broken over lines are joined without separator."""
    if layout == "cells":
        return [
            "".join(map(clean_text, c.text.split("\n"))) if "\n" in c.text else clean_text(c.text)
            for c in row.cells
        ]
    return [clean_text(c.text) for c in row.cells]


@lru_cache(maxsize=1 << 16)  # labels repeat across rows and reports; the answer is a str
def clean_label(text: str) -> str:
    label = compact(text).rstrip("□")
    label = _LIST_MARK.sub("", label)
    return _SUB_PREFIX.sub("", label).strip("：:")


@lru_cache(maxsize=1 << 16)
def _is_number(text: str) -> bool:
    return parse_number(text) is not None and compact(text) not in ("", "-", "—")


@lru_cache(maxsize=1 << 16)
def _figure(text: str) -> str | None:
    """The compact text of a cell that states a number (coverage counts it), else None.

    ``_is_number`` written out: a new cell is read here first, and one memo fewer to fill
    for every figure of a report counts."""
    if not _MAYBE_NUMBER.search(text):
        return None
    text_compact = compact(text)
    if text_compact in ("", "-", "—") or parse_number(text) is None:
        return None
    return text_compact


def _is_column_numbers(texts: list[str]) -> bool:
    return _compacts_are_column_numbers(list(map(compact, texts)))


def _compacts_are_column_numbers(compacts: list[str], joined: str | None = None) -> bool:
    """A 栏次 row (1 2 3 …), given the row's compact texts (and those joined by NUL)."""
    if joined is None:
        joined = "\0".join(compacts)
    if "栏次" in joined:  # the separator keeps two cells from making one word
        return True
    if not "".join(compacts).isdigit():  # some filled cell is no number (or none is filled)
        return False
    filled = [c for c in compacts if c]
    return all(t.isdigit() and int(t) < 40 for t in filled) and len(filled) >= 3


@lru_cache(maxsize=1 << 14)
def _key_kind(first: str) -> str | None:
    """Which key row a row whose first filled cell reads ``first`` may be (the patterns are
    disjoint, so the first that matches is the only one)."""
    if _PROJECT_KEY.match(first):
        return "project"
    if _DEPT_KEY.match(first):
        return "department"
    if first == "年度总体目标":
        return "goal-header"
    if _GOAL_KEY.match(first):
        return "goal"
    if _DEVIATION_KEY.match(first):
        return "deviation"
    if first in ("主管部门", "项目类型", "填报单位", "厉行节约保障措施") or first.startswith(
        ("填报单位", "说明")
    ):
        return "other"
    return None


def repair_split_rows(rows: list[Row]) -> list[Row]:
    """Word rows cut by a page break (two blank lines) are glued back when widths add up."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.double_break and out and i + 1 < len(rows):
            width = len(out[-1].cells)
            nxt = rows[i + 1]
            if len(row.cells) < width and len(row.cells) + len(nxt.cells) == width:
                out.append(Row(row.cells + nxt.cells, row.line, nxt.double_break))
                i += 2
                continue
        out.append(row)
        i += 1
    return out


@dataclass
class _MoneyHeader:
    roles: list[str | None]
    groups: list[tuple[int, int]]  # [start, end) column ranges of side-by-side groups
    label_cols: set[int]
    code_cols: set[int]
    serial_cols: set[int]
    fallback_label: str
    unit: str
    figures: list[list[tuple[int, str]]]  # per group: (column, role) of its figure columns
    keyed: list[list[int]]  # per group: its label, code and serial columns, in order


def _money_header(headers: list[str], report_year: int | None) -> _MoneyHeader | None:
    return _money_header_of(tuple(headers), report_year)


@lru_cache(maxsize=4096)  # header rows repeat from report to report; the answer is read only
def _money_header_of(headers: tuple[str, ...], report_year: int | None) -> _MoneyHeader | None:
    roles = [role_of(h, report_year) for h in headers]
    money = [r for r in roles if r and r not in ("skip", "note")]
    if len(money) < 2 and not (len(money) == 1 and "rate" not in money and len(headers) >= 3):
        return None
    label_cols = {i for i, h in enumerate(headers) if roles[i] is None and is_label_header(h)}
    code_cols = {i for i, h in enumerate(headers) if roles[i] is None and is_code_header(h)}
    label_cols -= code_cols
    serial_cols = {i for i, h in enumerate(headers) if "序号" in compact(h)}
    starts = [0]
    for i in range(1, len(headers)):
        # a label or code column right after a figure column starts a side-by-side group
        after_figure = roles[i - 1] is not None and not (
            roles[i - 1] == "skip" and i - 1 in serial_cols
        )
        if (i in label_cols or i in code_cols) and after_figure and i - 1 not in code_cols:
            starts.append(i)
    groups = [(s, e) for s, e in zip(starts, starts[1:] + [len(headers)], strict=True)]
    first_role = min((i for i, r in enumerate(roles) if r and r not in ("skip",)), default=0)
    fallback = ""
    for h in headers[:first_role]:
        text = clean_label(h)
        if text and not _GENERIC_LABELS.match(text):
            fallback = text
    unit = "人" if is_staff_header(headers) else "万元"
    figures = [
        [(k, roles[k]) for k in range(s, e) if roles[k] and roles[k] not in ("skip", "note")]
        for s, e in groups
    ]
    keys = label_cols | code_cols | serial_cols
    keyed = [[k for k in range(s, e) if k in keys] for s, e in groups]
    return _MoneyHeader(
        roles, groups, label_cols, code_cols, serial_cols, fallback, unit, figures, keyed
    )


@dataclass
class _IndicatorHeader:
    cols: dict[str, int]
    width: int


def _indicator_header(headers: list[str]) -> _IndicatorHeader | None:
    return _indicator_header_from(headers, list(map(compact, headers)))


def _indicator_header_from(
    headers: list[str], compacts: list[str], joined: str | None = None
) -> _IndicatorHeader | None:
    """:func:`_indicator_header` when the row's compact texts (joined by NUL) are at hand."""
    if "三级指标" not in (" ".join(compacts) if joined is None else joined):
        return None
    return _indicator_header_of(tuple(headers))


@lru_cache(maxsize=4096)  # header rows repeat from report to report; the answer is read only
def _indicator_header_of(headers: tuple[str, ...]) -> _IndicatorHeader | None:
    texts = [compact(h) for h in headers]

    def find(pattern: str) -> int | None:
        for i, t in enumerate(texts):
            if re.search(pattern, t):
                return i
        return None

    cols = {
        "level1": find("一级指标"),
        "level2": find("二级指标"),
        "name": find("三级指标"),
        "target": find("指标值|目标值|年初目标|年度目标"),
        "actual": find("实际完成|完成值"),
        "weight": find("分值"),
        "score": find("得分"),
        "note": find("偏差|原因"),
    }
    if cols["target"] is None or cols["actual"] is None:
        return None
    return _IndicatorHeader({k: v for k, v in cols.items() if v is not None}, len(headers))


@lru_cache(maxsize=1 << 16)  # indicator names, targets and units repeat from report to report
def _field_text(text: str) -> str:
    """An indicator cell's text as the row keeps it (no check boxes, no padding)."""
    return clean_text(text).strip("□ ").replace("\u3000", "")


@lru_cache(maxsize=1 << 14)  # indicator levels repeat from row to row
def _strip_score(level: str) -> str:
    return _SCORE_SUFFIX.sub("", compact(level)).rstrip("□")


class _Walker:
    def __init__(self, grid: Grid, ctx: TableContext):
        self.grid = grid
        self.ctx = ctx
        self.out = Recognised()
        self.table_fields = {"table": ctx.title, "table_kind": ctx.kind, "table_id": ctx.table_id}
        self.money: _MoneyHeader | None = None
        self.indicator: _IndicatorHeader | None = None
        self.goal_header: list[str] | None = None
        self.project = ""
        self.funds_size: float | None = None
        self.level1 = ""
        self.level2 = ""
        self.last_item = ""
        self.in_sub = False
        # understanding coverage: numeric cells of data rows, and the ones read into a row
        self.seen: dict[tuple[int, int], str] = {}
        self.placed: set[tuple[int, int]] = set()
        self.row_cells: dict[str, int] = {}  # role → column of the money row being read
        self.reported: set[tuple[int, int]] = set()  # cells already reported unassigned
        self.row_texts: list[list[str]] = []  # each row's clean texts, by position
        self.row_compacts: list[list[str]] = []  # compact forms of those texts
        self.row_joined: list[str] = []  # those joined by NUL: one search finds a word in a row
        self.compacts: dict[int, list[str]] = {}  # id(row) → its compact texts
        self.text_of: tuple = (None, None, "")  # (row, texts, source text) last joined

    # ---- entry -------------------------------------------------------------
    def run(self) -> Recognised:
        rows = repair_split_rows(self.grid.rows) if self.grid.layout == "cells" else self.grid.rows
        # every row is read (as a row, or as a header below another): its texts once, up front
        layout = self.grid.layout
        self.row_texts = [cell_texts(row, layout) for row in rows]
        self.row_compacts = [list(map(compact, texts)) for texts in self.row_texts]
        self.row_joined = ["\0".join(compacts) for compacts in self.row_compacts]
        self.compacts = {id(row): c for row, c in zip(rows, self.row_compacts, strict=True)}
        i = 0
        while i < len(rows):
            i = self._row(rows, i)
        self._report_unplaced()
        return self.out

    # ---- coverage --------------------------------------------------------------
    def _see(self, texts: list[str], row: Row, skip: set[int] = frozenset()) -> None:
        line, seen = row.line, self.seen
        for k, figure in enumerate(map(_figure, texts)):
            if figure is not None and k not in skip:
                seen[(line, k)] = figure

    def _see_and_place(self, texts: list[str], row: Row) -> None:
        """An indicator row: every figure is seen, and placed with the row (one reading)."""
        line, seen, placed = row.line, self.seen, self.placed
        for k, figure in enumerate(map(_figure, texts)):
            if figure is not None:
                seen[(line, k)] = figure
                placed.add((line, k))

    def _place_row(self, texts: list[str], row: Row) -> None:
        """An indicator row keeps all its cells (target, actual, weight, score …)."""
        line = row.line
        self.placed.update((line, k) for k, f in enumerate(map(_figure, texts)) if f is not None)

    def _report_unplaced(self) -> None:
        for (line, k), text in self.seen.items():
            if (line, k) not in self.placed and (line, k) not in self.reported:
                self.out.issues.append(
                    issue(
                        "unplaced-figure",
                        line,
                        table=self.ctx.title,
                        figure=text,
                        column=f"第{k + 1}列",
                    )
                )
        self.out.cells_numeric = len(self.seen)
        self.out.cells_placed = len(self.placed & set(self.seen))

    def _row(self, rows: list[Row], i: int) -> int:
        row = rows[i]
        texts = self.row_texts[i]
        compacts = self.row_compacts[i]
        joined = self.row_joined[i]
        first = next(filter(None, compacts), "")
        if not first and self.indicator is not None and len(texts) >= self.indicator.width - 1:
            # an empty row of an indicator table: a placeholder
            self._indicator_row(texts, compacts, row)
            return i + 1
        if not first or _compacts_are_column_numbers(compacts, joined):
            return i + 1
        if self._key_row(texts, compacts, row, first, joined) and not _DEPT_KEY.match(first):
            return i + 1  # a 部门名称 row may also be the money header
        ind = _indicator_header_from(texts, compacts, joined)
        if ind:
            self.indicator, self.money, self.goal_header = ind, None, None
            self.level1 = self.level2 = ""
            return i + 1
        # figures sit right of labels: looking from the right finds one in a cell or two
        if not any(map(_is_number, reversed(texts))) and not any(map(_kv, compacts)):
            headers = [texts]
            j = i + 1
            while j < len(rows):
                nxt = self.row_texts[j]
                nxt_compacts = self.row_compacts[j]
                nxt_joined = self.row_joined[j]
                if _compacts_are_column_numbers(nxt_compacts, nxt_joined):
                    j += 1
                    continue
                if any(map(_is_number, reversed(nxt))) or not any(nxt_compacts):
                    break
                if _indicator_header_from(nxt, nxt_compacts, nxt_joined) or any(
                    map(_kv, nxt_compacts)
                ):
                    break
                if (
                    role_of(nxt_compacts[0] if nxt else "", None) is None
                    and len([c for c in nxt_compacts if c]) < 2
                ):
                    break
                headers.append(nxt)
                j += 1
            merged = headers[0]
            for extra in headers[1:]:
                merged = merge_header_rows(merged, extra)
            money = _money_header(merged, self.ctx.report_year)
            if money and (
                self.indicator is None
                or sum(1 for r in money.roles if r and r not in ("skip", "note")) >= 3
            ):
                self.money, self.indicator, self.goal_header = money, None, None
                self.in_sub = False
                return j
            if self.indicator is not None:
                self._indicator_row(texts, compacts, row)
            elif self.goal_header is not None:
                self._goal_row(texts, row)
            return i + 1
        if self.indicator is not None:
            self._indicator_row(texts, compacts, row, see=True)
        elif self.money is not None:
            hdr = self.money
            self._see(texts, row, hdr.serial_cols | hdr.code_cols)
            self._money_row(texts, compacts, row, joined)
        else:
            has_text = any(compact(t) and parse_number(t) is None for t in texts)
            serial = has_text and bool(texts) and compact(texts[0]).isdigit()
            self._see(texts, row, {0} if serial else set())  # a serial number is no figure
            self._loose_row(texts, row)
        return i + 1

    # ---- key rows ------------------------------------------------------------
    def _key_row(
        self, texts: list[str], compacts: list[str], row: Row, first: str, joined: str
    ) -> bool:
        # no 资金量 in the row (compacting only drops blanks), no 资金量 cell: the words of a
        # 数量指标 row are not looked at again
        for t in texts if "资金量" in joined else ():
            # clean_text only drops characters: without 量 in t there is no 资金量 after it
            size = _FUNDS_SIZE.search(clean_text(t)) if "量" in t else None
            if size:
                self.funds_size = float(size["num"].replace(",", ""))
                k = texts.index(t)
                if _is_number(t):
                    self.seen[(row.line, k)] = compact(t)
                    self.placed.add((row.line, k))
                return True
        kind = _key_kind(first)
        if kind is None:
            return False
        rest = [t for t, c in zip(texts[1:], compacts[1:], strict=True) if c]
        if kind == "project":
            self.project = clean_label(rest[0]) if rest else ""
            self.funds_size = None
            self.indicator = None
            return True
        if kind == "department":
            if rest:
                self.out.departments.append(compact(rest[0]).rstrip("□"))
            return bool(rest)
        if kind == "goal-header" and rest:
            self.goal_header = [compact(t) for t in texts]
            self.money = self.indicator = None
            return True
        if kind in ("goal", "goal-header"):  # 年度总体目标 is also a goal key
            if rest:
                self._narrative(
                    "年度目标" if first.startswith("年度目标") else "绩效目标",
                    " ".join(rest),
                    row.line,
                )
            return bool(rest)
        if kind == "deviation":
            if rest:
                self._narrative(
                    "偏差原因" if "偏差" in first else "改进措施", " ".join(rest), row.line
                )
            return True
        return True  # kind == "other"

    def _narrative(self, section: str, text: str, line: int) -> None:
        text = clean_text(text).strip("□ ")
        if text:
            self.out.narratives.append(
                {"project": self.project, "section": section, "text": text, "source_line": line}
            )

    def _goal_row(self, texts: list[str], row: Row) -> None:
        cells = [(compact(t), c.line) for t, c in zip(texts, row.cells, strict=True) if compact(t)]
        sections = ["预期目标", "实际完成"]
        for (text, line), section in zip(cells[-2:], sections, strict=False):
            self._narrative(section, text, line)
        self.goal_header = None

    def _table_fields(self) -> dict:
        return self.table_fields

    # ---- indicators --------------------------------------------------------
    def _indicator_row(
        self, texts: list[str], compacts: list[str], row: Row, see: bool = False
    ) -> None:
        """One row under an indicator header; ``see``: its figures count for coverage too."""
        hdr = self.indicator
        assert hdr is not None
        whole = "".join(compacts)
        maybe_total = "总" in whole or "合计" in whole  # a cell 总分, 合计 or 总计 holds one
        for k, t in enumerate(compacts if maybe_total else ()):
            if _INDICATOR_TOTAL.match(t.rstrip("□")):
                nums = [parse_number(x) for x in texts[k + 1 :]]
                nums = [n for n in nums if n is not None]
                (self._see_and_place if see else self._place_row)(texts, row)
                self.out.indicators.append(
                    {
                        "project": self.project,
                        "level1": "",
                        "level2": "",
                        "name": "总分",
                        "target": "",
                        "actual": "",
                        "weight": nums[0].value if nums else None,
                        "score": nums[1].value if len(nums) > 1 else None,
                        "note": "",
                        "source_line": row.line,
                        "row_kind": "total",
                        **self._table_fields(),
                    }
                )
                return
        if len(texts) < hdr.cols["name"] + 1:
            if see:
                self._see(texts, row)
            self.out.issues.append(issue("short-indicator-row", row.line, cells=len(texts)))
            return

        width = len(texts)
        fields = {  # each column's text once (a column the header lacks reads "")
            key: _field_text(texts[idx]) for key, idx in hdr.cols.items() if idx < width
        }
        get = fields.get
        l1, l2 = _strip_score(get("level1", "")), _strip_score(get("level2", ""))
        if l1:
            self.level1 = l1
        if l2:
            self.level2 = l2
        weight = parse_number(get("weight", ""))
        score = parse_number(get("score", ""))
        (self._see_and_place if see else self._place_row)(texts, row)
        self.out.indicators.append(
            {
                "project": self.project,
                "level1": self.level1,
                "level2": self.level2,
                "name": get("name", ""),
                "target": get("target", ""),
                "actual": get("actual", ""),
                "weight": weight.value if weight else None,
                "score": score.value if score else None,
                "note": get("note", ""),
                "source_line": row.line,
                "row_kind": "indicator",
                **self._table_fields(),
            }
        )

    # ---- money -------------------------------------------------------------
    def _money_row(self, texts: list[str], compacts: list[str], row: Row, joined: str) -> None:
        hdr = self.money
        assert hdr is not None
        used_kv: set[int] = set()
        # a label：number cell has a colon; most rows have none
        kv_cells = (
            [(k, m) for k, c in enumerate(compacts) if (m := _kv(c.rstrip("□")))]
            if "：" in joined or ":" in joined
            else []
        )
        width = len(texts)
        for (start, end), figures, keyed in zip(hdr.groups, hdr.figures, hdr.keyed, strict=True):
            values: dict[str, Number] = {}
            self.row_cells = {}
            for k, role in figures:
                if k < width and role not in values:
                    num = parse_number(texts[k])
                    if num is not None:
                        values[role] = num
                        self.row_cells[role] = k
            label, code, serial = "", "", ""
            for k in keyed:  # a column in none of the three sets sets none of the three
                if k >= width:
                    break
                text = compacts[k].rstrip("□")
                if k in hdr.code_cols and text.isdigit():
                    code = text
                elif (k in hdr.label_cols or k in hdr.code_cols) and text and not label:
                    label = text
                elif k in hdr.serial_cols and text.isdigit():
                    serial = text
                elif k in hdr.serial_cols and text and not label:
                    label = text  # 合计 written in the 序号 column
            if not label:
                for k in range(start, min(end, len(texts))):
                    role = hdr.roles[k] if k < len(hdr.roles) else None
                    text = compacts[k]
                    if (
                        text
                        and not _is_number(text)
                        and role is None
                        and k not in hdr.code_cols
                        and not _kv(text.rstrip("□"))
                    ):
                        label = text
                        break
            kv_here = [(k, m) for k, m in kv_cells if start <= k < end and k not in used_kv]
            if kv_here and (not label or len(kv_here) == 1):
                k, m = kv_here[0]
                if (
                    "budget" not in values
                    and (hdr.roles[k] if k < len(hdr.roles) else None) is None
                ):
                    values["budget"] = parse_number(m["num"])
                    label = m["label"]
                    used_kv.add(k)
                    self.row_cells["budget"] = k
            if not values:
                if label and code == "" and not kv_here:
                    # a label with no figure: a group heading or a side whose amount is empty
                    pass
                continue
            if not label and not code:
                if len(hdr.groups) > 1:
                    label = self._neighbour_label(texts, start) or hdr.fallback_label
                else:
                    label = hdr.fallback_label or self._neighbour_label(texts, start)
            only_kv = used_kv and set(values) == {"budget"}
            self._emit_money(
                values,
                label,
                code,
                serial,
                row,
                texts,
                hdr.unit,
                row_kind="component" if only_kv else None,
            )
        for k, m in kv_cells:
            if k in used_kv:
                continue
            num = parse_number(m["num"])
            self.row_cells = {"budget": k}
            self._emit_money(
                {"budget": num}, m["label"], "", "", row, texts, hdr.unit, row_kind="component"
            )

    def _neighbour_label(self, texts: list[str], start: int) -> str:
        """A figure whose label sits in the group to its left (merged cells in 公开06)."""
        for k in range(start - 1, -1, -1):
            text = compact(texts[k])
            if text and not _is_number(text):
                return text
        return ""

    def _emit_money(
        self,
        values: dict[str, Number],
        label: str,
        code: str,
        serial: str,
        row: Row,
        texts: list[str],
        unit: str,
        row_kind: str | None = None,
    ) -> None:
        raw_label = compact(label)
        item = clean_label(label)
        if row_kind is None:
            if _SUBTOTAL.match(item):
                row_kind = "subtotal"
            elif _TOTAL.search(item):
                row_kind = "total"
            elif raw_label.startswith("其中") or (
                self.in_sub and not serial and not _LIST_MARK.match(raw_label) and not code
            ):
                row_kind = "sub"
                self.in_sub = True
            else:
                row_kind = "item"
                self.in_sub = False
        parent = self.last_item if row_kind in ("sub", "component") else ""
        if row_kind == "item":
            self.last_item = item
        factor = self.ctx.unit_factor if unit == "万元" else 1.0
        line, row_cells, placed = row.line, self.row_cells, self.placed
        # each role's amount in 万元 (the roles a row lacks stay None) and the decimals printed
        # on the money amounts, in one pass over the roles the row has
        amounts: dict[str, float | None] = {}
        decimals = 0
        for role, num in values.items():
            if role in row_cells:
                placed.add((line, row_cells[role]))
            if role not in _NOT_MONEY:
                amounts[role] = None if num is None else round(num.value * factor, 6)
                decimals = max(decimals, num.decimals)  # (a None amount fails here, as ever)
        amount = amounts.get
        rate = values.get("rate")
        initial = amount("initial")
        if self.funds_size is not None and initial is None and row_kind == "item" and self.project:
            initial = self.funds_size
            self.funds_size = None
        ctx = self.ctx
        self.out.budget_lines.append(
            {
                "table": ctx.title,
                "table_kind": ctx.kind,
                "table_id": ctx.table_id,
                "item": item,
                "row_kind": row_kind,
                "parent_item": parent,
                "project": self.project,
                "code": code,
                "budget_initial": initial,
                "budget_adjustment": amount("adjustment"),
                "budget": amount("budget"),
                "actual": amount("actual"),
                "balance": amount("balance"),
                "rate_stated": rate.value if rate else None,
                "prior_actual": amount("prior_actual"),
                "basic": amount("basic"),
                "project_spending": amount("project_spending"),
                "weight": values["weight"].value if "weight" in values else None,
                "score": values["score"].value if "score" in values else None,
                "unit": unit,
                "decimals": decimals,
                "rate_decimals": rate.decimals if rate else None,
                "source_line": line,
                "origin": "table",
                "text": self._row_text(row, texts),
            }
        )

    def _row_text(self, row: Row, texts: list[str]) -> str:
        """The source text of a row: its filled cells joined (every figure of the row shares it,
        so a row read into several lines joins it once)."""
        if row is self.text_of[0] and texts is self.text_of[1]:
            return self.text_of[2]
        compacts = self.compacts.get(id(row))
        if compacts is not None and len(compacts) == len(texts):
            text = " | ".join([t for t, c in zip(texts, compacts, strict=True) if c])
        else:
            text = " | ".join([t for t in texts if compact(t)])
        self.text_of = (row, texts, text)
        return text

    def _loose_row(self, texts: list[str], row: Row) -> None:
        """Figures outside any header: read label–number pairs, report what is left."""
        label = ""
        has_text = any(compact(t) and parse_number(t) is None for t in texts)
        for k, t in enumerate(texts):
            text = compact(t)
            if k == 0 and has_text and text.isdigit():
                continue  # a serial number
            if not text:
                continue
            num = parse_number(text)
            m = _kv(text.rstrip("□"))
            self.row_cells = {"budget": k}
            if m:
                self._emit_money(
                    {"budget": parse_number(m["num"])},
                    m["label"],
                    "",
                    "",
                    row,
                    texts,
                    "万元",
                    row_kind="component",
                )
            elif num is not None and label:
                self._emit_money(
                    {"budget": num}, label, "", "", row, texts, "万元", row_kind="component"
                )
                label = ""
            elif num is not None:
                self.out.issues.append(issue("unassigned-figure", row.line, figure=text))
                self.reported.add((row.line, k))
            else:
                label = text


def recognise_grid(grid: Grid, ctx: TableContext) -> Recognised:
    """Budget lines, indicators and narratives of one grid (rows keep their lines)."""
    return _Walker(grid, ctx).run()
