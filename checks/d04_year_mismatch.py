"""D04 年度不一致: a table title or a statement of this year's figures names another year."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.disclosure_text import lines_frame
from checks.disclosures import count, disclosure_docs, to_flags

CHECK = CheckInfo(
    code="D04",
    title="表题或正文年度与文件年度不一致",
    explanation="公开表的表题或说明本年数字的句子写的是另一个年度，多为沿用上年文本未改，读者会弄错数字所属年度。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={"max_per_document": 5},
    doc="""文件年度取 `documents.year`（封面或标题）。

- 表题：标准公开表（`disclosure_tables`）的表题写了年度且与文件年度不同 → 中。例：2023 年决算中
  “2022年度收入支出决算总表”。
- 正文：说明本年数字的句子（`prose_figures` 中的金额、预算数、决算数）以“Y年（度）”开头，同一句又与 Y−1 年比较
  （“与Y−1年度相比”“比Y−1年”），而 Y 不是文件年度 → 中；这是按另一年度写的句子。提到上年、下一年计划、
  发布日期的句子不比较。

每个文件最多报 `max_per_document` 处（其余计入不适用）。空白模板不检查。""",
)

_YEAR = r"(20\d{2})\s*年"


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = disclosure_docs(corpus).filter(pl.col("year").is_not_null())
    tables = corpus.disclosure_tables.join(docs.select("doc_id", doc_year="year"), on="doc_id")
    titled = tables.with_columns(
        said=pl.col("table_title").str.extract(_YEAR, 1).cast(pl.Int32, strict=False)
    ).filter(pl.col("said").is_not_null())
    # cite the title's own line: the nearest line above the table's first row that prints it
    lines = lines_frame(corpus, docs).select("doc_id", title_line="line", compact="compact")
    wrong = titled.filter(pl.col("said") != pl.col("doc_year")).unique(
        ["doc_id", "table_title"], keep="first"
    )
    at = (
        wrong.join(lines, on="doc_id")
        .filter(
            pl.col("title_line").is_between(pl.col("source_line") - 12, pl.col("source_line")),
            pl.col("compact").str.contains(pl.col("table_title"), literal=True),
        )
        .group_by("doc_id", "table_title")
        .agg(pl.col("title_line").max())
    )
    wrong_titles = wrong.join(at, on=["doc_id", "table_title"], how="left").select(
        "doc_id",
        source_line=pl.coalesce("title_line", "source_line"),
        subject=pl.format("表题年度 {}", pl.col("said")),
        message=pl.format(
            "表题“{}”写 {} 年，文件是 {} 年的。",
            pl.col("table_title"),
            pl.col("said"),
            pl.col("doc_year"),
        ),
        evidence=pl.col("table_title"),
        key=pl.format("title-{}", pl.col("table_title")),
    )
    pf = corpus.prose_figures.join(docs.select("doc_id", doc_year="year"), on="doc_id")
    sentences = (
        pf.filter(pl.col("what").is_in(["amount", "budget", "actual"]), pl.col("basis").is_null())
        .unique(["doc_id", "source_line", "sentence"], keep="first")
        .with_columns(
            said=pl.col("sentence").str.extract(r"^" + _YEAR, 1).cast(pl.Int32, strict=False),
            versus=pl.col("sentence")
            .str.extract(r"(?:与|比|较)(20\d{2})\s*年", 1)
            .cast(pl.Int32, strict=False),
        )
        .filter(
            pl.col("said").is_not_null(),
            pl.col("versus") == pl.col("said") - 1,
            pl.col("said") != pl.col("doc_year"),
        )
        .unique(["doc_id", "sentence"], keep="first")
        .select(
            "doc_id",
            "source_line",
            subject=pl.format("正文年度 {}", pl.col("said")),
            message=pl.format(
                "第{}行说明本年数字的句子写 {} 年（与 {} 年比较），文件是 {} 年的。",
                pl.col("source_line"),
                pl.col("said"),
                pl.col("versus"),
                pl.col("doc_year"),
            ),
            evidence=pl.col("sentence").str.slice(0, 120),
            key=pl.format("text-{}", pl.col("source_line")),
        )
    )
    result.applied = titled.height + pf.select("doc_id", "sentence").unique().height
    result.documents = docs.height
    findings = pl.concat([wrong_titles, sentences]).sort("doc_id", "source_line")
    ranked = findings.with_columns(n=pl.int_range(pl.len()).over("doc_id"))
    count(
        result,
        "同一文件超出上限的年度不一致",
        ranked.filter(pl.col("n") >= settings["max_per_document"]).height,
    )
    result.flags = to_flags(
        CHECK, ranked.filter(pl.col("n") < settings["max_per_document"]).drop("n"), corpus
    )
    return result
