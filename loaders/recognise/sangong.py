"""财政拨款“三公”经费 tables: each figure is a category × a measure.

Layouts differ: the national 公开09 prints six 预算数 columns then six 决算数; Shanghai
interleaves 预算数 / 决算数 under each category; Jiangsu 09 prints one 预算 row with
会议费 and 培训费 beside the “三公”经费 group, and its own 合计 of all three. The category
comes from the column's header path (or the row label, when categories are rows), the
measure from the path or the table. ``合计`` in `sangong` is always the 三公 total
(出国 + 车 + 接待): where the table also totals 会议费 and 培训费, that wider 合计 is an
`accounts` row only.
"""

from __future__ import annotations

import re

from loaders.cells import compact
from loaders.classify import Segment
from loaders.recognise.disclosure import Recognised, TableReader, item_of
from loaders.recognise.layout import lay_out, parts, place
from loaders.recognise.vocabulary import column_meaning

# (pattern on one header or label text, category); first match wins
_CATEGORIES = [
    (re.compile(r"因公出国"), "因公出国（境）费"),
    (
        re.compile(r"公务用车购置及运行(维护)?费|公务用车购置和运行(维护)?费"),
        "公务用车购置及运行维护费",
    ),
    (re.compile(r"公务用车购置费?$|^购置费$"), "公务用车购置费"),
    (re.compile(r"公务用车运行(维护)?费|^运行(维护)?费$"), "公务用车运行维护费"),
    (re.compile(r"公务接待"), "公务接待费"),
    (re.compile(r"会议费"), "会议费"),
    (re.compile(r"培训费"), "培训费"),
    (re.compile(r"机关运行经费"), "机关运行经费"),
]
_SANGONG_GROUP = re.compile(r"三公")
_MEASURES = (
    "预算数",
    "决算数",
    "年初预算数",
    "调整预算数",
    "全年预算数",
    "上年预算数",
    "上年执行数",
)
_TOTAL = re.compile(r"^(合计|小计|总计)$")


def category_of(path: list[str], wider_total: bool) -> str | None:
    """The 三公 category a column header path (or row label) names, or None.

    The deepest header naming a category wins (``公务用车购置及运行维护费`` / ``公务用车购置费``);
    a header wrapped over two cells (``公务用车运`` / ``行维护费``) is read joined.
    """
    texts = [compact(t) for t in path]
    found, depth = None, -1
    for end in range(len(texts)):
        for start in range(end, max(-1, end - 3), -1):
            joined = "".join(texts[start : end + 1])
            for pattern, category in _CATEGORIES:
                if pattern.search(joined) and end >= depth:
                    found, depth = category, end
                    break
            if depth == end:
                break
    if found:
        return found
    in_group = any(_SANGONG_GROUP.search(t) for t in texts)
    if any(_TOTAL.match(t) for t in texts) and (in_group or not wider_total):
        return "合计"
    return None


def read(segment: Segment, table_id: int) -> Recognised:
    layout = lay_out(segment.grid)
    reader = TableReader(segment, table_id, layout)
    # a table with 会议费 / 培训费 beside the 三公 group totals all of them in its own 合计
    wider_total = any(
        re.search(r"会议费|培训费", compact(t)) for c in layout.columns for t in c.path
    ) and any(_SANGONG_GROUP.search(compact(t)) for c in layout.columns for t in c.path)
    for row in parts(layout, codes=False):
        if not reader.count(row):
            continue
        for part in row:
            label = part.label
            for figure, column in place(part.figures, part.group):
                if column is None:
                    reader.unplaced(part, figure, "unplaced-figure")
                    continue
                path = column.path + ([label] if label else [])
                category = category_of(path, wider_total)
                measure, _, _ = column_meaning(column.path, reader.statement)
                if measure not in _MEASURES:
                    measure = None  # 合计 / 小计 name a category here, not a measure
                row = reader.emit(
                    part,
                    figure,
                    column,
                    item=item_of(part.labels),
                    measure=measure or reader.default_measure,
                    side="expenditure",
                    fund=reader.title_fund,
                    row_kind="total" if not label or _TOTAL.match(compact(label)) else "item",
                )
                if category is not None:
                    _sangong(reader, row, category)
    return reader.out


def _sangong(reader: TableReader, account: dict, category: str) -> None:
    reader.out.sangong.append(
        {
            "statement": account["statement"],
            "category": category,
            "measure": account["measure"],
            "amount": account["amount"],
            "decimals": account["decimals"],
            "source_line": account["source_line"],
        }
    )
