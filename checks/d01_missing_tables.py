"""D01 公开表缺失或空表未说明: a standard table not printed, or an empty fund table unexplained."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.d06_table_chain import facts
from checks.disclosure_text import lines_frame
from checks.disclosures import count, disclosure_docs, to_flags
from loaders.classify import clean_title, title_kind

CHECK = CheckInfo(
    code="D01",
    title="公开表缺失或空表未说明",
    explanation="部门决算 / 预算应公开全套标准表；没有的收支也要公开空表并注明，总表中某项资金为 0 时对应的表应为空表。",
    category="coverage",
    severity="medium",
    version="1",
    scope="row",  # a department-year is in one partition (region, year)
    defaults={
        "min_tables": 4,
        "empty_note": "空表|为空|无[^。；]{0,30}(收入|支出|收支|经费|预算|安排|项目)|未(发生|安排)",
    },
    doc="""按部门、年度和决算 / 预算，把同一单位读入的文件合起来看（江苏常把说明和表格分成两个文件）：

- 缺表（中）：决算应有 9 张表（收入支出决算总表、收入、支出、财政拨款收支总表、一般公共预算财政拨款支出、
  基本支出、政府性基金、国有资本经营、“三公”经费）；预算按所用的套表：江苏 12 张（另有财政拨款支出、
  财政拨款基本支出、机关运行经费、政府采购表），上海 2025 年 9 张（有国有资本经营预算表），认不出套表时只要求
  两套共有的 8 张。读到的标准表少于 `min_tables` 张（默认 4，如自评报告中摘录的一两张决算表）不算整套公开，
  不适用。表按标题认（两种编号都认）；标题印在正文行里、表格没读出的也算有。一张表也没有的文件
  （只有说明、表格另行公开）不适用。
- 空表未说明（低）：政府性基金、国有资本经营表没有一个数，表下（或表内）也没有“本单位无……收支”“此表为空”
  之类的说明（`empty_note`）。
- 空表与总表不符（中）：财政拨款收支总表中该资金的支出不为 0，对应的表却是空表。

例：某检察院 2017 年预算“七、政府性基金支出预算表”只印了空白的合计行，没有说明 → 低。""",
)

_FINAL = [
    "fa_summary",
    "fa_income",
    "fa_expenditure",
    "fa_fiscal_summary",
    "fa_general",
    "fa_general_basic",
    "fa_gov_fund",
    "fa_state_capital",
    "fa_sangong",
]
_BUDGET_CORE = [
    "bu_summary",
    "bu_income",
    "bu_expenditure",
    "bu_fiscal_summary",
    "bu_general",
    "bu_general_basic",
    "bu_sangong",
    "bu_gov_fund",
]
_JIANGSU = _BUDGET_CORE + ["bu_fiscal", "bu_fiscal_basic", "bu_running_costs", "bu_procurement"]
_SHANGHAI = _BUDGET_CORE + ["bu_state_capital"]
_FUND_TABLES = {
    "fa_gov_fund": "F04_gf",
    "fa_state_capital": "F04_sc",
    "bu_gov_fund": "B04_gf",
    "bu_state_capital": "B04_sc",
}
_GROUP = ["department", "year", "statement"]
_NOTE_LINES = 12
NAMES = {
    "fa_summary": "收入支出决算总表",
    "fa_income": "收入决算表",
    "fa_expenditure": "支出决算表",
    "fa_fiscal_summary": "财政拨款收入支出决算总表",
    "fa_general": "一般公共预算财政拨款支出决算表",
    "fa_general_basic": "一般公共预算财政拨款基本支出决算表",
    "fa_gov_fund": "政府性基金预算财政拨款收入支出决算表",
    "fa_state_capital": "国有资本经营预算财政拨款支出决算表",
    "fa_sangong": "财政拨款“三公”经费支出决算表",
    "bu_summary": "收支预算总表",
    "bu_income": "收入预算总表",
    "bu_expenditure": "支出预算总表",
    "bu_fiscal_summary": "财政拨款收支预算总表",
    "bu_fiscal": "财政拨款支出预算表",
    "bu_fiscal_basic": "财政拨款基本支出预算表",
    "bu_general": "一般公共预算支出预算表",
    "bu_general_basic": "一般公共预算基本支出预算表",
    "bu_sangong": "“三公”经费预算表",
    "bu_gov_fund": "政府性基金预算支出预算表",
    "bu_state_capital": "国有资本经营预算支出预算表",
    "bu_running_costs": "机关运行经费支出预算表",
    "bu_procurement": "政府采购支出预算表",
}


def _kind_of(text: str) -> str | None:
    kind = title_kind(clean_title(text))
    return kind.kind if kind is not None and kind.kind in NAMES else None


def titled_tables(corpus, docs: pl.DataFrame) -> pl.DataFrame:
    """doc_id, table_kind, line: table titles printed in the text with a table after them
    (a 单位 / 部门 line within three lines, or on the line itself) — a table the reader
    could not lay out is still printed. Contents lines are followed by titles, not units."""
    lines = lines_frame(corpus, docs)
    candidates = lines.filter(
        pl.col("compact").str.contains("表"),
        pl.col("compact").str.contains("预算|决算"),
        pl.col("compact").str.len_chars() <= 120,
    ).with_columns(table_kind=pl.col("text").map_elements(_kind_of, return_dtype=pl.String))
    unit = lines.filter(pl.col("compact").str.contains(r"单位[：:]|部门[：:]|部门名称"))
    near = (
        candidates.filter(pl.col("table_kind").is_not_null())
        .join(unit.select("doc_id", unit_line="line"), on="doc_id")
        .filter(
            (pl.col("unit_line") >= pl.col("line")) & (pl.col("unit_line") <= pl.col("line") + 3)
        )
    )
    return near.select("doc_id", "table_kind", "line").unique()


def expected_kinds(statement: str, kinds: list[str]) -> list[str]:
    if statement == "决算":
        return _FINAL
    if any(
        k in kinds for k in ("bu_fiscal", "bu_fiscal_basic", "bu_running_costs", "bu_procurement")
    ):
        return _JIANGSU
    if "bu_state_capital" in kinds:
        return _SHANGHAI
    return _BUDGET_CORE


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = disclosure_docs(corpus)
    tables = corpus.disclosure_tables.join(docs.select("doc_id", "statement"), on="doc_id")
    printed = pl.concat(
        [
            tables.select("doc_id", "table_kind", line="source_line"),
            titled_tables(corpus, docs).cast({"line": pl.Int32}),
        ]
    ).join(docs, on="doc_id")
    groups = docs.group_by(_GROUP).agg(
        pl.col("doc_id"), first_doc=pl.col("doc_id").sort_by("source_file").first()
    )
    have = printed.group_by(_GROUP).agg(kinds=pl.col("table_kind").unique())
    g = groups.join(have, on=_GROUP, how="left", nulls_equal=True)
    count(
        result,
        "文件中没有公开表（说明与表格分开公开，或只有说明）",
        g.filter(pl.col("kinds").is_null()).height,
    )
    g = g.filter(pl.col("kinds").is_not_null())
    few = pl.col("kinds").list.len() < settings["min_tables"]
    count(
        result,
        f"只含少于 {settings['min_tables']} 张公开表（摘录，不是整套公开）",
        g.filter(few).height,
    )
    g = g.filter(~few)
    result.applied = g.height
    result.documents = int(g["doc_id"].list.len().sum())
    wanted = g.with_columns(
        expected=pl.struct("statement", "kinds").map_elements(
            lambda s: expected_kinds(s["statement"], s["kinds"]), return_dtype=pl.List(pl.String)
        )
    ).with_columns(missing=pl.col("expected").list.set_difference("kinds"))
    first_line = printed.group_by("doc_id").agg(line=pl.col("line").min())
    missing = (
        wanted.filter(pl.col("missing").list.len() > 0)
        .join(first_line, left_on="first_doc", right_on="doc_id", how="left")
        .with_columns(
            names=pl.col("missing").list.eval(pl.element().replace_strict(NAMES)).list.join("、")
        )
        .select(
            doc_id="first_doc",
            source_line="line",
            subject=pl.lit("标准公开表"),
            message=pl.format(
                "{}年{}未见以下标准表：{}（共 {} 张）。",
                pl.col("year"),
                pl.col("statement"),
                "names",
                pl.col("missing").list.len(),
            ),
            evidence=pl.format("读到的表：{}", pl.col("kinds").list.sort().list.join("、")),
            severity=pl.lit("medium"),
            key=pl.lit("missing"),
        )
    )
    flags = [missing]
    # empty fund tables: a note, and 0 in the 财政拨款收支总表
    fund_tables = (
        tables.filter(pl.col("table_kind").is_in(list(_FUND_TABLES)))
        .join(docs.select("doc_id", *[c for c in _GROUP if c != "statement"]), on="doc_id")
        .group_by(_GROUP + ["table_kind"])
        .agg(
            n=pl.col("n_amounts").sum(),
            nonzero=pl.col("n_nonzero").sum(),
            note=pl.col("note").filter(pl.col("note") != "").first(),
            doc_id=pl.col("doc_id").first(),
            line=pl.col("source_line").min(),
            title=pl.col("table_title").first(),
        )
    )
    empty = fund_tables.filter(pl.col("nonzero") == 0)
    # the note may sit a few lines under the table, apart from it (a blank page area)
    lines = lines_frame(corpus, docs).filter(pl.col("compact").str.contains(settings["empty_note"]))
    noted = (
        empty.join(lines.select("doc_id", note_line="line"), on="doc_id")
        .filter(pl.col("note_line").is_between(pl.col("line"), pl.col("line") + _NOTE_LINES))
        .select(_GROUP + ["table_kind"])
    )
    unexplained = (
        empty.filter(pl.col("note").is_null())
        .join(noted, on=_GROUP + ["table_kind"], how="anti", nulls_equal=True)
        .select(
            "doc_id",
            source_line="line",
            subject=pl.format("{}（空表）", pl.col("title")),
            message=pl.format(
                "“{}”没有数字，表下也没有“本单位无……收支”“此表为空”之类的说明。", pl.col("title")
            ),
            evidence=pl.format("第{}行起的表没有金额", pl.col("line")),
            severity=pl.lit("low"),
            key=pl.lit("empty-unexplained"),
        )
    )
    flags.append(unexplained)
    f = facts(corpus).filter(pl.col("fact").is_in(list(_FUND_TABLES.values())))
    fund_fact = pl.col("table_kind").replace_strict(_FUND_TABLES, default=None)
    contradicted = (
        empty.with_columns(fact=fund_fact)
        .join(
            f.select("doc_id", "fact", spent="amount", spent_line="source_line"),
            on=["doc_id", "fact"],
        )
        .filter(pl.col("spent").abs() > 0.005)
        .select(
            "doc_id",
            source_line="line",
            subject=pl.format("{}（空表）", pl.col("title")),
            message=pl.format(
                "财政拨款收支总表中该资金支出 {} 万元（第{}行），而“{}”是空表。",
                pl.col("spent").round(2),
                pl.col("spent_line"),
                pl.col("title"),
            ),
            evidence=pl.format(
                "总表第{}行 {}；第{}行起的表没有金额",
                pl.col("spent_line"),
                pl.col("spent").round(2),
                pl.col("line"),
            ),
            severity=pl.lit("medium"),
            amount=pl.col("spent").abs(),
            related_at=pl.col("spent_line").cast(pl.String),
            key=pl.lit("empty-but-spent"),
        )
    )
    flags.append(contradicted)
    result.applied += fund_tables.height
    result.flags = to_flags(CHECK, pl.concat(flags, how="diagonal_relaxed"), corpus)
    return result
