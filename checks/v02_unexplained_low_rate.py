"""V02 低执行率未说明原因: a rate below 90 % with no explanation anywhere in the report."""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz

from checks.base import CheckInfo, CheckResult, fmt, make_flag, money_rows, pct, prose_lines

CHECK = CheckInfo(
    code="V02",
    title="执行率偏低但未说明原因",
    explanation="自评表要求执行率低于 90% 时说明原因；不说明就无法判断是预算编多了还是工作没做。",
    category="coverage",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "below": 90.0,
        "name_match": 80.0,
        "reason_words": "原因|由于|因为|因(?!公)|导致|受.{0,6}影响|滞后|延迟|未能|尚未|减少|偏缓|缓慢|不理想",
        "exclude_items": "三公|公务接待|公务用车|公务车|公车|出国|因公",
    },
    doc="""执行率（对全年预算或对年初预算 / 资金量）低于 `below`%（默认 90%）的项目或科目，在报告其他地方
（正文或表中“偏差原因”）找不到提到它的说明句：句中含项目名称（rapidfuzz partial_ratio ≥ `name_match`，默认 80）
且含原因用语（`reason_words`）。项目表有“偏差大或目标未完成原因分析”内容的视为已说明。

例：江汉区“资产监管及营运工作经费”资金量 21 万元，执行 12.58 万元（59.90%），偏差原因栏为空 → 中。""",
)


_AGGREGATE = re.compile(r"合计|总计|整体|规模|^基本支出$|^项目支出$")
_CORE = re.compile(r"^(各类|各项|其他)|(专项资金|专项经费|工作经费|资金|经费|专项|项目|支出)$")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    reason = re.compile(settings["reason_words"])
    exclude = re.compile(settings["exclude_items"]) if settings["exclude_items"] else None
    explained_projects = {
        (r["doc_id"], r["project"])
        for r in corpus.narratives.iter_rows(named=True)
        if r["section"] == "偏差原因" and r["text"].strip("无 ")
    }
    sentences: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, lines in corpus.texts.items():
        for number, line in prose_lines(lines):
            sentences[doc_id] += [
                (number, s) for s in re.split(r"(?<=[。；])", line) if reason.search(s)
            ]
    seen: set[tuple] = set()
    for row in money_rows(corpus):
        budget, actual = row["effective_budget"], row["actual"]
        reference = max(budget, row.get("budget_initial") or 0)
        if reference <= 0 or (exclude and exclude.search(row["item"] or "")):
            continue
        rate = actual / reference * 100
        if rate >= settings["below"]:
            continue
        name = row["project"] or row["item"]
        key = (row["doc_id"], round(reference, 2), round(actual, 2))
        if key in seen or row["row_kind"] in ("total", "subtotal") or _AGGREGATE.search(name):
            continue
        seen.add(key)
        result.applied += 1
        if (row["doc_id"], row["project"]) in explained_projects and row["project"]:
            continue
        core = _CORE.sub("", name)
        found = [
            n
            for n, s in sentences[row["doc_id"]]
            if (
                fuzz.partial_ratio(name, s) >= settings["name_match"]
                or (len(core) >= 2 and core in s)
            )
        ]
        if found:
            continue
        result.flags.append(
            make_flag(
                CHECK,
                row,
                subject=name,
                message=f"“{name}”执行率 {pct(rate)}（执行 {fmt(actual)} / 预算 {fmt(reference)} 万元），报告中没有说明原因。",
                evidence=f"预算={fmt(reference)}；执行={fmt(actual)}；执行率={pct(rate)}；未找到含名称和原因用语的句子",
                amount=reference - actual,
                threshold=f"执行率<{settings['below']:g}%",
            )
        )
    return result
