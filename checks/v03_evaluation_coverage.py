"""V03 自评覆盖面不足: project self-evaluations cover a small share of the project money."""

from __future__ import annotations

from checks.base import CheckInfo, CheckResult, fmt, make_flag, pct

CHECK = CheckInfo(
    code="V03",
    title="项目自评覆盖资金比例低",
    explanation="只对一小部分项目资金做自评，大部分资金的绩效没有被评价。",
    category="coverage",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_share": 80.0, "high_below": 50.0},
    doc="""项目支出绩效自评表的全年预算合计，占部门项目支出预算（基础数据表“部门项目支出”或整体自评表“项目支出”）
的比例低于 `min_share`%（默认 80%）为中，低于 `high_below`%（默认 50%）为高。

例：衡阳市国资委项目支出预算 390.56 万元，4 张项目自评表合计 132.84 万元（34.01%）→ 高。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    bl = corpus.budget_lines
    if bl.is_empty():
        return result
    for doc in corpus.documents.iter_rows(named=True):
        rows = [r for r in bl.filter(bl["doc_id"] == doc["doc_id"]).iter_rows(named=True)]
        projects = {
            r["project"]: r
            for r in rows
            if r["table_kind"] == "project_self_eval"
            and r["row_kind"] == "item"
            and r["project"]
            and r.get("budget") is not None
        }
        totals = [
            r
            for r in rows
            if r["table_kind"] in ("basic_data", "dept_self_eval")
            and (r["item"] or "").endswith("项目支出")
            and r.get("budget")
        ]
        if not projects or not totals:
            continue
        result.applied += 1
        total = totals[0]
        covered = sum(r["budget"] for r in projects.values())
        share = covered / total["budget"] * 100
        if share >= settings["min_share"]:
            continue
        result.flags.append(
            make_flag(
                CHECK,
                total,
                subject="项目自评覆盖面",
                severity="high" if share < settings["high_below"] else "medium",
                message=f"项目支出预算 {fmt(total['budget'])} 万元，只有 {len(projects)} 个项目做了自评，合计 {fmt(covered)} 万元（{pct(share)}）。",
                evidence=f"自评项目={'、'.join(projects)}；合计={fmt(covered)}；项目支出预算={fmt(total['budget'])}",
                amount=total["budget"] - covered,
                threshold=f"覆盖率<{settings['min_share']:g}%",
            )
        )
    return result
