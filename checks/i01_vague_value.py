"""I01 指标值模糊: targets or results that cannot be measured."""

from __future__ import annotations

import re

import polars as pl

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
    code="I01",
    title="指标值模糊、不可衡量",
    explanation="绩效指标应当量化或分级可考；“有效保障”“≤计划期”这类值无法判断是否完成。",
    category="indicator",
    severity="medium",
    version="2",
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
        "completion_words": ["完成", "按时", "如期", "达标", "到位", "达到", "实现", "全部"],
        "unit_suffixes": "(数|率|量|额|比例|占比|次|人|个|件|户|家|元|天|年|月|日|小时|平方米|亩|公里|万元)$",
    },
    doc="""检查每个三级指标的年度指标值和实际完成值。一个值带数字（“零非访”也算，或指标名称本身带数字）就是可衡量的，不再追究
措辞：“通过项目的实施，力争使68项具体改革事项完成率达到100%”“未按时上缴的企业数量不超过3家”都是量化目标。
不可衡量的值才检查：

- 含模糊词（`vague_words`，如 有效保障、发挥作用、有利于、较好、基本、达标）；“基本支出”等名词中的字不算；
- 比较符号后没有数字（≤计划期、≥较好）；
- 一句话代替指标值（超过 `sentence_chars` 字且带标点，默认 25）。

目标可衡量时，实际完成值写“已完成”“全部按时上缴”“达标”（`completion_words`）是对目标的确认，不报。
只有数字没有单位（如目标值“257”）时，指标名称已带单位（“服务离退休人员人数”“排除安全隐患处数”，`unit_suffixes`）不报。

一条指标的几个问题合并为一条疑点；名称和目标值相同的指标在同一文件中归为同一问题。
例：江汉区“资料参考作用”目标值“发挥作用”、实际“发挥作用” → 中。
排除：占位行（……、无、空）由 I02 处理。""",
)
_SIGN_ONLY = re.compile(r"^[≥≤<>=＜＞]+\D*$")
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_NOUNS = re.compile(r"基本支出|基本工资|基本养老|基本医疗|基本情况|持续性")


_ZERO = re.compile(r"零[\u4e00-\u9fff]|为零")  # 零非访、零事故: a count of zero


def measurable(value: str, name: str) -> bool:
    """A number in the value (零非访 counts), or in the indicator's name (years aside)."""
    return (
        any(ch.isdigit() for ch in value)
        or bool(_ZERO.search(value))
        or any(ch.isdigit() for ch in _YEAR.sub("", name or ""))
    )


def problems_of(value: str, settings: dict) -> list[str]:
    """What makes a value unmeasurable (empty list: nothing)."""
    found = []
    if _SIGN_ONLY.match(value):
        found.append("比较符号后没有数字")
    elif not any(ch.isdigit() for ch in value):
        plain = _NOUNS.sub("", value)
        words = [w for w in settings["vague_words"] if w in plain]
        if words:
            found.append(f"模糊表述（{'、'.join(words[:3])}）")
        if len(value) > settings["sentence_chars"] and re.search(r"[，。；,]", value):
            found.append("用一句话代替指标值")
    return found


def _confirms(value: str, settings: dict) -> bool:
    """“已完成”“全部按时上缴”: a plain confirmation, fine as the actual of a measurable target."""
    return len(value) <= settings["sentence_chars"] and any(
        w in value for w in settings["completion_words"]
    )


def _issues(row: dict, settings: dict) -> list[str]:
    name = row["name"] or ""
    target, actual = ((row[f] or "").strip() for f in ("target", "actual"))
    unit_in_name = bool(re.search(settings["unit_suffixes"], name))
    issues = []
    for value, label in ((target, "年度指标值"), (actual, "实际完成值")):
        if not value or is_placeholder(value):
            continue
        if _BARE_NUMBER.match(value) and not unit_in_name:
            issues.append(f"{label}只有数字没有单位")
        if measurable(value, name):
            continue
        if label == "实际完成值" and measurable(target, name) and _confirms(value, settings):
            continue
        issues += [f"{label}{p}" for p in problems_of(value, settings)]
    return issues


def _clear(column: str) -> pl.Expr:
    """A value that can raise nothing: it has an ASCII digit (measurable) and a character no
    bare number has once stripped (beyond digits, dots and what ``str.strip`` removes)."""
    value = pl.col(column).fill_null("")
    return value.str.contains("[0-9]") & value.str.contains(r"[^\d.\s\x1c-\x1f]")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    rows = indicator_rows(corpus)
    # most values are plain figures (≥95%, 12个): only the others are read row by row
    clear = (
        corpus.indicators.filter(pl.col("row_kind") == "indicator")
        .select(_clear("target") & _clear("actual"))
        .to_series()
        .to_list()
    )
    for row, nothing in zip(rows, clear, strict=True):
        if is_placeholder(row["name"]) and is_placeholder(row["target"]):
            continue
        result.applied += 1
        if nothing:
            continue
        issues = _issues(row, settings)
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
                fact=indicator_key(row),
            )
        )
    return result
