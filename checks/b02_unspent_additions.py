"""B02 追加资金未用: money added mid-year that was mostly left unspent."""

from __future__ import annotations

from checks.base import CheckInfo, CheckResult, add_related, fmt, make_flag, money_rows, pct

CHECK = CheckInfo(
    code="B02",
    title="年中追加资金大部分未使用",
    explanation="年中追加的资金大部分没有用掉，说明追加依据不足或追加时机不当。",
    category="balance",
    severity="medium",
    version="1",
    scope="row",
    defaults={"unspent_share": 50.0, "min_addition": 10.0},
    doc="""年中追加不少于 `min_addition` 万元（默认 10），且年末未用金额（全年预算 − 执行）达到追加额的
`unspent_share`%（默认 50%）以上。未用金额超过全部追加额时为高。

- 例：长沙市工信局“各类激励奖励资金”年中追加 106.00 万元，实际支出 0 → 高。
- 例：同局“部门项目支出”追加 1,185.67 万元，结余 604.26 万元（追加额的 50.96%）→ 中。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    seen: dict[tuple, dict] = {}
    for row in money_rows(corpus):
        added = row.get("budget_adjustment")
        if not added or added < settings["min_addition"]:
            continue
        result.applied += 1
        unspent = row["effective_budget"] - row["actual"]
        share = unspent / added * 100
        if share < settings["unspent_share"]:
            continue
        key = (row["doc_id"], round(added, 2), round(unspent, 2))
        if key in seen:
            add_related(seen[key], row)
            continue
        subject = row["project"] or row["item"]
        seen[key] = make_flag(
            CHECK,
            row,
            subject=subject,
            severity="high" if unspent >= added else "medium",
            message=f"“{subject}”年中追加 {fmt(added)} 万元，年末仍有 {fmt(unspent)} 万元未使用（相当于追加额的 {pct(share)}）。",
            evidence=f"追加={fmt(added)}；全年预算={fmt(row['effective_budget'])}；执行={fmt(row['actual'])}；未使用={fmt(unspent)}",
            amount=min(unspent, added),
            threshold=f"未使用≥追加额的{settings['unspent_share']:g}%",
        )
    result.flags = list(seen.values())
    return result
