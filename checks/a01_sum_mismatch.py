"""A01 合计不符: item rows do not add up to their subtotal/total, children not to their parent code."""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from checks.base import (
    CheckInfo,
    CheckResult,
    amount_decimals,
    fmt,
    frame_rows,
    half_unit,
    make_flag,
)

CHECK = CheckInfo(
    code="A01",
    title="分项之和与合计不符",
    explanation="表内分项加总与合计不一致（超出四舍五入误差），说明数字有误或有遗漏的项目。",
    category="arithmetic",
    severity="medium",
    version="2",
    scope="row",
    defaults={
        "columns": [
            "budget_initial",
            "budget_adjustment",
            "budget",
            "actual",
            "balance",
            "basic",
            "project_spending",
        ],
        "min_difference": 0.0,
    },
    doc="""- 预算执行表：带序号（或编号）的分项之和与“小计 / 合计”行比较（“其中”子项不计入）；
- 决算 / 预算公开表（`accounts`）：同一张表的同一列内，按功能分类 / 经济分类编码，3 位“类”等于
  5 位“款”之和，5 位“款”等于 7 位“项”之和，“合计”等于各“类”之和。上级科目只和它的直接下级比较，
  从不和下级一起相加；收入表和支出表、不同的列（基本支出、项目支出……）各算各的。

容差：n 个两位小数相加最多差 n × 0.005，再加合计本身的 0.005；只有超出容差和 `min_difference`
的差额才报。例：分项 633.99 + 64.47 + 87.05 = 785.51 与小计 785.51 一致，不报。""",
)
_FIELD_LABELS = {
    "budget_initial": "年初预算",
    "budget_adjustment": "追加",
    "budget": "预算",
    "actual": "执行/决算",
    "balance": "结余",
    "basic": "基本支出",
    "project_spending": "项目支出",
}


def _compare(rows: list[dict], total: dict, settings: dict, result: CheckResult, what: str) -> None:
    for col in settings["columns"]:
        values = [r[col] for r in rows if r.get(col) is not None]
        if total.get(col) is None or not values:
            continue
        result.applied += 1
        stated = total[col]
        summed = sum(values)
        decimals = max([r.get("decimals") or 0 for r in rows] + [total.get("decimals") or 0])
        tolerance = (len(values) + 1) * half_unit(decimals) + 1e-9
        diff = summed - stated
        if abs(diff) <= max(tolerance, settings["min_difference"]):
            continue
        label = _FIELD_LABELS.get(col, col)
        result.flags.append(
            make_flag(
                CHECK,
                total,
                subject=f"{total['table']}·{total['item'] or total.get('code')}",
                message=f"“{total['item']}”{label} {fmt(stated)} 万元，但{what}相加为 {fmt(summed)} 万元，相差 {fmt(diff)} 万元。",
                evidence=f"合计={fmt(stated)}；分项之和={fmt(summed)}（{len(values)} 项，第"
                f"{'、'.join(str(r['source_line']) for r in rows)}行）；容差={tolerance:.3f}",
                amount=abs(diff),
                threshold=f"差额>{tolerance:.3f}（n×0.005）",
                key=col,
                fact=f"{total['table']}{total['item'] or total.get('code')}{col}",
            )
        )


# Parse issues that mean a table printed a figure the loader could not place: summing such a
# table would blame the document for the reader's gap.
_UNREAD = ("unplaced-figure", "no-row-label", "unsplit-figures", "unknown-column")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    _self_evaluation_tables(frame_rows(corpus, "budget_lines"), settings, result)
    _disclosure_tables(frame_rows(corpus, "accounts"), _unread_lines(corpus), settings, result)
    return result


def _unread_lines(corpus) -> dict[str, list[int]]:
    issues = corpus.parse_issues
    if issues.is_empty():
        return {}
    unread = issues.filter(pl.col("code").is_in(_UNREAD) & pl.col("source_line").is_not_null())
    out: dict[str, list[int]] = defaultdict(list)
    for doc_id, line in unread.select("doc_id", "source_line").iter_rows():
        out[doc_id].append(line)
    return out


def _self_evaluation_tables(rows: list[dict], settings: dict, result: CheckResult) -> None:
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["origin"] == "table":
            tables[(row["doc_id"], row["table_id"])].append(row)
    for rows in tables.values():
        kind = rows[0]["table_kind"]
        coded = [r for r in rows if (r.get("code") or "").isdigit()]
        if coded:
            _by_code(coded, [r for r in rows if r["row_kind"] == "total"], settings, result)
            continue
        if kind not in ("budget_table", "dept_self_eval"):
            continue  # project tables list 其中 parts, not addends
        items: list[dict] = []
        for row in rows:
            if row["row_kind"] == "item":
                items.append(row)
            elif row["row_kind"] in ("subtotal", "total") and len(items) >= 2:
                _compare(items, row, settings, result, "分项")
                items = []


def _by_code(coded: list[dict], totals: list[dict], settings: dict, result, amount=None) -> None:
    """Each 类 against its 款, each 款 against its 项, the total against the 类."""
    compare = _compare if amount is None else amount
    by_code: dict[str, dict] = {}
    repeated: set[str] = set()
    for row in coded:
        if row["code"] in by_code:
            repeated.add(row["code"])
        by_code[row["code"]] = row
    for code in repeated:
        by_code.pop(code, None)  # a code printed twice in one column: no single parent
    for code, parent in by_code.items():
        width = {3: 5, 5: 7}.get(len(code))
        children = [
            r for c, r in by_code.items() if width and len(c) == width and c.startswith(code)
        ]
        if children:
            compare(children, parent, settings, result, "下级科目")
    top = [r for c, r in by_code.items() if len(c) == 3]
    functional = all(c.startswith("2") for c in by_code)  # 30x economic codes sit side by side
    for total in [t for t in totals if not t.get("code")][:1]:
        if top and (functional or amount is not None):
            compare(top, total, settings, result, "各类科目")


def _disclosure_tables(rows: list[dict], unread: dict, settings: dict, result: CheckResult) -> None:
    """决算 / 预算 tables: per table and column (one measure, side and fund each)."""
    tables: dict[tuple, list[dict]] = defaultdict(list)
    columns: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        tables[(row["doc_id"], row["table_id"])].append(row)
        key = (row["doc_id"], row["table_id"], row["column"], row["side"], row["fund"])
        columns[key].append(row)
    incomplete = set()
    for (doc_id, table_id), rows in tables.items():
        lines = [r["source_line"] for r in rows]
        if any(min(lines) <= line <= max(lines) for line in unread.get(doc_id, [])):
            incomplete.add((doc_id, table_id))
    for (doc_id, table_id, *_), rows in columns.items():
        if (doc_id, table_id) in incomplete:
            reason = "表内有未能读入的数字，不做加总"
            result.not_applicable[reason] = result.not_applicable.get(reason, 0) + 1
            continue
        coded = [r for r in rows if (r.get("code") or "").isdigit()]
        if coded:
            totals = [r for r in rows if r["row_kind"] == "total"]
            _by_code(coded, totals, settings, result, amount=_compare_amounts)


def _compare_amounts(rows: list[dict], total: dict, settings, result: CheckResult, what: str):
    """``_compare`` for `accounts` rows: one amount per row, the table's own title and measure."""
    values = [r["amount"] for r in rows]
    result.applied += 1
    decimals = max(amount_decimals(r) for r in [*rows, total])
    tolerance = (len(values) + 1) * half_unit(decimals) + 1e-9
    summed, stated = sum(values), total["amount"]
    diff = summed - stated
    if abs(diff) <= max(tolerance, settings["min_difference"]):
        return
    label = total["item"] or total.get("code") or "合计"
    parts = "、".join(f"{r.get('code') or r['item']} {fmt(r['amount'])}" for r in rows)
    lines = "、".join(str(r["source_line"]) for r in rows)
    result.flags.append(
        make_flag(
            CHECK,
            total,
            subject=f"{total['table_title']}·{label}",
            message=f"{total['table_title']}“{label}”{total['measure']} {fmt(stated)} 万元，"
            f"但{what}相加为 {fmt(summed)} 万元，相差 {fmt(diff)} 万元。",
            evidence=f"合计={fmt(stated)}（{total['column']}）；{what}之和={fmt(summed)}"
            f"（{len(values)} 项：{parts}，第{lines}行）；容差={tolerance:.3f}",
            amount=abs(diff),
            threshold=f"差额>{tolerance:.3f}（n×0.005）",
            key=f"{total['table_id']}-{total['column']}",
        )
    )
