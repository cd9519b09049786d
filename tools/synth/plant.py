"""Red flags planted into a clean department-year, each with the place a check should report.

A plant changes the data (a low actual, a vague indicator value, a copied paragraph, a
wrong total) before the documents are written, and returns :class:`Expect` objects that
find, once the documents exist, the file and line the responsible check reports:

* money plants (E01 E02 B01 B02 V02) are resolved through :mod:`tools.synth.expect`, which
  applies the checks' rules and grouping to the written rows;
* row plants (indicators, scores, rates, totals) point at the anchor of the row;
* copy plants (T01) point at the first place of the copied text, in file then line order.

Plants are dealt category by category from shuffled cycles (:class:`Deck`), so even a small
corpus gets every category; a kind that does not fit a department-year (no final accounts,
no basic-data table, no free project…) waits in its cycle for the next one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tools.synth import amounts as A
from tools.synth import wording as W
from tools.synth.model import Indicator, Project, YearData
from tools.synth.texts import Distinct, compose
from tools.synth.writer import Doc

CATEGORY = {
    "E": "execution",
    "B": "balance",
    "I": "indicator",
    "T": "boilerplate",
    "A": "arithmetic",
    "C": "consistency",
    "V": "coverage",
}

_QUALITATIVE = [
    "{obj}台账资料齐全",
    "{topic}工作规范有序",
    "{people}诉求得到妥善处理",
    "{obj}信息准确无误",
    "{topic}流程公开透明",
]


@dataclass
class Expect:
    check: str
    description: str
    # resolves to (file, line) places once the department-year's documents exist
    resolve: Callable[[dict[str, Doc], list], list[tuple[str, int]]]
    kind: str = "planted"  # or "secondary": a legitimate side effect of the plant


@dataclass
class Plant:
    kind: str
    description: str
    expects: list[Expect] = field(default_factory=list)


@dataclass
class Context:
    """What a department-year's plants share: touched resources, copy sources."""

    year_data: YearData
    rng: random.Random
    distinct: Distinct = field(default_factory=Distinct)
    busy: set = field(default_factory=set)
    problem_pool: list = field(default_factory=list)  # (file, line, text) of earlier reports
    goal_pool: list = field(default_factory=list)
    no_pool: set = field(default_factory=set)  # texts planted here: not copy sources later

    def project(self, need: Callable[[Project], bool] = lambda p: True) -> Project | None:
        free = [
            p for p in self.year_data.projects if f"project:{p.name}" not in self.busy and need(p)
        ]
        if not free:
            return None
        p = self.rng.choice(free)
        self.busy.add(f"project:{p.name}")
        return p

    def take(self, resource: str) -> bool:
        if resource in self.busy:
            return False
        self.busy.add(resource)
        return True


# ---- resolvers -----------------------------------------------------------------------------------


def _project_doc(yd: YearData) -> str:
    return "report" if yd.projects_where == "embedded" else "projects"


def _anchor(kind: str | Callable[[], str], key: tuple | Callable[[], tuple]):
    def resolve(docs: dict[str, Doc], predictions: list) -> list[tuple[str, int]]:
        doc = docs.get(kind() if callable(kind) else kind)
        k = key() if callable(key) else key
        if doc is None or k not in doc.anchors:
            return []
        return [(doc.name, doc.anchors[k])]

    return resolve


def _money(check: str, name: str):
    """Every predicted flag of ``check`` whose rows state project ``name``'s figures."""

    def resolve(docs: dict[str, Doc], predictions: list) -> list[tuple[str, int]]:
        return [(p.file, p.line) for p in predictions if p.check == check and p.involves(name)]

    return resolve


def _first_of(places: Callable[[dict[str, Doc]], list[tuple[str, int]]]):
    def resolve(docs: dict[str, Doc], predictions: list) -> list[tuple[str, int]]:
        found = [p for p in places(docs) if p[1] is not None]
        return [min(found)] if found else []

    return resolve


def _pct(actual: int, budget: int) -> str:
    return A.pct(actual, budget)


def _refresh_funds_score(p: Project) -> None:
    rate = A.rate(p.actual, p.budget)
    score = 10.0 if rate is None else min(float(rate), 100.0) / 10
    p.funds_score = f"{score:.2f}".rstrip("0").rstrip(".")


# ---- execution -----------------------------------------------------------------------------------


def _low_rate(
    ctx: Context, explained: bool, lo: float, hi: float, min_budget: int
) -> Project | None:
    p = ctx.project(lambda p: p.budget >= min_budget)
    if p is None:
        return None
    p.actual = round(p.budget * ctx.rng.uniform(lo, hi))
    _refresh_funds_score(p)
    if explained:
        p.deviation = _deviation(ctx, p)
        p.explanation = f"{p.name}执行率偏低的主要原因是：{p.deviation}"
    return p


def _deviation(ctx: Context, p: Project) -> str:
    """A distinct 偏差原因 text: it is compared across the corpus like any other paragraph."""
    yd = ctx.year_data
    parts = [W.DEVIATION_CAUSES, W.DEVIATION_FOLLOWUPS]
    return compose(
        ctx.distinct, ctx.rng, "deviation", parts, p, yd.dept, yd.year, seps=("，",), key_parts=1
    )


def plant_low_execution(ctx: Context) -> Plant | None:
    p = _low_rate(ctx, True, 0.3, 0.84, 500)
    if p is None:
        return None
    what = f"“{p.name}”执行率 {_pct(p.actual, p.budget)}（已说明原因）"
    return Plant("low_execution", what, [Expect("E01", what, _money("E01", p.name))])


def plant_unexplained_low(ctx: Context) -> Plant | None:
    p = _low_rate(ctx, False, 0.3, 0.84, 500)
    if p is None:
        return None
    what = f"“{p.name}”执行率 {_pct(p.actual, p.budget)}，报告未说明原因"
    return Plant(
        "unexplained_low",
        what,
        [Expect("E01", what, _money("E01", p.name)), Expect("V02", what, _money("V02", p.name))],
    )


def plant_initial_cut(ctx: Context) -> Plant | None:
    """Budget cut mid-year: 100 % of the adjusted budget, far below the initial one."""
    yd = ctx.year_data
    if yd.table_style != "adjust":
        return None
    p = ctx.project(lambda p: p.initial >= 2000 and p.adjustment == 0)
    if p is None:
        return None
    cut = round(p.initial * ctx.rng.uniform(0.2, 0.5))
    p.adjustment = -cut
    p.actual = p.budget
    _refresh_funds_score(p)
    p.deviation = _deviation(ctx, p)
    p.explanation = f"{p.name}年中调减预算 {A.yuan(cut)} 万元，主要原因是：{p.deviation}"
    what = (
        f"“{p.name}”年初预算 {A.yuan(p.initial)} 万元，年中调减后全额执行，"
        f"对年初仅 {_pct(p.actual, p.initial)}"
    )
    return Plant("initial_cut", what, [Expect("E01", what, _money("E01", p.name))])


def plant_overspending(ctx: Context) -> Plant | None:
    p = ctx.project(lambda p: p.budget >= 1000)
    if p is None:
        return None
    p.actual = round(p.budget * ctx.rng.uniform(1.06, 1.35))
    _refresh_funds_score(p)
    what = f"“{p.name}”预算 {A.yuan(p.budget)} 万元，支出 {A.yuan(p.actual)} 万元"
    return Plant("overspending", what, [Expect("E02", what, _money("E02", p.name))])


# ---- balance -------------------------------------------------------------------------------------


def plant_idle_balance(ctx: Context) -> Plant | None:
    p = ctx.project(lambda p: p.adjustment == 0)
    if p is None:
        return None
    if p.initial < 20000:
        p.initial = A.round_to(ctx.rng.randint(20000, 80000), 100)
    p.actual = round(p.budget * ctx.rng.uniform(0.6, 0.86))
    _refresh_funds_score(p)
    p.deviation = _deviation(ctx, p)
    p.explanation = f"{p.name}形成结余的主要原因是：{p.deviation}"
    what = f"“{p.name}”结余 {A.yuan(p.balance)} 万元，占预算的 {_pct(p.balance, p.budget)}"
    return Plant("idle_balance", what, [Expect("B01", what, _money("B01", p.name))])


def plant_unspent_addition(ctx: Context) -> Plant | None:
    p = ctx.project(lambda p: p.initial > 0)
    if p is None:
        return None
    if p.initial < 10000:
        p.initial = A.round_to(ctx.rng.randint(10000, 60000), 100)
    p.adjustment = round(p.initial * ctx.rng.uniform(0.12, 0.15))
    unspent = round(p.adjustment * ctx.rng.uniform(0.55, 0.62))
    p.actual = p.budget - unspent
    _refresh_funds_score(p)
    what = f"“{p.name}”年中追加 {A.yuan(p.adjustment)} 万元，年末未使用 {A.yuan(unspent)} 万元"
    return Plant("unspent_addition", what, [Expect("B02", what, _money("B02", p.name))])


def plant_returned(ctx: Context) -> Plant | None:
    p = ctx.project(lambda p: p.budget >= 300)
    if p is None:
        return None
    if p.balance <= 0:
        p.actual = p.budget - max(1, round(p.budget * ctx.rng.uniform(0.01, 0.05)))
        _refresh_funds_score(p)
    p.returned = f"该项目年末结余 {A.yuan(p.balance)} 万元已由财政收回。"
    what = f"“{p.name}”结余 {A.yuan(p.balance)} 万元被财政收回"
    return Plant(
        "returned", what, [Expect("B03", what, _anchor("report", ("project_paragraph", p.name)))]
    )


# ---- indicators ----------------------------------------------------------------------------------


def _indicator_target(ctx: Context, *, need=lambda ind: True):
    """An indicator of a project table (or the department table): (list, indicator, resolver)."""
    yd = ctx.year_data
    tables: list[tuple[str, list[Indicator], str, Callable]] = []
    for p in yd.projects:
        if p.has_table and p.has_indicators and f"table:{p.name}" not in ctx.busy:
            tables.append((f"table:{p.name}", p.indicators, p.name, None))
    if not yd.no_dept_indicators and "table:dept" not in ctx.busy:
        tables.append(("table:dept", yd.dept_indicators, "", None))
    ctx.rng.shuffle(tables)
    for resource, inds, project, _ in tables:
        candidates = [i for i in inds if not i.placeholder and need(i)]
        if not candidates:
            continue
        ind = ctx.rng.choice(candidates)
        ctx.busy.add(resource)
        if project:
            ctx.busy.add(f"project:{project}")
            resolve = _anchor(
                lambda: _project_doc(yd),
                lambda inds=inds, ind=ind, project=project: (
                    "project_ind",
                    project,
                    inds.index(ind),
                ),
            )
        else:
            resolve = _anchor("report", lambda inds=inds, ind=ind: ("dept_ind", inds.index(ind)))
        return inds, ind, resolve, project
    return None


def _owner(project: str) -> str:
    return f"“{project}”项目" if project else "部门整体"


def plant_vague(ctx: Context) -> Plant | None:
    found = _indicator_target(ctx)
    if found is None:
        return None
    _, ind, resolve, project = found
    n = ctx.rng.randint(120, 980)
    target, actual = ctx.rng.choice(
        [
            ("有效保障", "有效保障"),
            ("≤计划期", "≤计划期"),
            ("较好水平", "达到较好水平"),
            ("基本达标", "达标"),
            ("发挥作用", "已发挥作用"),
            (
                "通过项目实施，进一步提升服务质量和群众满意程度",
                "服务质量和群众满意程度进一步提升，达到预期",
            ),
            (str(n), str(n)),
        ]
    )
    ind.target, ind.actual = target, actual
    what = f"{_owner(project)}指标“{ind.name}”指标值模糊：{target} / {actual}"
    return Plant("vague", what, [Expect("I01", what, resolve)])


def plant_placeholder(ctx: Context) -> Plant | None:
    found = _indicator_target(ctx)
    if found is None:
        return None
    inds, ind, _, project = found
    # a “……” row is a blank slot of the form, not a finding once the table is filled in
    name, value = ctx.rng.choice([("暂无", ""), ("无", "无")])
    hole = Indicator("", "", name, value, value, "", "", placeholder=True)
    inds.insert(inds.index(ind) + 1, hole)
    yd = ctx.year_data
    if project:
        resolve = _anchor(
            lambda: _project_doc(yd), lambda: ("project_ind", project, inds.index(hole))
        )
    else:
        resolve = _anchor("report", lambda: ("dept_ind", inds.index(hole)))
    what = f"{_owner(project)}指标表留有占位行“{name}”"
    return Plant("placeholder", what, [Expect("I02", what, resolve)])


def plant_restated(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    found = _indicator_target(ctx)
    if found is None:
        return None
    _, ind, resolve, project = found
    source = next((p for p in yd.projects if p.name == project), yd.projects[0])
    text = ctx.rng.choice(_QUALITATIVE).format(
        obj=source.obj, topic=source.topic, people=source.people
    )
    ind.target = text
    ind.actual = text if ctx.rng.random() < 0.6 else "100%"
    what = f"{_owner(project)}指标“{ind.name}”实际完成值照抄定性目标：{ind.target} / {ind.actual}"
    return Plant("restated", what, [Expect("I03", what, resolve)])


def plant_structure(ctx: Context) -> Plant | None:
    found = _indicator_target(ctx, need=lambda i: i.level1 == "产出指标")
    if found is None:
        return None
    inds, ind, resolve, project = found
    variant = ctx.rng.randrange(5)
    yd = ctx.year_data
    if variant == 0:
        # filed under 产出 on its own row: a merged (blank) 一级 cell would be read as 效益
        ind.level2 = ctx.rng.choice(["社会效益指标", "经济效益指标"])
        ind.level1_printed = True
        what = f"{_owner(project)}指标“{ind.name}”的二级指标“{ind.level2}”挂在产出指标下"
    elif variant == 1:
        ind.name = ind.level2
        ind.target = f"≥{ctx.rng.randint(101, 999)}{ctx.rng.choice(['次', '人次', '件', '户'])}"
        ind.actual = ind.target.lstrip("≥")
        what = f"{_owner(project)}三级指标名称照搬二级指标“{ind.level2}”"
    elif variant == 2:
        other = next((i for i in inds if i is not ind and not i.placeholder), None)
        if other is None:
            return None
        ind.name = f"{ind.name}；{other.name}"
        what = f"{_owner(project)}一个单元格填写了两个指标“{ind.name}”"
    elif variant == 3:
        source = next((p for p in yd.projects if p.name == project), yd.projects[0])
        ind.name = f"{source.topic}项目资金拨付率"
        ind.target, ind.actual = f"≥{ctx.rng.choice([90, 95, 98])}%", "100%"
        what = f"{_owner(project)}产出指标填写资金投入“{ind.name}”"
    else:
        benefit = [i for i in inds if i.level1 == "效益指标"]
        points = sum(int(float(i.weight)) for i in benefit)
        for i in benefit:
            inds.remove(i)
        outputs = [i for i in inds if i.level1 == "产出指标" and not i.placeholder]
        for i, extra in zip(outputs, A.apportion(points, [1] * len(outputs)), strict=True):
            i.weight = f"{float(i.weight) + extra:g}"
            i.score = f"{float(i.score) + extra:g}"
        first = next(i for i in inds if not i.placeholder)
        if project:
            resolve = _anchor(
                lambda: _project_doc(yd), lambda: ("project_ind", project, inds.index(first))
            )
        else:
            resolve = _anchor("report", lambda: ("dept_ind", inds.index(first)))
        what = f"{_owner(project)}指标表缺少效益指标"
    return Plant("structure", what, [Expect("I04", what, resolve)])


# ---- boilerplate ---------------------------------------------------------------------------------


def plant_copied_problem(ctx: Context) -> Plant | None:
    if not ctx.problem_pool or not ctx.take("problems"):
        return None
    yd = ctx.year_data
    source = ctx.problem_pool.pop(ctx.rng.randrange(len(ctx.problem_pool)))
    yd.extra_problem = source[2]
    ctx.no_pool.add(source[2])
    what = f"存在问题段落照抄 {source[0]} 第 {source[1]} 行"

    def places(docs):
        doc = docs["report"]
        return [(source[0], source[1]), (doc.name, doc.anchors.get(("extra_problem",)))]

    return Plant("copied_problem", what, [Expect("T01", what, _first_of(places))])


def plant_copied_goal(ctx: Context) -> Plant | None:
    if not ctx.goal_pool:
        return None
    yd = ctx.year_data
    p = ctx.project(lambda p: p.has_table)
    if p is None:
        return None
    ctx.busy.add(f"table:{p.name}")
    source = ctx.goal_pool.pop(ctx.rng.randrange(len(ctx.goal_pool)))
    p.goal = source[2]
    ctx.no_pool.add(p.goal)
    what = f"“{p.name}”预期目标照抄 {source[0]} 第 {source[1]} 行"

    def places(docs):
        doc = docs[_project_doc(yd)]
        return [(source[0], source[1]), (doc.name, doc.anchors.get(("project_goal", p.name)))]

    return Plant("copied_goal", what, [Expect("T01", what, _first_of(places))])


def plant_copied_indicator(ctx: Context) -> Plant | None:
    """The same indicator (name and value) in three tables of one department-year."""
    yd = ctx.year_data
    tables = [
        (p.name, p.indicators)
        for p in yd.projects
        if p.has_table and p.has_indicators and f"table:{p.name}" not in ctx.busy
    ]
    if not yd.no_dept_indicators and "table:dept" not in ctx.busy:
        tables.append(("", yd.dept_indicators))
    tables = [(n, inds) for n, inds in tables if any(i.level2 == "数量指标" for i in inds)]
    if len(tables) < 3:
        return None
    ctx.rng.shuffle(tables)
    chosen = tables[:3]
    template = next(i for i in chosen[0][1] if i.level2 == "数量指标")
    targets = []
    for name, inds in chosen:
        ctx.busy.add(f"table:{name}" if name else "table:dept")
        if name:
            ctx.busy.add(f"project:{name}")
        ind = next(i for i in inds if i.level2 == "数量指标")
        ind.name, ind.target, ind.actual = template.name, template.target, template.actual
        targets.append((name, inds, ind))
    what = f"指标“{template.name}：{template.target}”在 3 张指标表中重复"

    def places(docs):
        out = []
        for name, inds, ind in targets:
            if name:
                doc = docs[_project_doc(yd)]
                out.append((doc.name, doc.anchors.get(("project_ind", name, inds.index(ind)))))
            else:
                doc = docs["report"]
                out.append((doc.name, doc.anchors.get(("dept_ind", inds.index(ind)))))
        return out

    return Plant("copied_indicator", what, [Expect("T01", what, _first_of(places))])


def plant_goal_as_result(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    p = ctx.project(lambda p: p.has_table)
    if p is None:
        return None
    ctx.busy.add(f"table:{p.name}")
    p.done = p.goal
    ctx.no_pool.add(p.goal)
    what = f"“{p.name}”实际完成情况照抄预期目标"
    return Plant(
        "goal_as_result",
        what,
        [Expect("T02", what, _anchor(lambda: _project_doc(yd), ("project_done", p.name)))],
    )


# ---- arithmetic ----------------------------------------------------------------------------------


def plant_sum_mismatch(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    rng = ctx.rng
    choices = ["project", "basic"] + (["final"] if yd.has_final_accounts else [])
    where = rng.choice(choices)
    if not ctx.take(f"total:{where}"):
        return None
    delta = rng.randint(50, 3000)
    if where == "final":
        from tools.synth.accounts import accounts_tree

        leaves = [
            (kuan, leaf)
            for cls in accounts_tree(yd)
            for kuan in cls.children
            if len(kuan.children) > 1
            for leaf in kuan.children
        ]
        if not leaves:
            return None
        kuan, leaf = rng.choice(leaves)
        code = leaf.code

        def finish_final() -> None:  # the leaf's amount once every plant has changed actuals
            now = {
                n.code: n.total for c in accounts_tree(yd) for k in c.children for n in k.children
            }
            yd.final_accounts["override"] = {code: now[code] + delta}

        yd.finishers.append(finish_final)
        what = (
            f"决算支出表 {leaf.code} {leaf.name} 与上级科目 {kuan.code} 之差 {A.yuan(delta)} 万元"
        )
        return Plant(
            "sum_mismatch", what, [Expect("A01", what, _anchor("final", ("fa03", kuan.code)))]
        )
    override = yd.project_total_override if where == "project" else yd.basic_total_override
    lines = yd.projects if where == "project" else yd.basic
    label = "项目" if where == "project" else "基本"
    plant = Plant("sum_mismatch", f"{label}支出表合计行执行数与分项之和不符")

    def finish() -> None:  # after every plant: the actuals are final now
        budget = sum(x.budget for x in lines)
        actual = sum(x.actual for x in lines)
        size = max(50, round(actual * rng.uniform(0.005, 0.03)))
        up = budget - actual >= size and (rng.random() < 0.5 or actual <= 2 * size)
        override["actual_delta"] = size if up else -size
        plant.description = f"{label}支出表合计行执行数与分项之和相差 {A.yuan(size)} 万元"
        plant.expects[0].description = plant.description

    plant.expects.append(Expect("A01", plant.description, _anchor("report", (where, "__total__"))))
    yd.finishers.append(finish)
    return plant


def plant_rate_mismatch(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    rng = ctx.rng
    variant = rng.randrange(3)
    if variant == 2 and yd.has_basic_data and ctx.take("staff"):
        true = A.rate(yd.staff_in_post, yd.dept.posts)
        wrong = (
            min(100.0, float(true) + rng.uniform(6, 20))
            if true < 90
            else float(true) - rng.uniform(8, 20)
        )
        yd.stated_staff_rate = f"{wrong:.2f}%"
        what = f"人员控制率写作 {yd.stated_staff_rate}，按 {yd.staff_in_post}/{yd.dept.posts} 应为 {true}%"
        return Plant(
            "rate_mismatch", what, [Expect("A02", what, _anchor("report", ("staff_row",)))]
        )
    p = ctx.project(lambda p: p.budget >= 200)
    if p is None:
        return None
    if variant == 1:
        shift = (
            rng.randint(300, 900)
            if p.balance * 10 < p.budget
            else -rng.randint(5, max(6, p.balance))
        )
        p.stated_balance = max(0, p.balance + shift)
        if p.stated_balance == p.balance:
            p.stated_balance = p.balance + 300
        what = f"“{p.name}”所列结余 {A.yuan(p.stated_balance)} 万元 ≠ 预算 − 执行"
        side = "分项结余之和因此与合计行不符"
        return Plant(
            "rate_mismatch",
            what,
            [
                Expect("A02", what, _anchor("report", ("project", p.name))),
                Expect("A01", side, _anchor("report", ("project", "__total__")), "secondary"),
            ],
        )
    else:
        true = float(A.rate(p.actual, p.budget))
        wrong = true - rng.uniform(4, 20) if true > 50 else true + rng.uniform(4, 20)
        p.stated_rate = f"{wrong:.2f}%"
        what = f"“{p.name}”所列执行率 {p.stated_rate}，按数字应为 {true:.2f}%"
    return Plant(
        "rate_mismatch", what, [Expect("A02", what, _anchor("report", ("project", p.name)))]
    )


def plant_score_over_weight(ctx: Context) -> Plant | None:
    found = _indicator_target(ctx, need=lambda i: i.weight not in ("", None))
    if found is None:
        return None
    _, ind, resolve, project = found
    ind.score = f"{float(ind.weight) + ctx.rng.randint(1, 3):g}"
    what = f"{_owner(project)}指标“{ind.name}”得分 {ind.score} 超过分值 {ind.weight}"
    return Plant("score_over_weight", what, [Expect("A03", what, resolve)])


def plant_total_mismatch(ctx: Context) -> Plant | None:
    from tools.synth.layouts import dept_totals
    from tools.synth.projects import project_totals

    yd = ctx.year_data
    delta = ctx.rng.choice([1, 2, 3, 5, -1, -2, -3])
    p = ctx.project(lambda p: p.has_table and p.has_indicators and p.table_layout != "tsv_noscore")
    if p is not None:
        ctx.busy.add(f"table:{p.name}")
        p.total_score = "pending"
        what = f"“{p.name}”指标表总分与各项得分之和相差 {delta}"

        def finish() -> None:
            p.total_score = None
            p.total_score = f"{float(project_totals(p)[1]) + delta:g}"

        plant = Plant(
            "total_mismatch",
            what,
            [Expect("A03", what, _anchor(lambda: _project_doc(yd), ("project_total", p.name)))],
        )
    elif not yd.no_dept_indicators and ctx.take("table:dept"):
        what = f"部门整体指标表总分与各项得分之和相差 {delta}"

        def finish() -> None:
            yd.dept_total_score = None
            yd.dept_total_score = f"{float(dept_totals(yd)[1]) + delta:g}"

        plant = Plant(
            "total_mismatch", what, [Expect("A03", what, _anchor("report", ("dept_total",)))]
        )
    else:
        return None
    yd.finishers.append(finish)
    return plant


# ---- consistency ---------------------------------------------------------------------------------


def plant_figure_conflict(ctx: Context) -> Plant | None:
    # both figures printed with a non-zero last decimal: C01 reads 62.00 as 62 and then
    # forgives any difference below 1 万元 (see the report of this generator)
    p = ctx.project(
        lambda p: p.adjustment == 0 and p.initial > 0 and p.actual >= 1000 and p.actual % 10
    )
    if p is None:
        return None
    rng = ctx.rng
    if p.actual < p.budget and rng.random() < 0.5:
        new = min(p.budget, p.actual + max(1, round(p.actual * rng.uniform(0.005, 0.03))))
    else:
        new = p.actual - max(1, round(p.actual * rng.uniform(0.005, 0.03)))
    if new < p.budget * 0.91:
        new = p.actual - 1
    if new % 10 == 0:
        new -= 1
    if new == p.actual or new > p.budget:
        return None
    p.prose_actual = new
    what = f"“{p.name}”执行数表格 {A.yuan(p.actual)} 万元、正文 {A.yuan(new)} 万元"

    def places(docs):
        doc = docs["report"]
        return [
            (doc.name, m.line)
            for m in doc.money
            if m.item == p.name and m.actual is not None and m.row_kind == "item"
        ]

    return Plant("figure_conflict", what, [Expect("C01", what, _first_of(places))])


def plant_mention_conflict(ctx: Context) -> Plant | None:
    p = ctx.project(lambda p: p.actual >= 2000)
    if p is None:
        return None
    rng = ctx.rng
    for _ in range(20):
        factor = 1 + rng.choice([1, -1]) * rng.uniform(0.04, 0.15)
        mention = round(p.actual * factor)
        if mention % 10 == 0:  # a printed 28.00 reads as 28, which C01 compares to the yuan
            mention += 3
        if all(abs(mention - f) > 100 for f in (p.actual, p.budget, p.initial)):
            break
    else:
        return None
    p.mention = mention
    what = f"正文写“{p.name}{A.yuan(mention, trim=True)}万元”，表中执行数 {A.yuan(p.actual)} 万元"
    return Plant(
        "mention_conflict", what, [Expect("C01", what, _anchor("report", ("mention", p.name)))]
    )


def plant_staff_conflict(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    if not yd.has_basic_data or not ctx.take("staff"):
        return None
    yd.stated_posts = yd.dept.posts + ctx.rng.choice([-8, -5, -3, -2, 2, 3, 6, 10])
    if yd.stated_posts < yd.staff_in_post:
        yd.stated_posts = yd.dept.posts + 4
    what = f"正文编制数 {yd.stated_posts} 人，基础数据表 {yd.dept.posts} 人"
    return Plant("staff_conflict", what, [Expect("C01", what, _anchor("report", ("staff",)))])


def plant_change_conflict(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    if not ctx.take("change"):
        return None
    if not yd.change_statements:
        delta = yd.basic_actual - yd.prior_basic
        if delta == 0 or yd.prior_basic <= 0:
            return None
        yd.change_statements.append(
            {
                "id": "basic",
                "where": "report",
                "form": "report",
                "lead": f"{yd.year}年度基本支出",
                "year": yd.year,
                "amount": yd.basic_actual,
                "delta": delta,
                "pct": A.pct(abs(delta), yd.prior_basic)[:-1],
                "cause": "人员经费相应调整",
            }
        )
    statement = ctx.rng.choice(yd.change_statements)
    true = float(statement["pct"])
    wrong = true + ctx.rng.choice([1, -1]) * ctx.rng.uniform(1.5, 6)
    if wrong <= 0:
        wrong = true + ctx.rng.uniform(1.5, 6)
    if ctx.rng.random() < 0.5:
        statement["pct"] = f"{wrong:.2f}"
        target = statement
    else:  # the same change stated twice, the second time with another rate
        target = {**statement, "id": statement["id"] + "-again", "pct": f"{wrong:.2f}"}
        yd.change_statements.append(target)
    doc = "final" if target["where"] == "final" else "report"
    what = (
        f"同比变化 {A.yuan(abs(target['delta']))} 万元写作 {target['pct']}%，按金额应为 {true:.2f}%"
    )
    return Plant(
        "change_conflict", what, [Expect("C02", what, _anchor(doc, ("change", target["id"])))]
    )


# ---- coverage ------------------------------------------------------------------------------------


def plant_missing_indicators(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    if ctx.rng.random() < 0.5 and ctx.take("table:dept") and ctx.take("coverage"):
        yd.no_dept_indicators = True
        yd.projects_where = "separate"
        what = "整体自评报告没有任何绩效指标表"
        return Plant(
            "missing_indicators", what, [Expect("V01", what, _anchor("report", ("overall",)))]
        )
    p = ctx.project(lambda p: p.has_table)
    if p is None:
        return None
    ctx.busy.add(f"table:{p.name}")
    p.has_indicators = False
    what = f"“{p.name}”项目自评表没有绩效指标"
    return Plant(
        "missing_indicators",
        what,
        [Expect("V01", what, _anchor(lambda: _project_doc(yd), ("project_funds", p.name)))],
    )


def plant_low_coverage(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    if len(yd.projects) < 2 or not (yd.has_basic_data or yd.dept_table_layout == "cells"):
        return None
    if yd.no_dept_indicators and not yd.has_basic_data:
        return None
    biggest = sorted(yd.projects, key=lambda p: -p.budget)
    total = sum(p.budget for p in yd.projects)
    dropped, covered = [], total
    for p in biggest:
        if covered <= 0.7 * total:
            break
        if f"project:{p.name}" in ctx.busy or len(dropped) == len(yd.projects) - 1:
            return None
        dropped.append(p)
        covered -= p.budget
    if covered > 0.7 * total or not ctx.take("coverage"):
        return None
    for p in dropped:
        ctx.busy.add(f"project:{p.name}")
        ctx.busy.add(f"table:{p.name}")
        p.has_table = False
    yd.projects_where = "embedded"
    what = f"项目自评表只覆盖项目支出的 {_pct(covered, total)}"
    key = ("basic_data", "项目支出") if yd.has_basic_data else ("dept_kv", "项目支出")
    return Plant("low_coverage", what, [Expect("V03", what, _anchor("report", key))])


def plant_missing_scores(ctx: Context) -> Plant | None:
    yd = ctx.year_data
    if not ctx.take("noscore"):
        return None
    p = ctx.project(lambda p: p.has_table and p.has_indicators and len(p.indicators) >= 2)
    if p is None:
        return None
    ctx.busy.add(f"table:{p.name}")
    p.table_layout = "tsv_noscore"
    what = f"“{p.name}”项目自评表没有分值和得分"
    return Plant(
        "missing_scores",
        what,
        [Expect("V04", what, _anchor(lambda: _project_doc(yd), ("project_ind", p.name, 0)))],
    )


PLANTS: dict[str, Callable[[Context], Plant | None]] = {
    "low_execution": plant_low_execution,
    "initial_cut": plant_initial_cut,
    "overspending": plant_overspending,
    "idle_balance": plant_idle_balance,
    "unspent_addition": plant_unspent_addition,
    "returned": plant_returned,
    "vague": plant_vague,
    "placeholder": plant_placeholder,
    "restated": plant_restated,
    "structure": plant_structure,
    "copied_problem": plant_copied_problem,
    "copied_goal": plant_copied_goal,
    "copied_indicator": plant_copied_indicator,
    "goal_as_result": plant_goal_as_result,
    "sum_mismatch": plant_sum_mismatch,
    "rate_mismatch": plant_rate_mismatch,
    "score_over_weight": plant_score_over_weight,
    "total_mismatch": plant_total_mismatch,
    "figure_conflict": plant_figure_conflict,
    "mention_conflict": plant_mention_conflict,
    "staff_conflict": plant_staff_conflict,
    "change_conflict": plant_change_conflict,
    "unexplained_low": plant_unexplained_low,
    "missing_indicators": plant_missing_indicators,
    "low_coverage": plant_low_coverage,
    "missing_scores": plant_missing_scores,
}
KINDS: dict[str, list[str]] = {
    "execution": ["low_execution", "initial_cut", "overspending"],
    "balance": ["idle_balance", "unspent_addition", "returned"],
    "indicator": ["vague", "placeholder", "restated", "structure"],
    "boilerplate": ["copied_problem", "copied_goal", "copied_indicator", "goal_as_result"],
    "arithmetic": ["sum_mismatch", "rate_mismatch", "score_over_weight", "total_mismatch"],
    "consistency": ["figure_conflict", "mention_conflict", "staff_conflict", "change_conflict"],
    "coverage": ["unexplained_low", "missing_indicators", "low_coverage", "missing_scores"],
}


class Deck:
    """Categories in a shuffled cycle, and each category's kinds in a cycle of their own.

    Even a small corpus gets every category, and every kind turns up in turn. A kind that
    does not fit a department-year stays in its cycle for the next one; a category none of
    whose kinds fit goes back to the front of the category cycle.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.categories: list[str] = []
        self.kinds: dict[str, list[str]] = {c: [] for c in KINDS}

    def _kind_cycle(self, category: str) -> list[str]:
        if not self.kinds[category]:
            self.kinds[category] = list(KINDS[category])
            self.rng.shuffle(self.kinds[category])
        return self.kinds[category]

    def deal(self, ctx: Context, n: int) -> list[Plant]:
        wanted = []
        for _ in range(n):
            if not self.categories:
                self.categories = list(KINDS)
                self.rng.shuffle(self.categories)
            wanted.append(self.categories.pop(0))
        # coverage first: it decides which tables exist before other plants change rows
        wanted.sort(key=lambda c: c != "coverage")
        plants: list[Plant] = []
        deferred: list[str] = []
        for category in wanted:
            cycle = self._kind_cycle(category)
            for kind in list(cycle):
                plant = PLANTS[kind](ctx)
                if plant is not None:
                    cycle.remove(kind)
                    plants.append(plant)
                    break
            else:
                deferred.append(category)
        self.categories = deferred + self.categories
        return plants
