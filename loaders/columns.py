"""Header text to column roles: which column holds the budget, the actual, the rate…

Reports name the same column many ways (预算批复 / 年初预算数 / 部门预算 /
预算数（A）…); the rules below are ordered so that the most specific wins
(``全年预算/年中追加`` is an adjustment, ``本年支出/基本支出`` is basic spending).
"""

from __future__ import annotations

import re
from functools import lru_cache

from loaders.cells import compact

# (role, pattern) in priority order; first match wins.
_ROLE_RULES: list[tuple[str, re.Pattern]] = [
    ("label", re.compile(r"(项目|名称|科目|内容)$")),
    ("note", re.compile(r"偏差|原因|改进措施")),
    ("skip", re.compile(r"行次|栏次|序号|执行情况|资金规模")),
    ("rate", re.compile(r"执行率|控制率|完成率")),
    ("balance", re.compile(r"结余")),
    ("weight", re.compile(r"分值|权重")),
    ("score", re.compile(r"得分")),
    ("adjustment", re.compile(r"追加|调增|调减|调整数")),
    ("initial", re.compile(r"年初|批复")),
    ("basic", re.compile(r"基本支出")),
    ("project_spending", re.compile(r"项目支出")),
    ("staff_actual", re.compile(r"在职人数|实有人数")),
    ("staff_budget", re.compile(r"编制数")),
    ("actual", re.compile(r"决算|执行数|实际|支出合计|收入合计|金额$|本年支出|^执行$")),
    ("budget", re.compile(r"预算|资金量")),
]
_LABEL_HEADER = re.compile(r"项目|名称|科目|内容|情况$|^经费")
_CODE_HEADER = re.compile(r"编码|代码")
_YEAR = re.compile(r"(20\d{2})年")
MONEY_ROLES = (
    "initial",
    "adjustment",
    "budget",
    "actual",
    "balance",
    "prior_actual",
    "basic",
    "project_spending",
)


@lru_cache(maxsize=1 << 14)  # header cells repeat from table to table
def role_of(header: str, report_year: int | None) -> str | None:
    """The role of one (merged) header cell, or None for a column we do not read."""
    text = compact(header)
    if not text or len(text) > 24:  # a sentence is a value, not a column heading
        return None
    year = _YEAR.search(text)
    for role, pattern in _ROLE_RULES:
        if pattern.search(text):
            if role == "label":
                return None
            if role in ("actual", "budget") and year and report_year and int(year[1]) < report_year:
                return "prior_actual" if role == "actual" else None
            if role == "actual" and re.search(r"上年", text):
                return "prior_actual"
            if role == "staff_budget":
                return "budget"
            if role == "staff_actual":
                return "actual"
            return role
    if re.search(r"上年决算", text):
        return "prior_actual"
    return None


def is_label_header(header: str) -> bool:
    return bool(_LABEL_HEADER.search(compact(header)))


def is_code_header(header: str) -> bool:
    return bool(_CODE_HEADER.search(compact(header)))


def is_staff_header(headers: list[str]) -> bool:
    return any(re.search(r"编制数|在职人数", compact(h)) for h in headers)


def merge_header_rows(top: list[str], bottom: list[str]) -> list[str]:
    """Two-line headers: carry a top cell right over empty cells that have a bottom text."""
    width = max(len(top), len(bottom))
    top = top + [""] * (width - len(top))
    bottom = bottom + [""] * (width - len(bottom))
    merged, carry = [], ""
    for t, b in zip(top, bottom, strict=True):
        t, b = compact(t), compact(b)
        if t:
            carry = t
        elif not b:
            carry = ""
        merged.append((t or (carry if b else "")) + b)
    return merged
