"""I04 指标归类错误: indicators filed under the wrong level, named after their category, or two in one."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import (
    CheckInfo,
    CheckResult,
    indicator_key,
    indicator_rows,
    is_placeholder,
    make_flag,
    table_owner,
)

CHECK = CheckInfo(
    code="I04",
    title="指标层级或设置不规范",
    explanation="二级指标挂错一级、三级指标直接套用类别名、一格写两个指标、把资金投入当产出，都会让考核失去意义。",
    category="indicator",
    severity="low",
    version="2",
    scope="row",
    defaults={
        "input_pattern": "(资金|经费|预算)(执行|到位|拨付|支付|使用|投入|支出)|执行率|拨付率|到位率",
    },
    doc="""按两种指标体系判断层级：2020 年以来的体系（一级：产出、效益、满意度，另有成本）和此前的模板
（效益指标下设“社会公众或服务对象满意度”，如衡阳市 2021、2022 年的整体自评表）。两种都认可的不报。

- 二级指标不属于其一级指标（产出：数量/质量/时效/成本；效益：经济/社会/生态/可持续，旧模板还有满意度；
  满意度：满意度；成本：成本）→ 低。合并单元格：一级指标那一格在本行是空的（沿用上一行），而二级指标明确属于
  另一类（“社会效益指标”），一级按二级推断为“效益指标”，不报——江汉区项目表“资料参考作用”就是这样；
- 三级指标名称就是一个指标类别名（“经济效益指标”“满意度指标”）；
- 一个单元格写了两个指标（“指标2：”、分号分隔）；
- 产出指标写的是资金投入（`input_pattern`：资金拨付率、预算执行率……；“工资总额预算管理”不算）；
- 一张指标表（推断一级之后）缺少产出或效益类一级指标（每表一条）→ 中。""",
)
_FAMILIES = {
    "产出": ("数量", "质量", "时效", "成本"),
    "效益": ("经济效益", "社会效益", "生态效益", "可持续", "满意度"),  # 满意度: the older template
    "满意度": ("满意度",),
    "成本": ("成本",),
}
_SECOND_TO_FIRST = {
    "经济效益": "效益",
    "社会效益": "效益",
    "生态效益": "效益",
    "可持续": "效益",
    "数量": "产出",
    "质量": "产出",
    "时效": "产出",
}
_CATEGORY_NAMES = re.compile(
    r"^(产出|效益|满意度|成本|数量|质量|时效|经济效益|社会效益|生态效益|可持续影响|"
    r"(社会公众或)?服务对象满意度|经济成本|社会成本|生态环境成本)(指标)?$"
)


def _family(level1: str) -> str | None:
    for key in _FAMILIES:
        if level1.startswith(key):
            return key
    return None


def _implied_family(level2: str) -> str | None:
    return next((f for word, f in _SECOND_TO_FIRST.items() if level2.startswith(word)), None)


def _printed_on_row(corpus, row: dict, end: int | None) -> str:
    """The displayed text of one indicator row (its cells up to the next row's line)."""
    lines = corpus.texts.get(row["doc_id"], [])
    start = row["source_line"]
    stop = min(end or start + 1, start + 12, len(lines) + 1)
    return "".join(lines[start - 1 : max(stop - 1, start)])


def _levels(corpus, rows: list[dict]) -> list[str | None]:
    """The family of each row's 一级指标; a carried-down (merged) 一级 gives way to the 二级's."""
    out = []
    for i, row in enumerate(rows):
        family = _family(row["level1"] or "")
        implied = _implied_family(row["level2"] or "")
        if family and implied and implied != family:
            end = rows[i + 1]["source_line"] if i + 1 < len(rows) else None
            if family not in _printed_on_row(corpus, row, end):
                family = implied  # the blank 一级 cell belongs to the 二级's own category
        out.append(family)
    return out


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    inputs = re.compile(settings["input_pattern"]) if settings["input_pattern"] else None
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        if not is_placeholder(row["name"]):
            tables[(row["doc_id"], row["table_id"])].append(row)
    for rows in tables.values():
        rows.sort(key=lambda r: r["source_line"])
        families = _levels(corpus, rows)
        for row, family in zip(rows, families, strict=True):
            result.applied += 1
            issues = []
            level2 = row["level2"] or ""
            if family and level2 and not any(w in level2 for w in _FAMILIES[family]):
                issues.append(f"二级指标“{level2}”不属于一级指标“{row['level1']}”")
            name = row["name"] or ""
            if name in (row["level1"], row["level2"]) or _CATEGORY_NAMES.match(name):
                issues.append("三级指标名称照搬指标类别")
            if re.search(r"指标\d+[：:]|；|;", name):
                issues.append("一个单元格填写了两个指标")
            if family == "产出" and inputs and inputs.search(name):
                issues.append("产出指标填写的是资金投入")
            if issues:
                where = table_owner(row)
                result.flags.append(
                    make_flag(
                        CHECK,
                        row,
                        subject=name,
                        message=f"{where}指标“{name}”：{'；'.join(issues)}。",
                        evidence=f"一级={row['level1']}；二级={row['level2']}；三级={name}",
                        key=row["project"],
                        fact=indicator_key(row),
                    )
                )
        present = set(families)
        missing = [f"{k}指标" for k in ("产出", "效益") if k not in present]
        if missing:
            first = rows[0]
            where = table_owner(first)
            result.flags.append(
                make_flag(
                    CHECK,
                    first,
                    subject=f"{where}指标表",
                    severity="medium",
                    message=f"{where}绩效指标表缺少{'、'.join(missing)}。",
                    evidence=f"已有一级指标={'、'.join(sorted(p for p in present if p))}",
                    key=f"missing-{first['table_id']}",
                    fact=f"{where}指标表缺少{'、'.join(missing)}",
                )
            )
    return result
