"""B02 追加资金未用: money added mid-year that was mostly left unspent, judged item by item."""

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
from checks.money_tree import money_tree

CHECK = CheckInfo(
    code="B02",
    title="年中追加资金大部分未使用",
    explanation="年中追加的资金大部分没有用掉，说明追加依据不足或追加时机不当。",
    category="balance",
    severity="medium",
    version="2",
    scope="row",
    uses=("context",),
    defaults={"unspent_share": 50.0, "min_addition": 10.0},
    doc="""逐个项目判断：年中追加不少于 `min_addition` 万元（默认 10），且年末未用金额（全年预算 − 执行，
最多算到追加额为止）达到追加额的 `unspent_share`%（默认 50%）以上。未用金额达到全部追加额时为高。
报告说明了原因时降一级。

- 例：长沙市工信局“各类激励奖励资金”年中追加 106.00 万元，实际支出 0 → 高；报告说明“因无经费需求，
  该指标未使用已由财政收回” → 中。
- 汇总行（合计、部门项目支出、公共项目支出、单位整体）不报：把整笔结余都算在追加头上是错的——长沙市工信局
  全年结余 13,203.38 万元，其中人社专项 4,578.98 万元根本没有追加；追加未用要逐项看。
- 排除（见 [context]）：三公经费、控制性运行经费、备忘行。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    vocab = vocabulary(settings)
    reasons = explainer(corpus, settings)
    tree = money_tree(corpus)
    seen: dict[tuple, dict] = {}

    def skip(why: str) -> None:
        result.not_applicable[why] = result.not_applicable.get(why, 0) + 1

    for row in money_rows(corpus):
        added = row.get("budget_adjustment")
        if not added or added < settings["min_addition"]:
            continue
        why = vocab.controlled(row["item"]) or vocab.controlled(row.get("project"))
        if why:
            skip(why)
            continue
        node = tree.node_of(row)
        if node is not None and not tree.is_leaf(node):
            skip("汇总行（按分项判断）")
            continue
        result.applied += 1
        unspent = min(row["effective_budget"] - row["actual"], added)
        share = unspent / added * 100
        if share < settings["unspent_share"]:
            continue
        key = (row["doc_id"], round(added, 2), round(unspent, 2))
        if key in seen:
            add_related(seen[key], row)
            continue
        reason = reasons.explain(row, lambda r: None)
        severity = "high" if unspent >= added - 0.005 else "medium"
        subject = row["project"] or row["item"]
        message = f"“{subject}”年中追加 {fmt(added)} 万元，年末仍有 {fmt(unspent)} 万元未使用（追加额的 {pct(share)}）。"
        if reason:
            severity = lower(severity)
            message += f"报告说明了原因（第 {reason.line} 行）。"
        flag = make_flag(
            CHECK,
            row,
            subject=subject,
            severity=severity,
            message=message,
            evidence=f"追加={fmt(added)}；全年预算={fmt(row['effective_budget'])}；执行={fmt(row['actual'])}；"
            f"追加中未使用={fmt(unspent)}"
            + (
                f"；原因说明（第{reason.line}行）={reason.text()}"
                if reason
                else "；原因说明=未找到"
            ),
            amount=unspent,
            threshold=f"未使用≥追加额的{settings['unspent_share']:g}%",
        )
        seen[key] = explain_fields(flag, reason)
    result.flags = list(seen.values())
    return result
