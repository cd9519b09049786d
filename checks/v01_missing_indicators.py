"""V01 缺少绩效指标: a self-evaluation with money but no indicator table."""

from __future__ import annotations

import re

import polars as pl

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
    projects_with_indicators = set(
        zip(ind["doc_id"].to_list(), ind["project"].to_list(), strict=True)
    )
    # what the document-level test needs of each document's lines, in one pass (a filter per
    # document is quadratic in the corpus; whole rows as dicts are most of the time)
    per_doc = (
        bl.group_by("doc_id", maintain_order=True).agg(
            pl.len().alias("lines"),
            pl.col("budget").max().alias("largest"),
            pl.col("source_line").first().alias("first_line"),
        )
        if bl.height
        else pl.DataFrame(schema={"doc_id": pl.String})
    )
    lines_of = {r[0]: r[1:] for r in per_doc.iter_rows()}
    for doc in corpus.documents.iter_rows(named=True):
        if doc["status"] == "failed" or not re.search(settings["kinds"], doc["kind"] or ""):
            continue
        lines = lines_of.get(doc["doc_id"])
        if lines is None:
            continue
        result.applied += 1
        if doc["doc_id"] not in with_indicators:
            height, total, first_line = lines
            result.flags.append(
                make_flag(
                    CHECK,
                    {**doc, "source_line": first_line},
                    subject="绩效指标表",
                    message=f"自评报告有预算执行数据（最大一笔 {fmt(total)} 万元），但没有任何绩效指标。",
                    evidence=f"预算行={height}；指标行=0",
                    amount=total,
                )
            )
    if bl.is_empty():
        return result
    items = bl.filter(
        (pl.col("table_kind") == "project_self_eval")
        & (pl.col("row_kind") == "item")
        & (pl.col("project").fill_null("") != "")
    )
    result.applied += items.height
    missing = [
        pair not in projects_with_indicators
        for pair in zip(items["doc_id"].to_list(), items["project"].to_list(), strict=True)
    ]
    for row in items.filter(pl.Series(missing, dtype=pl.Boolean)).iter_rows(named=True):
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
