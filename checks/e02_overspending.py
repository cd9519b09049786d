"""E02 超预算支出: spending above the budget, or spending with no budget at all."""

from __future__ import annotations

from checks.base import (
    CheckInfo,
    CheckResult,
    add_related,
    fmt,
    half_unit,
    make_flag,
    money_rows,
    pct,
)

CHECK = CheckInfo(
    code="E02",
    title="超预算或无预算支出",
    explanation="支出超过预算或没有预算却发生支出，说明预算约束没有落实或预算编制不完整。",
    category="execution",
    severity="medium",
    version="1",
    scope="row",
    defaults={"high_above": 110.0, "min_excess": 0.5},
    doc="""执行数超过全年预算（超出部分大于四舍五入误差，且不少于 `min_excess` 万元，默认 0.5）：中；
超过 `high_above`（默认 110%）：高。年初预算为 0 而有支出（靠年中追加）：中，报告通常给出追加原因；
全年预算为 0 而有支出：高。

- 例：衡阳市工改办基础数据表“部门基本支出”2021 年预算 1,925.25 万元，决算 2,558.63 万元，132.90% → 高。
- 例：江汉区“机关事业单位基本养老保险缴费支出”年初预算 12.65 万元，决算 23.90 万元（188.93%）→ 高。
- 排除：决算表；同一事实重复出现时只报一次。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    seen: dict[tuple, dict] = {}
    for row in money_rows(corpus):
        budget, actual = row["effective_budget"], row["actual"]
        result.applied += 1
        tolerance = half_unit(row.get("decimals")) * 2
        excess = actual - budget
        if excess <= max(tolerance, settings["min_excess"]) or actual <= 0:
            continue
        key = (row["doc_id"], round(budget, 2), round(actual, 2))
        if key in seen:
            add_related(seen[key], row)
            continue
        subject = row["project"] or row["item"]
        if budget <= 0:
            funded = row.get("budget_adjustment")
            severity = "medium" if funded else "high"
            message = f"“{subject}”没有预算（0 万元）却支出 {fmt(actual)} 万元。"
            rate_text = "无预算"
        else:
            rate = actual / budget * 100
            severity = "high" if rate > settings["high_above"] else "medium"
            message = f"“{subject}”预算 {fmt(budget)} 万元，实际支出 {fmt(actual)} 万元，超支 {fmt(excess)} 万元（{pct(rate)}）。"
            rate_text = pct(rate)
        evidence = f"预算={fmt(budget)}；执行={fmt(actual)}；执行率={rate_text}"
        if row.get("budget_adjustment"):
            evidence += f"；追加={fmt(row['budget_adjustment'])}"
        seen[key] = make_flag(
            CHECK,
            row,
            subject=subject,
            message=message,
            evidence=evidence,
            severity=severity,
            amount=excess,
            threshold=f"执行数>预算数（>{settings['high_above']:g}% 为高）",
        )
    result.flags = list(seen.values())
    return result
