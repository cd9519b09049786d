"""E02 超预算支出: spending above the budget, or spending with no budget at all."""

from __future__ import annotations

from checks.base import (
    CheckInfo,
    CheckResult,
    add_related,
    explain_fields,
    fmt,
    half_unit,
    lower,
    make_flag,
    money_rows,
    pct,
)
from checks.context import vocabulary
from checks.explanations import explainer

CHECK = CheckInfo(
    code="E02",
    title="超预算或无预算支出",
    explanation="支出超过预算或没有预算却发生支出，说明预算约束没有落实或预算编制不完整。",
    category="execution",
    severity="medium",
    version="2",
    scope="row",
    uses=("context",),
    defaults={"high_above": 110.0, "min_excess": 0.5, "initial_only_share": 20.0},
    doc="""执行数超过全年预算（超出部分大于四舍五入误差，且不少于 `min_excess` 万元，默认 0.5）：中；
超过 `high_above`（默认 110%）：高。全年预算为 0 而有支出：高（有年中追加时为中）。
报告说明了原因时降一级，疑点记下原因句和行号。

- 例：衡阳市工改办基础数据表“部门基本支出”2021 年预算 1,925.25 万元，决算 2,558.63 万元，132.90% → 高。
- 只给年初预算时（决算说明“年初预算为X万元，支出决算为Y万元”），多出的部分通常是年中追加，不是超支：
  同句写明的追加（“追加人员相关经费11.25万元”“追加抚恤金32.06万元”）补足了差额 → 不报；
  未写明追加、且超出年初预算 `initial_only_share`%（默认 20%）以上 → 低，措辞为“决算超过年初预算”；
  报告另有说明 → 不报。例：江汉区“一般公共预算财政拨款支出”决算为年初预算的 105.18% → 不报。
- 抚恤、丧葬（[context] `unforeseeable`）年初无法预计，年初无预算而有支出时不报。
- 排除：决算表；备忘行（政府采购金额、往来款）；同一事实重复出现时只报一次。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    vocab = vocabulary(settings)
    reasons = explainer(corpus, settings)
    seen: dict[tuple, dict] = {}

    def skip(why: str) -> None:
        result.not_applicable[why] = result.not_applicable.get(why, 0) + 1

    for row in money_rows(corpus):
        if vocab.is_memo(row["item"]):
            skip("备忘行（政府采购、往来款等）")
            continue
        budget, actual = row["effective_budget"], row["actual"]
        result.applied += 1
        tolerance = half_unit(row.get("decimals")) * 2
        excess = actual - budget
        if excess <= max(tolerance, settings["min_excess"]) or actual <= 0:
            continue
        initial, added = row.get("budget_initial"), row.get("budget_adjustment")
        stated_initial = (
            row.get("origin") == "prose" and initial is not None and abs(budget - initial) < 0.005
        )
        if stated_initial and added and actual <= initial + added + tolerance:
            skip("年中追加已写明")
            continue
        initial_only = stated_initial and added is None
        subject = row["project"] or row["item"]
        if stated_initial and initial <= 0 and vocab.is_unforeseeable(subject):
            skip("抚恤等无法预计的支出")
            continue
        key = (row["doc_id"], round(budget, 2), round(actual, 2))
        if key in seen:
            add_related(seen[key], row)
            continue
        reason = reasons.explain(row, lambda r: None)
        if initial_only and budget > 0:
            rate = actual / budget * 100
            if rate - 100 < settings["initial_only_share"] or reason:
                skip("决算略超年初预算（年中调整）" if not reason else "超出年初预算已说明")
                continue
            severity = "low"
            message = (
                f"“{subject}”年初预算 {fmt(budget)} 万元，决算 {fmt(actual)} 万元，为年初预算的 {pct(rate)}，"
                "报告未写明年中追加。"
            )
            rate_text = pct(rate)
        elif budget <= 0:
            severity = "medium" if added else "high"
            message = f"“{subject}”没有预算（0 万元）却支出 {fmt(actual)} 万元。"
            rate_text = "无预算"
        else:
            rate = actual / budget * 100
            severity = "high" if rate > settings["high_above"] else "medium"
            message = f"“{subject}”预算 {fmt(budget)} 万元，实际支出 {fmt(actual)} 万元，超支 {fmt(excess)} 万元（{pct(rate)}）。"
            rate_text = pct(rate)
        if reason:
            severity = lower(severity)
            message += f"报告说明了原因（第 {reason.line} 行）。"
        evidence = f"预算={fmt(budget)}；执行={fmt(actual)}；执行率={rate_text}"
        if added:
            evidence += f"；追加={fmt(added)}"
        evidence += (
            f"；原因说明（第{reason.line}行）={reason.text()}" if reason else "；原因说明=未找到"
        )
        flag = make_flag(
            CHECK,
            row,
            subject=subject,
            message=message,
            evidence=evidence,
            severity=severity,
            amount=excess,
            threshold=f"执行数>预算数（>{settings['high_above']:g}% 为高）",
        )
        seen[key] = explain_fields(flag, reason)
    result.flags = list(seen.values())
    return result
