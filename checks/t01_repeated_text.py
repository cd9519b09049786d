"""T01 文字雷同: the same text (indicator, goal, problem, measure) in several places."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from checks.base import CheckInfo, CheckResult, is_placeholder, make_flag
from checks.near_duplicates import text_graph

READS = ("narratives", "indicators")  # the tables a corpus-wide run hands this check
CHECK = CheckInfo(
    code="T01",
    title="文字雷同（套话）",
    explanation="同一段绩效目标、指标、问题或措施在多个项目、部门或年度中反复出现，说明是套用而不是针对实际情况撰写。",
    category="boilerplate",
    severity="medium",
    version="2",
    scope="corpus",
    defaults={
        "similarity": 90.0,
        "long_chars": 30,
        "min_chars": 8,
        "short_min_places": 3,
        "template_share": 50.0,
        "template_min_docs": 3,
        "generic_words": [
            "通过项目的实施",
            "通过各个项目的实施",
            "通过各项任务的实施",
            "力争",
            "进一步",
        ],
    },
    doc="""比较所有文字单元：正文的存在问题 / 改进措施段落、项目的预期目标 / 实际完成、年度目标，以及
每个三级指标的“名称：年度指标值”。先去掉空白、标点和 `generic_words` 中的套语，再用 rapidfuzz
的 `fuzz.ratio` 计算相似度，≥ `similarity`（默认 90）的连成一组。

候选对不再两两比较：完全相同的文字按哈希归为一组；其余文字在长度相近（相似度≥90 要求短长之比≥90/110）
的范围内，按字符二元组的 MinHash 分桶（4 行 × 25 段，固定种子），同桶者再经字符计数直方图筛除，
最后逐对用 `fuzz.ratio` 复核，因此报出的每一对都确实达到阈值（见 `checks/near_duplicates.py`）。

- 长文字（≥ `long_chars` 字，默认 30）出现 2 处即报；短文字（指标）须出现 ≥ `short_min_places` 处（默认 3）；
- 跨部门的雷同为高，同一部门内为中；
- 模板文字（出现在 ≥ `template_share`% 的文件且至少 `template_min_docs` 个文件中）是表格格式，不报；
- 同一项目的预期目标与实际完成相同由 T02 报告，这里不重复。

例：江汉区整体自评表的年度目标 2 与年度目标 3 使用同一指标“加强信访维稳工作……有利于维护社会稳定”，
“稳定专项资金”项目表又出现一次，共 3 处 → 中。""",
)
_STRIP = re.compile(r"[\s\u3000□，,。.；;：:、“”\"'（）()【】《》!！?？\-—]")
# what a unit and its flag read: a unit is a Python dict, one per text of the whole corpus
# (1.5 million at 10,000 departments), so it carries only these columns
_UNIT = ("doc_id", "source_file", "source_line", "department", "year", "section", "project")
_UNIT_COLUMNS = {
    "narratives": (*_UNIT, "text"),
    "indicators": (*_UNIT, "name", "target", "row_kind"),
}


def _columns(frame, table: str):
    return frame.select([c for c in _UNIT_COLUMNS[table] if c in frame.columns])


def _units(corpus, settings: dict) -> list[dict]:
    generic = (
        re.compile("|".join(map(re.escape, settings["generic_words"])))
        if settings["generic_words"]
        else None
    )
    units = []
    for row in _columns(corpus.narratives, "narratives").iter_rows(named=True):
        units.append({**row, "kind": row["section"], "text": row["text"]})
    for row in _columns(corpus.indicators, "indicators").iter_rows(named=True):
        if (
            row["row_kind"] != "indicator"
            or is_placeholder(row["name"])
            or is_placeholder(row["target"])
        ):
            continue
        units.append(
            {**row, "kind": "指标", "section": "指标", "text": f"{row['name']}：{row['target']}"}
        )
    for u in units:
        norm = _STRIP.sub("", u["text"] or "")
        u["norm"] = generic.sub("", norm) if generic else norm
    return [u for u in units if len(u["norm"]) >= settings["min_chars"]]


def _templates(units: list[dict], n_docs: int, settings: dict) -> set[str]:
    docs_of: dict[str, set[str]] = {}
    for u in units:
        docs_of.setdefault(u["norm"], set()).add(u["doc_id"])
    need = max(settings["template_min_docs"], n_docs * settings["template_share"] / 100)
    return {text for text, docs in docs_of.items() if len(docs) >= need}


def _exempt(a: dict, b: dict) -> bool:
    same_place = a["doc_id"] == b["doc_id"] and a["source_line"] == b["source_line"]
    goal_pair = (
        {a["section"], b["section"]} == {"预期目标", "实际完成"}
        and a["doc_id"] == b["doc_id"]
        and (a.get("project") == b.get("project"))
    )
    return same_place or goal_pair


def _components(units: list[dict], threshold: float) -> list[list[int]]:
    """Units linked by identical or similar text, skipping exempt pairs; groups of ≥ 2.

    The same as union-find over all non-exempt pairs with ratio ≥ threshold, but identical texts
    are one node of the text graph, so 10k copies of a sentence never become 50M pairs: a search
    takes each unit once from the still unvisited copies of the texts it is similar to, and leaves
    only exempt copies behind for a later unit to reach.
    """
    text_of, edges = text_graph([u["norm"] for u in units], threshold)
    near: dict[int, list[int]] = {int(t): [int(t)] for t in text_of}
    for a, b in edges.tolist():
        near[a].append(b)
        near[b].append(a)
    waiting: dict[int, list[int]] = {}
    for k, t in enumerate(text_of.tolist()):
        waiting.setdefault(t, []).append(k)
    seen = [False] * len(units)
    groups = []
    for start in range(len(units)):
        if seen[start]:
            continue
        seen[start], group, todo = True, [start], [start]
        while todo:
            a = todo.pop()
            for t in near[int(text_of[a])]:
                left = []
                for b in waiting[t]:
                    if seen[b]:
                        continue
                    if _exempt(units[a], units[b]):
                        left.append(b)
                    else:
                        seen[b] = True
                        group.append(b)
                        todo.append(b)
                waiting[t] = left
        if len(group) > 1:
            groups.append(sorted(group))
    return groups


def _section_spans(members: list[dict]) -> list[str]:
    """“改进措施”第41–45行 for each (file, section) a copied section spans."""
    spans: dict[tuple, list[int]] = {}
    for u in members:
        spans.setdefault((u["source_file"], u["section"]), []).append(u["source_line"])
    return [f"{f}“{s}”第{min(v)}–{max(v)}行" for (f, s), v in spans.items()]


def _merge_copied_sections(groups: list[list[int]], units: list[dict]) -> list[list[int]]:
    """Paragraph groups linking the same sections of the same documents are one copied section."""
    merged: dict[tuple, list[int]] = {}
    out: list[list[int]] = []
    for group in groups:
        members = [units[i] for i in group]
        if any(u["kind"] == "指标" for u in members):
            out.append(group)
            continue
        key = tuple(sorted({(u["doc_id"], u["section"], u.get("project") or "") for u in members}))
        merged.setdefault(key, []).extend(group)
    return out + list(merged.values())


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    units = _units(corpus, settings)
    templates = _templates(units, corpus.documents.height, settings)
    result.not_applicable["模板文字"] = sum(1 for u in units if u["norm"] in templates)
    units = [u for u in units if u["norm"] not in templates]
    result.applied = len(units)
    groups = _components(units, settings["similarity"]) if units else []
    for group in _merge_copied_sections(groups, units):
        members = sorted(
            (units[i] for i in group), key=lambda u: (u["source_file"], u["source_line"])
        )
        longest = max(len(u["norm"]) for u in members)
        if longest < settings["long_chars"] and len(members) < settings["short_min_places"]:
            continue
        first = members[0]
        departments = {u["department"] for u in members}
        places = []
        for u in members:
            score = fuzz.ratio(first["norm"], u["norm"])
            where = u.get("project") or u["section"]
            places.append(f"{u['source_file']}:{u['source_line']}（{where}，相似度{score:.0f}）")
        text = first["text"] if len(first["text"]) <= 60 else first["text"][:60] + "…"
        what = (
            f"同一{('指标' if first['kind'] == '指标' else '段文字')}在 {len(members)} 处重复出现"
        )
        spans = _section_spans(members)
        if len(spans) == 2 and len(members) > 2:
            what = "整段文字雷同：" + "与".join(spans) + f"（共 {len(members)} 段）"
        result.flags.append(
            make_flag(
                CHECK,
                first,
                subject=text,
                severity="high"
                if len(departments) > 1
                else ("medium" if longest >= settings["long_chars"] else "low"),
                message=f"{what}{'（跨 ' + str(len(departments)) + ' 个部门）' if len(departments) > 1 else ''}：“{text}”",
                evidence="；".join(places),
                related="; ".join(f"{u['source_file']}:{u['source_line']}" for u in members[1:]),
                threshold=f"相似度≥{settings['similarity']:g}",
                key="|".join(f"{u['doc_id']}:{u['source_line']}" for u in members),
                fact=text,
            )
        )
    return result
