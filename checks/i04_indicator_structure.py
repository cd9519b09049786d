"""I04 指标归类错误: indicators filed under the wrong level, named after their category, or two in one."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import (
    CheckInfo,
    CheckResult,
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
    version="1",
    scope="row",
    defaults={"input_words": ["资金", "经费", "预算", "执行率"]},
    doc="""- 二级指标不属于其一级指标（产出：数量/质量/时效/成本；效益：经济/社会/生态/可持续；
  满意度：满意度）；例：江汉区项目表“社会效益指标”列在“产出指标”下 → 低；
- 三级指标名称与一级或二级指标相同（如三级指标就叫“经济效益指标”）；
- 一个单元格写了两个指标（“指标2：”、分号分隔）；
- 产出指标使用资金投入（`input_words`：资金、经费、预算、执行率）；
- 一张指标表缺少产出或效益类一级指标（每表一条）。""",
)
_FAMILIES = {
    "产出": ("数量", "质量", "时效", "成本"),
    "效益": ("经济效益", "社会效益", "生态效益", "可持续"),
    "满意度": ("满意度",),
    "成本": ("成本",),
}


def _family(level1: str) -> str | None:
    for key in _FAMILIES:
        if level1.startswith(key):
            return key
    return None


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        if is_placeholder(row["name"]):
            continue
        tables[(row["doc_id"], row["table_id"])].append(row)
        result.applied += 1
        issues = []
        family = _family(row["level1"] or "")
        if family and row["level2"] and not any(w in row["level2"] for w in _FAMILIES[family]):
            issues.append(f"二级指标“{row['level2']}”不属于一级指标“{row['level1']}”")
        name = row["name"] or ""
        if name in (row["level1"], row["level2"]):
            issues.append("三级指标名称照搬指标类别")
        if re.search(r"指标\d+[：:]|；|;", name):
            issues.append("一个单元格填写了两个指标")
        if family == "产出" and any(w in name for w in settings["input_words"]):
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
                )
            )
    for rows in tables.values():
        present = {_family(r["level1"] or "") for r in rows}
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
                )
            )
    return result
