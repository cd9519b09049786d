"""Materiality: a small amount in a large department is not rated like a large one.

A 1.20 万元 shortfall in a department of 85,578.49 万元 and a 7,850.38 万元 one used to get
the same severity. A money flag (execution, balance, consistency) whose amount is below
``min_amount`` 万元 *and* below ``min_share`` % of the department's budget is immaterial:

* an immaterial execution or balance flag (``drop_categories``) is not reported at all,
  unless its check rated it high (nothing spent, or far too little, with no reason given):
  a 2.27 万元 shortfall at 83.87 % in an 85,578.49 万元 department, or a 5 万元 item the
  report explains, is trivia to an auditor. The check's summary counts them as
  ``金额不重要``;
* any other immaterial flag is lowered to ``low``; the evidence says why.

The department's budget is the largest budget line of its reports that also states spending
(the report's own total), or for a 决算 / 预算 disclosure the 总计 of its 收支总表, whichever is
larger.

The disclosure checks (D01–D11) rate their own findings with :func:`severity`: the same
immaterial rule gives ``low``; ``high_share`` % of the department's total and more gives
``high``; anything between is ``medium``.
"""

from __future__ import annotations

import polars as pl

from checks.base import fmt

NAME = "materiality"
TITLE = "重要性"
DEFAULTS = {
    "min_amount": 10.0,
    "min_share": 1.0,
    "high_share": 5.0,
    "categories": ["execution", "balance", "consistency"],
    "drop_categories": ["execution", "balance"],
}
DROPPED = "金额不重要（低于重要性标准，不列为疑点）"
DOC = """资金类疑点（`categories`：执行、结余、前后不一）的金额同时低于 `min_amount` 万元（默认 10）和部门预算的
`min_share`%（默认 1%）时不重要。部门预算取该部门该年度报告中同时列出执行数的最大一笔预算（报告自己的合计）。

- 执行、结余类（`drop_categories`）不重要的疑点不列出，检查汇总中计为“金额不重要”；检查本身评为高的（零执行、
  执行率很低且未说明原因）仍列出，降为低。例：长沙市工信局“派驻纪检监察组办公经费”结余 1.20 万元（60.00%），
  占部门 85,578.49 万元的 0.001% → 不列出；同局“工发专项”结余 7,850.38 万元不受影响。
- 其余不重要的疑点（前后不一）降为低，并在证据中注明。

决算 / 预算公开的检查（D 系列）按同一规则定低，涉及金额达到部门收支
总计的 `high_share`%（默认 5%）为高，其余为中；公开文件的部门总额取收支总表的总计。"""


def shared(settings: dict) -> dict:
    """A check's ``[materiality]`` settings (the defaults when it was not given them)."""
    return settings.get(NAME) or DEFAULTS


def severity(amount: pl.Expr, settings: dict) -> pl.Expr:
    """high / medium / low of a disclosure finding from ``amount`` (万元) and the department's
    total (a ``dept_budget`` column): immaterial is low, ``high_share`` % and more is high."""
    s = shared(settings)
    share = amount.abs() / pl.col("dept_budget") * 100
    known = pl.col("dept_budget").is_not_null() & (pl.col("dept_budget") > 0)
    return (
        pl.when(amount.is_null())
        .then(pl.lit("medium"))
        .when((amount.abs() < s["min_amount"]) & (~known | (share < s["min_share"])))
        .then(pl.lit("low"))
        .when(known & (share >= s["high_share"]))
        .then(pl.lit("high"))
        .otherwise(pl.lit("medium"))
    )


def department_budgets(corpus) -> pl.DataFrame:
    """department, year → budget (万元): the largest budget line that also states spending,
    or the 总计 of a disclosure's 收支总表 (the larger). Once per corpus (the D checks, C02 and
    the engine's materiality all ask)."""
    from checks.memo import memo

    return memo(corpus, "department_budgets", lambda: _department_budgets(corpus))


def _department_budgets(corpus) -> pl.DataFrame:
    bl = corpus.budget_lines
    schema = {"department": pl.String, "year": pl.Int32, "dept_budget": pl.Float64}
    parts = [disclosure_totals(corpus)]
    if not bl.is_empty():
        budget = pl.coalesce(
            "budget",
            pl.col("budget_initial").fill_null(0) + pl.col("budget_adjustment").fill_null(0),
        )
        parts.append(
            bl.filter(
                pl.col("unit") == "万元",
                pl.col("table_kind") != "final_accounts",
                pl.col("actual").is_not_null(),
            )
            .group_by("department", "year")
            .agg(budget.max().alias("dept_budget"))
            .select(list(schema))
        )
    return (
        pl.concat([p.cast(schema) for p in parts])
        .group_by("department", "year")
        .agg(pl.col("dept_budget").max())
    )


def disclosure_totals(corpus) -> pl.DataFrame:
    """department, year → the largest total a 收支总表 (决算 or 预算) prints: its 总计."""
    acc = corpus.accounts
    return (
        acc.filter(
            pl.col("table_kind").is_in(["fa_summary", "bu_summary"]),
            pl.col("row_kind") == "total",
            pl.col("unit_printed") != "%",
        )
        .group_by("department", "year")
        .agg(dept_budget=pl.col("amount").max())
    )


def apply(flags: pl.DataFrame, corpus, settings: dict) -> tuple[pl.DataFrame, dict[str, int]]:
    """(flags, dropped): immaterial execution and balance flags left out (unless rated high),
    other immaterial money flags lowered to ``low`` (evidence says so); ``dropped`` counts the
    flags left out per check."""
    if flags.is_empty():
        return flags, {}
    budgets = department_budgets(corpus)
    joined = flags.join(budgets, on=["department", "year"], how="left", nulls_equal=True)
    share = pl.col("amount").abs() / pl.col("dept_budget") * 100
    small = (
        pl.col("category").is_in(settings["categories"])
        & pl.col("amount").is_not_null()
        & (pl.col("amount").abs() < settings["min_amount"])
        & (pl.col("dept_budget").is_null() | (share < settings["min_share"]))
    )
    trivia = (
        small
        & pl.col("category").is_in(settings["drop_categories"])
        & (pl.col("severity") != "high")
    )
    dropped = dict(joined.filter(trivia).group_by("check_id").len().iter_rows())
    joined = joined.filter(~trivia)
    immaterial = small & (pl.col("severity") != "low")
    note = pl.format(
        "；重要性：金额 {} 万元低于 {} 万元且占部门预算 {} 万元的 {}%，降为低",
        pl.col("amount").abs().map_elements(fmt, return_dtype=pl.String),
        pl.lit(f"{settings['min_amount']:g}"),
        pl.col("dept_budget").fill_null(0).map_elements(fmt, return_dtype=pl.String),
        share.fill_null(0).round(3).cast(pl.String),
    )
    kept = joined.with_columns(
        pl.when(immaterial).then(pl.lit("low")).otherwise(pl.col("severity")).alias("severity"),
        pl.when(immaterial)
        .then(pl.col("evidence") + note)
        .otherwise(pl.col("evidence"))
        .alias("evidence"),
    ).drop("dept_budget")
    return kept, dropped
