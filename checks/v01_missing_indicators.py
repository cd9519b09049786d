"""V01 缺少绩效指标: a self-evaluation with money but no indicator table."""

from __future__ import annotations

import re

from checks.base import CheckInfo, CheckResult, fmt, make_flag

CHECK = CheckInfo(
    code="V01",
    title="缺少绩效指标表",
    explanation="自评报告只谈资金和工作，没有可核对的绩效指标，无法判断资金的产出和效益。",
    category="coverage",
    severity="medium",
    version="1",
    scope="row",
    defaults={"kinds": "自评"},
    doc="""- 部门整体支出绩效自评报告（有预算执行数字）却没有任何绩效指标行 → 中；
  例：长沙市工信局 2022 年报告列了 85,578.49 万元预算，没有指标表；
- 项目支出绩效自评表有资金行但没有指标行 → 中。
排除：只有部门决算的文件（决算公开不要求指标表）。`kinds` 是需要指标表的文件类型（正则，默认“自评”）。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    bl, ind = corpus.budget_lines, corpus.indicators
    with_indicators = set(ind["doc_id"].to_list()) if not ind.is_empty() else set()
    projects_with_indicators = (
        {(r["doc_id"], r["project"]) for r in ind.iter_rows(named=True)}
        if not ind.is_empty()
        else set()
    )
    # each document's lines, split once (a filter per document is quadratic in the corpus)
    by_doc = bl.partition_by("doc_id", as_dict=True, maintain_order=True) if bl.height else {}
    for doc in corpus.documents.iter_rows(named=True):
        if doc["status"] == "failed" or not re.search(settings["kinds"], doc["kind"] or ""):
            continue
        lines = by_doc.get((doc["doc_id"],))
        if lines is None or lines.is_empty():
            continue
        result.applied += 1
        if doc["doc_id"] not in with_indicators:
            budgets = [v for v in lines["budget"].to_list() if v is not None]
            total = max(budgets) if budgets else None
            first = lines.row(0, named=True)
            result.flags.append(
                make_flag(
                    CHECK,
                    {**doc, "source_line": first["source_line"]},
                    subject="绩效指标表",
                    message=f"自评报告有预算执行数据（最大一笔 {fmt(total)} 万元），但没有任何绩效指标。",
                    evidence=f"预算行={lines.height}；指标行=0",
                    amount=total,
                )
            )
    for row in (
        bl.filter(bl["table_kind"] == "project_self_eval").iter_rows(named=True)
        if not bl.is_empty()
        else []
    ):
        if row["row_kind"] != "item" or not row["project"]:
            continue
        result.applied += 1
        if (row["doc_id"], row["project"]) not in projects_with_indicators:
            result.flags.append(
                make_flag(
                    CHECK,
                    row,
                    subject=row["project"],
                    message=f"项目“{row['project']}”自评表有资金 {fmt(row['budget'])} 万元，但没有绩效指标。",
                    evidence=f"预算={fmt(row['budget'])}；执行={fmt(row['actual'])}",
                    amount=row["budget"],
                )
            )
    return result
