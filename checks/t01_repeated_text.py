"""T01 文字雷同: the same text (indicator, goal, problem, measure) in several places."""

from __future__ import annotations

import re

import polars as pl
from rapidfuzz import fuzz

from checks.base import PLACEHOLDERS, CheckInfo, CheckResult, make_flag
from checks.near_duplicates import similar_groups

READS = ("narratives", "indicators")  # the tables a corpus-wide run hands this check
CHECK = CheckInfo(
    code="T01",
    title="文字雷同（套话）",
    explanation="同一段绩效目标、指标、问题或措施在多个项目、部门或年度中反复出现，说明是套用而不是针对实际情况撰写。",
    category="boilerplate",
    severity="medium",
    version="3",
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
最后用 `fuzz.ratio` 复核，因此每一处连接都确实达到阈值（见 `checks/near_duplicates.py`）。一大族近似文字
（超过 64 条落在同一桶）只与桶中间的一条比较，已连在一起的两条不再复核：全省的套话有数千万对相似，
不必一一列出；代价是个别连接可能漏掉（1 万个部门的合成语料上，报出的文字位置是逐对比较时的 98.5%，
没有多出的）。豁免（同一位置；同一项目的预期目标与实际完成）只发生在同一文件内，所以跨文件的一组整体报出，
只有全在一个文件内的一组才按豁免拆开。

- 长文字（≥ `long_chars` 字，默认 30）出现 2 处即报；短文字（指标）须出现 ≥ `short_min_places` 处（默认 3）；
- 跨部门的雷同为高，同一部门内为中；
- 模板文字（出现在 ≥ `template_share`% 的文件且至少 `template_min_docs` 个文件中）是表格格式，不报；
- 同一项目的预期目标与实际完成相同由 T02 报告，这里不重复。

例：江汉区整体自评表的年度目标 2 与年度目标 3 使用同一指标“加强信访维稳工作……有利于维护社会稳定”，
“稳定专项资金”项目表又出现一次，共 3 处 → 中。""",
)
_STRIP = re.compile(r"[\s\u3000□，,。.；;：:、“”\"'（）()【】《》!！?？\-—]")
# Python's \s (str.isspace) and the signs above, written out so that polars' regex strips exactly
# the characters ``_STRIP`` does
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_STRIPPED = _WHITESPACE + "\u3000□，,。.；;：:、“”\"'（）()【】《》!！?？-—"
# what a unit and its flag read; the narratives and indicators of a whole province are read
# once, so only these columns
_UNIT = ("doc_id", "source_file", "source_line", "department", "year", "section", "project")
_UNIT_COLUMNS = {
    "narratives": (*_UNIT, "text"),
    "indicators": (*_UNIT, "name", "target", "row_kind"),
}
READ_COLUMNS = _UNIT_COLUMNS  # checks.partitioned reads only these for a corpus-wide run


def _char_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(set(chars))) + "]"


def _literal(word: str) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" for c in word)


def _placeholder_expr(column: str) -> pl.Expr:
    """:func:`checks.base.is_placeholder` as an expression."""
    t = pl.col(column).fill_null("").str.strip_chars(_WHITESPACE).str.strip_chars("□ ")
    return t.is_in(list(PLACEHOLDERS))


def _columns(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.select(
        pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
        for c in _UNIT_COLUMNS[table]
    )


def _units(corpus, settings: dict) -> pl.DataFrame:
    """Every text unit (paragraphs, then indicators as “名称：指标值”) with its normalised text
    ``norm``, in corpus order; units whose ``norm`` is shorter than ``min_chars`` are left out."""
    narratives = _columns(corpus.narratives, "narratives").with_columns(kind=pl.col("section"))
    indicators = (
        _columns(corpus.indicators, "indicators")
        .filter(
            pl.col("row_kind") == "indicator",
            ~_placeholder_expr("name"),
            ~_placeholder_expr("target"),
        )
        .with_columns(
            kind=pl.lit("指标"),
            section=pl.lit("指标"),
            text=pl.concat_str("name", pl.lit("："), "target"),
        )
    )
    keep = [*_UNIT, "kind", "text"]
    units = pl.concat([narratives.select(keep), indicators.select(keep)], how="vertical_relaxed")
    norm = pl.col("text").fill_null("").str.replace_all(_char_class(_STRIPPED), "")
    if settings["generic_words"]:
        generic = "|".join(map(_literal, settings["generic_words"]))
        norm = norm.str.replace_all(generic, "")
    units = units.with_columns(norm=norm)
    return units.filter(pl.col("norm").str.len_chars() >= settings["min_chars"])


def _templates(units: pl.DataFrame, n_docs: int, settings: dict) -> pl.Series:
    """Texts in so many documents that they are the form's own wording."""
    need = max(settings["template_min_docs"], n_docs * settings["template_share"] / 100)
    per_text = units.group_by("norm").agg(pl.col("doc_id").n_unique())
    return per_text.filter(pl.col("doc_id") >= need)["norm"]


def _exempt(a: dict, b: dict) -> bool:
    same_place = a["doc_id"] == b["doc_id"] and a["source_line"] == b["source_line"]
    goal_pair = (
        {a["section"], b["section"]} == {"预期目标", "实际完成"}
        and a["doc_id"] == b["doc_id"]
        and (a.get("project") == b.get("project"))
    )
    return same_place or goal_pair


def _components(units: pl.DataFrame, threshold: float) -> list[list[int]]:
    """Units whose texts are alike (identical, or linked by a chain of texts each ≥ threshold
    like the next), less exempt pairs; groups of ≥ 2, members ascending.

    The texts' components come from :func:`checks.near_duplicates.similar_groups`, which never
    lists all pairs of a large family of near-copies (a province's boilerplate: 60 million
    similar pairs at 10,000 departments). Exempt pairs (the same place; a project's goal and
    its result) only ever join two units of one document, so a component spanning two
    documents is one group: any two of its units are linked directly or through a unit of
    the other document. Only a component within one document is split by its exempt pairs.
    """
    groups = []
    doc = units["doc_id"].to_list()
    for members in similar_groups(units["norm"].to_list(), threshold):
        if len({doc[k] for k in members}) > 1:
            groups.append(members)
        else:
            groups.extend(_split_by_exemptions(members, units))
    return sorted(groups, key=lambda g: g[0])


def _split_by_exemptions(members: list[int], units: pl.DataFrame) -> list[list[int]]:
    """The groups (≥ 2) of one document's alike units, two units linked unless exempt."""
    rows = units[members].select("doc_id", "source_line", "section", "project").to_dicts()
    seen = [False] * len(members)
    out = []
    for start in range(len(members)):
        if seen[start]:
            continue
        seen[start], group, todo = True, [start], [start]
        while todo:
            a = todo.pop()
            for b in range(len(members)):
                if not seen[b] and not _exempt(rows[a], rows[b]):
                    seen[b] = True
                    group.append(b)
                    todo.append(b)
        if len(group) > 1:
            out.append(sorted(members[k] for k in group))
    return out


def _section_spans(members: list[int], units: _Units) -> list[str]:
    """“改进措施”第41–45行 for each (file, section) a copied section spans."""
    file, section, line = units.columns("source_file", "section", "source_line")
    spans: dict[tuple, list[int]] = {}
    for k in members:
        spans.setdefault((file[k], section[k]), []).append(line[k])
    return [f"{f}“{s}”第{min(v)}–{max(v)}行" for (f, s), v in spans.items()]


def _merge_copied_sections(groups: list[list[int]], units: _Units) -> list[list[int]]:
    """Paragraph groups linking the same sections of the same documents are one copied section."""
    kind, doc, section, project = units.columns("kind", "doc_id", "section", "project")
    merged: dict[tuple, list[int]] = {}
    out: list[list[int]] = []
    for group in groups:
        members = units.places(group)
        if any(kind[k] == "指标" for k in members):
            out.append(group)
            continue
        key = tuple(sorted({(doc[k], section[k], project[k] or "") for k in members}))
        merged.setdefault(key, []).extend(group)
    return out + list(merged.values())


class _Units:
    """The grouped units, read by column (unit number → its place in the columns).

    A province has half a million grouped units: as dicts all at once they took half a
    gigabyte beside everything T01 had read, and one dict per unit and use took 5 s at
    10,000 departments. Only a flag's first unit becomes a dict (:meth:`row`).
    """

    def __init__(self, frame: pl.DataFrame, numbers: list[int]):
        self._columns = {name: frame[name].to_list() for name in frame.columns}
        self._at = {number: k for k, number in enumerate(numbers)}

    def columns(self, *names: str) -> tuple[list, ...]:
        return tuple(self._columns[name] for name in names)

    def places(self, numbers: list[int]) -> list[int]:
        at = self._at
        return [at[number] for number in numbers]

    def row(self, k: int) -> dict:
        return {name: values[k] for name, values in self._columns.items()}


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    units = _units(corpus, settings)
    documents = corpus.documents.height
    # a province's narratives and indicators are not read again (units hold what is needed):
    # let them go before the similarity search (~0.5 GB at 10,000 departments); the caller
    # hands this check a corpus of its own (checks.partitioned._run_wide)
    del corpus
    template = pl.col("norm").is_in(_templates(units, documents, settings).implode())
    result.not_applicable["模板文字"] = units.filter(template).height
    units = units.filter(~template)
    result.applied = units.height
    groups = _components(units, settings["similarity"]) if units.height else []
    grouped = sorted({i for group in groups for i in group})
    units = _Units(units[grouped], grouped)
    norm, file, line, doc, department, project, section = units.columns(
        "norm", "source_file", "source_line", "doc_id", "department", "project", "section"
    )
    for group in _merge_copied_sections(groups, units):
        members = sorted(units.places(group), key=lambda k: (file[k], line[k]))
        longest = max(len(norm[k]) for k in members)
        if longest < settings["long_chars"] and len(members) < settings["short_min_places"]:
            continue
        first = units.row(members[0])
        departments = {department[k] for k in members}
        places = []
        for k in members:
            score = fuzz.ratio(first["norm"], norm[k])
            where = project[k] or section[k]
            places.append(f"{file[k]}:{line[k]}（{where}，相似度{score:.0f}）")
        text = first["text"] if len(first["text"]) <= 60 else first["text"][:60] + "…"
        what = (
            f"同一{('指标' if first['kind'] == '指标' else '段文字')}在 {len(members)} 处重复出现"
        )
        spans = _section_spans(members, units) if len(members) > 2 else []
        if len(spans) == 2:
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
                related="; ".join(f"{file[k]}:{line[k]}" for k in members[1:]),
                threshold=f"相似度≥{settings['similarity']:g}",
                key="|".join(f"{doc[k]}:{line[k]}" for k in members),
                fact=text,
            )
        )
    return result
