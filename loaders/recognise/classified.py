"""Tables of rows × amount columns: by classification code, by fund group, or by purchase.

收入决算表 / 支出决算表 (02 / 03), the 一般公共预算 and fund tables (05–08), the
Jiangsu 收入 / 支出预算总表, 财政拨款 / 一般公共预算 支出 and 基本支出 预算表, 机关运行经费
and 政府采购 tables. A row is a code (类 3 digits, 款 5, 项 7; 经济分类 3 / 5) with its
name, or printed labels (``一般公共预算资金 | 小计``: the first names the fund the rows
below belong to), or nothing at all when the table has one row of totals (Jiangsu 03).
Each figure is laid onto the header column it sits under; the column says the measure
(本年收入合计 → 合计, 财政拨款收入, 基本支出 …) and may say the side (年初结转和结余) or the
fund. 经济分类 tables printed as two or three code/name/amount groups side by side are
read group by group; a total printed across two groups takes the label of its group.
"""

from __future__ import annotations

from loaders.classify import Segment
from loaders.recognise.disclosure import (
    Recognised,
    TableReader,
    borrow_labels,
    item_of,
    shared_column_text,
)
from loaders.recognise.layout import Part, lay_out, parts, place
from loaders.recognise.vocabulary import (
    clean_label,
    column_meaning,
    fund_of_label,
    is_balance_label,
    row_kind,
)


def read(segment: Segment, table_id: int) -> Recognised:
    layout = lay_out(segment.grid)
    reader = TableReader(segment, table_id, layout)
    kind = reader.kind
    rows = parts(layout, codes=True)
    coded = any(p.code for row in rows for p in row)
    labelled = any(c.role in ("label", "code") for c in layout.columns)
    classification = kind.classification if coded else None
    single = sum(c.role == "amount" for c in layout.columns) == 1
    sides = [kind.side] * len(layout.groups)
    groups = _fund_groups(rows)
    for row, group in zip(rows, groups, strict=True):
        if not reader.count(row):
            continue
        borrowed = borrow_labels(row, sides)
        for g, part in enumerate(row):
            if not part.figures and not part.labels:
                continue
            labels = list(part.labels)
            if len(labels) >= 2 and _names_group(labels[0]) and not part.code:
                labels = labels[1:]
            group_fund = fund_of_label(group) if group and g == 0 else None
            group_balance = bool(group) and g == 0 and is_balance_label(group)
            item = item_of(labels)
            kind_of_row = row_kind("".join(labels)) if labels else "total"
            side = kind.side
            if group_balance or is_balance_label("".join(labels)):
                side = "balance"
            fund = fund_of_label("".join(labels)) or group_fund
            for figure, column in place(part.figures, part.group):
                if column is None:
                    reader.unplaced(part, figure, "unplaced-figure")
                    continue
                if not item and not part.code and labelled:
                    reader.unplaced(part, figure, "no-row-label", column)
                    continue
                measure, column_fund, column_side = column_meaning(column.path, reader.statement)
                if measure == "合计" and single:
                    measure = None  # the one amount column of the table (总计, 合计): its measure
                if measure is None and not _amount_header(column, layout):
                    reader.unplaced(part, figure, "unknown-column", column)
                    continue
                reader.emit(
                    part,
                    figure,
                    column,
                    item=item,
                    code=part.code,
                    measure=measure or reader.default_measure,
                    side=column_side or side,
                    fund=column_fund or fund or reader.title_fund,
                    row_kind=kind_of_row,
                    classification=classification,
                    column_text=shared_column_text([part], column) if borrowed[g] else None,
                )
    return reader.out


def _fund_groups(rows: list[list[Part]]) -> list[str | None]:
    """Per row, the fund group it belongs to (Jiangsu 收入预算总表: ``一般公共预算资金 | 小计``
    heads the rows under it until a row labelled in the first column, such as 收入总计).

    A group label printed in the middle of its rows (a merged cell centred vertically)
    also heads the 小计 row just above it.
    """
    out: list[str | None] = []
    current: str | None = None
    for k, row in enumerate(rows):
        part = row[0] if row else None
        if part is None:
            out.append(current)
            continue
        if len(part.labels) >= 2 and _names_group(part.labels[0]) and not part.code:
            current = part.labels[0]
            above = rows[k - 1][0] if k else None
            if above is not None and [clean_label(x) for x in above.labels] == ["小计"]:
                out[-1] = current
        elif part.labels and _starts_new_group(part):
            current = None
        out.append(current)
    return out


def _names_group(label: str) -> bool:
    """``一般公共预算资金`` / ``上年结转和结余资金`` in the first label column heads a group."""
    return fund_of_label(label) is not None or is_balance_label(label)


def _starts_new_group(part: Part) -> bool:
    """A row labelled in the first label column ends the fund group above it (收入总计)."""
    first = next((c.index for c in part.group.columns if c.role in ("label", "code")), None)
    return part.code is None and part.label_columns[:1] == [first] and len(part.labels) == 1


def _amount_header(column, layout) -> bool:
    """A figure column whose header says only "the amount" (金额, 总计) or has no header in a
    table with a single amount column."""
    measure_words = ("金额", "总计", "机关运行经费", "本年预算", "本年决算")
    if any(w in column.leaf for w in measure_words):
        return True
    amounts = [c for c in layout.columns if c.role == "amount"]
    return len(amounts) == 1
