"""Document metadata: department, region, fiscal year and the kinds of report inside.

The department may be named only in an attachment header (填报单位：…), so every
candidate is collected and the most frequent one wins.
"""

from __future__ import annotations

import re
from collections import Counter

from loaders.cells import ascii_digits, compact

_DEPT_PATTERNS = [
    re.compile(
        r"(?:单位名称|填报单位|部门名称|部门)(?:（盖章）|\(盖章\))?[：:]\s*(?:（盖章）)?(?P<name>[^\s（(：:]{4,40})"
    ),
    re.compile(
        r"^\d{4}年度?(?P<name>[^\d]{4,40}?)(?:部门整体支出绩效自评报告|部门决算公开|部门整体支出)"
    ),
]
_DEPT_SUFFIX = re.compile(r"(局|委员会|办公室|中心|委|厅|院|所|站|馆|队|会|处|部|办)$")
_YEAR = re.compile(r"(20\d{2})\s*年度")
_REGION = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,3}省)?[\u4e00-\u9fff]{2,3}市(?:[\u4e00-\u9fff]{2,3}[区县](?=[\u4e00-\u9fff]))?)"
)

KIND_MARKERS = [
    ("整体自评报告", re.compile(r"部门整体支出绩效自评报告|整体支出绩效自评报告")),
    ("基础数据表", re.compile(r"绩效评价基础数据表")),
    ("整体自评表", re.compile(r"部门整体支出绩效自评表|整体绩效自评表")),
    ("项目自评表", re.compile(r"项目支出绩效自评表")),
    ("项目自评报告", re.compile(r"项目支出绩效\s*自评报告|项目支出绩效自评报告")),
    ("部门决算", re.compile(r"部门决算公开|公开0\d表")),
]


def _clean_department(name: str) -> str:
    name = compact(name)
    name = re.sub(r"[（(]盖章[)）]", "", name)
    name = re.sub(r"[（(]?\d{4}年度[)）]?$", "", name)
    return name.strip("：:□")


def find_department(lines: list[str], extra: list[str]) -> str | None:
    votes: Counter[str] = Counter()
    for line in lines:
        text = compact(line)
        for pattern in _DEPT_PATTERNS:
            m = pattern.search(text)
            if m:
                name = _clean_department(m["name"])
                if _DEPT_SUFFIX.search(name):
                    votes[name] += 1
    for name in extra:
        name = _clean_department(name)
        if _DEPT_SUFFIX.search(name):
            votes[name] += 1
    if not votes:
        # a report that starts with its department's name on a line of its own
        for line in lines[:5]:
            name = compact(line)
            if 4 <= len(name) <= 30 and _DEPT_SUFFIX.search(name) and _REGION.match(name):
                return name
        return None
    best = max(votes.values())
    # prefer the longest of the most-voted names (full name over short form)
    return max((n for n, v in votes.items() if v == best), key=len)


def find_year(lines: list[str]) -> int | None:
    lines = [ascii_digits(line) for line in lines]
    head = Counter(int(m) for line in lines[:15] for m in _YEAR.findall(line))
    if head:
        return head.most_common(1)[0][0]
    whole = Counter(int(m) for line in lines for m in _YEAR.findall(line))
    return whole.most_common(1)[0][0] if whole else None


def find_region(department: str | None) -> str | None:
    if not department:
        return None
    m = _REGION.match(department)
    return m.group(1) if m else None


def find_kinds(text: str) -> list[str]:
    return [kind for kind, pattern in KIND_MARKERS if pattern.search(text)]
