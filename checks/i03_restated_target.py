"""I03 实际值照抄目标: the result merely restates the target, or a bare 100% answers a qualitative target."""

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
from checks.i01_vague_value import CHECK as I01
from checks.i01_vague_value import problems_of

CHECK = CheckInfo(
    code="I03",
    title="实际完成值照抄目标值",
    explanation="定性指标的实际完成值与目标值一字不差，或用“100%”回答一句定性目标，等于没有报告完成情况。",
    category="indicator",
    severity="medium",
    version="2",
    scope="row",
    defaults={"min_chars": 2, "min_table_rows": 5, "vague": dict(I01.defaults)},
    doc="""- 目标值不含数字（定性），实际完成值与之相同（忽略空白、标点和比较符号）→ 中；
- 目标值是定性表述，实际完成值却只是一个百分数（如 100%）→ 中；
- 整张指标表（至少 `min_table_rows` 行，默认 5）每一行的实际完成值都与目标值相同（忽略“达到”“小于等于”、
  比较符号和单位：“95%”与“达到95%”、“159”与“159处”相同）→ 中，每个文件一条，列出各表。例：江汉区整体自评表
  19 个指标、“稳定专项资金”和“资产监管及营运工作经费”项目表，实际完成值全部照抄目标值；而同一文件的
  “企业改制托管工作专项经费”项目表写出了实际完成 8 人、5148 件。

例：衡阳市国资委整体自评表“国企维稳工作”目标“做好企业留守处工作，确保留守人员稳定……”，实际完成值“100%”。
排除：数量指标目标与实际相同（如 5人 / 5人）是正常的完成，不报；目标值本身模糊（I01 已报告）时不重复报告照抄。
`vague` 是判断“模糊”所用的 I01 设置（默认与 I01 相同）。""",
)
_NORMALISE = re.compile(r"[\s\u3000，,。.；;：:、“”\"≥≤<>=＜＞]")
_COMPARISON = re.compile(
    r"达到|小于等于|大于等于|不低于|不高于|不超过|不少于|及以上|以上|以下|左右|≥|≤|<|>|=|＜|＞"
)


def same_value(target: str, actual: str) -> bool:
    """The actual says what the target says: 95% / 达到95%, 159 / 159处, 400元 / 小于等于400元."""
    t = _NORMALISE.sub("", _COMPARISON.sub("", target or ""))
    a = _NORMALISE.sub("", _COMPARISON.sub("", actual or ""))
    if t == a:
        return bool(t)
    tn, an = re.findall(r"\d+(?:\.\d+)?", t), re.findall(r"\d+(?:\.\d+)?", a)
    if not tn or tn != an:
        return False
    tw, aw = re.sub(r"[\d.]", "", t), re.sub(r"[\d.]", "", a)
    return tw in aw or aw in tw


_PERCENT_ONLY = re.compile(r"^\d+(?:\.\d+)?%$")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    _copied_tables(corpus, settings, result)
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
                fact=indicator_key(row),
            )
        )
    return result


def _copied_tables(corpus, settings: dict, result: CheckResult) -> None:
    """Indicator tables whose every actual repeats its target: one flag per document."""
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        if not is_placeholder(row["name"]) and not is_placeholder(row["target"]):
            tables[(row["doc_id"], row["table_id"])].append(row)
    by_doc: dict[str, list[list[dict]]] = defaultdict(list)
    for (doc_id, _), rows in tables.items():
        if len(rows) < settings["min_table_rows"]:
            continue
        result.applied += 1
        if all(same_value(r["target"], r["actual"]) for r in rows):
            by_doc[doc_id].append(rows)
    for tables_copied in by_doc.values():
        first = tables_copied[0][0]
        names = "、".join(table_owner(rows[0]) for rows in tables_copied)
        rows_n = sum(len(rows) for rows in tables_copied)
        result.flags.append(
            make_flag(
                CHECK,
                first,
                subject="整表实际值照抄目标值",
                message=f"{len(tables_copied)} 张指标表的实际完成值与年度指标值逐行相同（共 {rows_n} 个指标）：{names}。",
                evidence="；".join(
                    f"{table_owner(rows[0])}（第{rows[0]['source_line']}–{rows[-1]['source_line']}行，{len(rows)}个指标）"
                    for rows in tables_copied
                ),
                threshold=f"整表≥{settings['min_table_rows']}行且逐行相同",
                key="table",
                fact=f"整表照抄{names}",
            )
        )
