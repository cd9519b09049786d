"""D09 决算与预算比较的表述有误: "决算数大于（小于）预算数" against the two figures, the reason it
owes, and a completion rate stated against a zero budget."""

from __future__ import annotations

import polars as pl

from checks import context
from checks.base import CheckInfo, CheckResult
from checks.disclosures import (
    count,
    department_totals,
    disclosure_docs,
    half_unit_expr,
    money,
    severity_expr,
    to_flags,
)

CHECK = CheckInfo(
    code="D09",
    title="决算与预算比较的表述有误或未说明原因",
    explanation="“决算数大于（小于）预算数”应与所列预算数、决算数一致，决算与预算不等时应说明原因，年初预算为 0 时不能写完成预算的百分比。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "more": r"决算数?(大于|多于|超过|高于)(年初)?预算",
        "less": r"决算数?(小于|少于|低于)(年初)?预算",
        "reason": r"原因|由于|因为|主要是|系|用于",
        "reason_beyond": 10.0,
    },
    uses=("materiality", "context"),
    doc="""决算文件中同一表述的预算数（年初预算）、决算数和完成率（`prose_figures`；“年初预算为X万元，支出决算为Y万元，
完成年初预算的Z%”）：

- 方向：句中写“决算数大于预算数”（`more`）而 Y 不大于 X，或写“小于”（`less`）而 Y 不小于 X（按四舍五入）→ 中；
- 原因：Y 与 X 相差超过 X 的 `reason_beyond`%（默认 10%，与 E01 要求说明原因的 90% 执行率一致），本句和下一句
  都没有说明原因的用语（`reason`）→ 低；“三公”经费少花于预算（[context] 的 `sangong_pattern`）不要求原因；一节中第一个（合计的）
  比较，其下各项已在本节说明原因的，算已说明；
- 零预算：X 为 0 却写了完成预算的 Z% → 中（没有可比的基数）。

完成率与金额是否算得上由 A02 重算（不在这里重复）。预算文件不适用。
例：“年初预算为0万元，支出决算为32.06万元，完成年初预算的100%” → 报零预算。严重程度：方向和零预算按
[materiality]（涉及金额 = 决算与预算之差），缺原因为低。""",
)

_KEY = ["doc_id", "clause_id"]


def clauses(corpus) -> pl.DataFrame:
    """One row per 决算 clause with both a budget and an actual figure (and its rate, if any)."""
    docs = disclosure_docs(corpus).filter(pl.col("statement") == "决算")
    pf = corpus.prose_figures.join(docs.select("doc_id"), on="doc_id").filter(
        pl.col("value").is_not_null(), ~pl.col("placeholder").fill_null(False)
    )
    first = pl.col("source_line").first()
    budget = (
        pf.filter(pl.col("what") == "budget", pl.col("unit") == "万元")
        .group_by(_KEY)
        .agg(
            budget=pl.col("value").first(),
            budget_dec=pl.col("decimals").first().cast(pl.Int32),
            line=first,
        )
    )
    actual = (
        pf.filter(pl.col("what") == "actual", pl.col("unit") == "万元")
        .group_by(_KEY)
        .agg(actual=pl.col("value").first(), actual_dec=pl.col("decimals").first().cast(pl.Int32))
    )
    rate = (
        pf.filter(pl.col("what") == "rate", pl.col("unit") == "%")
        .group_by(_KEY)
        .agg(rate=pl.col("value").first(), rate_line=first)
    )
    text = pf.group_by(_KEY).agg(
        sentence=pl.col("sentence").unique(maintain_order=True).str.join(""),
        section=pl.col("section").first(),
        subject=pl.col("subject").drop_nulls().first(),
    )
    # the sentence after the clause's last one: a reason is often written there
    sentences = (
        pf.select("doc_id", "source_line", "sentence")
        .unique(["doc_id", "sentence"])
        .sort("doc_id", "source_line")
    )
    following = sentences.with_columns(
        next_sentence=pl.col("sentence").shift(-1).over("doc_id")
    ).select("doc_id", "sentence", "next_sentence")
    last = pf.sort("source_line").group_by(_KEY).agg(last_sentence=pl.col("sentence").last())
    return (
        budget.join(actual, on=_KEY)
        .join(rate, on=_KEY, how="left")
        .join(text, on=_KEY)
        .join(last, on=_KEY)
        .join(
            following,
            left_on=["doc_id", "last_sentence"],
            right_on=["doc_id", "sentence"],
            how="left",
        )
    )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    c = clauses(corpus)
    result.applied = c.height
    result.documents = c["doc_id"].n_unique()
    count(
        result,
        "预算文件（没有决算与预算的比较）",
        disclosure_docs(corpus).filter(pl.col("statement") == "预算").height,
    )
    tol = half_unit_expr(pl.min_horizontal("budget_dec", "actual_dec")) + 1e-9
    diff = pl.col("actual") - pl.col("budget")
    says_more = pl.col("sentence").str.contains(settings["more"])
    says_less = pl.col("sentence").str.contains(settings["less"])
    # the first of several clauses of a section is their total: its items carry the reasons
    section_text = corpus.prose_figures.group_by("doc_id", "section").agg(
        section_text=pl.col("sentence").unique().str.join("")
    )
    c = c.with_columns(
        n_in_section=pl.len().over("doc_id", "section"),
        first_in_section=pl.col("line") == pl.col("line").min().over("doc_id", "section"),
    ).join(section_text, on=["doc_id", "section"], how="left")
    told = (pl.col("sentence") + pl.col("next_sentence").fill_null("")).str.contains(
        settings["reason"]
    ) | (
        (pl.col("n_in_section") > 1)
        & pl.col("first_in_section")
        & pl.col("section_text").fill_null("").str.contains(r"原因")
    )
    c = c.join(department_totals(corpus), on="doc_id", how="left").with_columns(
        diff=diff,
        wrong_way=(says_more & ~(diff > tol)) | (says_less & ~(diff < -tol)),
        zero_base=(pl.col("budget").abs() < 1e-9) & pl.col("rate").is_not_null(),
        no_reason=(diff.abs() > tol)
        # spending less than budgeted on 三公 is the policy itself ([context] sangong_pattern)
        & ~(
            pl.col("subject")
            .fill_null("")
            .str.contains(context.shared(settings)["sangong_pattern"])
            & (diff < 0)
        )
        & (diff.abs() > pl.col("budget").abs() * settings["reason_beyond"] / 100)
        & ~told,
    )
    what = pl.format("“{}”", pl.col("subject").fill_null("该项"))
    wrong = c.filter(pl.col("wrong_way")).select(
        "doc_id",
        source_line="line",
        subject=pl.format("决算与预算·{}", pl.col("subject")),
        message=pl.format(
            "第{}行{}年初预算 {} 万元、决算 {} 万元，句中却写“{}”。",
            pl.col("line"),
            what,
            money(pl.col("budget")),
            money(pl.col("actual")),
            pl.col("sentence").str.extract(f"({settings['more']}|{settings['less']})", 1),
        ),
        evidence=pl.col("sentence").str.slice(0, 120),
        severity=severity_expr(pl.col("diff"), settings),
        amount=pl.col("diff").abs(),
        key=pl.lit("direction"),
    )
    zero = c.filter(pl.col("zero_base")).select(
        "doc_id",
        source_line=pl.coalesce("rate_line", "line"),
        subject=pl.format("零预算完成率·{}", pl.col("subject")),
        message=pl.format(
            "第{}行{}年初预算为 0，却写完成年初预算的 {}%（决算 {} 万元）；没有可比的基数。",
            pl.coalesce("rate_line", "line"),
            what,
            pl.col("rate"),
            money(pl.col("actual")),
        ),
        evidence=pl.col("sentence").str.slice(0, 120),
        severity=severity_expr(pl.col("diff"), settings),
        amount=pl.col("diff").abs(),
        key=pl.lit("zero-base"),
    )
    silent = c.filter(pl.col("no_reason"), ~pl.col("zero_base"), ~pl.col("wrong_way")).select(
        "doc_id",
        source_line="line",
        subject=pl.format("未说明原因·{}", pl.col("subject")),
        message=pl.format(
            "第{}行{}决算 {} 万元与年初预算 {} 万元相差 {} 万元，本句和下一句都没有说明原因。",
            pl.col("line"),
            what,
            money(pl.col("actual")),
            money(pl.col("budget")),
            money(pl.col("diff")),
        ),
        evidence=pl.col("sentence").str.slice(0, 120),
        severity=pl.lit("low"),
        amount=pl.col("diff").abs(),
        key=pl.lit("no-reason"),
    )
    result.flags = to_flags(CHECK, pl.concat([wrong, zero, silent]), corpus)
    return result
