"""Figures stated only in sentences: budget with actual, balance and rate.

Many reports give key figures only in prose, e.g. ``年初预算为X万元，支出决算为Y万元，
完成年初预算的Z%`` or ``年初预算 A 万元，实际支出 B 万元，指标结余 C 万元，预算执行率
D%``. A sentence that states a budget and an actual for one subject becomes a
budget line with ``origin == "prose"``; the subject is the text before the
first figure, stripped of dates, agency words and the keywords themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.blocks import Paragraph
from loaders.cells import compact, number_in

_NUM = r"(?P<num>\d[\d,]*(?:\.\s?\d+)?)"
_GAP = r"\u2002*(?:[^\d，,；;。（(\u2002]\u2002*){0,10}?"
# role -> keyword pattern (checked in this order at each position)
_KEYWORDS: list[tuple[str, str]] = [
    ("rate", r"预算执行率|执行率|完成(?:年初)?预算的|控制率|预算执行"),
    ("adjustment", r"(?:年中)?追加(?:指标|专项项目预算)?"),
    (
        "initial",
        r"年初(?:预算|批复|预留指标)(?:数|安排)?|预算批复"
        r"|批复的?(?!全年)[^\d，,；;。]{0,8}?(?<!全年)预算(?:为)?",
    ),
    ("balance", r"指标结余|本期结余"),
    (
        "actual",
        r"实际支出|支出决算|决算支出|执行数|本年支出|实际支付|决算金额|实际执行|实际使用"
        r"|项目支出(?=\s*\d)",
    ),
    ("budget", r"全年预算(?:合计|数)?|预算(?:数|金额|安排|合计)|(?<!年初)预算|指标下达"),
]
_ZERO_PHRASES = [
    ("initial", re.compile(r"年初无预算")),
    ("actual", re.compile(r"实际无支出")),
    ("balance", re.compile(r"(?:年底)?无结余")),
]
_FIGURE = re.compile(
    "|".join(
        f"(?P<{role}>{kw}){_GAP}{_NUM.replace('num', 'n_' + role)}\\s*(?P<u_{role}>万元|万|%)?"
        for role, kw in _KEYWORDS
    )
)
_NUMBER_GROUP = {role: f"n_{role}" for role, _ in _KEYWORDS}
_UNIT_GROUP = {role: f"u_{role}" for role, _ in _KEYWORDS}
_PAREN = re.compile(r"[（(][^（）()]*[)）]")
_BRACKETED_ADJUSTMENT = re.compile(r"年中追加\S{0,8}?\s*" + _NUM + r"\s*万元")
_LEAD = re.compile(
    r"^(?:[①-⑳]|\d+[、.．]|[（(][\d一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)?\s*"
    r"(?:\d{4}\s*年(?:度)?\s*[，,]?)?"
)
_AGENCY = re.compile(
    r"^(?:我局|我办|我委|我单位|本单位|我部门|本部门|工改办|市工改办)?"
    r"(?:市经财政|经市财政|经财政)?(?:批复的?)?"
)
_TRAIL = re.compile(
    r"(?:[，,：:的为]|年初|年中|全年|追加|预算|批复|预留指标|指标|下达|合计|共计|数|金额|安排"
    r"|项目绩效自评综述[：:]?项目)+$"
)
_ITEM_OF_LINE = re.compile(r"([^()（）]{2,40})[（(]项[)）]")


@dataclass
class _Clause:
    values: dict[str, float]
    decimals: int
    rate_decimals: int | None
    first_offset: int
    vs_initial: bool  # the stated rate is measured against the initial budget


def _mask_parentheses(text: str) -> str:
    """Blank out remarks in brackets so their figures never count for the clause."""
    return _PAREN.sub(lambda m: "\u2002" * len(m.group(0)), text)


_ANY_DIGIT = re.compile(r"\d")
# every "actual" keyword and zero phrase holds one of these; a clause needs an actual
_ACTUAL_WORDS = ("实际", "决算", "执行数", "本年支出", "项目支出")
# ...and a budget: every initial, budget and adjustment keyword (the bracketed 年中追加 and
# 年初无预算 too) holds one of these
_BUDGET_WORDS = ("预算", "年初", "追加", "指标下达")


def _find_figures(sentence: str) -> _Clause | None:
    if "无" not in sentence and not _ANY_DIGIT.search(sentence):
        return None  # every figure pattern needs a digit, every zero phrase a 无
    if not any(word in sentence for word in _ACTUAL_WORDS):
        return None
    if not any(word in sentence for word in _BUDGET_WORDS):
        return None
    bracketed = "（" in sentence or "(" in sentence  # every remark opens with one
    masked = _mask_parentheses(sentence) if bracketed else sentence
    values: dict[str, float] = {}
    decimals, rate_dec, first = 0, None, None
    for match in _FIGURE.finditer(masked):
        # one role's groups match: the last of them to close is its number or its unit
        role = match.lastgroup[2:]
        unit = match.group(_UNIT_GROUP[role])
        raw = match.group(_NUMBER_GROUP[role])
        num = number_in(raw.replace(" ", ""))
        if num is None or role in values:
            continue
        if role == "rate":
            if unit != "%" and num.value != 0:
                continue
            rate_dec = num.decimals
        elif unit not in ("万元", "万"):
            continue
        else:
            decimals = max(decimals, num.decimals)
        values[role] = num.value
        first = match.start(f"n_{role}") if first is None else first
    if "adjustment" not in values and bracketed and "年中追加" in sentence:
        for paren in _PAREN.finditer(sentence):
            m = _BRACKETED_ADJUSTMENT.search(paren.group(0))
            if m and (num := number_in(m["num"])):
                values["adjustment"] = num.value
    for role, pattern in _ZERO_PHRASES if "无" in masked else ():  # each phrase says 无
        m = pattern.search(masked)
        if m and role not in values:
            values[role] = 0.0
            first = m.start() if first is None else min(first, m.start())
    has_budget = any(r in values for r in ("initial", "budget", "adjustment"))
    if not has_budget or "actual" not in values or first is None:
        return None
    vs_initial = "年初预算" in masked and bool(re.search(r"完成年初预算的|年初预算数", masked))
    return _Clause(values, decimals, rate_dec, first, vs_initial)


_LONG_PAREN = re.compile(r"[（(][^（）()]{4,}[)）]")
_HEADING_SUBJECT = re.compile(r"(支出|资金|经费|项目)")


def _subject(prefix: str, previous: str, heading: str) -> str:
    text = _LONG_PAREN.sub("", compact(prefix))
    text = _LEAD.sub("", text)
    text = _TRAIL.sub("", text).strip("“”\"'，,：:")
    if "，" in text or "," in text:
        text = re.split(r"[，,]", text)[-1]
    text = re.sub(r"^(?:主要原因)?[一二三四五六七八九十]是", "", text)
    text = _LEAD.sub("", text)
    text = _AGENCY.sub("", text)
    text = _TRAIL.sub("", text).strip("“”\"'，,：:")
    text = text.replace("“", "").replace("”", "")
    if len(text) >= 2 and text != "部门":
        return text
    item = _ITEM_OF_LINE.findall(previous)
    if item:
        return compact(item[-1])
    head = re.split(r"安排|情况|、|，|方面", _LEAD.sub("", compact(heading)))[0]
    if len(head) >= 2 and _HEADING_SUBJECT.search(head):
        return head
    return "部门整体支出"


_ENUM_ITEM = re.compile(
    r"^(?P<none>无)?(?P<label>[^\d]{2,20}?)\s*(?P<num>\d[\d,]*(?:\.\d+)?)?\s*(?:万元)?$"
)


def _enumeration(segment: str) -> dict[str, tuple[float, int]]:
    """``其中A 12 万元、B 4 万元`` -> {A: (12, offset)}; ``无B`` counts as 0."""
    at = segment.find("其中")
    if at < 0:
        return {}
    out: dict[str, tuple[float, int]] = {}
    pos = at + 2
    for piece in re.split(r"[、，,]", segment[at + 2 :]):
        m = _ENUM_ITEM.match(piece.strip().rstrip("；;。"))
        if m:
            if m["num"]:
                num = number_in(m["num"])
                value = num.value if num else None
            else:
                value = 0.0 if m["none"] else None
            if value is not None:
                out[compact(m["label"])] = (value, pos + piece.find(m["label"]))
        pos += len(piece) + 1
    return out


def _component_pairs(sentence: str) -> list[tuple[str, float, float, int]]:
    """Parts listed after 其中 for the budget and again for the actual, paired by name."""
    budgets: dict[str, tuple[float, int]] = {}
    actuals: dict[str, tuple[float, int]] = {}
    offset = 0
    for segment in re.split(r"(?<=[；;])", sentence):
        if re.search(r"预算", segment.split("其中")[0]) and not budgets:
            budgets = {k: (v, offset + o) for k, (v, o) in _enumeration(segment).items()}
        elif re.search(r"决算|实际支出|执行数", segment.split("其中")[0]) and not actuals:
            actuals = {k: (v, offset + o) for k, (v, o) in _enumeration(segment).items()}
        offset += len(segment)
    return [(k, b, actuals[k][0], o) for k, (b, o) in budgets.items() if k in actuals]


_AFTER_FULL_STOP = re.compile(r"(?<=。)")


def paragraph_to_lines(para: Paragraph, heading: str = "") -> list[dict]:
    """Budget lines stated in one paragraph (one per sentence with a budget–actual pair)."""
    out: list[dict] = []
    if not any(word in para.text for word in _ACTUAL_WORDS):
        return out  # no sentence can state an actual (as _find_figures asks), unsplit
    if not any(word in para.text for word in _BUDGET_WORDS):
        return out  # ...nor a budget
    previous = ""
    offset = 0
    for sentence in _AFTER_FULL_STOP.split(para.text):
        clause = _find_figures(sentence)
        if clause:
            subject = _subject(sentence[: clause.first_offset], previous, heading)
            v = clause.values
            budget = v.get("budget")
            if budget is None and "initial" in v and ("adjustment" not in v or clause.vs_initial):
                budget = v["initial"]
            if (
                "initial" not in v
                and budget is not None
                and "年初" in sentence[: clause.first_offset]
            ):
                v["initial"] = budget
            out.append(
                {
                    "table": "正文",
                    "table_kind": "prose",
                    "table_id": 0,
                    "item": subject,
                    "row_kind": "item",
                    "parent_item": "",
                    "project": "",
                    "code": "",
                    "budget_initial": v.get("initial"),
                    "budget_adjustment": v.get("adjustment"),
                    "budget": budget,
                    "actual": v.get("actual"),
                    "balance": v.get("balance"),
                    "rate_stated": v.get("rate"),
                    "unit": "万元",
                    "decimals": clause.decimals,
                    "rate_decimals": clause.rate_decimals,
                    "source_line": para.line_at(offset + clause.first_offset),
                    "origin": "prose",
                    "text": sentence.strip(),
                }
            )
            for label, budget_part, actual_part, at in _component_pairs(sentence):
                out.append(
                    {
                        **out[-1],
                        "item": label,
                        "row_kind": "sub",
                        "parent_item": subject,
                        "budget_initial": None,
                        "budget_adjustment": None,
                        "budget": budget_part,
                        "actual": actual_part,
                        "balance": None,
                        "rate_stated": None,
                        "rate_decimals": None,
                        "source_line": para.line_at(offset + at),
                    }
                )
        previous = sentence
        offset += len(sentence)
    return out
