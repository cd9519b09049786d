"""The final-accounts disclosure (部门决算公开) in the layout of sample 003.

公开01表 (income and spending by class), 公开03表 支出决算表 and sometimes 公开05表 by
functional code (类 3 digits, 款 5, 项 7; every parent is the sum of its children), then
the explanations with their own figures: totals, a year-on-year change, each 项 against its
budget, and the “三公” funds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tools.synth import amounts as A
from tools.synth import wording as W
from tools.synth.model import YearData
from tools.synth.writer import Doc, Money


@dataclass
class Node:
    code: str
    name: str
    basic: int = 0
    project: int = 0
    budget: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.basic + self.project


def accounts_tree(yd: YearData) -> list[Node]:
    """类 nodes with 款 and 项 children; amounts are the year's actual spending (cents)."""
    c3, cname, c5, kname, other = W.DOMAINS[yd.dept.domain]["class"]
    basic_parts = A.apportion(yd.basic_actual, [70, 10, 4, 6, 10])
    n_proj = 2 if len(yd.projects) >= 2 else 1
    project_parts = A.apportion(yd.project_actual, [60, 40][:n_proj])
    leaves = [
        (c3, cname, c5, kname, c5 + "01", "行政运行", basic_parts[0], 0),
        (c3, cname, c5, kname, c5 + "02", "一般行政管理事务", 0, project_parts[0]),
    ]
    if n_proj == 2:
        leaves.append((c3, cname, c5, kname, c5 + "99", other, 0, project_parts[1]))
    for (b3, bname, b5, bkname, b7, b7name), part in zip(
        W.BASIC_CODES, basic_parts[1:], strict=True
    ):
        leaves.append((b3, bname, b5, bkname, b7, b7name, part, 0))
    budget = yd.basic_budget + yd.project_budget
    actual = yd.basic_actual + yd.project_actual
    balances = A.apportion(budget - actual, [basic + project for *_, basic, project in leaves])
    classes: dict[str, Node] = {}
    for (k3, n3, k5, n5, k7, n7, basic, project), balance in zip(leaves, balances, strict=True):
        cls = classes.setdefault(k3, Node(k3, n3))
        kuan = next((k for k in cls.children if k.code == k5), None)
        if kuan is None:
            kuan = Node(k5, n5)
            cls.children.append(kuan)
        kuan.children.append(Node(k7, n7, basic, project, basic + project + balance))
    out = []
    for cls in sorted(classes.values(), key=lambda n: n.code):
        cls.children.sort(key=lambda n: n.code)
        for kuan in cls.children:
            kuan.children.sort(key=lambda n: n.code)
            kuan.basic = sum(n.basic for n in kuan.children)
            kuan.project = sum(n.project for n in kuan.children)
            kuan.budget = sum(n.budget for n in kuan.children)
        cls.basic = sum(n.basic for n in cls.children)
        cls.project = sum(n.project for n in cls.children)
        cls.budget = sum(n.budget for n in cls.children)
        out.append(cls)
    return out


def _v(cents: int) -> str:
    return A.yuan(cents) if cents else ""


def _rows(tree: list[Node]):
    for cls in tree:
        yield cls
        for kuan in cls.children:
            yield kuan
            yield from kuan.children


def render_final_accounts(yd: YearData, rng: random.Random) -> Doc:
    dept, year = yd.dept, yd.year
    d = Doc(f"{dept.code}_{year}_final.txt", "final")
    tree = accounts_tree(yd)
    override: dict[str, int] = yd.final_accounts.get("override", {})
    total = sum(c.total for c in tree)
    basic = sum(c.basic for c in tree)
    project = sum(c.project for c in tree)
    d.blank(2)
    d.line(f"{year}年度{dept.name}部门决算公开")
    d.para(f"{year + 1}年{rng.randint(5, 9)}月{rng.randint(1, 28):02d}日")
    d.para(f"第一部分 {dept.name}概况")
    d.para("一、部门主要职能")
    for i, duty in enumerate(dept.duties[:4], 1):
        d.para(f"（{W.cn_number(i)}）{duty}；")
    d.para("二、部门决算单位构成")
    d.para(f"从单位构成看，{dept.name}部门决算由纳入独立核算的单位本级决算组成。")
    d.para(f"第二部分 {dept.name}{year}年度部门决算表")
    _table_01(d, yd, tree, total)
    _table_03(d, yd, tree, total, basic, project, override)
    if not override and rng.random() < 0.5:
        _table_05(d, yd, tree, total, basic, project)
    d.para(f"第三部分 {dept.name}{year}年度部门决算情况说明")
    _explanations(d, yd, tree, total, basic, project, override)
    d.para("第四部分 名词解释")
    d.para("（一）一般公共预算财政拨款收入：指本级财政一般公共预算当年拨付的资金。")
    d.para("（二）基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。")
    d.para("（三）项目支出：指在基本支出之外为完成特定行政任务或事业发展目标所发生的支出。")
    d.para(f"本单位咨询电话：0{rng.randint(710, 799)}-{rng.randint(80000000, 89999999)}")
    return d


def _header(d: Doc, yd: YearData, title: str, number: str) -> None:
    d.para(f"{yd.year}年度{title}")
    d.para(f"公开{number}表")
    d.para(f"部门：{yd.dept.name}")
    d.para("金额单位：万元")
    d.blank()


def _table_01(d: Doc, yd: YearData, tree: list[Node], total: int) -> None:
    _header(d, yd, "收入支出决算总表", "01")
    by_name = {c.name: c.total for c in tree}
    income = [
        "一、一般公共预算财政拨款收入",
        "二、政府性基金预算财政拨款收入",
        "三、国有资本经营预算财政拨款收入",
        "四、上级补助收入",
        "五、事业收入",
        "六、经营收入",
        "七、附属单位上缴收入",
        "八、其他收入",
    ]
    d.tsv(["收入", "", "", "支出", "", ""])
    d.tsv(["项目", "行次", "金额", "项目", "行次", "金额"])
    d.tsv(["栏次", "", "1", "栏次", "", "2"])
    n = len(W.CLASS_NAMES_01)
    for i, name in enumerate(W.CLASS_NAMES_01):
        left = income[i] if i < len(income) else ""
        amount = A.yuan(total) if i == 0 else ""
        right = f"{W.cn_number(i + 1)}、{name}"
        value = _v(by_name.get(name, 0))
        d.tsv([left, str(i + 1), amount, right, str(n + 5 + i), value])
    d.tsv(
        ["本年收入合计", str(n + 1), A.yuan(total), "本年支出合计", str(2 * n + 5), A.yuan(total)]
    )
    d.tsv(["使用非财政拨款结余", str(n + 2), "", "结余分配", str(2 * n + 6), ""])
    d.tsv(["年初结转和结余", str(n + 3), "", "年末结转和结余", str(2 * n + 7), ""])
    d.tsv(["总计", str(n + 4), A.yuan(total), "总计", str(2 * n + 8), A.yuan(total)])
    d.para("注：1. 本表反映部门本年度的总收支和年末结转结余情况。")
    d.para("2. 本套报表金额单位转换时可能存在尾数误差。")


def _table_03(d: Doc, yd: YearData, tree, total, basic, project, override: dict) -> None:
    _header(d, yd, "支出决算表", "03")
    d.tsv(
        [
            "项目",
            "",
            "本年支出合计",
            "基本支出",
            "项目支出",
            "上缴上级支出",
            "经营支出",
            "对附属单位补助支出",
        ]
    )
    d.tsv(["功能分类科目编码", "科目名称", "", "", "", "", "", ""])
    d.tsv(["类款项", "栏次", "1", "2", "3", "4", "5", "6"])
    d.tsv(["", "合计", A.yuan(total), _v(basic), _v(project), "", "", ""])
    for node in _rows(tree):
        stated = override.get(node.code, node.total)
        d.tsv(
            [node.code, node.name, A.yuan(stated), _v(node.basic), _v(node.project), "", "", ""],
            key=("fa03", node.code),
        )
    d.para("注：本表反映部门本年度各项支出情况。")


def _table_05(d: Doc, yd: YearData, tree, total, basic, project) -> None:
    _header(d, yd, "一般公共预算财政拨款支出决算表", "05")
    d.tsv(["项目", "", "本年支出", "", ""])
    d.tsv(["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"])
    d.tsv(["类款项", "栏次", "1", "2", "3"])
    d.tsv(["", "合计", A.yuan(total), _v(basic), _v(project)])
    for node in _rows(tree):
        d.tsv([node.code, node.name, A.yuan(node.total), _v(node.basic), _v(node.project)])
    d.para("注：本表反映部门本年度一般公共预算财政拨款支出情况。")


def change_text(statement: dict) -> str:
    """One sentence stating a year-on-year change: amount, change and growth rate together."""
    up = statement["delta"] >= 0
    amount = A.yuan(statement["amount"], trim=True)
    delta = A.yuan(abs(statement["delta"]), trim=True)
    verb, rate_verb = ("增加", "增长") if up else ("减少", "下降")
    if statement["form"] == "final":
        head = (
            f"{statement['year']}年度收、支总计{amount}万元，与{statement['year'] - 1}年度相比，"
            f"收、支总计各{verb}"
        )
    else:
        head = f"{statement['lead']}{amount}万元，比上年{verb}"
    return f"{head}{delta}万元，{rate_verb}{statement['pct']}%，主要是{statement['cause']}。"


def _as_printed(statement: dict, yd: YearData, total: int) -> dict:
    """The 收、支总计 change as the tables print it: a plant elsewhere (a mid-year cut) may have
    moved this year's spending after the sentence was made; a planted wrong rate stays wrong."""
    prior = yd.prior_basic + yd.prior_project
    if statement["amount"] == total or prior <= 0:
        return statement
    right = A.pct(abs(statement["delta"]), prior)[:-1]
    delta = total - prior
    pct = A.pct(abs(delta), prior)[:-1] if statement["pct"] == right else statement["pct"]
    return {**statement, "amount": total, "delta": delta, "pct": pct}


def _explanations(d: Doc, yd: YearData, tree, total, basic, project, override: dict) -> None:
    year = yd.year
    budget = sum(c.budget for c in tree)
    d.para("一、收入支出决算总体情况说明")
    for statement in yd.change_statements:
        if statement["where"] == "final":
            d.para(change_text(_as_printed(statement, yd, total)), key=("change", statement["id"]))
    d.para("二、收入决算情况说明")
    d.para(
        f"{year}年度收入合计{A.yuan(total, trim=True)}万元，其中：财政拨款收入"
        f"{A.yuan(total, trim=True)}万元，占本年收入100%。"
    )
    d.para("三、支出决算情况说明")
    d.para(
        f"{year}年度支出合计{A.yuan(total, trim=True)}万元，其中：基本支出{A.yuan(basic, trim=True)}"
        f"万元，占本年支出{A.pct(basic, total, trim=True)}；项目支出{A.yuan(project, trim=True)}万元，"
        f"占本年支出{A.pct(project, total, trim=True)}。"
    )
    d.para("（一）财政拨款收入支出决算总体情况说明")
    d.para("本部门财政拨款收入支出决算总体情况详见财政拨款收入支出决算总表。")
    d.para("四、一般公共预算财政拨款支出决算情况说明")
    line = d.para(
        f"{year}年度一般公共预算财政拨款支出预算为{A.yuan(budget, trim=True)}万元，支出决算为"
        f"{A.yuan(total, trim=True)}万元，完成预算的{A.pct(total, budget, trim=True)}。"
    )
    d.money.append(
        Money(line, "一般公共预算财政拨款支出", budget=budget, actual=total, origin="prose")
    )
    i = 0
    for cls in tree:
        for kuan in cls.children:
            for leaf in kuan.children:
                if leaf.code in override or leaf.budget <= 0:
                    continue
                i += 1
                line = d.para(
                    f"{i}. {cls.name}(类){kuan.name}(款){leaf.name}(项)。预算为"
                    f"{A.yuan(leaf.budget, trim=True)}万元，支出决算为{A.yuan(leaf.total, trim=True)}万元，"
                    f"完成预算的{A.pct(leaf.total, leaf.budget, trim=True)}。"
                )
                d.money.append(
                    Money(line, leaf.name, budget=leaf.budget, actual=leaf.total, origin="prose")
                )
    s = yd.sangong
    s_budget, s_actual = sum(x.budget for x in s), sum(x.actual for x in s)
    d.para("（二）一般公共预算财政拨款基本支出决算情况说明")
    d.para("一般公共预算财政拨款基本支出用于人员经费和公用经费，明细见基本支出决算表。")
    d.para("五、财政拨款“三公”经费支出决算情况说明")
    d.para(
        f"{year}年度“三公”经费财政拨款支出预算为{A.yuan(s_budget, trim=True)}万元，支出决算为"
        f"{A.yuan(s_actual, trim=True)}万元，完成预算的{A.pct(s_actual, s_budget, trim=True)}。"
        f"其中：因公出国（境）费{A.yuan(s[2].actual, trim=True)}万元，公务用车购置及运行维护费"
        f"{A.yuan(s[0].actual, trim=True)}万元，公务接待费{A.yuan(s[1].actual, trim=True)}万元。"
    )
    d.para("六、预算绩效情况说明")
    d.para(
        f"根据预算绩效管理要求，本部门组织对{year}年度一般公共预算项目支出全面开展绩效自评，"
        f"共涉及项目{len(yd.projects)}个，占一般公共预算项目支出总额的100%。"
    )
    # the parts every published 决算说明 carries under 其他重要事项, without figures the checks read
    d.para("七、其他重要事项的情况说明")
    d.para("（一）机关运行经费支出情况")
    d.para("本部门机关运行经费支出情况详见基本支出决算表。")
    d.para("（二）政府采购支出情况")
    d.para("本部门政府采购支出情况详见政府采购情况表。")
    d.para("（三）国有资产占用情况")
    d.para("本部门国有资产占用情况详见国有资产占用情况表。")
