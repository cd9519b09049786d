"""Chinese names for every code and status the auditor sees, in the pages and in exports.

The frames keep their machine codes (``execution``, ``high``, ``ok``, ``final_accounts``):
the ``scan`` CSVs are a contract other tools read. Whatever is shown to an auditor — a page,
the 问题清单 download, ``budget-audit flags --csv`` — goes through :func:`label` /
:func:`labelled` here, so no English code reaches them, and the code stays in an extra
column where a tool or a filter needs it (``类别代码``, ``严重程度代码``).
"""

from __future__ import annotations

import polars as pl

from checks.base import CATEGORIES, CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS
from loaders.issues import CATALOGUE

STATUS_LABELS = {"ok": "正常", "partial": "部分读入", "failed": "读取失败"}
ISSUE_SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
TABLE_KIND_LABELS = {
    "dept_self_eval": "部门整体自评表",
    "project_self_eval": "项目自评表",
    "basic_data": "基础数据表",
    "final_accounts": "决算表",
    "budget_table": "预算表",
    "prose": "正文",
}
ROW_KIND_LABELS = {
    "item": "明细",
    "sub": "其中",
    "subtotal": "小计",
    "total": "合计",
    "component": "组成部分",
    "indicator": "指标",
}
ORIGIN_LABELS = {"table": "表格", "prose": "正文"}

VOCABULARIES: dict[str, dict[str, str]] = {
    "category": CATEGORY_LABELS,
    "severity": SEVERITY_LABELS,
    "status": STATUS_LABELS,
    "issue_severity": ISSUE_SEVERITY_LABELS,
    "table_kind": TABLE_KIND_LABELS,
    "row_kind": ROW_KIND_LABELS,
    "origin": ORIGIN_LABELS,
}
ORDERS = {"category": list(CATEGORIES), "severity": list(SEVERITIES)}


def names(vocabulary: str) -> dict[str, str]:
    """Code -> Chinese name; parse-issue titles are read from the catalogue (it can grow)."""
    if vocabulary == "issue":
        return {code: kind.title for code, kind in CATALOGUE.items()}
    return VOCABULARIES[vocabulary]


def label(vocabulary: str, code: str | None) -> str:
    """The Chinese name of one code; an unknown code is shown as is, a missing one as empty."""
    if code is None:
        return ""
    return names(vocabulary).get(code, code)


def labelled(column: str, vocabulary: str | None = None) -> pl.Expr:
    """A polars expression: the Chinese name of each code in ``column`` (order-keeping)."""
    mapping = names(vocabulary or column)
    return pl.col(column).replace_strict(mapping, default=pl.col(column), return_dtype=pl.String)


def labelled_list(column: str, vocabulary: str, sep: str = "、") -> pl.Expr:
    """Codes joined by ``sep`` in one cell (``balance、coverage``), each named in Chinese."""
    mapping = names(vocabulary)
    order = {code: i for i, code in enumerate(ORDERS.get(vocabulary, list(mapping)))}
    return (
        pl.col(column)
        .fill_null("")
        .str.split(sep)
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.eval(pl.element().sort_by(pl.element().replace_strict(order, default=len(order))))
        .list.eval(
            pl.element().replace_strict(mapping, default=pl.element(), return_dtype=pl.String)
        )
        .list.join(sep)
    )
