"""What one department reports for one year, before it is written out in any layout.

Amounts are integer cents (0.01 万元). The layouts print what is here; planting a
red flag means changing something here (a low actual, a vague indicator) or
setting one of the ``stated_*`` overrides that make a printed figure disagree
with the figures around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Department:
    index: int
    code: str  # d0001: stable, ASCII, used in file names
    name: str  # 长沙市天心区民政局
    short: str  # 区民政局
    region: str  # 长沙市天心区
    org: str  # 民政局
    domain: str
    places: list[str]
    offices: list[str]
    duties: list[str]
    posts: int  # 编制数
    size: float  # scale of the budget (万元 of basic spending)


@dataclass
class Line:
    """One budget line: initial budget, mid-year change, actual (cents)."""

    name: str
    initial: int
    adjustment: int = 0
    actual: int = 0
    prior: int = 0  # last year's actual (basic-data table, final accounts)
    # overrides printed instead of the true figure (planted inconsistencies)
    stated_rate: str | None = None
    stated_balance: int | None = None

    @property
    def budget(self) -> int:
        return self.initial + self.adjustment

    @property
    def balance(self) -> int:
        return self.budget - self.actual


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    target: str
    actual: str
    weight: str  # printed: "10", "7.5"
    score: str
    note: str = ""
    placeholder: bool = False  # a ……/无 row (planted)
    level1_printed: bool = False  # its 一级 cell is filled in on its own row (not merged above)


@dataclass
class Project(Line):
    topic: str = ""
    obj: str = ""
    verb: str = ""
    unit: str = ""
    people: str = ""
    purpose: str = ""  # what the money was for (prose)
    goal: str = ""  # 预期目标
    done: str = ""  # 实际完成情况
    indicators: list[Indicator] = field(default_factory=list)
    funds_weight: str = "10"
    funds_score: str = "10"
    total_weight: str | None = None  # printed 总分 weight / score (None: the true sums)
    total_score: str | None = None
    deviation: str = ""  # 偏差原因 in the project table
    explanation: str = ""  # a sentence in the report explaining a low rate
    returned: str = ""  # a sentence saying the balance was returned to the treasury
    table_layout: str = "cells"  # cells / tsv / tsv_noscore (planted: no weights)
    has_table: bool = True  # gets a 项目支出绩效自评表
    has_indicators: bool = True
    prose_actual: int | None = None  # planted: the prose states another actual
    mention: int | None = None  # planted: "XX经费 N 万元" with another N


@dataclass
class YearData:
    dept: Department
    year: int
    basic: list[Line]  # 人员经费 / 公用经费 (or economic classes)
    projects: list[Project]
    sangong: list[Line]  # 三公经费: 公务用车 / 公务接待 / 因公出国
    staff_in_post: int
    prior_basic: int
    prior_project: int
    dept_indicators: list[Indicator]
    dept_goal: str
    duties_text: str
    org_text: str
    results: list[str]
    management: list[str]
    problems: list[str]
    measures: list[str]
    # layout choices
    title_style: int = 0
    table_style: str = "simple"  # simple (000) / adjust (004)
    sep: bool = False  # thousands separators
    headings: dict = field(default_factory=dict)
    has_basic_data: bool = False
    dept_table_layout: str = "cells"  # cells / tsv
    projects_where: str = "separate"  # separate / embedded / none
    has_final_accounts: bool = False
    final_accounts: dict = field(default_factory=dict)
    # planted overrides
    stated_posts: int | None = None  # prose 编制数 that differs from the table
    change_statements: list[dict] = field(default_factory=list)
    dept_total_weight: str | None = None
    dept_total_score: str | None = None
    extra_problem: str = ""  # planted copied paragraph
    no_dept_indicators: bool = False
    project_total_override: dict = field(default_factory=dict)  # {"actual_delta": cents}
    basic_total_override: dict = field(default_factory=dict)
    stated_staff_rate: str | None = None
    finishers: list = field(default_factory=list)  # run after every plant, before writing

    @property
    def basic_budget(self) -> int:
        return sum(line.budget for line in self.basic)

    @property
    def basic_actual(self) -> int:
        return sum(line.actual for line in self.basic)

    @property
    def project_budget(self) -> int:
        return sum(p.budget for p in self.projects)

    @property
    def project_actual(self) -> int:
        return sum(p.actual for p in self.projects)
