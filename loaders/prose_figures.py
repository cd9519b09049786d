"""Figures stated in sentences, read once into the ``prose_figures`` frame.

Disclosures restate their tables in prose ("2023年度收入合计524.26万元，与2022年相比，收入
增加13.8万元，增长2.7%"). Checks compare those figures with the tables and with each other,
so each figure is read here, with what it is (amount, budget, actual, change on last year,
share, rate, count, prior-year figure), what it is of (subject) and the figures it goes with:

* a *clause* is one statement about one subject: the amount and the change, share or rate
  stated for it share a ``clause_id`` (the change may sit in the next sentence);
* a part listed after ``其中`` / ``包括`` (or a deeper-numbered item under an item) carries the
  ``parent_clause`` of its whole;
* a change or a rate records its ``basis`` (上年 / 上年预算 / 年初预算 …), a share its
  ``of_total`` as printed.

Paragraphs cut by a page break or by the PDF's line wrap are mended first; a figure whose
subject cannot be told gets a null subject and a catalogued parse issue, never a guess.
Vocabulary: ``docs/model.md``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from loaders.blocks import Grid, Paragraph
from loaders.cells import compact
from loaders.issues import issue

# ---- passages: paragraphs mended across page breaks and line wraps ---------------------------

_MARKERS = [
    (0, re.compile(r"^第[一二三四五六七八九十]+部分")),
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^\d+[、.．](?!\d)")),
    (4, re.compile(r"^[（(]\d+[)）]")),
    (5, re.compile(r"^[①-⑳]")),
]
_SENTENCE_END = tuple("。；！？：:;!?")
_DIGIT_PAIRS = tuple(zip("０１２３４５６７８９％", "0123456789%", strict=True))
_FULL_WIDTH_DIGIT = re.compile("[０-９％]")  # a full-width digit or ％ to make ASCII
_OPENER = re.compile(r"(?:其中|包括|以下方面)[：:]?$")


@dataclass
class Passage:
    """One mended paragraph: compact text, the offset of each character in the source text."""

    text: str  # compact (no blanks), ASCII digits
    lines: list[int]  # source line of every character of ``text``

    @property
    def line(self) -> int:
        return self.lines[0]


# the markers as one pattern: alternatives are tried in order, so the first level that
# matches wins, as when each is tried in turn
_ANY_MARKER = re.compile("|".join(f"(?P<l{level}>{p.pattern})" for level, p in _MARKERS))


def marker_level(text: str) -> int | None:
    """Numbering depth of a paragraph: 第X部分 0, 一、 1, （一） 2, 1. 3, （1） 4, ① 5."""
    m = _ANY_MARKER.match(text)
    return int(m.lastgroup[1:]) if m else None


def _compact_with_lines(para: Paragraph) -> tuple[str, list[int], list[int]]:
    """The paragraph without blanks, the source line of each character kept, and the
    length of each source line without blanks (as :func:`_source_lines` reads them).

    Read one source line (span) at a time: ``str.split()`` drops exactly the characters
    ``str.isspace()`` calls blank (U+3000 among them).
    """
    text = para.text
    if _FULL_WIDTH_DIGIT.search(text):
        for wide, narrow in _DIGIT_PAIRS:  # one character for one: the lengths stay
            if wide in text:  # (str.translate would look up every character)
                text = text.replace(wide, narrow)
    if len(para.spans) == 1 and para.spans[0][0] == 0 and "<" not in text:
        piece = "".join(text.split())  # one source line, the common case: one piece
        return piece, [para.spans[0][1]] * len(piece), [len(piece)]
    starts = [start for start, _ in para.spans]
    if starts != sorted(starts):  # never built so; keep line_at's meaning if it ever is
        kept = [(ch, para.line_at(i)) for i, ch in enumerate(text) if not ch.isspace()]
        widths = [len(s) for s in _source_lines(para)]
        return "".join(ch for ch, _ in kept), [line for _, line in kept], widths
    pieces: list[str] = []
    lines: list[int] = []
    bounds = [(0, para.line)] + [(max(start, 0), src) for start, src in para.spans]
    ends = [start for start, _ in bounds[1:]] + [len(text)]
    for (start, line), end in zip(bounds, ends, strict=True):
        piece = "".join(text[start:end].split())
        pieces.append(piece)
        lines += [line] * len(piece)
    if "<" in para.text or (starts and starts[0] < 0):
        widths = [len(s) for s in _source_lines(para)]  # compact() drops HTML residue too
    else:  # the pieces are the source lines compacted (the first piece is before them)
        widths = [len(piece) for piece in pieces[1:]] if starts else [len(pieces[0])]
    return "".join(pieces), lines, widths


def _source_lines(para: Paragraph) -> list[str]:
    bounds = [s for s, _ in para.spans] or [0]
    ends = bounds[1:] + [len(para.text)]
    return [compact(para.text[a:b]) for a, b in zip(bounds, ends, strict=True)]


def _line_width(widths: list[list[int]]) -> int:
    """The text width of the page, given each paragraph's source-line lengths without blanks:
    a line this long was wrapped, not ended."""
    lengths = sorted(n for lines in widths for n in lines if n)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


_HAS_FIGURE = re.compile(r"\d")


def _continues(prev: Paragraph, prev_text: str, last: int, nxt: Paragraph, width: int) -> bool:
    """Is ``nxt`` the rest of ``prev``'s sentence (cut by a page break or a wrap)? ``last`` is
    the length of ``prev``'s last source line without blanks."""
    nxt_text = compact(nxt.text)
    if not prev_text or marker_level(nxt_text) is not None or nxt.line - _last_line(prev) > 3:
        return False
    wrapped = width >= 15 and last >= 0.8 * width
    if prev_text.endswith(("；", ";")):  # a list item ending a wrapped line goes on
        return wrapped
    if prev_text.endswith(_SENTENCE_END):
        return False
    return wrapped or bool(tokens(prev_text)) or prev_text.endswith(("，", ",", "、"))


def _last_line(para: Paragraph) -> int:
    return para.spans[-1][1] if para.spans else para.line


def passages(blocks: list) -> list[Passage]:
    """Prose paragraphs in reading order, mended; a table between two paragraphs ends one."""
    # each paragraph read once: its compact text, its lines, its source lines' widths
    read = {
        id(b): _compact_with_lines(b) for b in blocks if isinstance(b, Paragraph) and b.text.strip()
    }
    width = _line_width([widths for _, _, widths in read.values()])
    out: list[Passage] = []
    prev: Paragraph | None = None
    prev_last = 0
    for block in blocks:
        if isinstance(block, Grid):
            prev = None
            continue
        if not isinstance(block, Paragraph) or not block.text.strip():
            continue
        text, lines, widths = read[id(block)]
        if not text:
            continue
        if prev is not None and out and _continues(prev, out[-1].text, prev_last, block, width):
            out[-1].text += text
            out[-1].lines += lines
        else:
            out.append(Passage(text, lines))
        prev, prev_last = block, widths[-1]
    return out


def is_heading(text: str, level: int | None | bool = False) -> bool:
    """A numbered title, possibly stating a total ("（一）财政拨款收入208.8万元。包括：").

    ``level``: the text's :func:`marker_level` when the caller has it already."""
    if level is False:
        level = marker_level(text)
    if level is None or len(text) >= 40:
        return False
    return (
        not _HAS_FIGURE.search(_MARKER_STRIP.sub("", text))
        or bool(_OPENER.search(text))
        or not re.search(r"[。，,；;]", text)
    )


_MARKER_STRIP = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[（(]?[一二三四五六七八九十\d]+[)）、.．]|[①-⑳])"
)

# ---- figures ---------------------------------------------------------------------------------

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[XＸ×]{2,}|某某)"
_UNIT = (
    r"(?P<unit>亿元|万元|元|万(?![\u4e00-\u9fff])|%|个百分点|百分点|人次|批次|台[（(]套[)）]"
    r"|辆|人|个(?!月|工作日|小时)|台|套|家|项(?![目）)])|批|名|户|次)"
)
_TOKEN = re.compile(r"(?<![\d.,XＸ×第])" + _NUM + _UNIT)
_BOUND = re.compile(r"^(?:[（(]含[)）])?(?:以上|以下|以内|左右|及以上|及以下)")
_BOUND_BEFORE = re.compile(
    r"(?:不超过|不少于|不低于|不高于|不大于|不小于|低于|高于|超过|≥|≤|＞|＜|>|<)$"
)
_BOUND_REACH = 8  # longer than any text _BOUND or _BOUND_BEFORE can match (and a newline)
_MONEY = {"亿元": 1e4, "万元": 1.0, "万": 1.0, "元": 1e-4}
_MONEY_SHIFT = {"亿元": -4, "万元": 0, "万": 0, "元": 4}
_PERCENT = {"%", "个百分点", "百分点"}
_COUNT_UNIT = {"台(套)": "台（套）"}


class Token(NamedTuple):
    """One figure of a passage (read only: memoised and shared, and built as a tuple, several
    times faster than a dataclass)."""

    start: int  # of the number in the passage text
    end: int  # after the unit
    printed: str
    unit: str  # unit of value: 万元 / % / 百分点 / 人 …
    unit_printed: str
    value: float | None
    decimals: int | None
    placeholder: bool


_MAYBE_TOKEN = re.compile(r"[\dXＸ×某]")  # every figure _TOKEN reads holds one of these


def tokens(text: str) -> tuple[Token, ...]:
    """Every figure with a unit in a passage; bounds ("100万元以上") are not figures.

    A passage is read here twice (whether the next paragraph continues it, then its figures)
    and template passages repeat from report to report: the answer is memoised and shared,
    so it is a tuple and its tokens are read only. Most passages hold no digit at all."""
    return _tokens(text) if _MAYBE_TOKEN.search(text) else ()


@lru_cache(maxsize=1 << 14)
def _tokens(text: str) -> tuple[Token, ...]:
    out = []
    for m in _TOKEN.finditer(text):
        # both bound patterns are a few characters long: look only near the figure, not at a
        # copy of the rest of the passage per figure
        start, end = m.span()
        after = text[end : end + _BOUND_REACH]
        before = text[max(0, start - _BOUND_REACH) : start]
        if _BOUND.match(after) or _BOUND_BEFORE.search(before):
            continue
        printed, unit = m["num"], m["unit"]
        placeholder = not printed[0].isdigit()
        digits = printed.replace(",", "")
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        value = None if placeholder else float(digits)
        if unit in _MONEY:
            if value is not None:
                value = round(value * _MONEY[unit], 10)
            decimals = decimals + _MONEY_SHIFT[unit]
            out_unit = "万元"
        elif unit in _PERCENT:
            out_unit = "%" if unit == "%" else "百分点"
        else:
            if "." in digits:
                continue  # 1.5人 is not a count
            out_unit = _COUNT_UNIT.get(unit.replace("（", "(").replace("）", ")"), unit)
            decimals = 0
        out.append(Token(m.start(), m.end(), printed, out_unit, unit, value, decimals, placeholder))
    return tuple(out)


# ---- what a figure is ------------------------------------------------------------------------

_DIRECTION = re.compile(
    r"(?P<dir>增加|增长|减少|下降|降低|上升|提高|减)了?"
    r"(?P<alt>[（(](?:增加|增长|减少|下降|降低|上升|减少)[)）])?(?:额|幅度|比例)?(?:为|是|达)?$"
)
_DIR_WORD = {
    "增加": "增加",
    "增长": "增加",
    "上升": "增加",
    "提高": "增加",
    "减少": "减少",
    "下降": "减少",
    "降低": "减少",
    "减": "减少",
}
_COMPARATOR = re.compile(
    r"(?:比|较|与|同)(?P<base>上年度?|去年|上一年度?|20\d\d年度?|年初)"
    r"(?P<kind>预算数?|决算数?|执行数|数)?(?:相比|同期)?"
)
_PRIOR = re.compile(
    r"(?:比|较)(?P<base>上年度?|去年|上一年度?|20\d\d年度?)(?P<kind>预算数?|决算数?|数)?的?$"
)
_FLAT = re.compile(
    r"(?:与|比|较)(?P<base>上年度?|去年|20\d\d年度?)(?P<kind>预算数?|决算数?|数)?(?:相比)?[，,]?"
    r"(?:基本)?(?P<word>持平|一致|相同|没有变化|无变化)"
)
_SHARE = re.compile(r"占(?P<total>[^占]*?)的?(?:比重|比例)?(?:为|是|达)?$")
_RATE = re.compile(
    r"(?:完成|达到|为)?(?P<basis>年初|全年|调整后?的?)?预算(?:数)?的$"
    r"|(?:预算)?执行率(?:为|是|达到?)?$|完成率(?:为|是|达到?)?$|执行进度(?:为|是|达到?)?$"
)
_BUDGET = re.compile(
    r"(?<!一般公共)(?<!政府性基金)(?<!国有资本经营)(?<!基金)"
    r"(?P<kw>(?:年初|全年|调整后?|年中)?(?:批复的?)?预算(?:数|金额|安排数?|指标)?|年初批复数?|年初预留指标)"
    r"(?P<rest>(?:总计|总额|合计)?(?:支出)?)(?:为|是|共计|达)?$"
)
_ADJUSTMENT = re.compile(r"(?:年中)?追加(?:指标|预算|资金)?(?:为|是|共计|达)?$")
_BALANCE = re.compile(r"(?:指标结余|本期结余|结余指标)(?:为|是|共计|达)?$")
_ACTUAL = re.compile(
    r"(?P<kw>决算(?:数|金额)?|执行数|实际支出|实际执行|实际完成)(?P<rest>(?:总计|合计)?)"
    r"(?:为|是|共计|达)?$"
)
_BASIS_OF_RATE = {"年初": "年初预算", "全年": "全年预算"}


def _basis(base: str, kind: str | None) -> str:
    if base == "年初":
        return "年初预算"
    if kind and kind.startswith("预算"):
        return "上年预算"
    if kind and kind.startswith("决算"):
        return "上年决算"
    return "上年"


@dataclass
class Reading:
    what: str
    subject: str  # explicit subject in the segment, cleaned ("" when none)
    direction: str | None = None
    direction_printed: str | None = None
    basis: str | None = None
    of_total: str | None = None


def read_segment(segment: str, token: Token, context: str) -> Reading | None:
    """What the figure after ``segment`` is; ``context`` is the sentence before it."""
    unit = token.unit
    if unit in ("%", "百分点", "万元") and (m := _direction(segment)):
        return _change("change_pct" if unit != "万元" else "change_amount", segment, m, context)
    return _reading(segment, unit)


@lru_cache(maxsize=1 << 14)  # template sentences repeat from report to report
def _direction(segment: str) -> re.Match | None:
    return _DIRECTION.search(segment)


@lru_cache(maxsize=1 << 14)  # ...and so do the words before a figure (the answer is read only)
def _reading(segment: str, unit: str) -> Reading:
    """:func:`read_segment` of a figure that states no change (the context plays no part)."""
    if unit in ("%", "百分点"):
        if m := _SHARE.search(segment):
            total = clean_subject(m["total"]) or None
            return Reading("share", clean_subject(segment[: m.start()]), of_total=total)
        if m := _RATE.search(segment):
            basis = _BASIS_OF_RATE.get(m["basis"] or "", "调整预算" if m["basis"] else "预算")
            return Reading("rate", clean_subject(segment[: m.start()]), basis=basis)
        return Reading("rate", clean_subject(segment))
    if unit == "万元":
        if m := _PRIOR.search(segment):
            subject = clean_subject(segment[: m.start()])
            return Reading("prior", subject, basis=_basis(m["base"], m["kind"]))
        if m := _ADJUSTMENT.search(segment):
            return Reading("adjustment", clean_subject(segment[: m.start()]))
        if m := _BALANCE.search(segment):
            return Reading("balance", clean_subject(segment[: m.start()]))
        if m := _BUDGET.search(segment):
            head = segment[: m.start()]
            rest = m["rest"]
            if head.endswith("总"):  # 收、支总预算
                head, rest = head[:-1], "总计" + rest
            if rest and head.endswith(rest):  # 政府性基金支出预算支出
                rest = ""
            return Reading("budget", clean_subject(head + rest))
        if m := _ACTUAL.search(segment):
            return Reading("actual", clean_subject(segment[: m.start()] + m["rest"]))
        return Reading("amount", clean_subject(segment))
    return Reading("count", clean_subject(segment))


def _change(what: str, segment: str, m: re.Match, context: str) -> Reading:
    word = m["dir"]
    printed = word + (m["alt"] or "")
    direction = None if m["alt"] else _DIR_WORD[word]
    comparators = list(_COMPARATOR.finditer(context + segment))
    basis = _basis(comparators[-1]["base"], comparators[-1]["kind"]) if comparators else None
    head = segment[: m.start()]
    if comp := list(_COMPARATOR.finditer(head)):
        head = head[: comp[-1].start()] + head[comp[-1].end() :]
    return Reading(what, clean_subject(head), direction, printed, basis)


# ---- subjects --------------------------------------------------------------------------------

_LEAD = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[、.．](?!\d)|[①-⑳]|[，,：:；;、。]"
    r"|其中|此外|另外|包括|以及|具体情况如下|具体如下|主要原因是|主要原因|主要是|原因是|主要用于|用于"
    r"|主要包括|共计|累计|全年安排|新增|追加|拟|含|即|共有|共涉及|涉及|共|完成|开展|组织|实现"
    r"|截[至止]\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?[，,]?|(?:19|20)\d\d年(?:度)?(?:年末|末)?[，,]?|本年度|当年"
    r"|本部门|我部门|本单位|我单位|我局|我办|我委|我中心|本局|我院|本院|我厅|本厅"
    r"|经市?财政|市财政|批复的?)"
)
_ORG = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{1,6}?[省市区县][\u4e00-\u9fffXＸ×]{0,24}?"
    r"(?:办公厅|委员会|中心|厅|局|院|办公室)(?:部门|本级|机关)?"
)
_TRAIL = re.compile(r"(?:[，,：:；;、的为是中]|共计|共有|共|合计为|达到?|约|各|分别为|分别|完成)$")
_COMPARATOR_LEAD = re.compile(
    r"^(?:(?:与|比|较)(?:上年度?|去年|20\d\d年度?)(?:相比|同期)?|同比)[，,]?"
)
GENERIC = {"支出", "收入", "资金", "金额", "经费", "项目", "合计", "总计", "其中", "总额"}


def _strip_org(text: str) -> str:
    best = ""
    for m in re.finditer(r"办公厅|委员会|中心|厅|局|院|办公室", text[:32]):
        head = text[: m.end()]
        after = text[m.end() :]
        after = re.sub(r"^(?:部门|本级|机关)", "", after)
        if re.match(r"^(?:中共)?[\u4e00-\u9fff]{1,6}?[省市区县]", head) and len(after) >= 2:
            best = after
    return best or text


@lru_cache(maxsize=1 << 14)  # template sentences repeat from report to report
def clean_subject(text: str) -> str:
    """The noun phrase a figure is stated for, without dates, agency, numbering and verbs."""
    text = text.replace("“", "“").strip()
    if text.count("（") + text.count("(") > text.count("）") + text.count(")"):
        cut = max(text.rfind("（"), text.rfind("("))
        text = text[cut + 1 :]
    if m := re.search(r"主要用于|用于|安排的", text):
        text = text[m.end() :]
    previous = None
    while previous != text:
        previous = text
        text = _LEAD.sub("", text)
        text = _COMPARATOR_LEAD.sub("", text)
        text = _strip_org(text)
        text = _TRAIL.sub("", text)
    return text


def compatible(a: str | None, b: str | None) -> bool:
    """Same subject, printed more or less fully ("收入" ~ "收入合计", "收、支总计" ~ "收支总计")."""
    if not a or not b:
        return False
    na, nb = (re.sub(r"[、，“”\"（）()各]|预算|决算", "", s) for s in (a, b))
    return bool(na) and bool(nb) and (na in nb or nb in na)


# ---- clauses ---------------------------------------------------------------------------------

AMOUNT_LIKE = ("amount", "budget", "adjustment", "actual", "balance", "count")


@dataclass
class Clause:
    id: int
    subject: str | None
    parent: int | None
    sentence_no: int
    whats: set[str] = field(default_factory=set)


@dataclass
class _State:
    """What reading a document carries from one passage to the next."""

    next_id: int = 1
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text)
    # wholes whose parts may follow: (level, clause, "list" after 其中/包括 or "item" for a
    # numbered item whose deeper-numbered items are its parts)
    openers: list[tuple[float, int | None, str]] = field(default_factory=list)

    def new_clause(self, subject, parent, sentence_no) -> Clause:
        clause = Clause(self.next_id, subject, parent, sentence_no)
        self.next_id += 1
        return clause


_LABEL = re.compile(r"[（(](?:类|款|项)[)）]$")
_COLON_HEAD = re.compile(r"([^，,；;。：:]{2,60})[：:][^：:]*$")
_LABEL_TAIL = re.compile(r"(?:绩效自评综述|自评综述|综述|情况说明|情况)$")


def _level_key(level: int | None) -> float:
    return 9 if level is None else level


def read_passages(items: list[Passage]) -> tuple[list[dict], list[dict]]:
    """Rows of ``prose_figures`` and parse issues for a document's passages."""
    state = _State()
    rows: list[dict] = []
    problems: list[dict] = []
    for passage in items:
        level = marker_level(passage.text)
        heading = is_heading(passage.text, level)
        found = tokens(passage.text)
        if heading:
            _enter_heading(state, level, passage.text)
        if passage.text.startswith(("此外", "另外")):  # what follows is not a part any more
            state.openers = []
        elif not found:
            state.openers = [o for o in state.openers if o[0] != 0.5]
        if not found:
            continue
        if not heading:
            key = _level_key(level)
            state.openers = [o for o in state.openers if o[0] < key or o[0] == 0.5]
        inherited = state.openers[-1][1] if state.openers else None
        if level is None and state.openers and state.openers[-1][2] == "item":
            inherited = None  # an unnumbered paragraph after an item is not its part
        clauses = _read_passage(state, passage, found, inherited, heading, rows, problems)
        if clauses and level is not None and not heading:
            state.openers.append((level, clauses[0].id, "item"))
        if _OPENER.search(passage.text) and clauses:
            key = 0.5 if level is None else _level_key(level)
            state.openers = [o for o in state.openers if o[0] < key]
            state.openers.append((key, clauses[0].id, "list"))
    return rows, problems


def _enter_heading(state: _State, level: int | None, text: str) -> None:
    key = _level_key(level)
    state.headings = [h for h in state.headings if h[0] < key] + [(int(key), text)]
    state.openers = [o for o in state.openers if o[0] < key and o[0] != 0.5]


def _sections(state: _State) -> tuple[str | None, str | None]:
    section = state.headings[-1][1] if state.headings else None
    chapter = next((t for lv, t in reversed(state.headings) if lv == 1), None)
    return section, chapter


_SENTENCE_ENDS = re.compile(r"[。！？!?]+")
_LIST_END = re.compile(r"[；;]")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _SENTENCE_ENDS.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


_CLAUSE_STOP = re.compile("[，,；;。：:]")


def _read_passage(state, passage, found, inherited, heading, rows, problems) -> list[Clause]:
    text = passage.text
    section, chapter = _sections(state)
    clauses: list[Clause] = []
    current: Clause | None = None
    label: str | None = None
    first_of: dict[int, int] = {}  # sentence -> its first clause
    stops = [m.start() for m in _CLAUSE_STOP.finditer(text)]  # where a segment may begin after
    for sentence_no, (s_start, s_end) in enumerate(_sentences(text)):
        sentence = text[s_start:s_end]
        in_sentence = [t for t in found if s_start <= t.start < s_end]
        parent_here: int | None = None
        cursor = s_start
        events = _flat_events(sentence, s_start) + [(t.start, t) for t in in_sentence]
        remarks = _remarks(sentence, s_start)
        saved: tuple | None = None
        for start, item in sorted(events, key=lambda e: e[0]):
            inside = any(a <= start < b for a, b in remarks)
            if inside and saved is None:
                saved = (current, parent_here)
            elif not inside and saved is not None:  # back from a remark in brackets
                (current, parent_here), saved = saved, None
            if "其中" in text[cursor:start] and current is not None:
                parent_here = current.id
                if text[s_start:start].startswith("其中") and first_of.get(sentence_no - 1):
                    parent_here = first_of[sentence_no - 1]
            if isinstance(item, re.Match):
                reading = Reading(
                    "change_amount",
                    "",
                    "持平",
                    item["word"],
                    _basis(item["base"], item["kind"]),
                )
                token = None
                cursor_end = s_start + item.end()
            else:
                token = item
                # after the last stop in the sentence before the figure, as rfind of each finds
                before = bisect_left(stops, start) - 1
                last_stop = stops[before] + 1 if before >= 0 and stops[before] >= s_start else 0
                boundary = max(cursor, s_start, last_stop)
                segment = text[boundary:start]
                reading = read_segment(segment, token, text[s_start:boundary])
                cursor_end = token.end
                closed = _LIST_END.search(text, cursor, max(cursor, start))
                if parent_here is not None and closed and not _explicit(reading):
                    # "其中A x万元、B y万元；决算金额为z万元": the list is over, back to the whole
                    whole = next(c for c in clauses if c.id == parent_here)
                    if reading.what not in whole.whats:
                        current, parent_here = whole, None
            clause = _place(state, reading, current, clauses, sentence_no, parent_here, inherited)
            if clause.subject is None:
                clause.subject = _fallback_subject(reading, token, text, s_start, start, label)
            clause.whats.add(reading.what)
            first_of.setdefault(sentence_no, clause.id)
            if clause not in clauses:
                clauses.append(clause)
            current = clause
            cursor = cursor_end
            rows.append(
                _row(reading, token, clause, passage, start, sentence, section, chapter, heading)
            )
            if clause.subject is None and token is not None:
                problems.append(
                    issue(
                        "prose-figure-no-subject",
                        passage.lines[start],
                        figure=token.printed + token.unit_printed,
                    )
                )
        if not in_sentence and _LABEL.search(sentence.rstrip("。")):
            label = clean_subject(sentence.rstrip("。"))
    return clauses


def _remarks(sentence: str, offset: int) -> list[tuple[int, int]]:
    """Spans of bracketed remarks holding a figure ("（其中公共项目支出65,191.20万元为预留指标）")."""
    if "（" not in sentence and "(" not in sentence:
        return []  # no bracket, no remark
    return [
        (offset + m.start(), offset + m.end())
        for m in _BRACKETED.finditer(sentence)
        if tokens(m.group(0))
    ]


_FLAT_WORDS = ("持平", "一致", "相同", "变化")


def _flat_events(sentence: str, offset: int) -> list[tuple[int, re.Match]]:
    """ "与上年相比持平": a change of zero stated in words."""
    if not any(word in sentence for word in _FLAT_WORDS):
        return []  # every match ends in one of these words
    return [(offset + m.start(), m) for m in _FLAT.finditer(sentence)]


def _explicit(reading: Reading) -> str:
    subject = reading.subject
    return subject if subject and (subject not in GENERIC or reading.what == "count") else ""


def _place(state, reading, current, clauses, sentence_no, parent_here, inherited) -> Clause:
    """The clause a figure belongs to: the current one, an earlier one, or a new one."""
    what, subject = reading.what, reading.subject
    explicit = _explicit(reading)
    parent = parent_here if parent_here is not None else inherited
    after_list = parent_here is not None and current is not None and current.id == parent_here
    if what in AMOUNT_LIKE:
        counted = current is not None and "count" in current.whats and what != "count"
        free = current is not None and what not in current.whats and not after_list
        same = not explicit or (
            current is not None
            and compatible(explicit, current.subject)
            and (explicit == current.subject or what != "amount")
        )
        if free and not counted and same:
            return current
        if explicit:
            return state.new_clause(explicit, parent, sentence_no)
        if current is not None and not after_list:
            if "count" in current.whats and subject and current.subject:  # 项目3个，资金25.33万元
                return state.new_clause(current.subject + subject, current.parent, sentence_no)
            if subject in ("收入", "支出"):  # 收入X万元，支出Y万元: the other side of one account
                return state.new_clause(_other_side(current.subject, subject), None, sentence_no)
            return state.new_clause(current.subject, current.parent, sentence_no)
        side = subject if subject in ("收入", "支出") else None  # "2022年收入实际完成X万元"
        return state.new_clause(side, parent, sentence_no)
    # a change, share, rate or prior-year figure: of the statement it follows
    free = current is not None and what not in current.whats
    if free and current.sentence_no == sentence_no and not after_list:
        paraphrase = what in ("change_amount", "change_pct", "prior")  # "收、支预算总计各增加"
        if not explicit or compatible(explicit, current.subject) or paraphrase:
            return current
    if free and not explicit and not after_list:
        return current
    if explicit:
        for earlier in reversed(clauses):
            if what not in earlier.whats and compatible(explicit, earlier.subject):
                return earlier
        return state.new_clause(explicit, parent, sentence_no)
    if current is not None:
        return state.new_clause(current.subject, current.parent, sentence_no)
    return state.new_clause(None, parent, sentence_no)


_NOUN_END = re.compile(r"(?:经费|资金|项目|支出|收入|费|专项|补助|补贴|工程|基金)$")
_COUNTED = re.compile(r"^([\u4e00-\u9fff]{1,12}?)(?=[，。；、：,;]|实行|开展|参与|的|$)")


def _other_side(subject: str | None, word: str) -> str:
    """ "国有资本经营预算财政拨款收入X万元，支出Y万元": 支出 of the same fund."""
    for a, b in (("收入", "支出"), ("支出", "收入")):
        if subject and subject.endswith(a) and word == b:
            return subject[: -len(a)] + b
    return word


def _fallback_subject(reading, token, text, s_start, start, label) -> str | None:
    """No subject before the figure: the label sentence before it, the text before a colon,
    or for a count the noun after it ("共涉及3个一级项目")."""
    if reading.subject and (reading.subject not in GENERIC or reading.what == "count"):
        return reading.subject
    if label:
        return label
    head = re.match(r"[^，；;：:\d]{2,40}?，", text[s_start:start])
    if head and not tokens(head.group(0)):  # "④无线电管理经费，年初预算14.07万元"
        name = clean_subject(head.group(0))
        if name not in GENERIC and _NOUN_END.search(name) and not _COMPARATOR.search(name):
            return name
    m = _COLON_HEAD.search(text[s_start:start])
    if m:
        head = _LABEL_TAIL.sub("", clean_subject(m.group(1)))
        if len(head) >= 2 and head not in GENERIC:
            return head
    after = _COUNTED.match(text[token.end :]) if token is not None else None
    if reading.what == "count" and after:
        return after.group(1)
    return None


def _row(reading, token, clause, passage, start, sentence, section, chapter, heading) -> dict:
    return {
        "section": section,
        "chapter": chapter,
        "in_heading": heading,
        "sentence": sentence,
        "subject": clause.subject,
        "what": reading.what,
        "value": 0.0 if token is None else token.value,
        "printed": reading.direction_printed if token is None else token.printed,
        "unit": None if token is None else token.unit,
        "unit_printed": None if token is None else token.unit_printed,
        "decimals": None if token is None else token.decimals,
        "direction": reading.direction,
        "direction_printed": reading.direction_printed,
        "basis": reading.basis,
        "of_total": reading.of_total,
        "placeholder": bool(
            (token is not None and token.placeholder)
            or (reading.direction_printed and reading.direction is None)
        ),
        "clause_id": clause.id,
        "parent_clause": clause.parent,
        "source_line": passage.lines[start],
    }


def prose_figures(blocks: list) -> tuple[list[dict], list[dict]]:
    """The figures stated in a document's prose, and the issues met reading them."""
    return read_passages(passages(blocks))
