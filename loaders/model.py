"""Polars schemas of the loaded tables: the contract between loaders, checks and dashboard.

Every row carries ``doc_id`` (hash of the file's bytes), ``source_file`` and
``source_line`` so that any figure can be traced back to the report.
Amounts are in 万元; head-counts carry ``unit == "人"``.
"""

from __future__ import annotations

import polars as pl

DOCUMENTS = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "kind": pl.String,  # kinds joined by "+", e.g. "整体自评报告+基础数据表"
    "department": pl.String,
    "region": pl.String,
    "year": pl.Int32,
    "status": pl.String,  # ok / partial / failed
    "message": pl.String,
    "encoding": pl.String,
    "n_lines": pl.Int32,
    "format": pl.String,  # text / docx / pdf / html / xlsx / xls
}

BUDGET_LINES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "table": pl.String,  # table title or "正文" for prose
    "item": pl.String,
    "budget_initial": pl.Float64,
    "budget_adjustment": pl.Float64,
    "budget": pl.Float64,
    "actual": pl.Float64,
    "balance": pl.Float64,
    "rate_stated": pl.Float64,  # percent, as printed (88.50% -> 88.5)
    "source_line": pl.Int32,
    # extras beyond the CSV contract
    "origin": pl.String,  # table / prose
    "table_kind": pl.String,  # see loaders.kinds.TABLE_KINDS
    "table_id": pl.Int32,  # running number of the table within the document
    "row_kind": pl.String,  # item / sub / subtotal / total / component
    "parent_item": pl.String,  # for 其中 sub-rows and components
    "project": pl.String,
    "code": pl.String,  # functional or economic classification code
    "prior_actual": pl.Float64,
    "basic": pl.Float64,  # 基本支出 column of 决算 tables
    "project_spending": pl.Float64,  # 项目支出 column of 决算 tables
    "weight": pl.Float64,
    "score": pl.Float64,
    "unit": pl.String,  # 万元 / 人
    "decimals": pl.Int8,  # decimals printed on the amounts of the row (rounding unit)
    "rate_decimals": pl.Int8,
    "text": pl.String,  # the source text of the row or sentence
    "source_place": pl.String,  # page / table / cell of the original file (第3页, Sheet1!A7)
}

INDICATORS = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "project": pl.String,
    "level1": pl.String,
    "level2": pl.String,
    "name": pl.String,
    "target": pl.String,
    "actual": pl.String,
    "weight": pl.Float64,
    "score": pl.Float64,
    "note": pl.String,
    "source_line": pl.Int32,
    "table": pl.String,
    "table_kind": pl.String,
    "table_id": pl.Int32,
    "row_kind": pl.String,  # indicator / total
    "source_place": pl.String,
}

NARRATIVES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "project": pl.String,
    "section": pl.String,  # 存在问题 / 改进措施 / 预期目标 / 实际完成 / 偏差原因 / 年度目标
    "text": pl.String,
    "source_line": pl.Int32,
    "source_place": pl.String,
}

PARSE_ISSUES = {
    "doc_id": pl.String,
    "source_file": pl.String,
    "code": pl.String,
    "severity": pl.String,  # error / warning / info
    "message": pl.String,
    "source_line": pl.Int32,
}

# Column order of the CSV files that other tools read (the issue's contract).
CSV_COLUMNS = {
    "documents": [
        "doc_id",
        "source_file",
        "kind",
        "department",
        "region",
        "year",
        "status",
        "message",
    ],
    "budget_lines": [
        "doc_id",
        "source_file",
        "department",
        "year",
        "table",
        "item",
        "budget_initial",
        "budget_adjustment",
        "budget",
        "actual",
        "balance",
        "rate_stated",
        "source_line",
    ],
    "indicators": [
        "doc_id",
        "source_file",
        "department",
        "year",
        "project",
        "level1",
        "level2",
        "name",
        "target",
        "actual",
        "weight",
        "score",
        "note",
        "source_line",
    ],
    "parse_issues": ["doc_id", "source_file", "code", "severity", "message", "source_line"],
}


def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    """Build a frame with exactly ``schema``'s columns; missing keys become null."""
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")


def csv_order(df: pl.DataFrame, name: str) -> pl.DataFrame:
    """Contract columns first, extras after, so readers can rely on the names."""
    head = CSV_COLUMNS[name]
    return df.select(head + [c for c in df.columns if c not in head])
