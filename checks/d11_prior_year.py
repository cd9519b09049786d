"""D11 上年数与上年公开数不符: this year's "比上年增加X" implies a last-year figure that differs from
the one last year's disclosure published."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.d07_text_vs_tables import normalised_subject
from checks.disclosures import (
    MONEY_WHAT,
    count,
    department_totals,
    dept_key,
    disclosure_docs,
    half_unit_expr,
    money,
    severity_expr,
    to_flags,
)

CHECK = CheckInfo(
    code="D11",
    title="上年数与上年公开的数不一致",
    explanation="本年说明中“比上年增加（减少）X”推出的上年数，应等于上年同一部门公开的同一项数字；不等说明本年或上年有一处数字有误，或比较的口径变了。",
    category="consistency",
    severity="medium",
    version="1",
    scope="corpus",
    defaults={"bases": ["上年", "上年预算", "上年决算"]},
    uses=("materiality",),
    doc="""同时读入同一部门相邻两年的决算（或预算）时：本年正文中一项的本年数 X 与“比上年增加（减少）Y”（或直接写出的
上年数），推出上年数 X ∓ Y；上年文件中主语相同的本年数（去掉年度、括号、预算 / 决算字样后相同）应有一个与之相等
（容差为三个数各半个末位单位）。只比较 `bases` 所列的比较基数（上年、上年预算、上年决算）。

例：江苏省高级人民法院 2018 年预算“法院（款）一般行政管理事务（项）……与上年相比增加 392.92 万元”，按本年数推出上年
6,442.89 万元，而 2017 年预算公开的该项为 6,432.89 万元 → 报，相差 10.00 万元。部门名称在两年中写法不同时
（中共江苏省委办公厅 / 江苏省委办公厅）按同一部门处理。严重程度按 [materiality]（涉及金额 = 差额）。""",
)

# compares a department's adjacent years, and a department's years share its region (the
# region is read from the department's name): checks.partitioned runs it region by region
SPAN = "region"
READS = ("prose_figures", "budget_lines", "accounts", "parse_issues", "sangong")

_KEYS = ["dept_key", "statement"]


def _figures(corpus) -> pl.DataFrame:
    docs = disclosure_docs(corpus).with_columns(dept_key=dept_key())
    return corpus.prose_figures.join(docs.select("doc_id", "year", *_KEYS), on="doc_id").filter(
        pl.col("value").is_not_null(), ~pl.col("placeholder").fill_null(False)
    )


def implied_priors(corpus, settings: dict) -> pl.DataFrame:
    """doc_id, line, subject, norm, prior (and its tolerance) from this year's change statements."""
    pf = _figures(corpus)
    key = ["doc_id", "clause_id"]
    current = (
        pf.filter(
            pl.col("what").is_in(MONEY_WHAT), pl.col("unit") == "万元", pl.col("basis").is_null()
        )
        .sort("source_line")
        .group_by(key)
        .agg(
            cur=pl.col("value").first(),
            cur_dec=pl.col("decimals").first(),
            subject=pl.col("subject").first(),
            year=pl.col("year").first(),
            dept_key=pl.col("dept_key").first(),
            statement=pl.col("statement").first(),
        )
    )
    change = pf.filter(
        pl.col("what") == "change_amount",
        pl.col("unit") == "万元",
        pl.col("direction").is_in(["增加", "减少"]),
        pl.col("basis").is_in(settings["bases"]),
    ).select(
        *key,
        "source_line",
        "sentence",
        delta="value",
        delta_dec="decimals",
        down=pl.col("direction") == "减少",
    )
    derived = change.join(current, on=key).select(
        "doc_id",
        "source_line",
        "sentence",
        "subject",
        "year",
        *_KEYS,
        prior=pl.when(pl.col("down"))
        .then(pl.col("cur") + pl.col("delta"))
        .otherwise(pl.col("cur") - pl.col("delta")),
        tol=half_unit_expr(pl.col("cur_dec").cast(pl.Int32))
        + half_unit_expr(pl.col("delta_dec").cast(pl.Int32)),
    )
    stated = (
        pf.filter(
            pl.col("what") == "prior",
            pl.col("unit") == "万元",
            pl.col("basis").is_in(settings["bases"]),
        )
        .join(current.select(*key, "subject"), on=key, how="left")
        .select(
            "doc_id",
            "source_line",
            "sentence",
            pl.coalesce("subject_right", "subject").alias("subject"),
            "year",
            *_KEYS,
            prior="value",
            tol=half_unit_expr(pl.col("decimals").cast(pl.Int32)),
        )
    )
    return pl.concat([derived, stated], how="vertical_relaxed").with_columns(
        norm=normalised_subject(pl.col("subject"))
    )


def last_year(corpus) -> pl.DataFrame:
    """dept_key, statement, year (the year after), norm → every figure last year's text states."""
    pf = _figures(corpus).filter(
        pl.col("what").is_in(MONEY_WHAT), pl.col("unit") == "万元", pl.col("basis").is_null()
    )
    return pf.select(
        *_KEYS,
        year=pl.col("year") + 1,
        norm=normalised_subject(pl.col("subject")),
        last="value",
        last_dec=pl.col("decimals").cast(pl.Int32),
        last_line="source_line",
        last_doc="doc_id",
    )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    priors = implied_priors(corpus, settings).filter(pl.col("norm").str.len_chars() >= 2)
    last = last_year(corpus)
    pairs = priors.join(last, on=[*_KEYS, "year", "norm"])
    count(
        result,
        "上年文件未读入或没有主语相同的数",
        priors.join(last, on=[*_KEYS, "year", "norm"], how="anti").height,
    )
    if pairs.is_empty():
        return result
    pairs = pairs.with_columns(
        gap=(pl.col("prior") - pl.col("last")).abs(),
        ok_tol=pl.col("tol") + half_unit_expr(pl.col("last_dec")) + 1e-9,
    )
    per = pairs.group_by("doc_id", "source_line", "subject", "prior").agg(
        ok=(pl.col("gap") <= pl.col("ok_tol")).any(),
        last=pl.col("last").sort_by("gap").first(),
        last_line=pl.col("last_line").sort_by("gap").first(),
        last_doc=pl.col("last_doc").sort_by("gap").first(),
        year=pl.col("year").first(),
        sentence=pl.col("sentence").first(),
    )
    result.applied = per.height
    result.documents = per["doc_id"].n_unique()
    files = corpus.documents.select(last_doc="doc_id", last_file="source_file")
    bad = (
        per.filter(~pl.col("ok"))
        .join(files, on="last_doc", how="left")
        .join(department_totals(corpus), on="doc_id", how="left")
    )
    findings = bad.select(
        "doc_id",
        "source_line",
        subject=pl.format("上年数·{}", pl.col("subject")),
        message=pl.format(
            "第{}行“{}”按本年数和增减额推出上年数 {} 万元，而 {} 年公开的为 {} 万元（{} 第{}行），相差 {} 万元。",
            pl.col("source_line"),
            pl.col("subject"),
            money(pl.col("prior")),
            pl.col("year") - 1,
            money(pl.col("last")),
            pl.col("last_file"),
            pl.col("last_line"),
            money(pl.col("prior") - pl.col("last")),
        ),
        evidence=pl.col("sentence").str.slice(0, 120),
        severity=severity_expr(pl.col("prior") - pl.col("last"), settings),
        amount=(pl.col("prior") - pl.col("last")).abs(),
        key=pl.format("prior-{}", pl.col("subject")),
    )
    result.flags = to_flags(CHECK, findings, corpus)
    return result
