"""D06 表间数字不衔接: a total one standard table carries over to another differs there."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.disclosure_text import lines_frame
from checks.disclosures import (
    accounts_of,
    count,
    decimals_expr,
    department_totals,
    dept_key,
    disclosure_docs,
    half_unit_expr,
    money,
    severity_expr,
    to_flags,
)
from checks.memo import memo

CHECK = CheckInfo(
    code="D06",
    title="公开表之间的数字不衔接",
    explanation="一张公开表的合计应等于另一张表的对应合计（如收支总表的本年收入合计等于收入表合计），不等说明至少一张表有误。",
    category="arithmetic",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_difference": 0.0},
    uses=("materiality",),
    doc="""同一文件的标准表之间（按表的种类，不按序号；两种编号都认）：

决算：01 本年收入合计 = 02 合计；01 本年支出合计 = 03 合计；01 一般公共预算财政拨款收入 = 04 一般公共预算
财政拨款收入；02 财政拨款收入合计 = 04 本年收入合计；04 一般公共预算财政拨款支出合计 = 05 合计；05 基本支出
合计 = 06 人员经费 + 公用经费；04 政府性基金、国有资本经营列的支出合计 = 07、08 表的支出合计（空表为 0）。

预算（江苏 01–12、上海 2025 01–09）：01 收入合计 = 02 合计；01 支出合计 = 03 合计；01 的基本支出、项目支出、
单位预留机动经费 = 03 对应合计；04 支出合计 = 05（财政拨款支出表）合计；04 基本支出 = 06（财政拨款基本支出表）
合计；04 一般公共预算收入 = 07（一般公共预算支出表）合计；一般公共预算机关运行经费（11 表）不应超过一般公共
预算基本支出中的公用经费（08 表 302 + 310 等，公用经费包含机关运行经费）。

两数按较粗一方的末位单位比较（两位小数差 0.01 以上才报），差额还须超过 `min_difference`。例：江苏省政协
办公厅 2017 年预算公开表 10 表机关运行经费合计 3,348.98 万元，而 09 表一般公共预算基本支出的公用经费（302
商品和服务支出）只有 1,131.92 万元 → 报。同一部门同一年度的说明写明机关运行经费“统计口径”调整的（江苏 2017 年
把专项中的运行经费也计入），疑点带上这句说明（`explained`），降为低。表内恒等关系见 D05，同一科目在两表中的数见 C01。严重程度按 [materiality]：涉及金额（差额）低于 `min_amount` 万元且低于部门收支总计的 `min_share`% 为低，达到 `high_share`% 为高，其余为中。""",
)


@dataclass(frozen=True)
class Fact:
    """One figure a standard table prints, found by what it is (never by position)."""

    name: str  # how messages call it
    kinds: tuple[str, ...]
    where: pl.Expr
    summed: bool = False  # the sum of the matching cells (e.g. 人员经费合计 + 公用经费合计)


_item = pl.col("item").fill_null("")
_total = pl.col("row_kind") == "total"
_INCOME_SUB = _item.str.contains(r"^(本年收入合计|当年收入小计|本年收入小计)$")
_EXP_SUB = _item.str.contains(r"^(本年支出合计|当年支出小计|本年支出小计)$")
_EXP_TOTAL = _item.str.contains(r"^(总计|支出总计|支出合计)$")
_INCOME_TOTAL = _item.str.contains(r"^(总计|收入总计|收入合计)$")
_NO_CODE = pl.col("code").is_null()


def _m(measure: str) -> pl.Expr:
    return pl.col("measure") == measure


def _fund(fund: str | None) -> pl.Expr:
    return pl.col("fund").is_null() if fund is None else pl.col("fund") == fund


def _use(item: str) -> pl.Expr:
    return (
        (pl.col("side") == "expenditure")
        & pl.col("column").fill_null("").str.contains("支出用途")
        & (_item == item)
    )


FACTS = {
    # 决算
    "F01_income": Fact(
        "收支决算总表“本年收入合计”",
        ("fa_summary",),
        (pl.col("side") == "income") & _INCOME_SUB & _fund(None),
    ),
    "F01_exp": Fact(
        "收支决算总表“本年支出合计”",
        ("fa_summary",),
        (pl.col("side") == "expenditure") & _EXP_SUB & _fund(None),
    ),
    "F01_gp": Fact(
        "收支决算总表“一般公共预算财政拨款收入”",
        ("fa_summary",),
        (pl.col("side") == "income") & (pl.col("row_kind") == "item") & _fund("一般公共预算"),
    ),
    "F02_total": Fact("收入决算表“合计”", ("fa_income",), _total & _NO_CODE & _m("合计")),
    "F02_fiscal": Fact(
        "收入决算表合计行“财政拨款收入”", ("fa_income",), _total & _NO_CODE & _m("财政拨款收入")
    ),
    "F03_total": Fact("支出决算表“合计”", ("fa_expenditure",), _total & _NO_CODE & _m("合计")),
    "F04_income": Fact(
        "财政拨款收支决算总表“本年收入合计”",
        ("fa_fiscal_summary",),
        (pl.col("side") == "income") & _INCOME_SUB & _fund(None),
    ),
    "F04_gp_income": Fact(
        "财政拨款收支决算总表“一般公共预算财政拨款”收入",
        ("fa_fiscal_summary",),
        (pl.col("side") == "income") & (pl.col("row_kind") == "item") & _fund("一般公共预算"),
    ),
    "F04_gp": Fact(
        "财政拨款收支决算总表一般公共预算财政拨款支出合计",
        ("fa_fiscal_summary",),
        (pl.col("side") == "expenditure") & _EXP_SUB & _fund("一般公共预算"),
    ),
    "F04_gf": Fact(
        "财政拨款收支决算总表政府性基金预算财政拨款支出合计",
        ("fa_fiscal_summary",),
        (pl.col("side") == "expenditure") & _EXP_SUB & _fund("政府性基金"),
    ),
    "F04_sc": Fact(
        "财政拨款收支决算总表国有资本经营预算财政拨款支出合计",
        ("fa_fiscal_summary",),
        (pl.col("side") == "expenditure") & _EXP_SUB & _fund("国有资本经营"),
    ),
    "F05_total": Fact(
        "一般公共预算财政拨款支出决算表“合计”", ("fa_general",), _total & _NO_CODE & _m("合计")
    ),
    "F05_basic": Fact(
        "一般公共预算财政拨款支出决算表合计行“基本支出”",
        ("fa_general",),
        _total & _NO_CODE & _m("基本支出"),
    ),
    "F06_total": Fact(
        "一般公共预算财政拨款基本支出决算表人员经费与公用经费合计",
        ("fa_general_basic",),
        _total & _NO_CODE,
        summed=True,
    ),
    "F07_exp": Fact(
        "政府性基金预算财政拨款支出决算表本年支出合计",
        ("fa_gov_fund",),
        _total & _NO_CODE & (_m("合计") | _m("本年支出")),
    ),
    "F08_exp": Fact(
        "国有资本经营预算财政拨款支出决算表合计",
        ("fa_state_capital",),
        _total & _NO_CODE & _m("合计"),
    ),
    # 预算
    "B01_income": Fact(
        "收支预算总表“收入合计”",
        ("bu_summary",),
        (pl.col("side") == "income") & _INCOME_TOTAL & _fund(None),
    ),
    "B01_exp": Fact(
        "收支预算总表“支出合计”",
        ("bu_summary",),
        (pl.col("side") == "expenditure") & _EXP_TOTAL & _fund(None),
    ),
    "B01_basic": Fact("收支预算总表“基本支出”", ("bu_summary",), _use("基本支出")),
    "B01_project": Fact("收支预算总表“项目支出”", ("bu_summary",), _use("项目支出")),
    "B01_reserve": Fact(
        "收支预算总表“单位预留机动经费”", ("bu_summary",), _use("单位预留机动经费")
    ),
    "B02_total": Fact("收入预算总表合计", ("bu_income",), _total & _INCOME_TOTAL & _fund(None)),
    "B03_total": Fact("支出预算总表合计", ("bu_expenditure",), _total & _NO_CODE & _m("合计")),
    "B03_basic": Fact(
        "支出预算总表合计行“基本支出”", ("bu_expenditure",), _total & _NO_CODE & _m("基本支出")
    ),
    "B03_project": Fact(
        "支出预算总表合计行“项目支出”", ("bu_expenditure",), _total & _NO_CODE & _m("项目支出")
    ),
    "B03_reserve": Fact(
        "支出预算总表合计行“单位预留机动经费”",
        ("bu_expenditure",),
        _total & _NO_CODE & _m("单位预留机动经费"),
    ),
    "B04_exp": Fact(
        "财政拨款收支预算总表“支出合计”",
        ("bu_fiscal_summary",),
        (pl.col("side") == "expenditure") & _EXP_TOTAL & _fund(None),
    ),
    "B04_basic": Fact("财政拨款收支预算总表“基本支出”", ("bu_fiscal_summary",), _use("基本支出")),
    "B04_gp_income": Fact(
        "财政拨款收支预算总表“一般公共预算”收入",
        ("bu_fiscal_summary",),
        (pl.col("side") == "income") & (pl.col("row_kind") == "item") & _fund("一般公共预算"),
    ),
    "B04_gf": Fact(
        "财政拨款收支预算总表“政府性基金”收入",
        ("bu_fiscal_summary",),
        (pl.col("side") == "income") & (pl.col("row_kind") == "item") & _fund("政府性基金"),
    ),
    "B04_sc": Fact(
        "财政拨款收支预算总表“国有资本经营预算”收入",
        ("bu_fiscal_summary",),
        (pl.col("side") == "income") & (pl.col("row_kind") == "item") & _fund("国有资本经营"),
    ),
    "B05_total": Fact("财政拨款支出预算表合计", ("bu_fiscal",), _total & _NO_CODE),
    "B06_total": Fact("财政拨款基本支出预算表合计", ("bu_fiscal_basic",), _total & _NO_CODE),
    "B07_total": Fact(
        "一般公共预算支出预算表合计",
        ("bu_general",),
        _total & _NO_CODE & _item.str.contains("合计"),
    ),
    "B08_public": Fact(
        "一般公共预算基本支出预算表公用经费（302、310 等）",
        ("bu_general_basic",),
        (pl.col("level") == "类") & ~pl.col("code").is_in(["301", "303"]),
        summed=True,
    ),
    "B11_total": Fact(
        "一般公共预算机关运行经费支出预算表合计", ("bu_running_costs",), _total & _NO_CODE
    ),
}

# (left, right, relation): "=" equal within rounding; "<=" left may not exceed right
CHAIN = [
    ("F01_income", "F02_total", "="),
    ("F01_exp", "F03_total", "="),
    ("F01_gp", "F04_gp_income", "="),
    ("F02_fiscal", "F04_income", "="),
    ("F04_gp", "F05_total", "="),
    ("F05_basic", "F06_total", "="),
    ("F04_gf", "F07_exp", "="),
    ("F04_sc", "F08_exp", "="),
    ("B01_income", "B02_total", "="),
    ("B01_exp", "B03_total", "="),
    ("B01_basic", "B03_basic", "="),
    ("B01_project", "B03_project", "="),
    ("B01_reserve", "B03_reserve", "="),
    ("B04_exp", "B05_total", "="),
    ("B04_basic", "B06_total", "="),
    ("B04_gp_income", "B07_total", "="),
    ("B11_total", "B08_public", "<="),
]
_EMPTY_IS_ZERO = {"F07_exp": "fa_gov_fund", "F08_exp": "fa_state_capital"}


def facts(corpus, specs: dict[str, Fact] | None = None) -> pl.DataFrame:
    """doc_id, fact, amount, decimals, source_line, table_title: each fact once per document
    (the first printing when a table was read in pieces). Once per corpus and ``specs`` (D01,
    D06, D07 and D10 ask for them)."""
    held, frame = memo(corpus, ("facts", id(specs)), lambda: (specs, _facts(corpus, specs)))
    return frame if held is specs else _facts(corpus, specs)


def _summed(acc: pl.LazyFrame, key: str, fact: Fact) -> pl.LazyFrame:
    """A summed fact, once per document: the table's 合计 when it prints one, else the sum of
    its parts (人员经费合计 + 公用经费合计)."""
    rows = acc.filter(pl.col("table_kind").is_in(fact.kinds), fact.where)
    rows = rows.with_columns(dec=decimals_expr())
    whole = rows.filter(_item.str.contains(r"^(合计|总计)$"))
    rows = rows.join(whole.select("doc_id").unique(), on="doc_id", how="anti")
    return pl.concat(
        [
            whole.group_by("doc_id").agg(
                amount=pl.col("amount").first(),
                decimals=pl.col("dec").max(),
                source_line=pl.col("source_line").min(),
                table_title=pl.col("table_title").first(),
                n=pl.lit(1, pl.UInt32),
            ),
            rows.unique(["doc_id", "item", "amount"])
            .group_by("doc_id")
            .agg(
                amount=pl.col("amount").sum(),
                decimals=pl.col("dec").max(),
                source_line=pl.col("source_line").min(),
                table_title=pl.col("table_title").first(),
                n=pl.len(),
            ),
        ]
    ).with_columns(fact=pl.lit(key))


def _first_of_each(acc: pl.DataFrame, plain: dict[str, Fact]) -> pl.LazyFrame:
    """Each plain fact's first printing in each document, all facts in one pass: a column per
    fact marks the rows stating it, unpivoted to (row, fact). Forty filters of the accounts,
    each its own query, took a twentieth of a second per batch of documents; one list column
    built by forty when/then, a fiftieth."""
    acc = acc.with_row_index("_row")
    marks = acc.select(
        "_row",
        *[(pl.col("table_kind").is_in(f.kinds) & f.where).alias(k) for k, f in plain.items()],
    )
    stated = marks.unpivot(index="_row", variable_name="fact", value_name="hit")
    return (
        acc.lazy()
        .join(stated.lazy().filter(pl.col("hit")), on="_row")
        .with_columns(dec=decimals_expr())
        .sort("source_line", "_row")
        .group_by("doc_id", "fact")
        .agg(
            amount=pl.col("amount").first(),
            decimals=pl.col("dec").first(),
            source_line=pl.col("source_line").first(),
            table_title=pl.col("table_title").first(),
            n=pl.lit(1, pl.UInt32),
        )
        .select("doc_id", "amount", "decimals", "source_line", "table_title", "n", "fact")
    )


def _facts(corpus, specs: dict[str, Fact] | None) -> pl.DataFrame:
    acc = accounts_of(corpus).filter(pl.col("unit_printed") != "%")
    wanted = FACTS if specs is None else specs
    plain = {k: f for k, f in wanted.items() if not f.summed}
    frames = [_first_of_each(acc, plain)] if plain else []
    frames += [_summed(acc.lazy(), key, fact) for key, fact in wanted.items() if fact.summed]
    out = pl.concat(frames, how="vertical_relaxed").collect()
    if specs is not None:
        return out
    # an empty fund table (printed, no amount) states 0
    tables = corpus.disclosure_tables.join(
        disclosure_docs(corpus).select("doc_id"), on="doc_id", how="semi"
    )
    for key, kind in _EMPTY_IS_ZERO.items():
        empty = (
            tables.filter(pl.col("table_kind") == kind)
            .group_by("doc_id")
            .agg(
                n=pl.col("n_amounts").sum(),
                source_line=pl.col("source_line").min(),
                table_title=pl.col("table_title").first(),
            )
            .filter(pl.col("n") == 0)
            .join(out.filter(pl.col("fact") == key), on="doc_id", how="anti")
            .select(
                "doc_id",
                amount=pl.lit(0.0),
                decimals=pl.lit(2, pl.Int32),
                source_line="source_line",
                table_title=pl.format("{}（空表）", pl.col("table_title")),
                n=pl.lit(1, pl.UInt32),
                fact=pl.lit(key),
            )
        )
        out = pl.concat([out, empty], how="vertical_relaxed")
    return out


def pairs(corpus) -> pl.DataFrame:
    """Every chain link both of whose figures the document prints."""
    f = facts(corpus)
    links = pl.DataFrame(CHAIN, schema=["left", "right", "relation"], orient="row")
    return (
        links.join(f, left_on="left", right_on="fact")
        .join(f, left_on=["doc_id", "right"], right_on=["doc_id", "fact"], suffix="_r")
        .with_columns(
            diff=pl.col("amount") - pl.col("amount_r"),
            tolerance=pl.max_horizontal(
                half_unit_expr(pl.min_horizontal("decimals", "decimals_r")) * 2,
                (pl.col("n") + pl.col("n_r") - 1)
                * half_unit_expr(pl.max_horizontal("decimals", "decimals_r")),
            )
            + 1e-9,
        )
    )


def _with_caliber_notes(corpus, bad: pl.DataFrame) -> pl.DataFrame:
    """A "<=" link the department's text explains by a change of 口径 (江苏 2017: 机关运行经费
    counted project money too) keeps its flag, explained, one step lower (as E01 does)."""
    docs = disclosure_docs(corpus).with_columns(dept_key=dept_key())
    lines = lines_frame(corpus, docs).with_columns(
        window=pl.concat_str(
            [pl.col("compact").shift(k).over("doc_id").fill_null("") for k in (3, 2, 1, 0, -1, -2)]
        )
    )
    notes = (
        lines.filter(
            pl.col("compact").str.contains("口径"), pl.col("window").str.contains("机关运行经费")
        )
        .join(docs.select("doc_id", "dept_key", "year", "source_file"), on="doc_id")
        .sort("line")
        .group_by("dept_key", "year")
        .agg(
            explanation=pl.format(
                "{}（{} 第{}行）",
                pl.col("text").str.strip_chars(),
                pl.col("source_file"),
                pl.col("line"),
            ).first(),
            explanation_line=pl.col("line").first(),
            note_doc=pl.col("doc_id").first(),
        )
    )
    keyed = bad.join(docs.select("doc_id", "dept_key", "year"), on="doc_id", how="left")
    out = keyed.join(notes, on=["dept_key", "year"], how="left")
    return out.with_columns(
        explanation=pl.when((pl.col("relation") != "=") & pl.col("left").str.starts_with("B11"))
        .then(pl.col("explanation"))
        .otherwise(None),
        explanation_line=pl.when(
            (pl.col("relation") != "=")
            & pl.col("left").str.starts_with("B11")
            & (pl.col("note_doc") == pl.col("doc_id"))
        )
        .then(pl.col("explanation_line"))
        .otherwise(None),
    )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    p = pairs(corpus)
    result.applied = p.height
    result.documents = p["doc_id"].n_unique()
    count(
        result,
        "文件中没有可衔接的两张公开表",
        disclosure_docs(corpus).join(p, on="doc_id", how="anti").height,
    )
    margin = pl.max_horizontal("tolerance", pl.lit(settings["min_difference"]))
    bad = p.filter(
        pl.when(pl.col("relation") == "=")
        .then(pl.col("diff").abs() > margin)
        .otherwise(pl.col("diff") > margin)
    ).join(department_totals(corpus), on="doc_id", how="left")
    bad = _with_caliber_notes(corpus, bad)
    left = pl.col("left").replace_strict({k: f.name for k, f in FACTS.items()})
    right = pl.col("right").replace_strict({k: f.name for k, f in FACTS.items()})
    findings = bad.with_columns(
        subject=pl.format("{} ↔ {}", left, right),
        message=pl.when(pl.col("relation") == "=")
        .then(
            pl.format(
                "{}为 {} 万元（第{}行），{}为 {} 万元（第{}行），两表应相等，相差 {} 万元。",
                left,
                money(pl.col("amount")),
                pl.col("source_line"),
                right,
                money(pl.col("amount_r")),
                pl.col("source_line_r"),
                money(pl.col("diff")),
            )
        )
        .otherwise(
            pl.format(
                "{}为 {} 万元（第{}行），大于{} {} 万元（第{}行），多出 {} 万元；按口径前者是后者的一部分，请核实两表口径。",
                left,
                money(pl.col("amount")),
                pl.col("source_line"),
                right,
                money(pl.col("amount_r")),
                pl.col("source_line_r"),
                money(pl.col("diff")),
            )
        ),
        evidence=pl.format(
            "{}：{}；{}：{}；容差 {}",
            pl.col("table_title"),
            pl.col("amount").round(2),
            pl.col("table_title_r"),
            pl.col("amount_r").round(2),
            pl.col("tolerance").round(3),
        ),
        # "<=" links compare two definitions (机关运行经费 within 公用经费): at most medium
        # a "<=" link compares two definitions (机关运行经费 within 公用经费): at most medium, and
        # low when the department's text explains the changed 口径
        severity=pl.when(pl.col("explanation").is_not_null())
        .then(pl.lit("low"))
        .when((pl.col("relation") != "=") & (severity_expr(pl.col("diff"), settings) == "high"))
        .then(pl.lit("medium"))
        .otherwise(severity_expr(pl.col("diff"), settings)),
        amount=pl.col("diff").abs(),
        threshold=pl.format("差额 > {}", pl.col("tolerance").round(3)),
        related_at=pl.col("source_line_r").cast(pl.String),
        explanation=pl.col("explanation"),
        explanation_line=pl.col("explanation_line"),
        key=pl.format("{}-{}", pl.col("left"), pl.col("right")),
    )
    result.flags = to_flags(CHECK, findings, corpus)
    return result
