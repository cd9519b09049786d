"""V04 指标无分值得分: indicator tables without weights or scores."""

from __future__ import annotations

from collections import defaultdict

from checks.base import CheckInfo, CheckResult, indicator_rows, make_flag

CHECK = CheckInfo(
    code="V04",
    title="指标表缺少分值或得分",
    explanation="没有分值和得分，自评结果无从计算，也无法与其他部门比较。",
    category="coverage",
    severity="low",
    version="1",
    scope="row",
    defaults={"min_rows": 2},
    doc="""一张指标表（至少 `min_rows` 行指标，默认 2）全部没有分值，或全部没有得分。每个文件合并为一条疑点，
列出各表。例：江汉区整体自评表和 3 张项目自评表都没有分值和得分 → 低。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        tables[(row["doc_id"], row["table_id"])].append(row)
    by_doc: dict[str, list[list[dict]]] = defaultdict(list)
    for (doc_id, _), rows in tables.items():
        if len(rows) < settings["min_rows"]:
            continue
        result.applied += 1
        if all(r["weight"] is None for r in rows) or all(r["score"] is None for r in rows):
            by_doc[doc_id].append(rows)
    for bad in by_doc.values():
        first = bad[0][0]
        names = "、".join((rows[0]["project"] or "部门整体") for rows in bad)
        result.flags.append(
            make_flag(
                CHECK,
                first,
                subject="指标分值/得分",
                message=f"{len(bad)} 张绩效指标表没有分值或得分：{names}。",
                evidence="；".join(
                    f"{rows[0]['project'] or '部门整体'}（第{rows[0]['source_line']}行起，{len(rows)}行）"
                    for rows in bad
                ),
            )
        )
    return result
