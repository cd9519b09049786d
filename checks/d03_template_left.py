"""D03 模板用语未替换: a placeholder of the disclosure template left in the published text."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.disclosure_text import lines_frame
from checks.disclosures import count, disclosure_docs, to_flags

CHECK = CheckInfo(
    code="D03",
    title="模板占位内容未替换",
    explanation="公开文本中留有模板的占位符（XX、××、某某、“增加（减少）”、没写内容的“主要原因是。”），读者无法知道实际数字、方向或原因。",
    category="coverage",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "placeholder": r"[XＸ]{2,}|[×✕]{2,}|某某",
        "alternative": r"(增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[（(](增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[)）]",
        "empty_reason": r"(主要原因|原因(是|为|主要是))[：:]?[。；;]",
        "flag_zero_alternatives": False,
    },
    uses=(),
    doc="""在决算 / 预算公开文件（空白模板本身除外）的正文中找模板遗留：

- 占位数字或名称（`placeholder`：XX、××、某某）→ 中；例：“2023年度收、支总计XX万元”。
- 方向二选一没有选（`alternative`：“下降（增长）27.78%”“增加（减少）”“大于（小于）”）→ 中。数字为 0 时
  （“增加（减少）0万元，增长（减少）0%”，本部门无此项收支）方向无从谈起，默认不报（`flag_zero_alternatives`）。
- 只写了“主要原因是。”或“主要原因：”后面没有内容（`empty_reason`）→ 中。

每行一条。空白模板（`kind_family` 为“模板”）不检查。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = disclosure_docs(corpus)
    lines = lines_frame(corpus, docs).filter(~pl.col("text").str.contains("\t"))  # prose only
    result.applied = result.documents = docs.height
    c = pl.col("compact")
    # a sentence may run on to the next displayed line (a PDF line wrap): look at both
    nxt = pl.col("compact").shift(-1).over("doc_id").fill_null("")
    empty = settings["empty_reason"]
    found = lines.with_columns(
        placeholder=c.str.extract(f"({settings['placeholder']})", 1),
        alternative=c.str.extract(f"({settings['alternative']})", 1),
        empty_reason=c.str.contains(empty)
        | ((c + nxt).str.contains(empty) & ~nxt.str.contains(empty)),
    )
    if not settings["flag_zero_alternatives"]:
        # "增加（减少）0万元，增长（减少）0%": no money, so no direction to state
        after = (c + nxt).str.extract(f"(?:{settings['alternative']})([0-9][0-9,.]*)", 3)
        zero_only = after.str.replace_all(",", "").cast(pl.Float64, strict=False) == 0
        skipped = found.filter(
            pl.col("alternative").is_not_null() & zero_only.fill_null(False)
        ).height
        count(result, "模板备选方向词，但所述数字为 0", skipped)
        found = found.with_columns(
            alternative=pl.when(zero_only.fill_null(False))
            .then(None)
            .otherwise(pl.col("alternative"))
        )
    hits = found.filter(
        pl.col("placeholder").is_not_null()
        | pl.col("alternative").is_not_null()
        | pl.col("empty_reason")
    )
    what = (
        pl.when(pl.col("placeholder").is_not_null())
        .then(pl.format("占位符“{}”", pl.col("placeholder")))
        .when(pl.col("alternative").is_not_null())
        .then(pl.format("未选定的方向“{}”", pl.col("alternative")))
        .otherwise(pl.lit("“原因”后没有内容"))
    )
    findings = hits.with_columns(what=what).select(
        "doc_id",
        source_line="line",
        subject=pl.col("what"),
        message=pl.format("第{}行留有模板用语：{}。", pl.col("line"), pl.col("what")),
        evidence=pl.col("text").str.strip_chars().str.slice(0, 120),
        severity=pl.lit("medium"),
        key=pl.col("what"),
    )
    result.flags = to_flags(CHECK, findings, corpus)
    return result
