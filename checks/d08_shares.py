"""D08 占比算不上: a share stated in the text is not its part over its whole, or shares of one
whole do not add up to 100%."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.disclosures import (
    MONEY_WHAT,
    accounts_of,
    count,
    department_totals,
    disclosure_docs,
    half_unit_expr,
    money,
    sangong_of,
    severity_expr,
    to_flags,
)

CHECK = CheckInfo(
    code="D08",
    title="占比与金额算不上或合计不为100%",
    explanation="正文写的占比应等于分项金额除以总额，同一总额下各分项的占比之和应为 100%；算不上说明占比或金额有误。",
    category="arithmetic",
    severity="medium",
    version="1",
    scope="row",
    defaults={"minor_points": 0.1},
    uses=("materiality",),
    doc="""正文数字（`prose_figures`）中每个“占X%”：

- 分项金额取同一表述中的金额；总额取它所属的上级表述的金额（“其中：”“主要用于以下方面：”），或按“占…的”
  所写的总额找：“三公”经费（“三公”经费表的合计，没有表时为所列三项之和）、本年支出合计 / 本年收入合计
  （收支总表的合计行）、文中主语相同的金额。
- 重算：分项 ÷ 总额，按四舍五入区间判断（`rate_explained`：两数各差半个末位单位，印出的百分数也可能截断）；
  同一总额下列全了的分项（金额之和等于总额），各占比之和应为 100%，容差 n × 半个末位单位。为凑足 100%
  把某项的末位调了一个单位（尾差调整：合计正好 100%，每项差不超过一个末位）是通行做法，不报。
- 一个总额下的各分项合成一条疑点，列出每项所写与重算的占比。差距都不超过 `minor_points` 个百分点的
  （末位笔误）为低；其余按 [materiality]，涉及金额 = 占比差 × 总额。

例：江苏省人大常委会办公厅 2017 年预算“因公出国（境）费支出 222.5 万元，占“三公”经费的 8.75%；公务用车购置及
运行费支出 183.6 万元，占 7.22%；公务接待费支出 427.5 万元，占 16.81%”：三项之和 833.6 万元，应为 26.69%、
22.03%、51.28%，所写三项合计 32.78% → 报。""",
)

_SANGONG = r"三公"
_GROUP = ["doc_id", "group"]


def _money(pf: pl.DataFrame) -> pl.DataFrame:
    """The first money figure of each clause: its amount and decimals."""
    return (
        pf.filter(
            pl.col("what").is_in(MONEY_WHAT),
            pl.col("unit") == "万元",
            pl.col("value").is_not_null(),
        )
        .sort("source_line")
        .group_by("doc_id", "clause_id")
        .agg(
            amount=pl.col("value").first(),
            amount_dec=pl.col("decimals").first().cast(pl.Int32),
            subject=pl.col("subject").first(),
        )
    )


def shares(corpus) -> pl.DataFrame:
    """Every share with its part, its whole (and where the whole came from)."""
    docs = disclosure_docs(corpus)
    pf = corpus.prose_figures.join(docs.select("doc_id", "statement"), on="doc_id")
    money_ = _money(pf)
    s = pf.filter(
        pl.col("what") == "share",
        pl.col("unit") == "%",
        pl.col("value").is_not_null(),
        ~pl.col("placeholder").fill_null(False),
    ).select(
        "doc_id",
        "statement",
        "clause_id",
        "parent_clause",
        "of_total",
        "section",
        "sentence",
        "source_line",
        subject_share="subject",
        stated="value",
        stated_dec=pl.col("decimals").cast(pl.Int32),
    )
    s = s.join(money_, on=["doc_id", "clause_id"], how="left").filter(
        pl.col("amount").is_not_null()
    )
    parent = money_.select(
        "doc_id",
        parent_clause="clause_id",
        whole_parent="amount",
        whole_parent_dec="amount_dec",
        whole_parent_subject="subject",
    )
    s = s.join(parent, on=["doc_id", "parent_clause"], how="left")
    # a whole named by "占…的": 三公 from its table, totals from the 收支总表, else the text
    of_total = pl.col("of_total").fill_null("").str.replace_all(r"[“”\"\s]", "")
    sg = (
        sangong_of(corpus)
        .filter(pl.col("category") == "合计")
        .select("doc_id", "measure", sg_total="amount", sg_dec=pl.col("decimals").cast(pl.Int32))
    )
    sg = sg.filter(pl.col("measure").is_in(["预算数", "决算数"])).unique(
        ["doc_id", "measure"], keep="first"
    )
    s = s.with_columns(
        of=of_total,
        measure=pl.when(pl.col("statement") == "决算")
        .then(pl.lit("决算数"))
        .otherwise(pl.lit("预算数")),
    ).join(sg, on=["doc_id", "measure"], how="left")
    acc = (
        accounts_of(corpus)
        .filter(
            pl.col("table_kind").is_in(["fa_summary", "bu_summary"]), pl.col("row_kind") == "total"
        )
        .select(
            "doc_id",
            of=pl.col("item"),
            acc_total="amount",
            acc_dec=pl.col("decimals").cast(pl.Int32),
        )
    )
    s = s.join(acc.unique(["doc_id", "of"], keep="first"), on=["doc_id", "of"], how="left")
    # groups: shares of one whole (same parent clause, or the same named whole in one section)
    s = s.with_columns(
        group=pl.when(pl.col("parent_clause").is_not_null())
        .then(pl.format("p{}", pl.col("parent_clause")))
        .otherwise(pl.format("o{}|{}", pl.col("of"), pl.col("section")))
    )
    # 三公 without a table: the three categories listed are the whole
    listed = (
        s.filter(pl.col("of").str.contains(_SANGONG))
        .group_by(_GROUP)
        .agg(
            listed_total=pl.col("amount").sum(),
            listed_dec=pl.col("amount_dec").max(),
            n_listed=pl.len(),
        )
    )
    s = s.join(listed, on=_GROUP, how="left")
    is_sangong = pl.col("of").str.contains(_SANGONG)
    return s.with_columns(
        whole=pl.coalesce(
            "whole_parent",
            pl.when(is_sangong).then(
                pl.coalesce("sg_total", pl.when(pl.col("n_listed") >= 3).then("listed_total"))
            ),
            "acc_total",
        ),
        whole_dec=pl.coalesce(
            "whole_parent_dec",
            pl.when(is_sangong).then(pl.coalesce("sg_dec", "listed_dec")),
            "acc_dec",
        ),
    ).filter(pl.col("whole").is_not_null() & (pl.col("whole") > 0))


def _explained(stated, stated_dec, num, den, num_dec, den_dec) -> pl.Expr:
    """``checks.base.rate_explained`` as an expression over columns."""
    hn, hd = half_unit_expr(num_dec), half_unit_expr(den_dec)
    lo = (pl.max_horizontal(num - hn, pl.lit(0.0)) / (den + hd)) * 100
    hi = ((num + hn) / pl.max_horizontal(den - hd, pl.lit(1e-12))) * 100
    h = half_unit_expr(stated_dec)
    return (stated + 2 * h >= lo - 1e-9) & (stated - h <= hi + 1e-9)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    s = shares(corpus).with_columns(
        computed=pl.col("amount") / pl.col("whole") * 100,
        ok=_explained(
            pl.col("stated"),
            pl.col("stated_dec"),
            pl.col("amount"),
            pl.col("whole"),
            pl.col("amount_dec"),
            pl.col("whole_dec"),
        ),
    )
    result.applied = s.height
    result.documents = s["doc_id"].n_unique()
    groups = s.group_by(_GROUP).agg(
        n=pl.len(),
        bad=(~pl.col("ok")).sum(),
        stated_sum=pl.col("stated").sum(),
        parts_sum=pl.col("amount").sum(),
        parts_dec=pl.col("amount_dec").max(),
        whole=pl.col("whole").first(),
        whole_dec=pl.col("whole_dec").first(),
        share_dec=pl.col("stated_dec").max(),
        line=pl.col("source_line").min(),
        lines=pl.col("source_line").unique().sort().cast(pl.String).str.join("、"),
        gap=(pl.col("stated") - pl.col("computed")).abs().max(),
        money_gap=((pl.col("stated") - pl.col("computed")).abs() * pl.col("whole") / 100).max(),
        of=pl.col("of").first(),
        whole_subject=pl.coalesce(pl.col("whole_parent_subject"), pl.col("of")).first(),
        detail=pl.format(
            "{} {}（{} 万元，应为 {}%）",
            pl.col("subject"),
            pl.col("stated").map_elements(lambda v: f"{v:g}%", return_dtype=pl.String),
            money(pl.col("amount")),
            pl.col("computed").round(2),
        ).str.join("；"),
    )
    complete = (pl.col("n") >= 2) & (
        (pl.col("parts_sum") - pl.col("whole")).abs()
        <= (pl.col("n") + 1) * half_unit_expr(pl.max_horizontal("parts_dec", "whole_dec")) + 1e-9
    )
    sum_off = complete & (
        (pl.col("stated_sum") - 100).abs()
        > pl.col("n") * half_unit_expr(pl.col("share_dec")) + 1e-9
    )
    # shares nudged by one last digit so that they add up to exactly 100% (尾差调整) are right
    unit = pl.lit(10.0).pow(-pl.col("share_dec").cast(pl.Float64))
    balanced = (
        complete & ((pl.col("stated_sum") - 100).abs() < 1e-6) & (pl.col("gap") <= 1.5 * unit)
    )
    groups = groups.with_columns(sum_off=sum_off, balanced=balanced)
    count(
        result,
        "尾差调整：各项差一个末位、合计正好 100%",
        groups.filter(pl.col("bad") > 0, pl.col("balanced")).height,
    )
    flagged = groups.filter(((pl.col("bad") > 0) & ~pl.col("balanced")) | pl.col("sum_off")).join(
        department_totals(corpus), on="doc_id", how="left"
    )
    minor = pl.col("gap") <= settings["minor_points"]
    findings = flagged.with_columns(
        subject=pl.format("占比·{}", pl.col("whole_subject")),
        message=pl.format(
            "第{}行所写占“{}”（{} 万元）的比例与金额算不上：{}{}。",
            pl.col("line"),
            pl.col("whole_subject"),
            money(pl.col("whole")),
            pl.col("detail"),
            pl.when(pl.col("sum_off"))
            .then(pl.format("；各项占比合计 {}%，不是 100%", pl.col("stated_sum").round(2)))
            .otherwise(pl.lit("")),
        ),
        evidence=pl.format(
            "总额 {}；分项合计 {}；最大差距 {} 个百分点",
            money(pl.col("whole")),
            money(pl.col("parts_sum")),
            pl.col("gap").round(2),
        ),
        severity=pl.when(minor & ~pl.col("sum_off"))
        .then(pl.lit("low"))
        .otherwise(severity_expr(pl.col("money_gap"), settings)),
        amount=pl.col("money_gap"),
        threshold=pl.lit("超出四舍五入区间；合计偏离 100% 超过 n × 半个末位单位"),
        source_line=pl.col("line"),
        related_at=pl.col("lines"),
        key=pl.col("group"),
    )
    result.flags = to_flags(CHECK, findings, corpus)
    return result
