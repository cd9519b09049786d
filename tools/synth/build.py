"""Clean data for one department and year: amounts that add up, rates above 90 %, distinct text.

"Clean" means no check should fire on it: every line is executed at 93–100 %, no
mid-year addition is left mostly unspent, indicators are measurable and scored
within their weights, and every composed text is distinct (see :mod:`texts`).
"""

from __future__ import annotations

import random

from tools.synth import amounts as A
from tools.synth import wording as W
from tools.synth.expect import ADDITION_MIN, UNSPENT_SHARE
from tools.synth.model import Department, Indicator, Line, Project, YearData
from tools.synth.texts import Distinct, compose, slots

# share of an addition that may stay unspent before B02 (50 %) would fire; with margin
_UNSPENT_OF_ADDITION = UNSPENT_SHARE / 100 - 0.1
_MIN_ADDITION = ADDITION_MIN  # B02 looks at additions from here (cents)


def make_department(index: int, rng: random.Random, used: set[str]) -> Department:
    """A department with a unique, realistic name (长沙市天心区民政局, 衡阳市工信局…)."""
    for _ in range(400):
        city, districts = rng.choice(W.REGIONS)
        org, short, level, domain = rng.choice(W.ORGS)
        if level == "city" or (level == "both" and rng.random() < 0.45):
            region, prefix = city, "市"
        else:
            district = rng.choice(districts)
            region, prefix = city + district, district[-1]
        name = region + org
        if name not in used:
            break
    else:  # more departments than names: sub-district offices are unlimited
        while True:
            city, districts = rng.choice(W.REGIONS)
            region = city + rng.choice(districts)
            place = rng.choice(W.PLACE_HEAD) + rng.choice(W.PLACE_TAIL)
            org, short, domain, prefix = f"{place}街道办事处", f"{place}街道", "civil", ""
            name = region + org
            if name not in used:
                break
    used.add(name)
    spec = W.DOMAINS[domain]
    places: list[str] = []
    while len(places) < 3:
        p = W.place_name(rng)
        if p not in places:
            places.append(p)
    offices = rng.sample(spec["offices"], min(3, len(spec["offices"]))) + ["办公室", "财务科"]
    posts = rng.randint(8, 120)
    return Department(
        index=index,
        code=f"d{index + 1:04d}",
        name=name,
        short=(prefix + short) if prefix and not short.startswith(prefix) else short,
        region=region,
        org=org,
        domain=domain,
        places=places,
        offices=offices,
        duties=list(spec["duties"]),
        posts=posts,
        size=posts * (12 + 16 * rng.random()),
    )


def _spend_line(line: Line, rng: random.Random) -> None:
    line.actual = A.spend(line.budget, rng)
    _cap_unspent([line])


def _cap_unspent(lines: list[Line]) -> None:
    """Keep the unspent part of mid-year additions well under half the addition (B02)."""
    for _ in range(40):
        added = sum(line.adjustment for line in lines)
        unspent = sum(line.balance for line in lines)
        if added < _MIN_ADDITION or unspent < _UNSPENT_OF_ADDITION * added:
            return
        worst = max(lines, key=lambda line: line.balance)
        worst.actual = worst.budget - worst.balance // 2


def _budget(rng: random.Random, lo: float, hi: float) -> int:
    cents = A.amount(rng, lo, hi)
    if rng.random() < 0.5:
        cents = A.round_to(cents, 100 if cents < 100_000 else 1000)
    return cents


def make_basic(dept: Department, year_factor: float, rng: random.Random) -> list[Line]:
    total = round(dept.size * year_factor * 100)
    if rng.random() < 0.5:
        names, shares = ["人员经费", "公用经费"], [0.78 + 0.12 * rng.random()]
        shares.append(1 - shares[0])
    else:
        names = ["工资福利支出", "商品和服务支出", "对个人和家庭的补助"]
        a, b = 0.6 + 0.15 * rng.random(), 0.1 + 0.1 * rng.random()
        shares = [a, b, 1 - a - b]
    parts = A.apportion(total, [round(s * 10_000) for s in shares])
    lines = []
    for name, cents in zip(names, parts, strict=True):
        line = Line(name=name, initial=cents)
        if rng.random() < 0.3 and name in ("人员经费", "工资福利支出"):
            line.adjustment = round(cents * (0.03 + 0.09 * rng.random()))
        _spend_line(line, rng)
        line.prior = round(line.actual * (0.85 + 0.2 * rng.random()))
        lines.append(line)
    _cap_unspent(lines)
    return lines


def make_projects(
    dept: Department, year: int, rng: random.Random, distinct: Distinct
) -> list[Project]:
    spec = W.DOMAINS[dept.domain]["projects"]
    n = min(len(spec), rng.randint(2, 5))
    out = []
    for topic, obj, verb, unit, people in rng.sample(spec, n):
        name = topic + rng.choice(W.PROJECT_SUFFIXES)
        initial = _budget(rng, 3, max(30.0, dept.size * 1.2))
        p = Project(
            name=name, initial=initial, topic=topic, obj=obj, verb=verb, unit=unit, people=people
        )
        roll = rng.random()
        if roll < 0.2:
            p.adjustment = round(initial * (0.1 + 0.3 * rng.random()))
        elif roll < 0.32:
            p.adjustment, p.initial = initial, 0  # a mid-year project: 年初无预算
        _spend_line(p, rng)
        p.prior = round(p.budget * (0.7 + 0.5 * rng.random()))
        out.append(p)
    _cap_unspent(out)
    for p in out:
        fill_project_text(p, dept, year, rng, distinct)
    return out


def fill_project_text(
    p: Project, dept: Department, year: int, rng: random.Random, distinct: Distinct
) -> None:
    s = slots(rng, p, dept, year)
    p.purpose = (
        f"主要用于{p.verb}{p.obj}、{rng.choice(['组织开展', '保障', '推进'])}{p.topic}相关工作，"
        f"由{s['office']}具体组织实施。"
    )
    p.goal = compose(
        distinct,
        rng,
        "goal",
        [W.GOAL_FORMS, W.GOAL_EXTRAS],
        p,
        dept,
        year,
        seps=("，",),
        bucket_slots=("aim",),
        key_parts=1,
    )
    p.done = compose(
        distinct,
        rng,
        "done",
        [W.DONE_FORMS, W.DONE_EXTRAS],
        p,
        dept,
        year,
        seps=("，",),
        bucket_slots=("done_aim",),
        key_parts=1,
    )
    p.indicators = make_indicators([p], dept, year, rng, distinct)
    rate = A.rate(p.actual, p.budget) if p.budget else None
    score = 10 if rate is None else min(float(rate), 100.0) / 10
    p.funds_score = f"{score:.2f}".rstrip("0").rstrip(".")


# which second-level groups an indicator table has, with the share of each first-level weight
_LAYOUT = [
    ("产出指标", 50, ["数量指标", "数量指标", "质量指标", "时效指标", "成本指标"]),
    ("效益指标", 30, ["社会效益指标", "经济效益指标", "可持续影响指标", "生态效益指标"]),
    ("满意度指标", 10, ["服务对象满意度指标"]),
]


def make_indicators(
    projects: list[Project],
    dept: Department,
    year: int,
    rng: random.Random,
    distinct: Distinct,
) -> list[Indicator]:
    out: list[Indicator] = []
    for level1, total, groups in _LAYOUT:
        if level1 == "产出指标":
            chosen = groups[: rng.randint(3, 5)]
        elif level1 == "效益指标":
            chosen = groups[: rng.randint(1, 3)]
        else:
            chosen = groups
        weights = A.apportion(total, [1] * len(chosen))
        for level2, weight in zip(chosen, weights, strict=True):
            project = rng.choice(projects)
            name, target, actual = _indicator_text(level2, project, dept, year, rng, distinct)
            score = weight
            note = ""
            if weight >= 4 and rng.random() < 0.12:
                score = weight - 1
                note = "完成质量有待提升"
            out.append(
                Indicator(level1, level2, name, target, actual, f"{weight:g}", f"{score:g}", note)
            )
    return out


def _indicator_text(
    level2: str,
    project: Project,
    dept: Department,
    year: int,
    rng: random.Random,
    distinct: Distinct,
) -> tuple[str, str, str]:
    forms = W.INDICATOR_FORMS[level2]
    chosen: dict = {}

    def make(attempt: int) -> tuple[tuple, str]:
        index = rng.randrange(len(forms))
        s = slots(rng, project, dept, year, attempt)
        name, target, actual = (W.fill(f, s) for f in forms[index])
        if attempt >= 10:  # a last resort: name the place (or the office) it is about
            name = (s["office"] if s["place"] in name else s["place"]) + name
        chosen["value"] = (name, target, actual)
        # forms of one level differ by whole words, so only one form's texts can collide
        return ("indicator", level2, index, project.topic), f"{name}：{target}"

    distinct.pick(make)
    return chosen["value"]


def make_year(
    dept: Department,
    year: int,
    rng: random.Random,
    distinct: Distinct,
    prev: YearData | None,
) -> YearData:
    growth = 1.0 if prev is None else 0.94 + 0.16 * rng.random()
    basic = make_basic(dept, growth * (1 + 0.02 * (dept.index % 5)), rng)
    projects = make_projects(dept, year, rng, distinct)
    _cap_unspent(basic + projects)
    sangong = [
        Line("公务用车运行维护费", _budget(rng, 2, 15)),
        Line("公务接待费", _budget(rng, 0.5, 5)),
        Line("因公出国（境）费", 0 if rng.random() < 0.7 else _budget(rng, 2, 8)),
    ]
    for line in sangong:
        line.actual = round(line.budget * (0.4 + 0.6 * rng.random()))
        line.prior = round(line.budget * (0.5 + 0.6 * rng.random()))
    in_post = rng.randint(max(1, int(dept.posts * 0.75)), dept.posts)
    prior_basic = prev.basic_actual if prev else round(sum(b.actual for b in basic) * 0.93)
    prior_project = prev.project_actual if prev else round(sum(p.actual for p in projects) * 0.9)
    if prior_basic == sum(b.actual for b in basic):
        prior_basic += 137  # a change of zero reads oddly; no real report says 增长0%
    dept_indicators = make_indicators(projects, dept, year, rng, distinct)
    lead = rng.choice(projects)
    dept_goal = compose(
        distinct,
        rng,
        "dept_goal",
        [W.DEPT_GOAL_FORMS, W.DEPT_GOAL_EXTRAS],
        lead,
        dept,
        year,
        seps=("，",),
        bucket_slots=("domain",),  # duties of one domain can differ by two characters
        key_parts=1,
    )
    duties = rng.sample(dept.duties, min(len(dept.duties), rng.randint(3, 5)))
    duties_text = f"{dept.name}的主要职责是：" + "；".join(duties) + "；承办上级交办的其他事项。"
    org_text = (
        f"{dept.short}内设{'、'.join(dept.offices)}等{len(dept.offices)}个科室。"
        f"核定编制数 {dept.posts} 人，{year}年末实有在职人员 {in_post} 人，"
        f"在职人员控制率为 {A.pct(in_post, dept.posts)}。"
    )
    results = []
    for p in rng.sample(projects, min(3, len(projects))):
        s = slots(rng, p, dept, year)
        results.append(W.fill(rng.choice(W.RESULT_SENTENCES), s))
    management = [
        W.fill(f, slots(rng, rng.choice(projects), dept, year))
        for f in rng.sample(W.MANAGEMENT_SENTENCES, 3)
    ]
    problems = []
    for i in range(rng.randint(2, 3)):
        problems.append(
            compose(
                distinct,
                rng,
                "problem",
                [W.PROBLEM_ISSUES, W.PROBLEM_EFFECTS, W.PROBLEM_DETAILS],
                rng.choice(projects),
                dept,
                year,
                lead=["一是", "二是", "三是"][i] if rng.random() < 0.5 else "",
            )
        )
    measures = []
    for i in range(rng.randint(2, 3)):
        measures.append(
            compose(
                distinct,
                rng,
                "measure",
                [W.MEASURE_ACTIONS, W.MEASURE_MEANS, W.MEASURE_TAILS],
                rng.choice(projects),
                dept,
                year,
                seps=("，", "，"),
                lead=["一是", "二是", "三是"][i] if rng.random() < 0.5 else "",
            )
        )
    yd = YearData(
        dept=dept,
        year=year,
        basic=basic,
        projects=projects,
        sangong=sangong,
        staff_in_post=in_post,
        prior_basic=prior_basic,
        prior_project=prior_project,
        dept_indicators=dept_indicators,
        dept_goal=dept_goal,
        duties_text=duties_text,
        org_text=org_text,
        results=results,
        management=management,
        problems=problems,
        measures=measures,
    )
    choose_layout(yd, rng)
    yd.change_statements = make_changes(yd, rng)
    return yd


_CAUSES_UP = ["人员经费相应增加", "新增重点工作任务", "项目支出规模扩大", "工资标准调整"]
_CAUSES_DOWN = [
    "落实过紧日子要求压减一般性支出",
    "部分项目按计划完成后不再安排",
    "人员退休后经费相应调整",
]


def make_changes(yd: YearData, rng: random.Random) -> list[dict]:
    """Year-on-year change sentences (amount, change, growth rate), stated correctly."""
    out = []
    facts = []
    if yd.has_final_accounts:
        facts.append(
            (
                "final",
                "final",
                "",
                yd.basic_actual + yd.project_actual,
                yd.prior_basic + yd.prior_project,
            )
        )
    if rng.random() < 0.5:
        facts.append(("basic", "report", f"{yd.year}年度基本支出", yd.basic_actual, yd.prior_basic))
    for key, where, lead, amount, prior in facts:
        delta = amount - prior
        if delta == 0 or prior <= 0:
            continue
        out.append(
            {
                "id": key,
                "where": where,
                "form": where,
                "lead": lead,
                "year": yd.year,
                "amount": amount,
                "delta": delta,
                "pct": A.pct(abs(delta), prior)[:-1],
                "cause": rng.choice(_CAUSES_UP if delta > 0 else _CAUSES_DOWN),
            }
        )
    return out


def choose_layout(yd: YearData, rng: random.Random) -> None:
    yd.title_style = rng.randrange(3)
    yd.table_style = rng.choice(["simple", "adjust"])
    yd.sep = yd.table_style == "adjust" and rng.random() < 0.5
    yd.headings = {
        key: rng.choice(options)
        for key, options in (
            ("overview", W.H_OVERVIEW),
            ("duties", W.H_DUTIES),
            ("org", W.H_ORG),
            ("spending", W.H_SPENDING),
            ("basic", W.H_BASIC),
            ("projects", W.H_PROJECTS),
            ("management", W.H_MANAGEMENT),
            ("results", W.H_RESULTS),
            ("problems", W.H_PROBLEMS),
            ("measures", W.H_MEASURES),
            ("apply", W.H_APPLY),
            ("other", W.H_OTHER),
            ("basic_table", W.T_BASIC_TABLE),
            ("project_table", W.T_PROJECT_TABLE),
            ("spending_table", W.T_SPENDING_TABLE),
        )
    }
    yd.has_basic_data = rng.random() < 0.5
    yd.dept_table_layout = rng.choice(["cells", "tsv"])
    yd.projects_where = rng.choice(["separate", "separate", "embedded"])
    layout = rng.choice(["cells", "tsv"])
    for p in yd.projects:
        p.table_layout = layout
    yd.has_final_accounts = rng.random() < 0.35
