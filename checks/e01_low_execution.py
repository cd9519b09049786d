"""E01 预算执行率偏低: actual spending far below the budget (and below the initial budget)."""

from __future__ import annotations

import re

from checks.base import CheckInfo, CheckResult, add_related, fmt, make_flag, money_rows, pct

CHECK = CheckInfo(
    code="E01",
    title="预算执行率偏低",
    explanation="预算执行率低于 90% 需说明原因，低于 60% 或零执行说明资金安排与实际需要脱节。",
    category="execution",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "explain_below": 90.0,
        "high_below": 60.0,
        "min_budget": 1.0,
        "exclude_items": "三公|公务接待|公务用车|公务车|公车|出国|因公",
    },
    doc="""对每一条同时有预算数和执行数的预算行（表格或正文），计算 执行数 ÷ 全年预算数；
报告给出年初预算（或资金量）时，也计算 执行数 ÷ 年初预算。

- 低于 `explain_below`（默认 90%）：中；低于 `high_below`（默认 60%）或零执行：高；
  预算不足 `min_budget` 万元（默认 1）时降为低。
- 例：长沙市工信局“市级防疫物资采购专项”年中追加 1,000.00 万元，实际支出 520.05 万元，执行率 52.01% → 高。
- 例：江汉区“稳定专项资金”预算数 9.80 万元全部执行（100%），但资金量 22.50 万元，
  对年初仅 43.56% → 高。
- 排除：决算表（没有预算数）；`exclude_items` 中的“三公”类科目（少花是节约，不是问题）。
- 同一事实（相同预算与执行数）在表格和正文重复出现时只报一次，其余位置列在“相关位置”。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    exclude = re.compile(settings["exclude_items"]) if settings["exclude_items"] else None
    seen: dict[tuple, dict] = {}
    for row in money_rows(corpus):
        budget, actual = row["effective_budget"], row["actual"]
        if exclude and exclude.search(row["item"] or ""):
            result.not_applicable["三公类科目"] = result.not_applicable.get("三公类科目", 0) + 1
            continue
        if budget <= 0:
            result.not_applicable["无预算数"] = result.not_applicable.get("无预算数", 0) + 1
            continue
        result.applied += 1
        rate = actual / budget * 100
        initial = row.get("budget_initial")
        rate_initial = actual / initial * 100 if initial and abs(initial - budget) > 0.005 else None
        worst = min(r for r in (rate, rate_initial) if r is not None)
        if worst >= settings["explain_below"]:
            continue
        key = (row["doc_id"], round(budget, 2), round(actual, 2), row.get("project") or "")
        if key in seen:
            add_related(seen[key], row)
            continue
        severity = "high" if worst < settings["high_below"] or actual == 0 else "medium"
        if budget < settings["min_budget"]:
            severity = "low"
        subject = row["project"] or row["item"]
        if rate < settings["explain_below"]:
            message = (
                f"“{subject}”预算 {fmt(budget)} 万元，执行 {fmt(actual)} 万元，"
                f"执行率 {pct(rate)}，低于 {settings['explain_below']:g}%。"
            )
        else:
            message = (
                f"“{subject}”对全年预算执行率 {pct(rate)}，但年初预算（资金量）{fmt(initial)} 万元，"
                f"实际只执行 {fmt(actual)} 万元，对年初执行率 {pct(rate_initial)}。"
            )
        evidence = (
            f"预算={fmt(budget)}；执行={fmt(actual)}；执行率={pct(rate)}"
            + (
                f"；年初预算={fmt(initial)}；对年初执行率={pct(rate_initial)}"
                if rate_initial
                else ""
            )
            + (
                f"；报告所列执行率={pct(row['rate_stated'])}"
                if row.get("rate_stated") is not None
                else ""
            )
        )
        flag = make_flag(
            CHECK,
            row,
            subject=subject,
            message=message,
            evidence=evidence,
            severity=severity,
            amount=max(budget, initial or 0) - actual,
            threshold=f"执行率<{settings['explain_below']:g}%（<{settings['high_below']:g}% 为高）",
        )
        seen[key] = flag
    result.flags = list(seen.values())
    return result
