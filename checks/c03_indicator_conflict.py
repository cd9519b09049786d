"""C03 同一指标数值前后不一: one indicator with two values in one report (two tables, table and text)."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import CheckInfo, CheckResult, indicator_rows, is_placeholder, make_flag, normalise
from checks.text_index import sentences

CHECK = CheckInfo(
    code="C03",
    title="同一指标在报告中数值不一致",
    explanation="同一个指标在两张表里、或在表中和正文里写成不同的完成值，至少有一处不是真实完成情况。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_topic_chars": 4, "rate_gap": 0.5},
    doc="""同一文件内：

- 两张指标表中名称和年度指标值都相同的指标，实际完成值是不同的数字 → 中，每对表格一条，列出各指标。
  例：江汉区整体自评表“托管企业政策、档案咨询人数”目标 5人、实际 5人，“企业改制托管工作专项经费”项目表
  同一指标目标 5人、实际 8人；“企业改制托管档案整理数”5000件与 5148件。
- 指标表中的比率（名称以“率”结尾，实际值是百分数）与正文中说同一件事的比率不同：正文句子含指标名称中
  至少 `min_topic_chars` 个连续字（默认 4，如“安全隐患”），其后同一句中的“××率 N%”与表中相差超过
  `rate_gap` 个百分点（默认 0.5）→ 中。资金比率（执行率、控制率、增长率……）和中间隔着金额的不算：
  那是在说钱，不是这个指标。例：衡阳市工改办整体自评表“排除安全隐患率”实际完成值 100%，
  正文写“排查安全隐患159处，整改155处，整改率97.5%”。""",
)
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_RATE = re.compile(r"([\u4e00-\u9fff]{0,6}率)\s*(?:为|达|达到|是)?\s*(\d+(?:\.\d+)?)\s*%")
_MONEY_RATE = re.compile(r"执行率|控制率|增长率|下降率|结余率|支付率|到位率|拨付率")
_TEXT_SPACES = re.compile(r"(?<=\d)\s+(?=[\d.%])|(?<=\.)\s+(?=\d)")


def _figures(value: str) -> list[str]:
    return _NUMBERS.findall(_TEXT_SPACES.sub("", value or ""))


def _between_tables(corpus, result: CheckResult) -> None:
    by_name: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicator_rows(corpus):
        if is_placeholder(row["name"]) or is_placeholder(row["target"]):
            continue
        by_name[(row["doc_id"], normalise(row["name"]), normalise(row["target"]))].append(row)
    pairs: dict[tuple, list[tuple[dict, dict]]] = defaultdict(list)
    for rows in by_name.values():
        if len({r["table_id"] for r in rows}) < 2:
            continue
        result.applied += 1
        first = rows[0]
        for other in rows[1:]:
            a, b = _figures(first["actual"]), _figures(other["actual"])
            if other["table_id"] != first["table_id"] and a and b and a != b:
                pairs[(first["doc_id"], first["table_id"], other["table_id"])].append(
                    (first, other)
                )
    for found in pairs.values():
        first, other = found[0]
        where_a = first["project"] or "部门整体"
        where_b = other["project"] or "部门整体"
        listed = "；".join(
            f"“{a['name']}”目标 {a['target']}，{where_a}表实际 {a['actual']}（第{a['source_line']}行），"
            f"{where_b}表实际 {b['actual']}（第{b['source_line']}行）"
            for a, b in found
        )
        result.flags.append(
            make_flag(
                CHECK,
                other,  # the place where the report states the other value
                subject=f"{where_a}与{where_b}指标表",
                message=f"{where_a}表与{where_b}表中同一指标的实际完成值不同：{listed}。",
                evidence=listed,
                related="; ".join(
                    f"{r['source_file']}:{r['source_line']}"
                    for pair in found
                    for r in pair
                    if r is not other
                ),
                key=f"tables-{other['table_id']}",
                fact=f"{where_a}{where_b}" + "".join(normalise(a["name"]) for a, _ in found),
            )
        )


def _topic(name: str, text: str, least: int) -> str | None:
    """The longest run of the indicator name (≥ ``least`` characters) that the text contains."""
    name = re.sub(r"率$", "", name)
    for size in range(len(name), least - 1, -1):
        for start in range(len(name) - size + 1):
            part = name[start : start + size]
            if part in text:
                return part
    return None


_RATE_AT = re.compile(r"率(?=(?:为|达|达到|是)?\d+(?:\.\d+)?%)")  # a 率 that a figure follows
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _may_state_rate(lines: list[str]) -> bool:
    """False when no prose sentence of the document can state a rate other than a money rate,
    found without splitting the document into sentences (most documents state such rates only
    in their tables).

    Sentences come from the lines without tabs, blanks removed, so each is a run of ``prose``
    below. A rate in a sentence is a 率 followed by a figure, its name the (at most six)
    Chinese characters before it; a sentence can only start inside those at a line start, so
    the name is the one seen here unless a line starts within it (then: maybe).
    """
    text = "\n".join(lines)
    if "|" in text or "#" in text or "**" in text:  # Markdown marks go before sentences: maybe
        return True
    starts, parts, at = set(), [], 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "\t" in line:
            continue
        line = "".join(line.split())  # blanks removed: str.split's whitespace is re's \s
        starts.add(at)
        parts.append(line)
        at += len(line)
    prose = "".join(parts)
    for m in _RATE_AT.finditer(prose):
        r = m.start()
        k = 0
        while k < 6 and r - k - 1 >= 0 and _CJK.match(prose[r - k - 1]):
            k += 1
        if not _MONEY_RATE.search(prose[r - k : r + 1]) or any(
            p in starts for p in range(r - k + 1, r + 1)
        ):
            return True
    return False


def _rate_sentences(corpus, doc_id: str, cache: dict) -> list:
    """The sentences of a document that state a rate other than a money rate."""
    if doc_id not in cache:
        if not _may_state_rate(corpus.texts.get(doc_id, [])):
            cache[doc_id] = []
            return cache[doc_id]
        cache[doc_id] = [
            s
            for s in sentences(corpus).get(doc_id, [])
            if any(not _MONEY_RATE.search(m.group(1)) for m in _RATE.finditer(s.text))
        ]
    return cache[doc_id]


def _against_text(corpus, settings: dict, result: CheckResult) -> None:
    cache: dict[str, list] = {}
    for row in indicator_rows(corpus):
        name = normalise(row["name"])
        stated = _PERCENT.match(_TEXT_SPACES.sub("", row["actual"] or ""))
        if not name.endswith("率") or not stated:
            continue
        result.applied += 1
        table_rate = float(stated.group(1))
        for s in _rate_sentences(corpus, row["doc_id"], cache):
            text = _TEXT_SPACES.sub("", re.sub(r"[\s\u3000]", "", s.text))
            topic = _topic(name, text, settings["min_topic_chars"])
            if not topic:
                continue
            at = text.find(topic)
            rates = [
                m
                for m in _RATE.finditer(text)
                if m.start() > at
                and not _MONEY_RATE.search(m.group(1))
                and "万元" not in text[at : m.start()]
            ]
            if not rates:
                continue
            word, value = rates[0].group(1), float(rates[0].group(2))
            if abs(value - table_rate) <= settings["rate_gap"]:
                break
            where = row["project"] or "部门整体"
            result.flags.append(
                make_flag(
                    CHECK,
                    row,
                    subject=row["name"],
                    message=f"{where}指标表“{row['name']}”实际完成值 {row['actual']}，"
                    f"正文第 {s.line} 行却写“{text[at : rates[0].end()][-60:]}”。",
                    evidence=f"表中={row['actual']}（第{row['source_line']}行）；正文={word}{rates[0].group(2)}%（第{s.line}行）",
                    related=f"{row['source_file']}:{s.line}",
                    key="text",
                    fact=f"{name}{word}",
                )
            )
            break


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    _between_tables(corpus, result)
    _against_text(corpus, settings, result)
    return result
