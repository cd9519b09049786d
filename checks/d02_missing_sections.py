"""D02 情况说明缺少部分: a part of the standard 情况说明 / 编制说明 has no heading in the text."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.disclosure_text import explanation_start, lines_frame
from checks.disclosures import count, disclosure_docs, to_flags

CHECK = CheckInfo(
    code="D02",
    title="情况说明缺少应有部分",
    explanation="部门决算 / 预算的情况说明应逐项说明各张公开表和“三公”经费、机关运行经费、政府采购等事项；缺少一节，读者就看不到这部分的说明。",
    category="coverage",
    severity="low",
    version="2",
    scope="row",
    defaults={"heading_chars": 60, "min_found_share": 0.5},
    doc="""只看有情况说明（编制说明）的文件（只有表格的文件不适用）。在说明部分的标题行（“一、”“（一）”“1.”开头、
不超过 `heading_chars` 字）中找下列各节，找不到的列在一条疑点里（低）：

- 决算：收入支出决算总体情况、收入决算、支出决算、财政拨款收入支出决算总体情况、一般公共预算财政拨款支出决算、
  一般公共预算财政拨款基本支出决算、“三公”经费、机关运行经费、政府采购、国有资产占用、
  预算绩效（上海模板把后几项放在“其他重要事项”下，也认）。
- 预算：收支预算总体（总表）情况、收入预算、支出预算、财政拨款收支预算总体（总表）情况、财政拨款支出预算、
  财政拨款基本支出预算、一般公共预算支出预算、一般公共预算基本支出预算、“三公”经费、机关运行经费、
  政府采购。

政府性基金、国有资本经营两节不要求：没有这类资金的部门常常不写，空表由 D01 检查。找到的标题不足应有各节的
`min_found_share`（默认一半）时，说明多半不是按标准标题写的（或标题没读出来），不判断，计入“标题不是标准写法”。

例：一份决算的说明从“八、国有资本经营预算……”直接跳到“十、机关运行经费支出说明”，没有“三公”经费一节 → 报。""",
)

SECTIONS = {
    "决算": [
        ("收入支出决算总体情况", r"收入支出决算总体|收支决算总体"),
        ("收入决算情况", r"收入决算(情况|表)"),
        ("支出决算情况", r"[、）)]支出决算(情况|表)"),
        ("财政拨款收入支出决算总体情况", r"财政拨款收入?支出?决算总体"),
        ("一般公共预算财政拨款支出决算情况", r"一般公共预算财政拨款支出决算"),
        ("一般公共预算财政拨款基本支出决算情况", r"基本支出决算"),
        ("“三公”经费", r"三公"),
        ("机关运行经费", r"机关运行经费"),
        ("政府采购", r"政府采购"),
        ("国有资产占用", r"国有资产"),
        ("预算绩效", r"绩效"),
    ],
    "预算": [
        ("收支预算总体情况", r"收支预算总(体|表)"),
        ("收入预算情况", r"收入预算(总表)?(情况|表)"),
        ("支出预算情况", r"[、）)]支出预算(总表)?(情况|表)"),
        ("财政拨款收支预算总体情况", r"财政拨款收支预算总"),
        ("财政拨款支出预算情况", r"财政拨款支出预算"),
        ("财政拨款基本支出预算情况", r"财政拨款基本支出预算"),
        ("一般公共预算支出预算情况", r"一般公共预算支出预算"),
        ("一般公共预算基本支出预算情况", r"一般公共预算基本支出预算"),
        ("“三公”经费", r"三公"),
        ("机关运行经费", r"机关运行经费"),
        ("政府采购", r"政府采购"),
    ],
}
_HEADING = r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[、.．])"


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = disclosure_docs(corpus)
    lines = lines_frame(corpus, docs)
    start = explanation_start(lines)
    count(result, "没有情况说明（只有表格）", docs.join(start, on="doc_id", how="anti").height)
    # the part ends where the next 第N部分 (名词解释, 附件) begins
    end = (
        lines.join(start, on="doc_id")
        .filter(
            pl.col("line") > pl.col("start"),
            pl.col("compact").str.contains(r"^第[一二三四五六七八九十]+部分"),
        )
        .group_by("doc_id")
        .agg(end=pl.col("line").min())
    )
    headings = (
        lines.join(start, on="doc_id")
        .join(end, on="doc_id", how="left")
        .filter(
            pl.col("line") >= pl.col("start"),
            pl.col("line") < pl.col("end").fill_null(2**31 - 1),
            pl.col("compact").str.contains(_HEADING),
            pl.col("compact").str.len_chars() <= settings["heading_chars"],
        )
        .group_by("doc_id")
        .agg(text=pl.col("compact").str.join("|"))
    )
    wanted = pl.DataFrame(
        [(st, name, pattern) for st, items in SECTIONS.items() for name, pattern in items],
        schema=["statement", "section", "pattern"],
        orient="row",
    )
    checked = docs.join(headings, on="doc_id").join(start, on="doc_id").join(wanted, on="statement")
    result.applied = checked["doc_id"].n_unique() if not checked.is_empty() else 0
    result.documents = result.applied
    graded = (
        checked.with_columns(found=pl.col("text").str.contains(pl.col("pattern")))
        .group_by("doc_id", "start", "statement")
        .agg(
            names=pl.col("section").filter(~pl.col("found")).str.join("、"),
            n=(~pl.col("found")).sum(),
            share_found=pl.col("found").mean(),
        )
    )
    standard = pl.col("share_found") >= settings["min_found_share"]
    count(
        result,
        "标题不是标准写法（找到的不足应有各节的一定比例），不判断",
        graded.filter(~standard).height,
    )
    missing = graded.filter(standard, pl.col("n") > 0)
    findings = missing.select(
        "doc_id",
        source_line="start",
        subject=pl.lit("情况说明各节"),
        message=pl.format(
            "{}情况说明中没有以下各节的标题：{}（共 {} 节）。",
            pl.col("statement"),
            pl.col("names"),
            pl.col("n"),
        ),
        evidence=pl.format("说明部分从第{}行开始", pl.col("start")),
        severity=pl.lit("low"),
        key=pl.lit("sections"),
    )
    result.flags = to_flags(CHECK, findings, corpus)
    return result
