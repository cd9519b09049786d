"""A01 合计不符: item rows do not add up to their subtotal/total, children not to their parent code."""

from __future__ import annotations

from collections import defaultdict

from checks.base import CheckInfo, CheckResult, fmt, half_unit, make_flag

CHECK = CheckInfo(
    code="A01",
    title="分项之和与合计不符",
    explanation="表内分项加总与合计不一致（超出四舍五入误差），说明数字有误或有遗漏的项目。",
    category="arithmetic",
    severity="medium",
    version="1",
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
- 决算表：按功能分类 / 经济分类编码，3 位“类”等于 5 位“款”之和，5 位“款”等于 7 位“项”之和，
  “合计”等于各“类”之和。

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
            )
        )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    df = corpus.budget_lines
    if df.is_empty():
        return result
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in df.filter(df["origin"] == "table").iter_rows(named=True):
        tables[(row["doc_id"], row["table_id"])].append(row)
    for rows in tables.values():
        kind = rows[0]["table_kind"]
        coded = [r for r in rows if (r.get("code") or "").isdigit()]
        if coded:
            by_code = {r["code"]: r for r in coded}
            for code, parent in by_code.items():
                width = {3: 5, 5: 7}.get(len(code))
                children = [
                    r
                    for c, r in by_code.items()
                    if width and len(c) == width and c.startswith(code)
                ]
                if children:
                    _compare(children, parent, settings, result, "下级科目")
            totals = [r for r in rows if r["row_kind"] == "total" and not r.get("code")]
            top = [r for r in coded if len(r["code"]) == 3]
            functional = all(
                c.startswith("2") for c in by_code
            )  # 30x economic codes sit side by side
            for total in totals[:1]:
                if functional and top:
                    _compare(top, total, settings, result, "各类科目")
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
    return result
