"""Which table a grid is: a standard 决算 / 预算 disclosure table or a self-evaluation table.

Real disclosures number their tables in several ways (national 公开01–09, Shanghai
表一–九 with 三公 seventh, Jiangsu 公开01–12, Shanghai 2025 预算 01–09), so a table is
recognised by its printed title (and, for self-evaluation tables, the words around
and inside it), never by its position. :data:`DISCLOSURE` is the literal registry:
one entry per standard table kind, most specific first, each naming the recogniser
family that reads it (:mod:`loaders.recognise`).

A grid may hold several tables when a PDF page runs one table into the next
(``收入预算总表`` printed as a row of the grid above): :func:`segments` cuts a grid
at such title rows, and reads the ``部门：… 单位：万元`` rows as the table's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from loaders.blocks import Grid, Row
from loaders.cells import compact, parse_number


@dataclass(frozen=True)
class TableKind:
    kind: str  # fa_summary … bu_procurement (docs/model.md)
    statement: str  # 决算 / 预算
    family: str  # recogniser family: summary / classified / sangong
    title: re.Pattern
    side: str = "expenditure"  # the side of the table's amounts unless a column or row says
    classification: str | None = None  # functional / economic
    scope: str = "fiscal"  # "all" sources of money, or "fiscal" (财政拨款) only


def _p(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# The registry, most specific title first. A title is matched after spaces are removed.
DISCLOSURE: list[TableKind] = [
    # 决算 (national 公开01–09 / Shanghai 表一–九)
    TableKind("fa_sangong", "决算", "sangong", _p(r"三公.{0,12}决算|决算.{0,6}三公")),
    TableKind(
        "fa_gov_fund",
        "决算",
        "classified",
        _p(r"政府性基金预算财政拨款(收入)?支出决算"),
        classification="functional",
    ),
    TableKind(
        "fa_state_capital",
        "决算",
        "classified",
        _p(r"国有资本经营预算财政拨款(收入)?支出决算"),
        classification="functional",
    ),
    TableKind(
        "fa_general_basic",
        "决算",
        "classified",
        _p(r"一般公共预算财政拨款基本支出决算"),
        classification="economic",
    ),
    TableKind(
        "fa_general",
        "决算",
        "classified",
        _p(r"一般公共预算财政拨款(项目)?支出决算"),
        classification="functional",
    ),
    TableKind("fa_fiscal_summary", "决算", "summary", _p(r"财政拨款收(入)?支(出)?决算总表")),
    TableKind("fa_summary", "决算", "summary", _p(r"收(入)?支(出)?决算总表"), scope="all"),
    TableKind(
        "fa_income",
        "决算",
        "classified",
        _p(r"收入决算(明细)?表"),
        side="income",
        classification="functional",
        scope="all",
    ),
    TableKind(
        "fa_expenditure",
        "决算",
        "classified",
        _p(r"支出决算(明细)?表"),
        classification="functional",
        scope="all",
    ),
    # 预算 (Jiangsu 公开01–12, Shanghai 2025 01–09)
    TableKind("bu_sangong", "预算", "sangong", _p(r"三公")),
    TableKind("bu_procurement", "预算", "classified", _p(r"政府采购")),
    TableKind(
        "bu_running_costs", "预算", "classified", _p(r"机关运行经费"), classification="economic"
    ),
    TableKind(
        "bu_gov_fund",
        "预算",
        "classified",
        _p(r"政府性基金.{0,12}预算表"),
        classification="functional",
    ),
    TableKind(
        "bu_state_capital",
        "预算",
        "classified",
        _p(r"国有资本经营.{0,12}预算表"),
        classification="functional",
    ),
    TableKind(
        "bu_general_basic",
        "预算",
        "classified",
        _p(r"一般公共预算(财政拨款)?基本支出"),
        classification="economic",
    ),
    TableKind(
        "bu_general",
        "预算",
        "classified",
        _p(r"一般公共预算(财政拨款)?支出(功能分类)?预算表"),
        classification="functional",
    ),
    TableKind(
        "bu_fiscal_basic",
        "预算",
        "classified",
        _p(r"财政拨款基本支出"),
        classification="economic",
    ),
    TableKind("bu_fiscal_summary", "预算", "summary", _p(r"财政拨款收(入)?支(出)?(预算)?总表")),
    TableKind(
        "bu_fiscal",
        "预算",
        "classified",
        _p(r"财政拨款(项目)?支出(功能分类)?预算表"),
        classification="functional",
    ),
    TableKind("bu_summary", "预算", "summary", _p(r"收(入)?支(出)?预算总表"), scope="all"),
    TableKind(
        "bu_income", "预算", "classified", _p(r"收入预算(总)?表"), side="income", scope="all"
    ),
    TableKind(
        "bu_expenditure",
        "预算",
        "classified",
        _p(r"支出预算(总)?表"),
        classification="functional",
        scope="all",
    ),
]
BY_KIND = {k.kind: k for k in DISCLOSURE}
# A disclosure table whose title says 决算 / 预算 but none of the above: read, not named.
OTHER = {
    "决算": TableKind("fa_other", "决算", "classified", _p(r"决算(明细)?表")),
    "预算": TableKind("bu_other", "预算", "classified", _p(r"预算(明细)?表")),
}
BY_KIND.update({k.kind: k for k in OTHER.values()})

_CODE_LABEL = re.compile(
    r"公开\s*(\d{1,2})\s*表|^表\s*([一二三四五六七八九十]+|\d{1,2})(?![一-龥])"
)
_LEADING_NUMBER = re.compile(r"^([一二三四五六七八九十]+)[、.．]")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_YUAN = re.compile(r"单位[：:]?\s*元|（元）|\(元\)")
_UNIT_WAN = re.compile(r"单位[：:]?\s*万元|（万元）|\(万元\)")
_META = re.compile(
    r"^(部门|单位|部门名称|编制部门|预算单位)[（(]?[^：:]{0,6}[：:]|单位[：:]\s*(万元|元)"
)
_NOT_TITLE = re.compile(r"^注|本表|说明[：:]|[。；]")
_SELF_EVAL_TITLE = re.compile(r"自评表|基础数据表|绩效目标表|自评报告")


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20 (the numbers tables and list marks use)."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text)


@lru_cache(maxsize=4096)
def title_kind(text: str) -> TableKind | None:
    """The standard table a printed title names, or None."""
    text = compact(text)
    if not text or _NOT_TITLE.search(text) or _SELF_EVAL_TITLE.search(text) or len(text) > 80:
        return None
    if "表" not in text:
        return None
    statement = "决算" if "决算" in text else "预算" if "预算" in text else None
    if statement is None:
        return None
    for kind in DISCLOSURE:
        if kind.statement == statement and kind.title.search(text):
            return kind
    return None


def table_code(texts: list[str], title: str = "") -> str | None:
    """The printed number of a table, two digits: a label among ``texts`` (nearest first:
    公开05表 → 05, 表五 → 05), else the title's own list number (五、… → 05)."""
    for text in texts:
        if "表" not in text:  # every label names a 表 (compacting only drops characters)
            continue
        m = _CODE_LABEL.search(compact(text))
        if m:
            number = cn_number(m[1] or m[2])
            if number:
                return f"{number:02d}"
    m = _LEADING_NUMBER.match(compact(title))
    number = cn_number(m[1]) if m else None
    return f"{number:02d}" if number else None


_CONTENTS_ENTRY = re.compile(r"^([一二三四五六七八九十]+)[、.．](.{2,60}表)$")


def contents_numbers(texts: list[str]) -> dict[str, str]:
    """Table numbers printed in the contents (``七、政府性基金支出预算表``), by table kind.

    Tables printed without a number of their own take it from here; a kind listed
    twice is ambiguous and left out.
    """
    found: dict[str, list[str]] = {}
    for text in texts:
        m = _CONTENTS_ENTRY.match(compact(text))
        if not m:
            continue
        kind = title_kind(m[2])
        number = cn_number(m[1])
        if kind is not None and number:
            found.setdefault(kind.kind, []).append(f"{number:02d}")
    return {k: v[0] for k, v in found.items() if len(set(v)) == 1}


def unit_of(texts: list[str]) -> str | None:
    """万元 or 元, as the table's 单位 line prints it."""
    for text in texts:
        if "元" not in text:  # both patterns name a 元 (compacting only drops characters)
            continue
        text = compact(text)
        if _UNIT_YUAN.search(text):
            return "元"
        if _UNIT_WAN.search(text):
            return "万元"
    return None


@lru_cache(maxsize=4096)
def clean_title(text: str) -> str:
    """The title as printed, without what is glued to it in the text layer: the 部门 and
    单位 parts, the 公开NN表 label, a note before it (``注：…为必填项公开11表一般公共预算…``)."""
    text = compact(text)
    label = re.match(r"^表([一二三四五六七八九十]{1,3}|\d{1,2})", text)
    for end in range(2, label.end() + 1) if label else ():
        if title_kind(text[end:]):
            text = text[end:]  # 表一收支预算总表; 表九一般公共预算… (九, not 九一)
            break
    pieces = [p for p in _CODE_LABEL.split(text) if p and not p.isdigit()] if text else []
    pieces = [
        p for p in pieces if p not in _CN_DIGITS and not re.fullmatch("[一二三四五六七八九十]+", p)
    ]
    cleaned = [  # (each part of the pattern names a 部门 or a 单位)
        re.sub(r"(部门|部门名称|编制部门)[：:].*$|(金额)?单位[：:]?(万元|元)?$", "", p)
        if "部门" in p or "单位" in p
        else p
        for p in pieces
    ]
    cleaned = [c for c in cleaned if c]
    for piece in cleaned:
        if title_kind(piece):
            head, _, rest = piece.partition("表")
            if rest and title_kind(rest):
                piece = rest  # 上海市XX局2024年度部门决算表收入支出决算总表: the part title first
            return _LEADING_NUMBER.sub("", piece).lstrip("：:")
    return cleaned[-1].lstrip("：:") if cleaned else ""


@dataclass
class Segment:
    """One table of a grid: its rows, and what the text around it says it is."""

    grid: Grid
    kind: TableKind | None  # None: not a disclosure table (self-evaluation or unknown)
    title: str
    code: str | None
    unit: str  # 万元 / 元
    context: list[str]  # the texts before the table (title, 部门, 单位 lines)


def _row_text(row: Row) -> str:
    return "".join(compact(c.text) for c in row.cells)


def _filled(row: Row) -> list[str] | None:
    """The texts of a short row (1–4 filled cells), None for an empty or a long row."""
    if len(row.cells) > 4:  # most rows are long: stop at the fifth filled cell
        count = 0
        for cell in row.cells:
            if cell.text and not cell.text.isspace():
                count += 1
                if count > 4:
                    return None
    raw = [c.text for c in row.cells if c.text and not c.text.isspace()]
    if not raw or len(raw) > 4:
        return None
    return [t for t in (compact(x) for x in raw) if t] or None


def _is_title_row(filled: list[str] | None) -> bool:
    if not filled or len(filled) > 3:
        return False
    text = "".join(filled)
    if "表" not in text:  # every title and label names a 表 (cleaning only drops characters)
        return False
    if any(parse_number(t) is not None for t in filled):
        return False
    named = "算" in text and title_kind(clean_title(text)) is not None  # 预算 / 决算
    return named or bool(
        re.fullmatch(r"公开\s*\d{1,2}\s*表|表[一二三四五六七八九十]+", text)
        or re.match(r"公开\s*\d{1,2}\s*表[：:]", text)
    )


def _is_meta_row(filled: list[str] | None) -> bool:
    return bool(filled) and bool(_META.search("".join(filled)))


def segments(
    grid: Grid, before: list[str], previous: Segment | None = None, statement: str | None = None
) -> list[Segment]:
    """The tables of one grid, each with its kind, title, number and unit.

    ``before`` are the texts printed above the grid, nearest last. ``previous`` is the
    table read just before, which a grid without a title of its own continues (a table
    run on over a page break that the reader could not join). ``statement`` (决算 / 预算)
    is what the document's cover says it is: a table without a printed title is then
    known by its headers.
    """
    # a title row names a 表 (compacting only drops characters): without 表 in any cell the
    # grid has none, and its short rows are read only when it is a standard table after all
    maybe_titled = any("表" in cell.text for row in grid.rows for cell in row.cells)
    short = [_filled(r) for r in grid.rows] if maybe_titled else None
    titled = [_is_title_row(f) for f in short] if short is not None else [False] * len(grid.rows)
    if not any(titled) and _segment(grid, list(before), previous, statement).kind is None:
        return [Segment(grid, None, "", None, unit_of(before[-3:]) or "万元", list(before))]
    if short is None:
        short = [_filled(r) for r in grid.rows]
    out: list[Segment] = []
    context = list(before)
    rows: list[Row] = []
    has_body = False  # a row that is neither title nor 部门/单位 line since the last title

    def close() -> None:
        if rows:
            table = Grid(list(rows), grid.layout, rows[0].line)
            out.append(_segment(table, context, previous, statement))
        rows.clear()

    for row, filled, is_title in zip(grid.rows, short, titled, strict=True):
        if is_title:
            if has_body:
                close()
                context, previous, has_body = [], out[-1] if out else previous, False
            context.append(_row_text(row))
            continue
        if not has_body and _is_meta_row(filled):
            context.append(_row_text(row))
            continue
        rows.append(row)
        has_body = has_body or any(c.text.strip() for c in row.cells)
    close()
    return out


def _segment(
    grid: Grid, context: list[str], previous: Segment | None, statement: str | None
) -> Segment:
    titles = _titles(context)
    kind = title_kind(clean_title(titles[-1])) if titles else None
    code = table_code(list(reversed(context)), titles[-1] if titles else "") if context else None
    unit = unit_of(context[-4:]) or None
    self_eval = any(_SELF_EVAL_TITLE.search(compact(t)) for t in context[-3:])
    if kind is None and not titles and not self_eval:
        named = _statement_of(context)
        labelled = any(re.search(r"公开\s*\d{1,2}\s*表", compact(t)) for t in context[-3:])
        if named or (statement and labelled):
            kind = header_kind(grid, named or statement) or OTHER[named or statement]
    carried = previous is not None and previous.kind is not None and not self_eval
    if kind is None and carried and _continues(grid, previous):
        return Segment(grid, previous.kind, previous.title, previous.code, previous.unit, [])
    title = clean_title(titles[-1]) if titles else ""
    return Segment(grid, kind, title, code, unit or "万元", context)


def _continues(grid: Grid, previous: Segment) -> bool:
    """A grid carries on the table before it when it starts with that table's header again
    or straight with figures or codes (a page break the reader could not join)."""
    if not grid.rows or not previous.grid.rows:
        return False
    first = _row_text(grid.rows[0])
    if first == _row_text(previous.grid.rows[0]):
        return True
    cells = [compact(c.text) for c in grid.rows[0].cells if compact(c.text)]
    return any(parse_number(t) is not None for t in cells)


def _names_table(text: str) -> TableKind | None:
    """``title_kind(clean_title(text))``, without cleaning a text that names no 预算 / 决算 表
    (cleaning only drops characters, so a title's 表 and 算 are in the text already)."""
    if "表" not in text or "算" not in text:
        return None
    return title_kind(clean_title(text))


def _titles(context: list[str]) -> list[str]:
    """Title texts among the lines above a table, nearest last.

    A title broken over two or three lines (``公开09表：…培训费`` / ``支出预算表``) is read
    joined when joining changes what it names; otherwise the line alone is the title (a
    cover line above it is not part of it).
    """
    out = []
    texts = [compact(t) for t in context]
    for end in range(len(texts)):
        found: dict[int, tuple[str, str]] = {}
        for width in (1, 2, 3):
            start = end - width + 1
            if start < 0 or any(_names_table(t) for t in texts[start:end]):
                continue
            joined = "".join(texts[start : end + 1])
            kind = _names_table(joined)
            if kind:
                found[width] = (joined, kind.kind)
        if not found:
            continue
        shortest = found[min(found)]
        longer = [found[w] for w in sorted(found, reverse=True) if found[w][1] != shortest[1]]
        out.append((longer[0] if longer else shortest)[0])
    return out


# A table printed without its title is known by the words of its header: (kind per
# statement, words that must all be header cells or parts of one). First match wins.
_HEADER_KINDS: list[tuple[dict[str, str], tuple[str, ...]]] = [
    ({"决算": "fa_sangong", "预算": "bu_sangong"}, ("因公出国",)),
    (
        {"决算": "fa_fiscal_summary", "预算": "bu_fiscal_summary"},
        ("=收入", "=支出", "=一般公共预算财政拨款"),
    ),
    ({"决算": "fa_summary", "预算": "bu_summary"}, ("=收入", "=支出")),
    ({"决算": "fa_income", "预算": "bu_income"}, ("本年收入合计",)),
    ({"决算": "fa_income", "预算": "bu_income"}, ("财政拨款收入", "事业收入")),
    ({"决算": "fa_expenditure", "预算": "bu_expenditure"}, ("本年支出合计", "基本支出")),
    ({"决算": "fa_general_basic"}, ("人员经费", "公用经费")),
    ({"决算": "fa_general"}, ("基本支出", "项目支出")),
]


def header_kind(grid: Grid, statement: str) -> TableKind | None:
    """The standard table a grid is by the words of its first rows (no title printed)."""
    cells: list[str] = []
    for row in grid.rows[:6]:
        texts = [compact(c.text) for c in row.cells if compact(c.text)]
        if texts and (
            _LEADING_NUMBER.match(texts[0]) or any("." in t for t in texts if parse_number(t))
        ):
            break  # the first body row: 一、… or a figure with decimals
        cells += [t for t in texts if parse_number(t) is None]
    joined = "|".join(cells)
    for kinds, words in _HEADER_KINDS:
        if statement not in kinds:
            continue
        if all((w[1:] in cells) if w.startswith("=") else (w in joined) for w in words):
            return BY_KIND[kinds[statement]]
    return None


def _statement_of(context: list[str]) -> str | None:
    """决算 / 预算 when the nearest label says 公开NN表 or the title names a 决算/预算 table."""
    for text in reversed(context[-3:]):
        if "表" not in text:  # both patterns end in 表 (compacting only drops characters)
            continue
        text = compact(text)
        if re.search(r"决算(总|明细)?表", text):
            return "决算"
        if re.search(r"预算(总|明细)?表", text) and not _SELF_EVAL_TITLE.search(text):
            return "预算"
    return None


# -- self-evaluation tables: the kinds the self-evaluation recogniser reads -----------------
_SELF_EVAL_TITLE_WORDS = re.compile(
    r"公开0\d表|表[一二三四五六七八九十\d]+[：:]|决算总表|决算表|明细表|自评表|基础数据表|情况表"
)
SELF_EVAL_KINDS = [  # (kind, pattern on the words around and at the top of the table)
    ("basic_data", re.compile(r"基础数据表")),
    ("project_self_eval", re.compile(r"项目支出绩效自评表|项目名称|项目支出名称")),
    ("dept_self_eval", re.compile(r"整体支出绩效自评表|整体绩效自评表|部门名称|单位名称")),
]


def self_eval_kind(grid: Grid, before: list[str], table_id: int) -> tuple[str, str]:
    """(kind, title) of a table that is not a standard disclosure table.

    ``before`` are the texts above the table, nearest last. The kind comes from the
    registry above (``budget_table`` when nothing names one); a project table is also
    known by a 项目名称 row near its top.
    """
    near = [compact(t) for t in reversed(before)]
    first_rows = ["".join(compact(c.text) for c in r.cells) for r in grid.rows[:2]]
    titles = [t for t in near if _SELF_EVAL_TITLE_WORDS.search(t) and len(t) < 60]
    titles += [t for t in first_rows if _SELF_EVAL_TITLE_WORDS.search(t) and len(t) < 40]
    title = " ".join(reversed(titles[:2])) if titles else f"表{table_id}"
    context = "".join(near + first_rows)
    top = "".join("".join(compact(c.text) for c in r.cells) for r in grid.rows[:4])
    for kind, pattern in SELF_EVAL_KINDS:
        where = context + top if kind == "project_self_eval" else context
        if pattern.search(where):
            return kind, title
    return "budget_table", title
