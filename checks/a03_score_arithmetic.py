"""A03 分值得分不符: a score above its weight, or totals that are not the sum of the rows."""

from __future__ import annotations

from collections import defaultdict

from checks.base import CheckInfo, CheckResult, frame_rows, make_flag

CHECK = CheckInfo(
    code="A03",
    title="得分超过分值或总分不符",
    explanation="单项得分不能超过分值；总分应等于各项得分之和，否则自评结果不可信。",
    category="arithmetic",
    severity="high",
    version="3",
    scope="row",
    defaults={"tolerance": 0.01},
    doc="""- 任一行（指标行或资金行）得分 > 分值，或得分为负 → 高；资金行得分超过分值而表中总分没有计入它（总分只等于
  各指标得分之和），是笔误，不影响结果 → 低；例：衡阳市国资委四张项目表“年度资金总额”分值 10、得分 100，
  总分 90 → 低；
- 表中“总分”的分值 ≠ 各指标分值之和（允许含或不含资金行的分值）→ 中；
- 表中“总分”的得分 ≠ 各项得分之和（含或不含资金行）→ 高；
- 资金执行率一行有分值，“总分”却只等于各指标之和、没有计入这一行（总分 90 而不是 100）→ 低（有的模板就这样
  算，但读者会以为满分 90），每个文件一条，
  列出各表。例：衡阳市国资委整体自评表资金行分值 10、得分 10，总分写 90 / 90；四张项目表同样写 90。""",
)


def _row_flag(row: dict, where: str) -> dict | None:
    weight, score = row.get("weight"), row.get("score")
    if weight is None or score is None:
        return None
    if score > weight + 1e-9 or score < 0:
        name = row.get("name") or row.get("item")
        return make_flag(
            CHECK,
            row,
            subject=f"{where}·{name}",
            message=f"{where}“{name}”得分 {score:g} 超过分值 {weight:g}。"
            if score >= 0
            else f"{where}“{name}”得分为负数。",
            evidence=f"分值={weight:g}；得分={score:g}",
            key="row",
        )
    return None


def _slip(flag: dict, row: dict, rows: list[dict], tolerance: float) -> dict:
    """A funds-row score above its weight that the table's stated 总分 does not carry (总分
    90 = the indicators' scores, the 100 never added in) is a clerical slip: low."""
    totals = [
        r.get("score") for r in rows if r["row_kind"] == "total" and r.get("score") is not None
    ]
    scores = [
        r["score"] for r in rows if r["row_kind"] == "indicator" and r.get("score") is not None
    ]
    if not totals or not scores:
        return flag
    carried = sum(scores) + row["score"]
    if all(t + tolerance < carried for t in totals):
        flag["severity"] = "low"
        flag["message"] += f"总分 {totals[0]:g} 没有计入这个得分，是笔误，不影响自评结果。"
    return flag


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in frame_rows(corpus, "indicators"):
        tables[(row["doc_id"], row["table_id"])].append(row)
    funds: dict[tuple, dict] = {}
    for row in frame_rows(corpus, "budget_lines"):
        if row.get("weight") is not None:
            result.applied += 1
            where = row["project"] or "部门整体"
            key = (row["doc_id"], row["table_id"])
            funds.setdefault(key, row)
            if flag := _row_flag(row, where):
                result.flags.append(_slip(flag, row, tables.get(key, []), settings["tolerance"]))
    left_out: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for key, rows in tables.items():
        where = rows[0]["project"] or "部门整体"
        indicators = [r for r in rows if r["row_kind"] == "indicator"]
        for row in indicators:
            result.applied += 1
            if flag := _row_flag(row, where):
                result.flags.append(flag)
        fund = funds.get(key)
        for total in (r for r in rows if r["row_kind"] == "total"):
            result.applied += 1
            weights = [r["weight"] for r in indicators if r.get("weight") is not None]
            if (
                fund
                and fund.get("weight")
                and total.get("weight") is not None
                and weights
                and abs(total["weight"] - sum(weights)) <= settings["tolerance"]
            ):
                left_out[key[0]].append((total, fund))
            for field, label, severity in (("weight", "分值", "medium"), ("score", "得分", "high")):
                stated = total.get(field)
                parts = [r[field] for r in indicators if r.get(field) is not None]
                if stated is None or not parts:
                    continue
                summed = sum(parts)
                with_funds = summed + (fund.get(field) or 0 if fund else 0)
                if min(abs(stated - summed), abs(stated - with_funds)) <= settings["tolerance"]:
                    continue
                result.flags.append(
                    make_flag(
                        CHECK,
                        total,
                        subject=f"{where}·总分{label}",
                        severity=severity,
                        message=f"{where}指标表总{label} {stated:g}，但各项{label}之和为 {summed:g}"
                        + (f"（含资金行为 {with_funds:g}）" if fund else "")
                        + "。",
                        evidence=f"所列总{label}={stated:g}；指标{label}之和={summed:g}；含资金行={with_funds:g}",
                        key=field,
                    )
                )
    for pairs in left_out.values():
        total, fund = pairs[0]
        names = "、".join(t["project"] or "部门整体" for t, _ in pairs)
        result.flags.append(
            make_flag(
                CHECK,
                total,
                subject="总分未计入资金执行率",
                severity="low",
                message=f"{len(pairs)} 张自评表的资金执行率一行有分值（{fund['weight']:g} 分），"
                f"总分却只是各指标分值之和、没有计入这一行：{names}。",
                evidence="；".join(
                    f"{t['project'] or '部门整体'}：总分分值={t['weight']:g}（第{t['source_line']}行），"
                    f"资金行分值={f['weight']:g}（第{f['source_line']}行）"
                    for t, f in pairs
                ),
                key="funds-left-out",
                fact=f"总分未计资金行{names}",
            )
        )
    return result
