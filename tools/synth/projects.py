"""Project self-evaluation tables (项目支出绩效自评表, 附件4) in both sample layouts.

* a Word-table dump, one cell per line (001/002): funds rows under 年初预算数 / 全年预算数 /
  全年执行数 / 分值 / 执行率 / 得分, the goal row (预期目标 / 实际完成情况), then the
  indicator table with 分值 and 得分;
* tab-separated (003), with scores, or without them when a plant removes them.

The tables go at the end of the report (附件4) or into a file of their own.
"""

from __future__ import annotations

from tools.synth import amounts as A
from tools.synth import wording as W
from tools.synth.layouts import FULL, indicator_block, indicator_cells, sum_text
from tools.synth.model import Project, YearData
from tools.synth.writer import Doc, Money


def project_totals(p: Project) -> tuple[str, str]:
    weights = [i.weight for i in p.indicators if not i.placeholder]
    scores = [i.score for i in p.indicators if not i.placeholder]
    weight = p.total_weight or sum_text(weights + [p.funds_weight])
    score = p.total_score or sum_text(scores + [p.funds_score])
    return weight, score


def render_project_tables(d: Doc, yd: YearData, number: int | None) -> None:
    for p in yd.projects:
        if not p.has_table:
            continue
        if number is not None:
            d.blank()
            d.line(f"附件{number}")
        if p.table_layout == "cells":
            _project_cells(d, yd, p)
        else:
            _project_tsv(d, yd, p)


def _project_money(d: Doc, p: Project, line: int) -> None:
    d.money.append(
        Money(
            line,
            "年度资金总额",
            project=p.name,
            initial=p.initial,
            budget=p.budget,
            actual=p.actual,
            explained=bool(p.deviation),
        )
    )


def _project_cells(d: Doc, yd: YearData, p: Project) -> None:
    dept, year = yd.dept, yd.year
    d.cells(["项目支出绩效自评表"])
    d.cells([f" 填报单位： （盖章）{dept.name}                （{year}年度）"])
    d.cells(["项目支\n出名称", f"{p.name}{FULL}"], key=("project_key", p.name))
    d.cells(["主管部门", f"{FULL}{dept.region}人民政府", "实施单位", dept.name])
    d.cells(
        [
            "项目资金\n（万元）",
            FULL,
            "年初\n预算数",
            "全年\n预算数",
            "全年\n执行数",
            "分值",
            "执行率",
            "得分",
        ]
    )
    funds = [
        "",
        "年度资金总额" + FULL,
        A.yuan(p.initial),
        A.yuan(p.budget),
        A.yuan(p.actual),
        p.funds_weight,
        A.pct(p.actual, p.budget, trim=True),
        p.funds_score,
    ]
    line = d.cells(funds, key=("project_funds", p.name))
    _project_money(d, p, line)
    line = d.cells(
        [
            "",
            "其中：当年财政拨款" + FULL,
            A.yuan(p.initial),
            A.yuan(p.budget),
            A.yuan(p.actual),
            FULL,
            FULL,
            FULL,
        ]
    )
    d.money.append(
        Money(
            line,
            "当年财政拨款",
            project=p.name,
            initial=p.initial,
            budget=p.budget,
            actual=p.actual,
            row_kind="sub",
            explained=bool(p.deviation),
        )
    )
    d.cells(["", "上年结转资金" + FULL, FULL, FULL, FULL, FULL, FULL, FULL])
    d.cells(["", "其他资金", FULL, FULL, FULL, FULL, FULL, FULL])
    d.cells(["年度总\n体目标", "预期目标", "实际完成情况" + FULL])
    goal_cells = ["", p.goal + FULL * 2, FULL + p.done]
    first = d.cells(goal_cells)
    d.anchors[("project_goal", p.name)] = d.cell_line(goal_cells, 1, first)
    d.anchors[("project_done", p.name)] = d.cell_line(goal_cells, 2, first)
    if p.has_indicators:
        weight, score = project_totals(p)
        indicator_block(
            d,
            "绩\n效\n指\n标",
            p.indicators,
            ("project_ind", p.name),
            ["总分", weight, score, ""],
            ("project_total", p.name),
        )
    if p.deviation:
        d.cells(["偏差大或目标未完成原因分析", p.deviation])
    d.cells(["改进措施及结果应用方案", W.TEMPLATE_MEASURE])
    d.blank()
    d.line(W.TEMPLATE_SIGNATURE)


def _project_tsv(d: Doc, yd: YearData, p: Project) -> None:
    dept, year = yd.dept, yd.year
    scored = p.table_layout != "tsv_noscore"
    d.para(f"{year}年度项目支出绩效自评表")
    d.para(f"单位名称（盖章）：{dept.name}")
    d.blank()
    d.tsv(["项目名称", "", p.name, "", "", "", "", "", ""], key=("project_key", p.name))
    d.tsv(["主管部门", "", f"{dept.region}人民政府", "项目实施单位", dept.name, "", "", "", ""])
    head = [
        "预算执行情况（万元）",
        "",
        "",
        "年初预算数",
        "全年预算数（A）",
        "执行数（B）",
        "执行率（B/A）",
    ]
    row = [
        "",
        "",
        "年度财政资金总额",
        A.yuan(p.initial),
        A.yuan(p.budget),
        A.yuan(p.actual),
        A.pct(p.actual, p.budget),
    ]
    if scored:
        head += ["分值", "得分"]
        row += [p.funds_weight, p.funds_score]
    d.tsv(head)
    line = d.tsv(row, key=("project_funds", p.name))
    _project_money(d, p, line)
    line = d.tsv(["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", "", ""])
    line = d.tsv(["", p.goal, "", "", p.done, "", "", "", ""], key=("project_done", p.name))
    d.anchors[("project_goal", p.name)] = line
    if p.has_indicators:
        header = [
            "项目年度绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
        ]
        if scored:
            header += ["分值", "得分", "偏差原因分析及改进措施"]
        d.tsv(header)
        previous = None
        for i, ind in enumerate(p.indicators):
            cells = indicator_cells(ind, previous)
            d.tsv(cells if scored else cells[:6], key=("project_ind", p.name, i))
            previous = ind
        if scored:
            weight, score = project_totals(p)
            d.tsv(["总分", "", "", "", "", "", weight, score, ""], key=("project_total", p.name))
    d.tsv(["偏差大或目标未完成原因分析", "", p.deviation, "", "", "", "", "", ""])
    d.tsv(["改进措施及结果应用方案", "", W.TEMPLATE_MEASURE, "", "", "", "", "", ""])


def render_project_file(yd: YearData) -> Doc:
    d = Doc(f"{yd.dept.code}_{yd.year}_projects.txt", "projects")
    d.blank()
    d.line(f"{yd.year}年度{yd.dept.name}项目支出绩效自评表")
    d.para(f"填报单位（盖章）：{yd.dept.name}")
    render_project_tables(d, yd, None)
    return d
