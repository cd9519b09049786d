"""The files an auditor downloads: Chinese headers and values, machine codes kept beside them.

``scan`` writes the English contract (``flags.csv``: ``flag_id, check_id, category, …``) that
other tools read. The 问题清单 download, the 总览 ranking download and ``budget-audit flags --csv``
are read by people: every header is Chinese, every code is named (``结余资金``, ``高``), amounts
are rounded to 2 decimals, and the codes a filter or a tool needs stay in their own columns
(``检查代码``, ``类别代码``, ``严重程度代码``, ``疑点编号``).
"""

from __future__ import annotations

import polars as pl

from dashboard.labels import labelled, labelled_list

# flags column -> Chinese header, in the order of the file; codes last
FLAG_HEADERS = {
    "flag_id": "疑点编号",
    "severity_label": "严重程度",
    "category_label": "类别",
    "check_id": "检查代码",
    "check_title": "检查名称",
    "department": "部门",
    "year": "年度",
    "subject": "对象",
    "message": "说明",
    "evidence": "证据",
    "amount": "涉及金额（万元）",
    "threshold": "阈值",
    "source_file": "文件",
    "source_line": "行号",
    "source_place": "原文件位置",
    "related_lines": "其他位置",
    "explained": "报告是否说明原因",
    "explanation": "报告说明的原因",
    "explanation_line": "原因所在行",
    "finding_id": "问题编号",
    "fact_key": "事实键",
    "doc_id": "文档编号",
    "category": "类别代码",
    "severity": "严重程度代码",
}
# the flags columns that are not exported as themselves (shown through a label column)
LABELLED_FLAG_COLUMNS = {"severity_label": "severity", "category_label": "category"}

# findings column -> Chinese header (a finding is the flags of one fact)
FINDING_HEADERS = {
    "finding_id": "问题编号",
    "severity_label": "严重程度",
    "category_label": "类别",
    "check_id": "检查代码",
    "checks": "同一事实的检查",
    "department": "部门",
    "year": "年度",
    "subject": "对象",
    "message": "说明",
    "evidence": "证据",
    "amount": "涉及金额（万元）",
    "amount_counted": "计入部门涉及金额（万元）",
    "explained": "报告是否说明原因",
    "explanation": "报告说明的原因",
    "explanation_line": "原因所在行",
    "source_file": "文件",
    "source_line": "行号",
    "source_place": "原文件位置",
    "related_lines": "其他位置",
    "flag_ids": "疑点编号",
    "doc_id": "文档编号",
    "category": "类别代码",
    "severity": "严重程度代码",
}
_EXPLAINED = {True: "已说明", False: "未说明"}

RANKING_HEADERS = {
    "rank": "排名",
    "department": "部门",
    "year": "年度",
    "region": "地区",
    "risk_score": "风险分",
    "findings": "问题数",
    "high": "高",
    "medium": "中",
    "low": "低",
    "amount_flagged": "涉及金额（万元）",
    "categories_label": "疑点类别",
    "documents": "文档数",
    "max_budget": "最大预算（万元）",
    "max_actual": "最大执行（万元）",
}
_AMOUNTS = ("amount", "amount_flagged", "max_budget", "max_actual")


def _rounded(df: pl.DataFrame) -> list[pl.Expr]:
    return [pl.col(c).round(2) for c in _AMOUNTS if c in df.columns]


def flags_for_auditors(flags: pl.DataFrame) -> pl.DataFrame:
    """The flag list with Chinese headers and named codes (the codes kept in their own columns)."""
    out = flags.with_columns(
        labelled("severity").alias("severity_label"),
        labelled("category").alias("category_label"),
        _explained_label(),
        *_rounded(flags),
    )
    return out.select([pl.col(c).alias(h) for c, h in FLAG_HEADERS.items() if c in out.columns])


def _explained_label() -> pl.Expr:
    """``explained`` in words: 已说明 / 未说明 / empty (the check does not ask for a reason)."""
    return (
        pl.col("explained")
        .replace_strict(_EXPLAINED, default="", return_dtype=pl.String)
        .fill_null("")
        .alias("explained")
    )


def findings_for_auditors(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings with Chinese headers and named codes (the codes kept in their own columns)."""
    out = findings.with_columns(
        labelled("severity").alias("severity_label"),
        labelled("category").alias("category_label"),
        _explained_label(),
        *_rounded(findings),
        pl.col("amount_counted").round(2),
    )
    return out.select([pl.col(c).alias(h) for c, h in FINDING_HEADERS.items()])


def ranking_for_auditors(ranking: pl.DataFrame) -> pl.DataFrame:
    """The department ranking with Chinese headers; categories named (结余资金、内容缺失)."""
    out = ranking.with_columns(
        labelled_list("categories", "category").alias("categories_label"), *_rounded(ranking)
    )
    if "region" not in out.columns:
        out = out.with_columns(pl.lit(None, pl.String).alias("region"))
    return out.select([pl.col(c).alias(h) for c, h in RANKING_HEADERS.items()])
