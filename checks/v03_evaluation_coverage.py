"""V03 自评覆盖面不足: project self-evaluations cover a small share of the project money."""

from __future__ import annotations

import re

from checks.base import CheckInfo, CheckResult, fmt, frame_rows, make_flag, pct
from checks.context import plain_name
from checks.money_tree import money_tree
from checks.text_index import sentences

CHECK = CheckInfo(
    code="V03",
    title="项目自评覆盖资金比例低",
    explanation="只对一小部分项目资金做自评，大部分资金的绩效没有被评价。",
    category="coverage",
    severity="medium",
    version="2",
    scope="row",
    defaults={
        "min_share": 80.0,
        "high_below": 50.0,
        # each alternative starts with its own words: the regex engine then skips to them
        "statement": "不纳入.{0,20}自评|未纳入.{0,20}自评|不参与.{0,20}自评|不列入.{0,20}自评|仅对.{0,40}(?:开展|进行).{0,8}自评|只对.{0,40}(?:开展|进行).{0,8}自评",
    },
    doc="""项目支出绩效自评表的全年预算合计，占部门项目支出预算（基础数据表“部门项目支出”或整体自评表“项目支出”）
的比例低于 `min_share`%（默认 80%）为中，低于 `high_below`%（默认 50%）为高。

例：衡阳市国资委项目支出预算 390.56 万元，4 张项目自评表合计 132.84 万元（34.01%）→ 高。

报告自己说明只评价了部分项目（`statement`：“…不纳入我单位部门整体支出绩效自评”“仅对…开展自评”）时，
同一段中“N个…合计X万元”是自评覆盖的项目和金额，与报告的项目支出合计及其项目表的项目个数比较，
同样按比例定级。例：长沙市工改办项目支出 1,083.89 万元、14 个项目，报告写明只对年初预算的 2 个项目
（21.07 万元）开展自评，其余“不纳入”→ 覆盖 1.94%，高。""",
)


_COVERED = re.compile(r"(\d+)\s*个.{0,12}?合计\s*(\d[\d,]*(?:\.\d+)?)\s*万元")
_TOTAL_KINDS = ("basic_data", "dept_self_eval")  # tables stating the project spending total
_PROJECTS_TOTAL = re.compile(r"^(部门)?项目支出$|^项目支出合计$")


def _stated_coverage(corpus, settings: dict, result: CheckResult) -> None:
    """A report that says it evaluates only some projects: N projects, X 万元 of the total."""
    statement = re.compile(settings["statement"])
    tree = money_tree(corpus)
    docs = {r["doc_id"]: r for r in frame_rows(corpus, "documents")}
    index = sentences(corpus)
    for doc_id, lines in corpus.texts.items():
        # blanks removed (str.split's whitespace is the \s of re): much faster than re.sub
        if not statement.search("".join("".join(lines).split())):
            continue
        doc = index[doc_id]
        said = next((s for s in doc if statement.search(s.text)), None)
        if said is None:
            continue
        paragraph = [s for s in doc if s.paragraph == said.paragraph]
        covered = next((m for s in paragraph if (m := _COVERED.search(s.text))), None)
        totals = [
            n
            for n in tree.doc_nodes(doc_id)
            if any(_PROJECTS_TOTAL.match(plain_name(r["item"])) for r in n.rows)
        ]
        if covered is None or not totals:
            continue
        total = max(totals, key=lambda n: n.budget)
        result.applied += 1
        amount = float(covered.group(2).replace(",", ""))
        share = amount / total.budget * 100 if total.budget else 100.0
        if share >= settings["min_share"]:
            continue
        parts = len(tree.parts(total))
        of = f"（{parts} 个项目）" if parts else ""
        result.flags.append(
            make_flag(
                CHECK,
                {**docs[doc_id], "source_line": paragraph[0].line},
                subject="项目自评覆盖面",
                severity="high" if share < settings["high_below"] else "medium",
                message=f"报告说明只对 {covered.group(1)} 个项目（{fmt(amount)} 万元）开展自评，其余不纳入；"
                f"项目支出 {fmt(total.budget)} 万元{of}中自评覆盖 {pct(share)}。",
                evidence=f"原文（第{said.line}行）={said.text[:120]}；项目支出={fmt(total.budget)}"
                f"（第{min(total.lines)}行）；自评覆盖={fmt(amount)}",
                amount=total.budget - amount,
                threshold=f"覆盖率<{settings['min_share']:g}%",
                related="; ".join(
                    f"{docs[doc_id]['source_file']}:{n}" for n in sorted(total.lines)
                ),
                fact="项目自评覆盖面说明",
            )
        )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    _stated_coverage(corpus, settings, result)
    bl = corpus.budget_lines
    if bl.is_empty():
        return result
    # each document's rows of the tables compared, gathered in one pass (not a filter per document)
    rows_of: dict[str, list[dict]] = {}
    wanted = {"project_self_eval", *_TOTAL_KINDS}
    for r in frame_rows(corpus, "budget_lines"):  # the dicts other checks made already
        if r["table_kind"] in wanted:
            rows_of.setdefault(r["doc_id"], []).append(r)
    for doc in corpus.documents.iter_rows(named=True):
        rows = rows_of.get(doc["doc_id"], [])
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
            if r["table_kind"] in _TOTAL_KINDS
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
