"""I03 实际值照抄目标: the result merely restates the target, or a bare 100% answers a qualitative target."""

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
from checks.i01_vague_value import CHECK as I01
from checks.i01_vague_value import problems_of

CHECK = CheckInfo(
    code="I03",
    title="实际完成值照抄目标值",
    explanation="定性指标的实际完成值与目标值一字不差，或用“100%”回答一句定性目标，等于没有报告完成情况。",
    category="indicator",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_chars": 2, "vague": dict(I01.defaults)},
    doc="""- 目标值不含数字（定性），实际完成值与之相同（忽略空白、标点和比较符号）→ 中；
- 目标值是定性表述，实际完成值却只是一个百分数（如 100%）→ 中。

例：衡阳市国资委整体自评表“国企维稳工作”目标“做好企业留守处工作，确保留守人员稳定……”，实际完成值“100%”。
排除：数量指标目标与实际相同（如 5人 / 5人）是正常的完成，不报；目标值本身模糊（I01 已报告）时不重复报告照抄。
`vague` 是判断“模糊”所用的 I01 设置（默认与 I01 相同）。""",
)
_NORMALISE = re.compile(r"[\s\u3000，,。.；;：:、“”\"≥≤<>=＜＞]")
_PERCENT_ONLY = re.compile(r"^\d+(?:\.\d+)?%$")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    for row in indicator_rows(corpus):
        target, actual = (row["target"] or "").strip(), (row["actual"] or "").strip()
        if is_placeholder(target) or is_placeholder(actual):
            continue
        result.applied += 1
        qualitative = not any(ch.isdigit() for ch in target)
        if not qualitative:
            continue
        same = _NORMALISE.sub("", target) == _NORMALISE.sub("", actual)
        vague = bool(problems_of(target, settings["vague"]))  # I01 already reports a vague target
        if same and not vague and len(_NORMALISE.sub("", target)) >= settings["min_chars"]:
            problem = "实际完成值照抄定性目标值"
        elif _PERCENT_ONLY.match(actual.replace(" ", "")):
            problem = f"定性目标的实际完成值只写了“{actual}”"
        else:
            continue
        subject = row["name"] or "（无名称指标）"
        where = table_owner(row)
        result.flags.append(
            make_flag(
                CHECK,
                row,
                subject=subject,
                message=f"{where}指标“{subject}”：{problem}。",
                evidence=f"年度指标值={target}；实际完成值={actual}",
                key=row["project"],
            )
        )
    return result
