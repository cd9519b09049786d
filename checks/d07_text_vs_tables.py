"""D07 正文数字与表格不符: an amount the 情况说明 restates from the tables differs from them, or a
heading states another figure than its own sentence."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.d06_table_chain import FACTS, Fact, facts
from checks.disclosures import (
    MONEY_WHAT,
    accounts_of,
    count,
    department_totals,
    dept_key,
    disclosure_docs,
    half_unit_expr,
    money,
    sangong_of,
    severity_expr,
    to_flags,
)
from checks.memo import memo

CHECK = CheckInfo(
    code="D07",
    title="正文数字与公开表不一致",
    explanation="情况说明中复述的金额（总计、收入支出合计、基本 / 项目支出、各类各项支出、人员 / 公用经费、“三公”经费等）应与公开表一致，标题里的金额应与其下句子一致。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_difference": 0.0},
    uses=("materiality",),
    doc="""正文数字（`prose_figures`，本年的金额、预算数、决算数；上年数和增减额不比）按主语找表中的同一个数：

- 总计、本年收入 / 支出合计、财政拨款收支总计、一般公共预算（财政拨款）收入 / 支出、基本支出、项目支出、
  单位预留机动经费、人员经费、公用经费、机关运行经费、政府采购：对应标准表的合计（决算和预算各按其表，
  见 D06 的表间关系）；同一主语可对应几张表时与其中任一张相等即可。
- 功能分类“X（类）”与表中的类，“X（款）Y（项）”与该款下的项；“三公”经费各项（因公出国（境）费、公务用车
  购置及运行维护费、购置费、运行维护费、公务接待费，江苏还有会议费、培训费）与“三公”经费表（决算文件中
  预算数比预算数、决算数比决算数）。
- 标题中的金额（“（一）财政拨款收入208.8万元”）与其下第一句中主语相同的金额。

说明与表格分成两个文件时（江苏），用同一部门同一年度的表。两数按较粗一方的末位比较，差额还须超过
`min_difference` 万元。
例：标题“（一）财政拨款收入208.8万元”，下句“财政拨款收入201.50万元” → 报，相差 7.30 万元。严重程度按
[materiality]（涉及金额 = 差额）。""",
)

_item = pl.col("item").fill_null("")
_total = pl.col("row_kind") == "total"
# more figures the text restates (beyond D06's chain)
EXTRA = {
    "F01_total": Fact(
        "收支决算总表“总计”",
        ("fa_summary",),
        (pl.col("side") == "income") & _total & _item.str.contains("^总计$"),
    ),
    "F04_total": Fact(
        "财政拨款收支决算总表“总计”",
        ("fa_fiscal_summary",),
        (pl.col("side") == "income") & _total & _item.str.contains("^总计$"),
    ),
    "F03_basic": Fact(
        "支出决算表合计行“基本支出”",
        ("fa_expenditure",),
        _total & pl.col("code").is_null() & (pl.col("measure") == "基本支出"),
    ),
    "F03_project": Fact(
        "支出决算表合计行“项目支出”",
        ("fa_expenditure",),
        _total & pl.col("code").is_null() & (pl.col("measure") == "项目支出"),
    ),
    "F05_project": Fact(
        "一般公共预算财政拨款支出决算表合计行“项目支出”",
        ("fa_general",),
        _total & pl.col("code").is_null() & (pl.col("measure") == "项目支出"),
    ),
    "F06_personnel": Fact(
        "基本支出决算表“人员经费合计”",
        ("fa_general_basic",),
        _total & _item.str.contains("人员经费"),
    ),
    "F06_public": Fact(
        "基本支出决算表“公用经费合计”",
        ("fa_general_basic",),
        _total & _item.str.contains("公用经费"),
    ),
    "B01_income_sub": Fact(
        "收支预算总表“当年收入小计”",
        ("bu_summary",),
        (pl.col("side") == "income") & _item.str.contains("^(当年|本年)收入(小计|合计)$"),
    ),
    "B01_gp": Fact(
        "收支预算总表“一般公共预算”收入",
        ("bu_summary",),
        (pl.col("side") == "income")
        & (pl.col("row_kind") == "item")
        & (pl.col("fund") == "一般公共预算"),
    ),
    "B06_personnel": Fact(
        "财政拨款基本支出预算表 301 + 303",
        ("bu_fiscal_basic",),
        (pl.col("level") == "类") & pl.col("code").is_in(["301", "303"]),
        summed=True,
    ),
    "B06_public": Fact(
        "财政拨款基本支出预算表 302 + 310 等",
        ("bu_fiscal_basic",),
        (pl.col("level") == "类") & ~pl.col("code").is_in(["301", "303"]),
        summed=True,
    ),
    "B08_personnel": Fact(
        "一般公共预算基本支出预算表 301 + 303",
        ("bu_general_basic",),
        (pl.col("level") == "类") & pl.col("code").is_in(["301", "303"]),
        summed=True,
    ),
    "B08_total": Fact(
        "一般公共预算基本支出预算表合计", ("bu_general_basic",), _total & pl.col("code").is_null()
    ),
    "B12_total": Fact(
        "政府采购支出预算表合计", ("bu_procurement",), _total & _item.str.contains("^(合计|总计)$")
    ),
}

# normalised subject → the facts it may restate, per statement
SUBJECTS: list[tuple[str, str, list[str]]] = [
    ("决算", r"^(收、?支|收入、?支出|收支)(决算)?总计$", ["F01_total"]),
    ("决算", r"^(本年)?收入(决算)?合计$", ["F01_income", "F02_total"]),
    ("决算", r"^(本年)?支出(决算)?合计$", ["F01_exp", "F03_total"]),
    ("决算", r"^财政拨款收、?支总计$", ["F04_total"]),
    ("决算", r"^财政拨款收入$", ["F02_fiscal", "F04_income"]),
    ("决算", r"^一般公共预算财政拨款(收入)?$", ["F01_gp", "F04_gp_income"]),
    ("决算", r"^一般公共预算财政拨款支出$", ["F04_gp", "F05_total"]),
    ("决算", r"^(一般公共预算财政拨款)?基本支出$", ["F03_basic", "F05_basic", "F06_total"]),
    ("决算", r"^项目支出$", ["F03_project", "F05_project"]),
    ("决算", r"^人员经费$", ["F06_personnel"]),
    ("决算", r"^公用经费$", ["F06_public"]),
    ("预算", r"^(收入、?支出|收、?支)(预算)?总计$", ["B01_income", "B01_exp"]),
    (
        "预算",
        r"^收入(预算)?总计$|^本年收入(预算)?合计$",
        ["B01_income", "B02_total", "B01_income_sub"],
    ),
    ("预算", r"^支出(预算)?总计$|^本年支出(预算)?合计$", ["B01_exp", "B03_total"]),
    ("预算", r"^财政拨款收入(预算)?总计$", ["B04_exp"]),
    ("预算", r"^一般公共预算收入$", ["B01_gp", "B04_gp_income"]),
    ("预算", r"^(一般公共预算)?财政拨款基本支出$", ["B04_basic", "B06_total", "B08_total"]),
    ("预算", r"^一般公共预算财政拨款支出$", ["B07_total"]),
    ("预算", r"^基本支出$", ["B01_basic", "B03_basic", "B04_basic", "B06_total"]),
    ("预算", r"^项目支出$", ["B01_project", "B03_project"]),
    ("预算", r"^(单位)?预留机动经费$", ["B01_reserve", "B03_reserve"]),
    ("预算", r"^财政拨款收、?支(预算)?总计$", ["B04_exp"]),
    ("预算", r"^人员经费$", ["B06_personnel", "B08_personnel"]),
    ("预算", r"^公用经费$", ["B06_public", "B08_public"]),
    ("预算", r"^(一般公共预算)?机关运行经费(支出)?$", ["B11_total"]),
    ("预算", r"^政府采购(支出)?(预算)?(总额)?$", ["B12_total"]),
]
SANGONG = [
    (r"^“?三公”?经费(支出)?$", "合计"),
    (r"^因公出国（?境）?费(用)?(支出)?$", "因公出国（境）费"),
    (r"^公务用车购置及运行(维护)?费(支出)?$", "公务用车购置及运行维护费"),
    (r"^公务用车购置(费)?(支出)?$", "公务用车购置费"),
    (r"^公务用车运行(维护)?费(支出)?$", "公务用车运行维护费"),
    (r"^公务接待费(支出)?$", "公务接待费"),
    (r"^会议费(支出)?$", "会议费"),
    (r"^培训费(支出)?$", "培训费"),
]
_DEPT = ["dept_key", "year", "statement"]


def normalised_subject(expr: pl.Expr) -> pl.Expr:
    """A text subject as the vocabulary names it: no brackets, (类) marks, 预算/决算 words."""
    return (
        expr.fill_null("")
        .str.replace_all(r"[\s（）()\[\]【】]", "")
        .str.replace_all(r"^(本部门|本单位|部门|单位|江苏省\S{0,12}?(厅|院|会))", "")
        .str.replace(r"(预算|决算)?(支出|收入)?(预算数|决算数|执行数)$", "$2")
        .str.replace(r"^(.+?)(预算|决算)$", "$1")
    )


def _class_name(expr: pl.Expr) -> pl.Expr:
    """社会保障和就业(类)支出 / 社会保障和就业支出 → 社会保障和就业."""
    return expr.fill_null("").str.replace_all(r"[\s（）()]|类$", "").str.replace(r"支出$", "")


def text_figures(corpus) -> pl.DataFrame:
    """The text's money figures that a table may state (once per corpus)."""
    return memo(corpus, "d07_text_figures", lambda: _text_figures(corpus))


def _text_figures(corpus) -> pl.DataFrame:
    docs = disclosure_docs(corpus).with_columns(dept_key=dept_key())
    pf = corpus.prose_figures.join(
        docs.select("doc_id", "statement", "dept_key", "year"), on="doc_id"
    )
    # a 决算's 年初预算 figures have no table beside the 三公 one (compared there by measure)
    final_budget = (pl.col("statement") == "决算") & (pl.col("what") == "budget")
    return pf.filter(
        pl.col("what").is_in(MONEY_WHAT),
        pl.col("unit") == "万元",
        pl.col("value").is_not_null(),
        pl.col("basis").is_null(),
        ~pl.col("placeholder").fill_null(False),
    ).with_columns(norm=normalised_subject(pl.col("subject")), final_budget=final_budget)


def _table_figures(corpus, docs: pl.DataFrame) -> pl.DataFrame:
    """dept_key, year, statement, fact, amount, decimals, where: every figure text may restate."""
    f = pl.concat([facts(corpus), facts(corpus, EXTRA)], how="vertical_relaxed")
    return f.join(docs.select("doc_id", *_DEPT), on="doc_id").select(
        *_DEPT,
        "fact",
        "amount",
        "decimals",
        where=pl.format("{}第{}行", pl.col("table_title"), pl.col("source_line")),
    )


def candidates(corpus) -> pl.DataFrame:
    """Each text figure with every table figure it may restate (none when no table has one;
    once per corpus)."""
    return memo(corpus, "d07_candidates", lambda: _candidates(corpus))


def _candidates(corpus) -> pl.DataFrame:
    docs = disclosure_docs(corpus).with_columns(dept_key=dept_key())
    tf = text_figures(corpus)
    tables = _table_figures(corpus, docs)
    names = {**{k: f.name for k, f in FACTS.items()}, **{k: f.name for k, f in EXTRA.items()}}
    vocab = pl.DataFrame(
        [(s, p, f) for s, p, fs in SUBJECTS for f in fs],
        schema=["statement", "pattern", "fact"],
        orient="row",
    )
    named = (
        tf.filter(~pl.col("final_budget"))
        .join(vocab, on="statement")
        .filter(pl.col("norm").str.contains(pl.col("pattern")))
        .join(tables, on=[*_DEPT, "fact"])
        .with_columns(what_table=pl.col("fact").replace_strict(names, default=None))
    )
    # 类 rows by name, 项 rows by their 款 and 项 names
    acc = (
        accounts_of(corpus)
        .join(docs.select("doc_id", *_DEPT), on="doc_id")
        .filter(
            pl.col("classification") == "functional",
            pl.col("unit_printed") != "%",
            pl.col("side") == "expenditure",  # 公开02's income by function is another figure
        )
    )
    kuan = (
        acc.filter(pl.col("level") == "款")
        .select("doc_id", "table_id", k5="code", kuan="item")
        .unique(["doc_id", "table_id", "k5"])
    )
    acc = acc.with_columns(k5=pl.col("code").str.slice(0, 5)).join(
        kuan, on=["doc_id", "table_id", "k5"], how="left"
    )
    row_where = pl.format("{}第{}行", pl.col("table_title"), pl.col("source_line"))
    classes = acc.filter(
        (pl.col("level") == "类") | (pl.col("code").is_null() & (pl.col("row_kind") == "item"))
    ).select(
        *_DEPT,
        cname=_class_name(pl.col("item")),
        amount="amount",
        decimals="decimals",
        where=row_where,
    )
    items = acc.filter(pl.col("level") == "项").select(
        *_DEPT,
        kname=_class_name(pl.col("kuan")),
        xname=_class_name(pl.col("item")),
        amount="amount",
        decimals="decimals",
        where=row_where,
    )
    subj = pl.col("subject").fill_null("")
    by_class = (
        tf.filter(~pl.col("final_budget"))
        .filter(subj.str.contains(r"[（(]类[)）]") & ~subj.str.contains(r"[（(](款|项)[)）]"))
        .with_columns(cname=_class_name(subj.str.replace(r"[（(]类[)）]", "")))
        .join(classes, on=[*_DEPT, "cname"])
        .with_columns(what_table=pl.format("功能分类“{}”类", pl.col("cname")), fact=pl.lit("class"))
    )
    by_item = (
        tf.filter(~pl.col("final_budget"))
        .filter(subj.str.contains(r"[（(]款[)）].*[（(]项[)）]"))
        .with_columns(
            kname=_class_name(subj.str.extract(r"([^（()）]+)[（(]款[)）]", 1)),
            xname=_class_name(subj.str.extract(r"[)）]([^（()）]+)[（(]项[)）]", 1)),
        )
        .join(items, on=[*_DEPT, "kname", "xname"])
        .with_columns(
            what_table=pl.format("“{}”款“{}”项", pl.col("kname"), pl.col("xname")),
            fact=pl.lit("item"),
        )
    )
    # 三公: by category; a 决算 compares 预算数 with 预算数 and 决算数 with 决算数
    sg = (
        sangong_of(corpus)
        .join(docs.select("doc_id", *_DEPT), on="doc_id")
        .select(
            *_DEPT,
            "category",
            "measure",
            "amount",
            "decimals",
            where=pl.format("“三公”经费表第{}行", pl.col("source_line")),
        )
    )
    sgv = pl.DataFrame(SANGONG, schema=["pattern", "category"], orient="row")
    measure = (
        pl.when((pl.col("statement") == "决算") & (pl.col("what") == "actual"))
        .then(pl.lit("决算数"))
        .when((pl.col("statement") == "决算") & (pl.col("what") == "amount"))
        .then(pl.lit("决算数"))
        .otherwise(pl.lit("预算数"))
    )
    by_sangong = (
        tf.with_columns(
            measure=measure,
            sname=normalised_subject(pl.col("subject")).str.replace(r"^一般公共预算(拨款)?", ""),
        )
        .join(sgv, how="cross")
        .filter(pl.col("sname").str.contains(pl.col("pattern")))
        .join(sg, on=[*_DEPT, "category", "measure"])
        .with_columns(
            what_table=pl.format("“三公”经费表“{}”{}", pl.col("category"), pl.col("measure")),
            fact=pl.lit("sangong"),
        )
    )
    keep = [
        "doc_id", "source_line", "sentence", "subject", "value", "decimals", "in_heading",
        "fact", "what_table", "amount", "decimals_right", "where",
    ]  # fmt: skip
    frames = [
        df.rename({"decimals_right": "decimals_right"}) if "decimals_right" in df.columns else df
        for df in (named, by_class, by_item, by_sangong)
    ]
    return pl.concat(
        [f.select([c for c in keep if c in f.columns]) for f in frames], how="diagonal_relaxed"
    )


def _mismatches(corpus, min_difference: float = 0.0) -> tuple[pl.DataFrame, int]:
    c = candidates(corpus)
    if c.is_empty():
        return c, 0
    c = c.with_columns(
        gap=(pl.col("value") - pl.col("amount")).abs(),
        tol=half_unit_expr(pl.min_horizontal(pl.col("decimals"), pl.col("decimals_right"))) + 1e-9,
    )
    per_figure = c.group_by("doc_id", "source_line", "subject", "value").agg(
        ok=(pl.col("gap") <= pl.max_horizontal("tol", pl.lit(min_difference))).any(),
        nearest=pl.col("amount").sort_by("gap").first(),
        where=pl.col("where").sort_by("gap").first(),
        what_table=pl.col("what_table").sort_by("gap").first(),
        sentence=pl.col("sentence").first(),
        in_heading=pl.col("in_heading").first(),
    )
    return per_figure.filter(~pl.col("ok")), per_figure.height


def _headings(corpus, min_difference: float = 0.0) -> tuple[pl.DataFrame, int]:
    """A heading's figure against the same subject's figure in the sentence under it."""
    tf = text_figures(corpus)
    head = tf.filter(pl.col("in_heading").fill_null(False)).select(
        "doc_id",
        "section",
        "norm",
        head_line="source_line",
        head_value="value",
        head_dec="decimals",
        head_subject="subject",
    )
    body = (
        tf.filter(~pl.col("in_heading").fill_null(False))
        .sort("source_line")
        .group_by("doc_id", "section", "norm")
        .agg(
            pl.col("source_line").first(),
            pl.col("value").first(),
            pl.col("decimals").first(),
            pl.col("sentence").first(),
        )
    )
    pairs = head.join(body, on=["doc_id", "section", "norm"]).filter(
        pl.col("norm").str.len_chars() >= 2
    )
    bad = pairs.filter(
        (pl.col("value") - pl.col("head_value")).abs()
        > pl.max_horizontal(
            half_unit_expr(pl.min_horizontal("decimals", "head_dec")) + 1e-9, pl.lit(min_difference)
        )
    )
    return bad, pairs.height


def candidates_docs(corpus) -> int:
    """Documents with at least one text figure compared with a table."""
    c = candidates(corpus)
    return c["doc_id"].n_unique() if not c.is_empty() else 0


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    totals = department_totals(corpus)
    bad, applied = _mismatches(corpus, settings["min_difference"])
    result.applied = applied
    result.documents = candidates_docs(corpus)
    unmatched = text_figures(corpus).height - applied
    count(result, "正文数字的主语在表中找不到对应的数（不比较）", unmatched)
    findings = []
    if not bad.is_empty():
        findings.append(
            bad.join(totals, on="doc_id", how="left").select(
                "doc_id",
                "source_line",
                subject=pl.format("正文与表·{}", pl.col("subject")),
                message=pl.format(
                    "第{}行写“{}”{} 万元，{}为 {} 万元，相差 {} 万元。",
                    pl.col("source_line"),
                    pl.col("subject"),
                    money(pl.col("value")),
                    pl.col("where"),
                    money(pl.col("nearest")),
                    money(pl.col("value") - pl.col("nearest")),
                ),
                evidence=pl.format(
                    "{}；表中{}：{}",
                    pl.col("sentence").str.slice(0, 80),
                    pl.col("what_table"),
                    money(pl.col("nearest")),
                ),
                severity=severity_expr(pl.col("value") - pl.col("nearest"), settings),
                amount=(pl.col("value") - pl.col("nearest")).abs(),
                key=pl.format("table-{}-{}", pl.col("subject"), pl.col("value")),
            )
        )
    heads, n_heads = _headings(corpus, settings["min_difference"])
    result.applied += n_heads
    if not heads.is_empty():
        findings.append(
            heads.join(totals, on="doc_id", how="left").select(
                "doc_id",
                source_line="head_line",
                subject=pl.format("标题与正文·{}", pl.col("head_subject")),
                message=pl.format(
                    "第{}行标题写“{}”{} 万元，其下第{}行写 {} 万元，相差 {} 万元。",
                    pl.col("head_line"),
                    pl.col("head_subject"),
                    money(pl.col("head_value")),
                    pl.col("source_line"),
                    money(pl.col("value")),
                    money(pl.col("head_value") - pl.col("value")),
                ),
                evidence=pl.col("sentence").str.slice(0, 100),
                severity=severity_expr(pl.col("head_value") - pl.col("value"), settings),
                amount=(pl.col("head_value") - pl.col("value")).abs(),
                related_at=pl.col("source_line").cast(pl.String),
                key=pl.format("heading-{}", pl.col("head_line")),
            )
        )
    if findings:
        result.flags = to_flags(CHECK, pl.concat(findings, how="diagonal_relaxed"), corpus)
    return result
