"""T02 目标照抄为结果: the expected goal copied as the achieved result."""

from __future__ import annotations

import re
from collections import defaultdict

import polars as pl
from rapidfuzz import fuzz

from checks.base import CheckInfo, CheckResult, make_flag

CHECK = CheckInfo(
    code="T02",
    title="预期目标照抄为实际完成情况",
    explanation="实际完成情况与预期目标一字不差，说明没有报告真实完成情况。",
    category="boilerplate",
    severity="medium",
    version="1",
    scope="row",
    defaults={"similarity": 90.0},
    doc="""同一项目的“预期目标”与“实际完成情况”相似度 ≥ `similarity`（默认 90，rapidfuzz fuzz.ratio，
去掉空白和标点后比较）。

例：衡阳市工改办“维稳工作经费”预期目标与实际完成情况都是“全面完成企业改制，筑牢稳定防线，保障信访维稳
工作稳定持续向好。” → 中。""",
)
_STRIP = re.compile(r"[\s\u3000□，,。.；;：:、“”\"]")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    goals: dict[tuple, dict[str, dict]] = defaultdict(dict)
    wanted = corpus.narratives.filter(pl.col("section").is_in(["预期目标", "实际完成"]))
    for row in wanted.iter_rows(named=True):  # the rows of those sections only, as dicts
        goals[(row["doc_id"], row["project"])].setdefault(row["section"], row)
    for sections in goals.values():
        if len(sections) < 2:
            continue
        result.applied += 1
        goal, done = sections["预期目标"], sections["实际完成"]
        score = fuzz.ratio(_STRIP.sub("", goal["text"]), _STRIP.sub("", done["text"]))
        if score < settings["similarity"]:
            continue
        subject = goal["project"] or "部门整体"
        result.flags.append(
            make_flag(
                CHECK,
                done,
                subject=subject,
                message=f"“{subject}”的实际完成情况照抄预期目标（相似度 {score:.0f}）：“{done['text'][:60]}”",
                evidence=f"预期目标（第{goal['source_line']}行）={goal['text']}；实际完成（第{done['source_line']}行）={done['text']}",
                related=f"{goal['source_file']}:{goal['source_line']}",
                threshold=f"相似度≥{settings['similarity']:g}",
            )
        )
    return result
