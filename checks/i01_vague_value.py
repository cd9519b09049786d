"""I01 指标值模糊: targets or results that cannot be measured."""

from __future__ import annotations

import re

from checks.base import (
    CheckInfo,
    CheckResult,
    indicator_rows,
    is_placeholder,
    make_flag,
    table_owner,
)

CHECK = CheckInfo(
    code="I01",
    title="指标值模糊、不可衡量",
    explanation="绩效指标应当量化或分级可考；“有效保障”“≤计划期”这类值无法判断是否完成。",
    category="indicator",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "vague_words": [
            "有效保障",
            "发挥作用",
            "有利于",
            "较好",
            "良好",
            "明显",
            "显著",
            "逐步",
            "进一步",
            "持续",
            "稳步",
            "积极",
            "提升",
            "改善",
            "基本",
            "达标",
            "已完成",
            "按时",
            "及时",
            "符合规定",
            "有效",
            "稳定",
            "完成",
            "到位",
            "健全",
        ],
        "sentence_chars": 25,
    },
    doc="""检查每个三级指标的年度指标值和实际完成值：

- 不含数字且含模糊词（`vague_words`，如 有效保障、发挥作用、有利于、较好、基本、达标）；
- 比较符号后没有数字（≤计划期、≥较好）；
- 一句话代替指标值（超过 `sentence_chars` 字且带标点，默认 25）；
- 只有数字没有单位（如目标值“257”）。

一条指标的几个问题合并为一条疑点。例：江汉区“资料参考作用”目标值“发挥作用”、实际“发挥作用” → 中。
排除：占位行（……、无、空）由 I02 处理。""",
)
_SIGN_ONLY = re.compile(r"^[≥≤<>=＜＞]+\D*$")
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def problems_of(value: str, settings: dict) -> list[str]:
    found = []
    if _SIGN_ONLY.match(value):
        found.append("比较符号后没有数字")
    elif not any(ch.isdigit() for ch in value):
        words = [w for w in settings["vague_words"] if w in value]
        if words:
            found.append(f"模糊表述（{'、'.join(words[:3])}）")
    if len(value) > settings["sentence_chars"] and re.search(r"[，。；,]", value):
        found.append("用一句话代替指标值")
    if _BARE_NUMBER.match(value):
        found.append("只有数字没有单位")
    return found


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    for row in indicator_rows(corpus):
        if is_placeholder(row["name"]) and is_placeholder(row["target"]):
            continue
        result.applied += 1
        issues = []
        for field, label in (("target", "年度指标值"), ("actual", "实际完成值")):
            value = (row[field] or "").strip()
            if value and not is_placeholder(value):
                issues += [f"{label}{p}" for p in problems_of(value, settings)]
        if not issues:
            continue
        subject = row["name"] or "（无名称指标）"
        where = table_owner(row)
        result.flags.append(
            make_flag(
                CHECK,
                row,
                subject=subject,
                message=f"{where}指标“{subject}”：{'；'.join(issues)}。",
                evidence=f"年度指标值={row['target']!s}；实际完成值={row['actual']!s}；一级={row['level1']}；二级={row['level2']}",
                severity="medium" if any("模糊" in i or "符号" in i for i in issues) else "low",
                threshold="模糊词表见 rules.toml [I01].vague_words",
                key=row["project"],
            )
        )
    return result
