"""A04 项目明细不足合计: the projects a basic-data table lists do not add up to its project total."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import CheckInfo, CheckResult, fmt, half_unit, make_flag
from checks.context import plain_name

CHECK = CheckInfo(
    code="A04",
    title="列出的项目之和与项目支出合计不符",
    explanation="基础数据表要求“一个项目一行”列出全部项目支出；列出的项目加起来不等于项目支出合计，说明有项目没有列出（也就没有评价）或合计有误。",
    category="arithmetic",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "total_item": "部门项目支出$",
        "stop_items": "政府采购|厉行节约",
        "min_difference": 0.0,
    },
    doc="""部门整体支出绩效评价基础数据表中，“二、部门项目支出”（`total_item`）一行的各年度金额，与其下逐行列出的
项目（到“政府采购金额”等 `stop_items` 为止）之和比较；差额超出 n × 0.005 的舍入容差和 `min_difference` 万元
时报告，本年预算、本年决算各一条（上年决算不比：列出的是本年的项目，上年的项目可能不同）。

例：衡阳市国资委基础数据表 2022 年项目支出预算 390.56 万元，下列 4 个项目（13.5、24.84、9、85.5）合计 132.84 万元，
相差 257.72 万元；决算数同样相差 257.72 万元。""",
)
# this year's columns only: the list names this year's projects, last year's may have been others
_COLUMNS = {"budget": "预算数", "actual": "决算数"}


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    df = corpus.budget_lines
    if df.is_empty():
        return result
    total_item, stop = re.compile(settings["total_item"]), re.compile(settings["stop_items"])
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in df.filter(df["table_kind"] == "basic_data").iter_rows(named=True):
        if row["unit"] == "万元":
            tables[(row["doc_id"], row["table_id"])].append(row)
    for rows in tables.values():
        rows.sort(key=lambda r: r["source_line"])
        head = next(
            (i for i, r in enumerate(rows) if total_item.search(plain_name(r["item"]))), None
        )
        if head is None:
            continue
        total = rows[head]
        parts = []
        for row in rows[head + 1 :]:
            if stop.search(plain_name(row["item"])):
                break
            parts.append(row)
        if not parts:
            continue
        for col, label in _COLUMNS.items():
            values = [r[col] for r in parts if r.get(col) is not None]
            if total.get(col) is None or not values:
                continue
            result.applied += 1
            summed = sum(values)
            tolerance = (len(values) + 1) * half_unit(2) + 1e-9
            diff = total[col] - summed
            if abs(diff) <= max(tolerance, settings["min_difference"]):
                continue
            names = "、".join(plain_name(r["item"]) for r in parts)
            result.flags.append(
                make_flag(
                    CHECK,
                    total,
                    subject=f"{plain_name(total['item'])}·{label}",
                    message=f"基础数据表“{plain_name(total['item'])}”{label} {fmt(total[col])} 万元，"
                    f"下列 {len(parts)} 个项目合计 {fmt(summed)} 万元，相差 {fmt(diff)} 万元。",
                    evidence=f"合计={fmt(total[col])}；列出的项目={names}（第"
                    f"{'、'.join(str(r['source_line']) for r in parts)}行）；之和={fmt(summed)}",
                    amount=abs(diff),
                    threshold=f"差额>{tolerance:.3f}（n×0.005）",
                    key=col,
                    fact=f"{plain_name(total['item'])}{label}",
                )
            )
    return result
