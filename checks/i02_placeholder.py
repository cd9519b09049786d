"""I02 占位指标: indicator rows left as placeholders (……, 无, empty)."""

from __future__ import annotations

from collections import defaultdict

from checks.base import (
    CheckInfo,
    CheckResult,
    indicator_rows,
    is_placeholder,
    make_flag,
    table_owner,
)

CHECK = CheckInfo(
    code="I02",
    title="指标表留有占位行或空指标",
    explanation="表中保留“……”、“无”或空白指标，说明绩效目标没有认真设定。",
    category="indicator",
    severity="low",
    version="2",
    scope="row",
    defaults={"high_share": 30.0},
    doc="""指标名称为“无”、“暂无”，或有名称而目标值和实际值都空着的行。每张指标表合并为一条疑点，列出全部行号；
占位行达到该表填写行数的 `high_share`%（默认 30%）为中。

- 模板自带的“……”行和整行空白是表格的空位：表中已经填了真实指标时不算；一行真实指标都没有的表才报。
- 例：衡阳市国资委“驻市国资委纪检监察组专项经费”项目表的经济效益、生态效益两个二级指标下各填了一行“无”→ 低。""",
)


_TEMPLATE_ROW = ("", "……", "…", "...")


def _template_row(row: dict) -> bool:
    """A “……” or wholly empty row: a blank slot of the form, not a filled-in indicator."""
    return all(
        (row[f] or "").strip().strip("□ ") in _TEMPLATE_ROW for f in ("name", "target", "actual")
    )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        tables[(row["doc_id"], row["table_id"], row["project"])].append(row)
    for rows in tables.values():
        filled = [r for r in rows if not _template_row(r)]
        result.applied += len(filled)
        counted = filled if filled else rows
        holes = [
            r
            for r in counted
            if not filled
            or is_placeholder(r["name"])
            or (is_placeholder(r["target"]) and is_placeholder(r["actual"]))
        ]
        if not holes:
            continue
        share = len(holes) / len(counted) * 100
        first = holes[0]
        where = table_owner(first)
        lines = "、".join(str(r["source_line"]) for r in holes)
        kind = "“无”或空白" if filled else "“……”或空白（整表未填）"
        result.flags.append(
            make_flag(
                CHECK,
                first,
                subject=f"{where}指标表",
                message=f"{where}绩效指标表 {len(counted)} 行中有 {len(holes)} 行是{kind}。",
                evidence=f"占位行号={lines}；占比={share:.0f}%",
                severity="medium" if share >= settings["high_share"] else "low",
                threshold=f"占位行占比≥{settings['high_share']:g}% 为中",
                key=first["table_id"],
                fact=f"{where}指标表占位",
            )
        )
    return result
