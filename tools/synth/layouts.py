"""A department's year written out in the layouts of the sample reports.

* the self-evaluation report (部门整体支出绩效自评报告): numbered sections, prose figures,
  tab-separated budget tables in two header styles (000: 部门预算/决算支出…; 004: 全年预算
  over 预算批复/年中追加/小计), then attachments;
* attachments as Word-table dumps, one cell per line (001/002), or tab-separated (003):
  附件2 基础数据表, 附件3 整体支出绩效自评表 (附件4 项目支出绩效自评表: :mod:`projects`).

Every row that states figures is recorded in ``Doc.money`` and every line a planted
red flag may point at is recorded in ``Doc.anchors``.
"""

from __future__ import annotations

import random

from tools.synth import amounts as A
from tools.synth import wording as W
from tools.synth.accounts import change_text
from tools.synth.model import Indicator, Line, Project, YearData
from tools.synth.writer import Doc, Money

FULL = "\u3000"


class _Numbering:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return W.cn_number(self.n) + "、"


def _y(cents: int | None, yd: YearData, *, dash: bool = False) -> str:
    if cents is None:
        return ""
    if dash and cents == 0:
        return "-"
    return A.yuan(cents, sep=yd.sep)


def _rate(line: Line) -> str:
    return line.stated_rate or A.pct(line.actual, line.budget)


def _balance(line: Line) -> int:
    return line.stated_balance if line.stated_balance is not None else line.balance


# ---- the report -------------------------------------------------------------------------------


def render_report(yd: YearData, rng: random.Random, *, embed_projects: bool) -> Doc:
    dept, year, h = yd.dept, yd.year, yd.headings
    d = Doc(f"{dept.code}_{year}_report.txt", "report")
    if yd.title_style == 0:
        d.blank(2)
        d.line(f"{year} 年度{dept.name}")
        d.line("部门整体支出绩效自评报告")
        d.para(f"单位名称（盖章）：{dept.name}")
    elif yd.title_style == 1:
        d.line(dept.name)
        d.para(f"{year}年度部门整体支出绩效自评报告")
    else:
        d.blank(2)
        d.line(f"{year}年度{dept.name}部门整体支出绩效自评报告")
    d.para(W.TEMPLATE_INTRO)
    sec = _Numbering()
    d.para(sec.next() + h["overview"])
    d.para("（一）" + h["duties"])
    d.para(yd.duties_text)
    d.para("（二）" + h["org"])
    d.para(_org_text(yd), key=("staff",))
    d.para(sec.next() + h["spending"])
    _overall(d, yd)
    d.para("（一）" + h["basic"])
    _basic_section(d, yd, rng)
    d.para("（二）" + h["projects"])
    _project_section(d, yd)
    d.para(sec.next() + h["management"])
    for text in yd.management:
        d.para(text)
    d.para(sec.next() + h["results"])
    d.para(W.TEMPLATE_METHOD)
    for text in yd.results:
        d.para(text)
    d.para(sec.next() + h["problems"])
    for i, text in enumerate(yd.problems):
        d.para(text, key=("problem", i))
    if yd.extra_problem:
        d.para(yd.extra_problem, key=("extra_problem",))
    d.para(sec.next() + h["measures"])
    for i, text in enumerate(yd.measures):
        d.para(text, key=("measure", i))
    d.para(W.TEMPLATE_MEASURE, key=("template_measure",))
    d.para(sec.next() + h["apply"])
    d.para(W.TEMPLATE_APPLY)
    d.para(sec.next() + h["other"])
    d.para("无。")
    d.para(dept.name)
    d.line(f"{' ' * 28}{year + 1}年3月{rng.randint(1, 28)}日")
    attachment = 2
    if yd.has_basic_data:
        render_basic_data(d, yd, attachment)
    attachment += 1
    if not yd.no_dept_indicators:
        if yd.dept_table_layout == "cells":
            render_dept_table_cells(d, yd, attachment)
        else:
            render_dept_table_tsv(d, yd, attachment)
    attachment += 1
    if embed_projects:
        from tools.synth.projects import render_project_tables

        render_project_tables(d, yd, attachment)
    return d


def _org_text(yd: YearData) -> str:
    if yd.stated_posts is None:
        return yd.org_text
    return yd.org_text.replace(f"编制数 {yd.dept.posts} 人", f"编制数 {yd.stated_posts} 人", 1)


def _figures_sentence(
    subject: str,
    line_initial: int,
    adjustment: int,
    budget: int,
    actual: int,
    balance: int,
    rate: str,
) -> str:
    rest = (
        f"实际支出 {A.yuan(actual)} 万元，指标结余 {A.yuan(balance)} 万元，预算执行率 {rate}。"
        if balance >= 0
        else f"实际支出 {A.yuan(actual)} 万元，超支 {A.yuan(-balance)} 万元，预算执行率 {rate}。"
    )
    if adjustment > 0:
        return (
            f"{subject}年初预算 {A.yuan(line_initial)} 万元，年中追加 {A.yuan(adjustment)} 万元，"
            f"全年预算合计 {A.yuan(budget)} 万元；{rest}"
        )
    if adjustment < 0:
        return (
            f"{subject}年初预算 {A.yuan(line_initial)} 万元，年中调减 {A.yuan(-adjustment)} 万元，"
            f"全年预算合计 {A.yuan(budget)} 万元；{rest}"
        )
    return f"{subject}全年预算 {A.yuan(budget)} 万元，{rest}"


def _aggregate_money(
    line: int, item: str, initial: int, adjustment: int, budget: int, actual: int
) -> Money:
    """What the prose extractor reads from :func:`_figures_sentence`."""
    balance = budget - actual if budget >= actual else None
    if adjustment > 0:
        return Money(
            line,
            item,
            initial=initial,
            adjustment=adjustment,
            actual=actual,
            balance=balance,
            origin="prose",
        )
    if adjustment < 0:  # 调减 is not read: budget and initial are
        return Money(
            line,
            item,
            initial=initial,
            budget=budget,
            actual=actual,
            balance=balance,
            origin="prose",
        )
    return Money(line, item, budget=budget, actual=actual, balance=balance, origin="prose")


def _overall(d: Doc, yd: YearData) -> None:
    lines = yd.basic + yd.projects
    initial = sum(x.initial for x in lines)
    adjustment = sum(x.adjustment for x in lines)
    budget, actual = initial + adjustment, sum(x.actual for x in lines)
    text = _figures_sentence(
        f"{yd.year}年度部门",
        initial,
        adjustment,
        budget,
        actual,
        budget - actual,
        A.pct(actual, budget),
    )
    line = d.para(text, key=("overall",))
    # the prose reader names this sentence after the section heading when it can
    subject = (
        "一般公共预算支出" if "一般公共预算支出" in yd.headings["spending"] else "部门整体支出"
    )
    d.money.append(_aggregate_money(line, subject, initial, adjustment, budget, actual))
    for statement in yd.change_statements:
        if statement["where"] == "report":
            d.para(change_text(statement), key=("change", statement["id"]))


def _basic_section(d: Doc, yd: YearData, rng: random.Random) -> None:
    b = yd.basic
    initial, adjustment = sum(x.initial for x in b), sum(x.adjustment for x in b)
    budget, actual = initial + adjustment, sum(x.actual for x in b)
    subject = f"{yd.year}年度基本支出"
    line = d.para(
        _figures_sentence(
            subject, initial, adjustment, budget, actual, budget - actual, A.pct(actual, budget)
        ),
        key=("basic_prose",),
    )
    d.money.append(_aggregate_money(line, "基本支出", initial, adjustment, budget, actual))
    _budget_table(d, yd, b, yd.headings["basic_table"], "basic", yd.basic_total_override)
    personnel = b[0]
    d.para(
        f"{personnel.name.removesuffix('支出')}支出 {A.yuan(personnel.actual)} 万元，主要用于在职人员基本工资、津贴补贴、"
        f"绩效工资和社会保障缴费等。"
    )
    s = yd.sangong
    d.para(
        f"{yd.year}年度“三公”经费预算 {A.yuan(sum(x.budget for x in s))} 万元，实际支出 "
        f"{A.yuan(sum(x.actual for x in s))} 万元，严格控制在预算范围以内。"
    )


def _project_section(d: Doc, yd: YearData) -> None:
    p = yd.projects
    initial, adjustment = sum(x.initial for x in p), sum(x.adjustment for x in p)
    budget, actual = initial + adjustment, sum(x.actual for x in p)
    line = d.para(
        _figures_sentence(
            f"{yd.year}年度项目支出",
            initial,
            adjustment,
            budget,
            actual,
            budget - actual,
            A.pct(actual, budget),
        ),
        key=("project_prose",),
    )
    d.money.append(_aggregate_money(line, "项目支出", initial, adjustment, budget, actual))
    _budget_table(d, yd, p, yd.headings["project_table"], "project", yd.project_total_override)
    for i, proj in enumerate(p):
        _project_paragraph(d, yd, proj, W.CIRCLED[i % len(W.CIRCLED)])


def _project_paragraph(d: Doc, yd: YearData, p: Project, mark: str) -> None:
    actual = p.prose_actual if p.prose_actual is not None else p.actual
    balance = p.budget - actual
    rate = A.pct(actual, p.budget)
    rest = (
        f"实际支出 {A.yuan(actual)} 万元，指标结余 {A.yuan(balance)} 万元，预算执行率 {rate}。"
        if balance >= 0
        else f"实际支出 {A.yuan(actual)} 万元，超支 {A.yuan(-balance)} 万元，预算执行率 {rate}。"
    )
    stated_balance = balance if balance >= 0 else None
    if p.initial == 0 and p.adjustment > 0:
        text = (
            f"{mark}{p.name}，年初无预算，年中追加 {A.yuan(p.adjustment, trim=True)} 万元，{rest}"
        )
        money = Money(
            0,
            p.name,
            initial=0,
            adjustment=p.adjustment,
            actual=actual,
            balance=stated_balance,
            origin="prose",
        )
    elif p.adjustment > 0:
        text = (
            f"{mark}{p.name}年初预算 {A.yuan(p.initial)} 万元，年中追加 {A.yuan(p.adjustment)} 万元，"
            f"{rest}"
        )
        money = Money(
            0,
            p.name,
            initial=p.initial,
            adjustment=p.adjustment,
            actual=actual,
            balance=stated_balance,
            origin="prose",
        )
    elif p.adjustment < 0:
        text = f"{mark}{p.name}全年预算 {A.yuan(p.budget)} 万元，{rest}"
        money = Money(
            0, p.name, budget=p.budget, actual=actual, balance=stated_balance, origin="prose"
        )
    else:
        text = f"{mark}{p.name}年初预算 {A.yuan(p.initial)} 万元，{rest}"
        money = Money(
            0,
            p.name,
            initial=p.initial,
            budget=p.initial,
            actual=actual,
            balance=stated_balance,
            origin="prose",
        )
    text += p.purpose
    if p.explanation:
        text += p.explanation
    if p.returned:
        text += p.returned
    money.line = d.para(text, key=("project_paragraph", p.name))
    d.money.append(money)
    if p.mention is not None:
        d.para(
            f"{p.name}{A.yuan(p.mention)}万元全部用于{p.verb}{p.obj}，专款专用。",
            key=("mention", p.name),
        )


def _budget_table(
    d: Doc, yd: YearData, rows: list[Line], title: str, kind: str, override: dict
) -> None:
    d.para(title)
    if yd.table_style == "adjust":
        d.para("金额单位：万元")
    d.blank()
    total = Line(
        "合计",
        sum(x.initial for x in rows),
        sum(x.adjustment for x in rows),
        sum(x.actual for x in rows) + override.get("actual_delta", 0),
    )
    if yd.table_style == "simple":
        d.tsv(["序号", "预算项目", "部门预算", "决算支出", "本期结余", "预算执行率"])
        for i, x in enumerate(rows, 1):
            line = d.tsv(
                [str(i), x.name, _y(x.budget, yd), _y(x.actual, yd), _y(_balance(x), yd), _rate(x)],
                key=(kind, x.name),
            )
            d.money.append(
                Money(line, x.name, budget=x.budget, actual=x.actual, balance=_balance(x))
            )
        line = d.tsv(
            [
                "",
                "小计",
                _y(total.budget, yd),
                _y(total.actual, yd),
                _y(total.balance, yd),
                _rate(total),
            ],
            key=(kind, "__total__"),
        )
        d.money.append(
            Money(
                line,
                "小计",
                budget=total.budget,
                actual=total.actual,
                balance=total.balance,
                row_kind="total",
            )
        )
    else:
        d.tsv(["序号", "预算项目", "全年预算", "", "", "实际执行", "指标结余", "预算执行率"])
        d.tsv(["", "", "预算批复", "年中追加", "小计", "", "", ""])
        for i, x in enumerate(rows, 1):
            line = d.tsv(
                [
                    str(i),
                    x.name,
                    _y(x.initial, yd, dash=True),
                    _y(x.adjustment, yd, dash=True),
                    _y(x.budget, yd),
                    _y(x.actual, yd),
                    _y(_balance(x), yd, dash=True),
                    _rate(x),
                ],
                key=(kind, x.name),
            )
            d.money.append(
                Money(
                    line,
                    x.name,
                    initial=x.initial,
                    adjustment=x.adjustment,
                    budget=x.budget,
                    actual=x.actual,
                    balance=_balance(x),
                )
            )
        line = d.tsv(
            [
                "",
                "合计",
                _y(total.initial, yd, dash=True),
                _y(total.adjustment, yd, dash=True),
                _y(total.budget, yd),
                _y(total.actual, yd),
                _y(total.balance, yd, dash=True),
                _rate(total),
            ],
            key=(kind, "__total__"),
        )
        d.money.append(
            Money(
                line,
                "合计",
                initial=total.initial,
                adjustment=total.adjustment,
                budget=total.budget,
                actual=total.actual,
                balance=total.balance,
                row_kind="total",
            )
        )
    d.para(W.TEMPLATE_TABLE_NOTE)


# ---- 附件2 基础数据表 (Word dump) ----------------------------------------------------------------


def _pad(text: str, yd: YearData) -> str:
    """Word dumps often keep an ideographic space after a value."""
    return text + FULL if text and yd.year % 2 else text


def render_basic_data(d: Doc, yd: YearData, number: int) -> None:
    dept, year = yd.dept, yd.year
    d.line(f"附件{number}       ")
    d.para("部门整体支出绩效评价基础数据表  ")
    d.para(f"填报单位（盖章）：{dept.name}")
    d.line("   ")
    d.line("单位：万元")
    d.cells(["财政供养人员情况", "编制数", f"{year}年实际在职人数", "控制率"])
    rate = yd.stated_staff_rate or A.pct(yd.staff_in_post, dept.posts, trim=True)
    d.cells(
        ["", _pad(str(dept.posts), yd), _pad(str(yd.staff_in_post), yd), _pad(rate, yd)],
        key=("staff_row",),
    )
    d.cells(["经费控制情况", f"{year - 1}年决算数", f"{year}年预算数", f"{year}年决算数"])
    basic_budget, basic_actual = yd.basic_budget, yd.basic_actual
    line = d.cells(
        ["一、部门基本支出", _y(yd.prior_basic, yd), _y(basic_budget, yd), _y(basic_actual, yd)],
        key=("basic_data", "基本支出"),
    )
    d.money.append(Money(line, "部门基本支出", budget=basic_budget, actual=basic_actual))
    public = yd.basic[1]
    line = d.cells(
        ["其中：公用经费", _y(public.prior, yd), _y(public.budget, yd), _y(public.actual, yd)]
    )
    d.money.append(
        Money(line, "公用经费", budget=public.budget, actual=public.actual, row_kind="sub")
    )
    for name, share in (
        ("其中：办公经费", 0.18),
        ("水费、电费、差旅费", 0.12),
        ("会议费、培训费", 0.07),
    ):
        budget = round(public.budget * share)
        actual = round(budget * (0.93 + 0.07 * ((yd.dept.index * 7 + len(name)) % 10) / 10))
        line = d.cells([name, _y(round(actual * 0.95), yd), _y(budget, yd), _y(actual, yd)])
        d.money.append(Money(line, name, budget=budget, actual=actual, row_kind="sub"))
    d.cells(["……", "", "", ""])
    s = yd.sangong
    car, hosp, abroad = s
    d.cells(
        [
            "三公经费",
            _y(sum(x.prior for x in s), yd),
            _y(sum(x.budget for x in s), yd),
            _y(sum(x.actual for x in s), yd),
        ]
    )
    d.cells(
        ["   1、公务用车购置和维护经费", _y(car.prior, yd), _y(car.budget, yd), _y(car.actual, yd)]
    )
    d.cells(["其中：公务车购置", "", "", ""])
    d.cells(["公务车运行维护", _y(car.prior, yd), _y(car.budget, yd), _y(car.actual, yd)])
    d.cells(["   2、出国经费", _y(abroad.prior, yd), _y(abroad.budget, yd), _y(abroad.actual, yd)])
    d.cells(["   3、公务接待", _y(hosp.prior, yd), _y(hosp.budget, yd), _y(hosp.actual, yd)])
    line = d.cells(
        [
            "二、部门项目支出",
            _y(yd.prior_project, yd),
            _y(yd.project_budget, yd),
            _y(yd.project_actual, yd),
        ],
        key=("basic_data", "项目支出"),
    )
    d.money.append(Money(line, "部门项目支出", budget=yd.project_budget, actual=yd.project_actual))
    d.cells([" 1、业务工作专项(一个项目一行)", "", "", ""])
    for p in yd.projects:
        line = d.cells(
            [f"     {p.name}", _y(p.prior, yd), _y(p.budget, yd), _y(p.actual, yd)],
            key=("basic_data", p.name),
        )
        d.money.append(Money(line, p.name, budget=p.budget, actual=p.actual))
    d.cells(["厉行节约保障措施", "严格控制“三公”经费和会议费、培训费支出，压减一般性支出。"])
    d.blank()
    d.line(W.TEMPLATE_FORM_NOTE)
    d.blank()
    d.line(W.TEMPLATE_SIGNATURE)


# ---- 附件3 部门整体支出绩效自评表 -------------------------------------------------------------


def indicator_block(
    d: Doc, label: str, indicators: list, key: tuple, total: list, total_key: tuple
) -> None:
    """A Word-dump indicator table: header row, one row per indicator, the 总分 row."""
    d.cells(
        [
            label,
            "一级指标",
            "二级指标",
            "三级指标",
            "年度\n指标值",
            "实际\n完成值",
            "分值",
            "得分",
            "偏差原因\n分析及\n改进措施",
        ]
    )
    previous = None
    for i, ind in enumerate(indicators):
        d.cells(indicator_cells(ind, previous), key=(*key, i))
        previous = ind
    d.cells(total, key=total_key)


def indicator_cells(ind: Indicator, previous: Indicator | None) -> list[str]:
    if ind.placeholder:
        return ["", "", "", ind.name, ind.target, ind.actual, "", "", ""]
    level1 = (
        ind.level1
        if previous is None or previous.level1 != ind.level1 or ind.level1_printed
        else ""
    )
    level2 = ind.level2 if previous is None or previous.level2 != ind.level2 or level1 else ""
    return ["", level1, level2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.note]


def sum_text(values: list[str]) -> str:
    total = sum(float(v) for v in values if v)
    return f"{total:.2f}".rstrip("0").rstrip(".")


def dept_totals(yd: YearData) -> tuple[str, str]:
    weights = [i.weight for i in yd.dept_indicators]
    scores = [i.score for i in yd.dept_indicators]
    funds_score = _funds_score(yd)
    weight = yd.dept_total_weight or sum_text(weights + ["10"])
    score = yd.dept_total_score or sum_text(scores + [funds_score])
    return weight, score


def _funds_score(yd: YearData) -> str:
    budget = yd.basic_budget + yd.project_budget
    actual = yd.basic_actual + yd.project_actual
    rate = A.rate(actual, budget)
    value = min(float(rate), 100.0) / 10 if rate is not None else 10.0
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_dept_table_cells(d: Doc, yd: YearData, number: int) -> None:
    dept, year = yd.dept, yd.year
    budget = yd.basic_budget + yd.project_budget
    actual = yd.basic_actual + yd.project_actual
    d.line(f"附件{number}")
    d.cells(["部门整体支出绩效自评表"])
    d.cells([f"填报单位： （盖章）{dept.name}                 （{year}年度）"])
    d.cells(["部门名称", f"{dept.name} ", "执行数", "资金执行率", "分值", "得分"])
    line = d.cells(
        [
            "年度预算\n申请（万元）",
            f"资金总额：{A.yuan(budget)}",
            A.yuan(actual),
            A.pct(actual, budget, trim=True),
            "10",
            _funds_score(yd),
        ],
        key=("dept_funds",),
    )
    d.money.append(Money(line, "资金总额", budget=budget, actual=actual))
    d.cells(["", "按收入性质分：", "按支出性质分："])
    line = d.cells(
        [
            "",
            f"其中： 一般公共预算收入：{A.yuan(budget)}",
            f" 其中：基本支出：{A.yuan(yd.basic_budget)}",
        ]
    )
    d.cells(
        ["", "政府性基金拨款：", f"项目支出：{A.yuan(yd.project_budget)}"],
        key=("dept_kv", "项目支出"),
    )
    d.cells(["", "纳入专户管理的非税收入拨款：", ""])
    d.cells(["", "其他资金：", ""])
    d.cells(["整体绩效\n目标", yd.dept_goal], key=("dept_goal",))
    weight, score = dept_totals(yd)
    indicator_block(
        d,
        "部门整体支出年度绩效指标",
        yd.dept_indicators,
        ("dept_ind",),
        ["                          总分", weight, score, ""],
        ("dept_total",),
    )
    d.blank()
    d.line(W.TEMPLATE_SIGNATURE)


def render_dept_table_tsv(d: Doc, yd: YearData, number: int) -> None:
    dept, year = yd.dept, yd.year
    budget = yd.basic_budget + yd.project_budget
    actual = yd.basic_actual + yd.project_actual
    d.para(f"附件{number}：{year}年度{dept.name}整体绩效自评表")
    d.para(f"{year}年度部门（单位）整体绩效自评表")
    d.para(f"单位名称（盖章）：{dept.name} 填报日期：")
    d.blank()
    d.tsv(["单位名称", "", dept.name, "", "", "", "", ""])
    d.tsv(
        [
            "基本支出总额",
            "",
            A.yuan(yd.basic_budget),
            "",
            "项目支出总额",
            A.yuan(yd.project_budget),
            "",
            "",
        ]
    )
    d.tsv(
        [
            "预算执行情况（万元）",
            "",
            "",
            "预算数（A）",
            "执行数（B）",
            "执行率（B/A）",
            "分值",
            "得分",
        ]
    )
    line = d.tsv(
        [
            "",
            "",
            "部门整体支出总额",
            A.yuan(budget),
            A.yuan(actual),
            A.pct(actual, budget),
            "10",
            _funds_score(yd),
        ],
        key=("dept_funds",),
    )
    d.money.append(Money(line, "部门整体支出总额", budget=budget, actual=actual))
    d.tsv(["年度目标：", "", yd.dept_goal, "", "", "", "", ""], key=("dept_goal",))
    d.tsv(
        [
            "年度绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年初目标（A）",
            "实际完成值（B）",
            "分值",
            "得分",
        ]
    )
    previous = None
    for i, ind in enumerate(yd.dept_indicators):
        cells = indicator_cells(ind, previous)[:8]
        d.tsv(cells, key=("dept_ind", i))
        previous = ind
    weight, score = dept_totals(yd)
    d.tsv(["总分", "", "", "", "", "", weight, score], key=("dept_total",))
    d.tsv(["偏差大或目标未完成原因分析", "", "", "", "", "", "", ""])
    d.tsv(["改进措施及结果应用方案", "", W.TEMPLATE_MEASURE, "", "", "", "", ""])
