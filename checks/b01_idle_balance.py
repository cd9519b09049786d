"""B01 结余资金较大: large unspent balances, absolute or as a share of the budget."""

from __future__ import annotations

import re

from checks.base import CheckInfo, CheckResult, add_related, fmt, make_flag, money_rows, pct

CHECK = CheckInfo(
    code="B01",
    title="结余资金较大",
    explanation="大额结余说明资金沉淀闲置，挤占了其他急需领域的预算。",
    category="balance",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "share_medium": 10.0,
        "share_high": 20.0,
        "min_amount": 10.0,
        "amount_high": 500.0,
        "exclude_items": "三公|公务接待|公务用车|公务车|公车|出国|因公",
    },
    doc="""结余 = 报告所列结余，未列时为 预算 − 执行。结余不少于 `min_amount` 万元（默认 10）且占预算
`share_medium`%（默认 10%）以上为中，`share_high`%（默认 20%）以上或结余达 `amount_high` 万元（默认 500）为高。

- 例：长沙市工信局“人社专项”年初预算 6,000.00 万元，实际支出 1,421.02 万元，指标结余 4,578.98 万元（76.32%）→ 高。
- 排除：决算表、三公类科目、小额结余；同一事实只报一次。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    exclude = re.compile(settings["exclude_items"]) if settings["exclude_items"] else None
    seen: dict[tuple, dict] = {}
    for row in money_rows(corpus):
        budget, actual = row["effective_budget"], row["actual"]
        if budget <= 0 or (exclude and exclude.search(row["item"] or "")):
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
        high = share >= settings["share_high"] or balance >= settings["amount_high"]
        subject = row["project"] or row["item"]
        seen[key] = make_flag(
            CHECK,
            row,
            subject=subject,
            severity="high" if high else "medium",
            message=f"“{subject}”结余 {fmt(balance)} 万元，占预算 {fmt(budget)} 万元的 {pct(share)}。",
            evidence=f"预算={fmt(budget)}；执行={fmt(actual)}；结余={fmt(balance)}；结余占比={pct(share)}",
            amount=balance,
            threshold=f"结余≥{settings['min_amount']:g}万元且占比≥{settings['share_medium']:g}%（≥{settings['share_high']:g}%或≥{settings['amount_high']:g}万元为高）",
        )
    result.flags = list(seen.values())
    return result
