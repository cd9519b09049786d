"""E01 预算执行率偏低: actual spending far below the budget (and below the initial budget)."""

from __future__ import annotations

from checks.base import (
    CheckInfo,
    CheckResult,
    add_related,
    explain_fields,
    fmt,
    lower,
    make_flag,
    money_rows,
    pct,
)
from checks.context import vocabulary
from checks.explanations import explainer

CHECK = CheckInfo(
    code="E01",
    title="预算执行率偏低",
    explanation="预算执行率低于 90% 需说明原因，低于 60% 或零执行说明资金安排与实际需要脱节。",
    category="execution",
    severity="medium",
    version="2",
    scope="row",
    uses=("context",),
    defaults={"explain_below": 90.0, "high_below": 60.0, "min_budget": 1.0},
    doc="""对每一条同时有预算数和执行数的预算行（表格或正文），计算 执行数 ÷ 全年预算数；
报告给出年初预算（或资金量）时，也计算 执行数 ÷ 年初预算。

- 低于 `explain_below`（默认 90%）：中；低于 `high_below`（默认 60%）或零执行：高；
  预算不足 `min_budget` 万元（默认 1）时降为低；只对年初预算（资金量）偏低、全年预算已执行的（预算中途调减），
  最高为中。
- 报告说明了原因（本句、偏差原因栏、点名的原因句、复述数字的问题段落、分项均已说明，见“原因说明”）：
  降一级，疑点记下原因句和行号（`explained`、`explanation`、`explanation_line`）；原因是预算压减、调减时
  说明执行率低是因为预算被减掉而不是钱没花出去，降为低。
- 例：长沙市工信局“人社专项资金”预算 6,000.00 万元，执行 1,421.02 万元（23.68%）→ 高；报告第 281 行说明
  原因（政策执行不理想、申报减少）→ 中。
- 例：江汉区“资产监管及营运工作经费”预算数 12.58 万元全部执行，但资金量 21 万元，对年初仅 59.90%，
  偏差原因栏为空 → 中（预算中途调减），未说明原因。
- 例：江汉区“一般行政管理事务”年初预算 51.5 万元，决算 25.33 万元（49.18%），同句说明“政策性项目经费压减”→ 低。
- 排除（见 [context]）：三公经费（按含义，容许错字）、控制性运行经费（公用经费、办公经费、商品服务支出、
  水电差旅、会议培训）、备忘行（政府采购金额、往来款）：少花是节约，或不是一笔单独的钱；决算表（没有预算数）。
- 同一事实（相同预算与执行数）在表格和正文重复出现时只报一次，其余位置列在“相关位置”。""",
)


def shortfall_of(settings: dict):
    """The shortfall (万元) of a row whose rate needs explaining, else None."""
    vocab = vocabulary(settings)

    def shortfall(row: dict) -> float | None:
        budget, actual = row["effective_budget"], row["actual"]
        reference = max(budget, row.get("budget_initial") or 0)
        if reference <= 0 or vocab.controlled(row["item"]) or vocab.controlled(row.get("project")):
            return None
        if actual / reference * 100 >= settings["explain_below"]:
            return None
        return reference - actual

    return shortfall


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    vocab = vocabulary(settings)
    reasons = explainer(corpus, settings)
    shortfall = shortfall_of(settings)
    seen: dict[tuple, dict] = {}
    for row in money_rows(corpus):
        budget, actual = row["effective_budget"], row["actual"]
        why = vocab.controlled(row["item"]) or vocab.controlled(row.get("project"))
        if why:
            result.not_applicable[why] = result.not_applicable.get(why, 0) + 1
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
        if rate >= settings["explain_below"]:
            severity = (
                "medium"  # the budget was cut and then spent: a budgeting question, not idle money
            )
        if budget < settings["min_budget"]:
            severity = "low"
        subject = row["project"] or row["item"]
        against_initial = (
            rate_initial is None
            and row.get("origin") == "prose"
            and initial is not None
            and row.get("budget_adjustment") is None
            and abs(initial - budget) < 0.005
        )
        if rate < settings["explain_below"]:
            base = "年初预算" if against_initial else "预算"
            message = (
                f"“{subject}”{base} {fmt(budget)} 万元，执行 {fmt(actual)} 万元，"
                f"执行率 {pct(rate)}，低于 {settings['explain_below']:g}%。"
            )
        else:
            message = (
                f"“{subject}”对全年预算执行率 {pct(rate)}，但年初预算（资金量）{fmt(initial)} 万元，"
                f"实际只执行 {fmt(actual)} 万元，对年初执行率 {pct(rate_initial)}。"
            )
        reason = reasons.explain(row, shortfall)
        if reason:
            severity = lower(severity)
            if reason.kind == "cut" and (against_initial or rate_initial is not None):
                severity = "low"
                whose = f"所属的“{reason.above}”" if reason.above else ""
                message += (
                    f"报告说明{whose}预算被压减（“{reason.around(vocab.cut)}”），不是资金闲置。"
                )
            else:
                message += f"报告说明了原因（第 {reason.line} 行）。"
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
            + (
                f"；原因说明（第{reason.line}行）={reason.text()}"
                if reason
                else "；原因说明=未找到"
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
        seen[key] = explain_fields(flag, reason)
    result.flags = list(seen.values())
    return result
