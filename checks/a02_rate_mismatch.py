"""A02 比率与数字不符: a stated rate, balance or budget total that the row's own figures contradict."""

from __future__ import annotations

from checks.base import (
    CheckInfo,
    CheckResult,
    effective_budget,
    fmt,
    frame_rows,
    half_unit,
    make_flag,
    pct,
    rate_explained,
)

CHECK = CheckInfo(
    code="A02",
    title="执行率、结余或控制率与数字不符",
    explanation="报告写的比率或结余与它自己的预算、执行数算不上，说明数字或比率有一处是错的。",
    category="arithmetic",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_rate_gap": 0.0},
    doc="""对每一行：

- 所列执行率 / 控制率 与 执行数 ÷ 预算数（或 ÷ 年初预算）比较，按四舍五入区间判断：1.16 ÷ 4 = 29.00%，
  但所列 28.88% 在 1.155 ÷ 4 = 28.875% 的区间内，不报；
- 人员控制率 = 在职人数 ÷ 编制数；例：衡阳市国资委编制 48 人、在职 42 人，控制率应为 87.50%，报告写 100% → 中；
- 结余 ≠ 预算 − 执行；年初预算 + 追加 ≠ 全年预算（超出 3 × 0.005 的容差）。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    df = corpus.budget_lines
    if df.is_empty():
        return result
    for row in frame_rows(corpus, "budget_lines"):
        budget, actual, stated = effective_budget(row), row.get("actual"), row.get("rate_stated")
        subject = row["project"] or row["item"]
        if stated is not None and budget and actual is not None and budget > 0:
            result.applied += 1
            dec = row.get("decimals")
            candidates = [budget] + ([row["budget_initial"]] if row.get("budget_initial") else [])
            if not any(
                rate_explained(stated, row.get("rate_decimals"), actual, b, dec, dec)
                for b in candidates
            ):
                recomputed = actual / budget * 100
                if abs(recomputed - stated) > settings["min_rate_gap"]:
                    what = "控制率" if row["unit"] == "人" else "执行率"
                    unit = "人" if row["unit"] == "人" else "万元"
                    result.flags.append(
                        make_flag(
                            CHECK,
                            row,
                            subject=subject,
                            message=f"“{subject}”所列{what} {pct(stated, row.get('rate_decimals') or 0)}，"
                            f"但 {fmt(actual, dec or 0)}{unit} ÷ {fmt(budget, dec or 0)}{unit} = {pct(recomputed)}。",
                            evidence=f"所列={stated}%；重算={recomputed:.4f}%；分子={actual}；分母={budget}",
                            severity="medium",
                            amount=None,
                            threshold="超出四舍五入区间",
                            key="rate",
                            fact=f"{subject}执行率",
                        )
                    )
        tol = 3 * half_unit(row.get("decimals")) + 1e-9
        if row.get("balance") is not None and row.get("budget") is not None and actual is not None:
            result.applied += 1
            diff = row["budget"] - actual - row["balance"]
            if abs(diff) > tol:
                result.flags.append(
                    make_flag(
                        CHECK,
                        row,
                        subject=subject,
                        message=f"“{subject}”预算 {fmt(row['budget'])} − 执行 {fmt(actual)} = {fmt(row['budget'] - actual)} 万元，但所列结余为 {fmt(row['balance'])} 万元。",
                        evidence=f"差额={diff:.4f}；容差={tol:.3f}",
                        amount=abs(diff),
                        key="balance",
                        fact=f"{subject}结余",
                    )
                )
        if (
            None not in (row.get("budget_initial"), row.get("budget_adjustment"), row.get("budget"))
            and row["origin"] == "table"
        ):
            result.applied += 1
            diff = row["budget_initial"] + row["budget_adjustment"] - row["budget"]
            if abs(diff) > tol:
                result.flags.append(
                    make_flag(
                        CHECK,
                        row,
                        subject=subject,
                        message=f"“{subject}”年初 {fmt(row['budget_initial'])} + 追加 {fmt(row['budget_adjustment'])} ≠ 全年预算 {fmt(row['budget'])} 万元。",
                        evidence=f"差额={diff:.4f}；容差={tol:.3f}",
                        amount=abs(diff),
                        key="total",
                        fact=f"{subject}全年预算",
                    )
                )
    return result
