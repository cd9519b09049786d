"""B01 结余资金较大: large unspent balances, absolute or as a share of the budget."""

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
from checks.e01_low_execution import shortfall_of
from checks.explanations import explainer

CHECK = CheckInfo(
    code="B01",
    title="结余资金较大",
    explanation="大额结余说明资金沉淀闲置，挤占了其他急需领域的预算。",
    category="balance",
    severity="medium",
    version="2",
    scope="row",
    uses=("context",),
    defaults={
        "share_medium": 10.0,
        "share_high": 20.0,
        "min_amount": 10.0,
        "amount_high": 500.0,
        "share_high_min": 100.0,
        "explain_below": 90.0,
    },
    doc="""结余 = 报告所列结余，未列时为 全年预算 − 执行。结余不少于 `min_amount` 万元（默认 10）且占预算
`share_medium`%（默认 10%）以上为中；占比 `share_high`%（默认 20%）以上且结余不少于 `share_high_min` 万元
（默认 100），或结余达 `amount_high` 万元（默认 500）为高。
报告说明了原因时降一级，疑点记下原因句和行号（`explain_below` 是判断分项是否需要说明的执行率，同 E01）。

- 例：长沙市工信局“人社专项”年初预算 6,000.00 万元，实际支出 1,421.02 万元，指标结余 4,578.98 万元（76.32%）→ 高，
  报告第 281 行说明了原因 → 中。
- 结余要对全年预算算：只给年初预算时（决算说明“年初预算为51.5万元，支出决算为25.33万元…原因是：政策性项目经费压减”），
  差额是预算调减，不是结余 → 不报；原因是压减、调减时同样不报。
- 排除（见 [context]）：三公经费、控制性运行经费、备忘行（政府采购金额、往来款）；决算表；小额结余；同一事实只报一次。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    vocab = vocabulary(settings)
    reasons = explainer(corpus, settings)
    shortfall = shortfall_of(settings)
    seen: dict[tuple, dict] = {}

    def skip(why: str) -> None:
        result.not_applicable[why] = result.not_applicable.get(why, 0) + 1

    for row in money_rows(corpus):
        budget, actual = row["effective_budget"], row["actual"]
        why = vocab.controlled(row["item"]) or vocab.controlled(row.get("project"))
        if budget <= 0 or why:
            if why:
                skip(why)
            continue
        initial = row.get("budget_initial")
        if (
            row.get("origin") == "prose"
            and initial is not None
            and abs(budget - initial) < 0.005
            and row.get("budget_adjustment") is None
            and row.get("balance") is None
        ):
            skip("只有年初预算（差额是调整，不是结余）")
            continue
        result.applied += 1
        balance = row["balance"] if row.get("balance") is not None else budget - actual
        share = balance / budget * 100
        if balance < settings["min_amount"] or share < settings["share_medium"]:
            continue
        key = (row["doc_id"], round(budget, 2), round(balance, 2))
        if key in seen:
            add_related(seen[key], row)
            continue
        reason = reasons.explain(row, shortfall)
        if reason and reason.kind == "cut":
            skip("预算压减（不是结余）")
            continue
        high = (share >= settings["share_high"] and balance >= settings["share_high_min"]) or (
            balance >= settings["amount_high"]
        )
        severity = "high" if high else "medium"
        subject = row["project"] or row["item"]
        message = f"“{subject}”结余 {fmt(balance)} 万元，占预算 {fmt(budget)} 万元的 {pct(share)}。"
        if reason:
            severity = lower(severity)
            message += f"报告说明了原因（第 {reason.line} 行）。"
        flag = make_flag(
            CHECK,
            row,
            subject=subject,
            severity=severity,
            message=message,
            evidence=f"预算={fmt(budget)}；执行={fmt(actual)}；结余={fmt(balance)}；结余占比={pct(share)}"
            + (
                f"；原因说明（第{reason.line}行）={reason.text()}"
                if reason
                else "；原因说明=未找到"
            ),
            amount=balance,
            threshold=f"结余≥{settings['min_amount']:g}万元且占比≥{settings['share_medium']:g}%"
            f"（占比≥{settings['share_high']:g}%且≥{settings['share_high_min']:g}万元，或≥{settings['amount_high']:g}万元为高）",
        )
        seen[key] = explain_fields(flag, reason)
    result.flags = list(seen.values())
    return result
