"""The words of the standard tables, mapped to the `accounts` vocabulary (docs/model.md).

Column headers name a measure (本年收入合计 → ``合计``, 事业单位经营收入 → ``经营收入``,
年初结转和结余 → ``年初结转和结余`` on the ``balance`` side), a fund (一般公共预算财政拨款
→ fund ``一般公共预算``, measure kept from the table) or nothing more than "the amount"
(金额, 总计 → the table's own measure: 决算数 / 预算数). Row labels name a fund
(1.一般公共预算, 财政专户管理资金), a balance (年初结转和结余, 结转下年资金) or a total.
"""

from __future__ import annotations

import re
from functools import lru_cache

from loaders.cells import compact

# (pattern on one header text, measure); first match wins. None: "the amount" of the table.
_MEASURES: list[tuple[re.Pattern, str | None]] = [
    (re.compile(p), m)
    for p, m in [
        (r"年初(财政拨款)?结转和?结余", "年初结转和结余"),
        (r"年末(财政拨款)?结转和?结余", "年末结转和结余"),
        (r"^(上年)?结转下年(资金)?$|^结转下年", "结转下年"),
        (r"^上年结转(和结余)?(资金)?$|^使用上年结转", "上年结转"),
        (r"^(本年)?(收入|支出)?(合计|小计|总计)$", "合计"),
        (r"^本年收入$", "本年收入"),
        (r"^本年支出$", "本年支出"),
        (r"^财政拨款(收入)?$", "财政拨款收入"),
        (r"上级补助收入", "上级补助收入"),
        (r"^(事业单位)?经营收入$", "经营收入"),
        (r"^事业收入$", "事业收入"),
        (r"附属单位上缴收入", "附属单位上缴收入"),
        (r"^其他收入$", "其他收入"),
        (r"财政专户管理资金", "财政专户管理资金"),
        (r"^其他资金$", "其他资金"),
        (r"^基本支出$", "基本支出"),
        (r"^项目支出$", "项目支出"),
        (r"上缴上级支出", "上缴上级支出"),
        (r"^经营支出$", "经营支出"),
        (r"对附属单位补助支出", "对附属单位补助支出"),
        (r"^人员经费", "人员经费"),
        (r"^(日常)?公用经费", "公用经费"),
        (r"单位预留机动经费", "单位预留机动经费"),
        (r"年初预算", "年初预算数"),
        (r"调整预算", "调整预算数"),
        (r"全年预算", "全年预算数"),
        (r"上年(预算|预算数)$", "上年预算数"),
        (r"上年(执行|决算)", "上年执行数"),
        (r"增减额|^增减$|比上年增减", "增减额"),
        (r"增减率|增长率|增减幅度|增幅", "增减率"),
        (r"^决算数?$|^执行数$|决算数$", "决算数"),
        (r"^预算数?$|预算数$", "预算数"),
        (r"^(金额|总计|机关运行经费(支出)?|本年预算|本年决算)$", None),
    ]
]
_FUNDS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"一般公共预算"), "一般公共预算"),
    (re.compile(r"政府性基金"), "政府性基金"),
    (re.compile(r"国有资本经营"), "国有资本经营"),
    (re.compile(r"财政专户"), "财政专户"),
    (re.compile(r"^其他资金$"), "其他"),
]
_FUND_COLUMN = re.compile(r"^(一般公共预算|政府性基金|国有资本经营)(预算)?(财政拨款)?(资金)?$")
_BALANCE_LABEL = re.compile(
    r"结转和?结余|^上年结转|结转下年|^使用非财政拨款结余|^结余分配|^年初.{0,6}结余|^年末.{0,6}结余"
)
_TOTAL_LABEL = re.compile(r"(合计|总计|小计)$")
_LIST_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）]|[①-⑳])\s*"
)
_SUB = re.compile(r"^其中[：:]?")
_SIDES = (("收入", "income"), ("支出", "expenditure"))


def statement_measure(statement: str) -> str:
    return "决算数" if statement == "决算" else "预算数"


def column_meaning(path: list[str], statement: str) -> tuple[str | None, str | None, str | None]:
    """(measure, fund, side) a column header path names; None where it says nothing.

    The deepest header that names a measure wins (``本年支出/基本支出`` → 基本支出); a fund
    header sets the fund and leaves the measure to the table (``决算数/一般公共预算财政拨款``).
    """
    return _column_meaning(tuple(path))


@lru_cache(maxsize=4096)  # asked for every figure under a column; header paths repeat
def _column_meaning(path: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    measure: str | None = None
    fund: str | None = None
    side: str | None = None
    for text in path:
        text = compact(text)
        for word, name in _SIDES:
            if text in (word, f"本年{word}"):
                side = name
        if _FUND_COLUMN.match(text):
            fund = next(f for p, f in _FUNDS if p.search(text))
            continue
        for pattern, name in _MEASURES:
            if pattern.search(text):
                if name is not None:
                    measure = name
                break
    if measure in ("年初结转和结余", "年末结转和结余", "结转下年", "上年结转"):
        side = "balance"
    elif measure == "本年收入":
        side = "income"
    elif measure == "本年支出":
        side = "expenditure"
    return measure, fund, side


@lru_cache(maxsize=1 << 14)  # row labels repeat from table to table
def fund_of_label(label: str) -> str | None:
    """The fund a row label names (1.一般公共预算, 财政专户管理资金, 其他资金)."""
    text = clean_label(label)
    if text in ("财政拨款", "财政拨款收入", "财政拨款资金"):
        return None
    for pattern, fund in _FUNDS:
        if pattern.search(text):
            return fund
    return None


def fund_of_title(title: str) -> str | None:
    """The one fund a table's title is about (一般公共预算财政拨款支出决算表), if any."""
    found = {fund for pattern, fund in _FUNDS[:3] if pattern.search(title)}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1 << 14)  # row labels repeat from table to table
def is_balance_label(label: str) -> bool:
    return bool(_BALANCE_LABEL.search(clean_label(label)))


@lru_cache(maxsize=1 << 14)  # row labels repeat from table to table
def clean_label(text: str) -> str:
    """A row label as printed: blanks, list marks and the 其中 prefix removed."""
    label = compact(text).rstrip("□")
    label = _LIST_MARK.sub("", label)
    return _SUB.sub("", label).strip("：:")


@lru_cache(maxsize=1 << 14)  # row labels repeat from table to table
def row_kind(label: str) -> str:
    """``total`` for 合计 / 总计 / 小计 rows, ``sub`` for 其中 rows, else ``item``."""
    raw = compact(label)
    if _SUB.match(raw):
        return "sub"
    if _TOTAL_LABEL.search(clean_label(raw)):
        return "total"
    return "item"


def level_of(code: str | None) -> str | None:
    if not code:
        return None
    return {3: "类", 5: "款", 7: "项"}.get(len(code))


def classification_of(code: str | None, default: str | None) -> str | None:
    if code and code[0] == "2":
        return "functional"
    if code and code[0] == "3":
        return "economic"
    return default
