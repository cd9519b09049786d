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
    version="1",
    scope="row",
    defaults={"high_share": 30.0},
    doc="""指标名称或指标值为“……”、“无”、空白的行。每张指标表合并为一条疑点，列出全部行号；
占位行达到该表行数的 `high_share`%（默认 30%）为中。

- 例：衡阳市国资委“维稳专项经费”项目表 20 行指标中有 10 行“……”或空行。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        tables[(row["doc_id"], row["table_id"], row["project"])].append(row)
    for rows in tables.values():
        result.applied += len(rows)
        holes = [
            r
            for r in rows
            if is_placeholder(r["name"])
            or (is_placeholder(r["target"]) and is_placeholder(r["actual"]))
        ]
        if not holes:
            continue
        share = len(holes) / len(rows) * 100
        first = holes[0]
        where = table_owner(first)
        lines = "、".join(str(r["source_line"]) for r in holes)
        result.flags.append(
            make_flag(
                CHECK,
                first,
                subject=f"{where}指标表",
                message=f"{where}绩效指标表 {len(rows)} 行中有 {len(holes)} 行是“……”、“无”或空白。",
                evidence=f"占位行号={lines}；占比={share:.0f}%",
                severity="medium" if share >= settings["high_share"] else "low",
                threshold=f"占位行占比≥{settings['high_share']:g}% 为中",
                key=first["table_id"],
            )
        )
    return result
