"""收支总表: income on the left, expenditure on the right, side by side in one grid.

收入支出决算总表 (公开01 / 表一), 财政拨款收入支出决算总表 (04 / 四), 收支预算总表 and
财政拨款收支预算总表 (Jiangsu 01 / 04, Shanghai 01 / 04). Each half is a group of
columns (label, 行次, amount columns); Jiangsu 01 splits expenditure into a by-function
and a by-use half. A row's figure belongs to its own half: an income figure is never
read as spending. Totals printed across both expenditure halves (当年支出小计) take the
label from the half it is printed in. Rows under 年初财政拨款结转和结余 that name a fund
are that balance's parts.
"""

from __future__ import annotations

import re

from loaders.classify import Segment
from loaders.recognise.disclosure import (
    Recognised,
    TableReader,
    borrow_labels,
    item_of,
    shared_column_text,
)
from loaders.recognise.layout import Group, lay_out, parts, place
from loaders.recognise.vocabulary import (
    column_meaning,
    fund_of_label,
    is_balance_label,
    row_kind,
)

_USES = re.compile(
    r"^(基本支出|项目支出|上缴上级支出|经营支出|对附属单位补助支出|单位预留机动经费)$"
)


def _side(group: Group, index: int) -> str:
    for text in group.prefix():
        if text in ("收入", "收入项目"):
            return "income"
        if text in ("支出", "支出项目"):
            return "expenditure"
    return "income" if index == 0 else "expenditure"


def _has_fund_columns(group: Group, statement: str) -> bool:
    return any(column_meaning(c.path, statement)[1] for c in group.amount_columns)


def read(segment: Segment, table_id: int) -> Recognised:
    layout = lay_out(segment.grid)
    reader = TableReader(segment, table_id, layout)
    sides = [_side(g, k) for k, g in enumerate(layout.groups)]
    by_function = ["功能分类" in "".join(g.prefix()) for g in layout.groups]
    balance_open = [False] * len(layout.groups)
    fund_groups = [_has_fund_columns(g, reader.statement) for g in layout.groups]
    for row in parts(layout, codes=False):
        if not reader.count(row):
            continue
        borrowed = borrow_labels(row, sides)
        for g, part in enumerate(row):
            if not part.labels and not part.figures:
                continue
            item = item_of(part.labels)
            kind = row_kind(part.label)
            side = sides[g]
            fund = fund_of_label(part.label)
            if is_balance_label(part.label):
                side, balance_open[g] = "balance", kind != "total"
            elif balance_open[g] and fund and kind != "total":
                side, kind = "balance", "sub"  # 年初财政拨款结转和结余 / 一般公共预算财政拨款
            else:
                balance_open[g] = False
            classification = None
            by_class = by_function[g] or (item.endswith("支出") and not _USES.match(item))
            if side == "expenditure" and kind == "item" and not borrowed[g] and by_class:
                classification = "functional"
            for figure, column in place(part.figures, part.group):
                if column is None:
                    reader.unplaced(part, figure, "unplaced-figure")
                    continue
                if not item:
                    reader.unplaced(part, figure, "no-row-label", column)
                    continue
                measure, column_fund, column_side = column_meaning(column.path, reader.statement)
                if measure == "合计" and fund_groups[g]:
                    measure = (
                        None  # 04's 合计 totals the fund columns: all funds, the table's measure
                    )
                reader.emit(
                    part,
                    figure,
                    column,
                    item=item,
                    measure=measure or reader.default_measure,
                    side="balance" if column_side == "balance" else side,
                    fund=column_fund or fund or reader.title_fund,
                    row_kind=kind,
                    classification=classification,
                    column_text=shared_column_text([part], column) if borrowed[g] else None,
                )
    return reader.out
