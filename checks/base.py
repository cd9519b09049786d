"""What every check shares: its description, the flags schema, rounding tolerance.

A check is a module with ``CHECK`` (a :class:`CheckInfo`) and ``run(corpus,
settings) -> CheckResult``. Flags are plain dicts with the fixed columns of
:data:`FLAGS`; the engine turns them into one polars frame.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from loaders.blocks import is_heading

CATEGORIES = (
    "execution",
    "balance",
    "indicator",
    "boilerplate",
    "arithmetic",
    "consistency",
    "coverage",
)
CATEGORY_LABELS = {
    "execution": "预算执行",
    "balance": "结余资金",
    "indicator": "绩效指标",
    "boilerplate": "套话雷同",
    "arithmetic": "数字勾稽",
    "consistency": "前后不一",
    "coverage": "内容缺失",
}
SEVERITIES = ("high", "medium", "low")
SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}

FLAGS = {
    "flag_id": pl.String,
    "check_id": pl.String,
    "category": pl.String,
    "severity": pl.String,
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "subject": pl.String,
    "message": pl.String,
    "evidence": pl.String,
    "source_line": pl.Int32,
    # extras
    "check_title": pl.String,
    "amount": pl.Float64,  # money involved (万元), for ranking
    "threshold": pl.String,
    "related_lines": pl.String,  # other places of the same fact, "file:line; …"
    "source_place": pl.String,  # page / table / cell in a .pdf/.docx/.xlsx/.html original
    # the reason the report gives for the deviation (money checks; null where not asked)
    "explained": pl.Boolean,
    "explanation": pl.String,
    "explanation_line": pl.Int32,
    "fact_key": pl.String,  # what the flag is about, without line numbers (for finding ids)
    "finding_id": pl.String,  # the finding this flag belongs to (set by checks.findings)
}
FLAG_COLUMNS = list(FLAGS)


@dataclass(frozen=True)
class CheckInfo:
    code: str
    title: str  # short Chinese title
    explanation: str  # one sentence: why this is a red flag
    category: str
    severity: str  # default severity
    version: str
    scope: str  # "row" (one line at a time) or "corpus" (compares places)
    defaults: dict
    doc: str  # example with figures, configuration, exclusions
    uses: tuple[str, ...] = ()  # shared settings tables it reads ([context], …)
    grain: str = "row"  # "row": a flag is about its line's row; "table"/"document": a summary


@dataclass
class CheckResult:
    flags: list[dict] = field(default_factory=list)
    applied: int = 0  # rows (or groups) the check could be applied to
    not_applicable: dict[str, int] = field(default_factory=dict)  # reason -> rows
    documents: int | None = None  # documents the check was applied to (where it counts them)


def flag_id(*parts: object) -> str:
    """Stable across runs: a hash of what identifies the finding, not of its order."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:12]


def make_flag(
    check: CheckInfo,
    row: dict,
    *,
    subject: str,
    message: str,
    evidence: str,
    severity: str | None = None,
    amount: float | None = None,
    threshold: str = "",
    source_line: int | None = None,
    related: str = "",
    key: str = "",
    fact: str | None = None,
) -> dict:
    """One flag. ``key`` tells apart flags of one check on one line; ``fact`` says what the flag
    is about in words that survive a re-export (no line or table numbers): default the subject."""
    line = source_line if source_line is not None else row.get("source_line")
    fact = normalise(subject if fact is None else fact)
    return {
        "flag_id": flag_id(check.code, row.get("doc_id"), subject, line, key),
        "check_id": check.code,
        "category": check.category,
        "severity": severity or check.severity,
        "doc_id": row.get("doc_id"),
        "source_file": row.get("source_file"),
        "department": row.get("department"),
        "year": row.get("year"),
        "subject": subject,
        "message": message,
        "evidence": evidence,
        "source_line": line,
        "check_title": check.title,
        "amount": amount,
        "threshold": threshold,
        "related_lines": related,
        "source_place": "",  # filled by the engine from the corpus' line places
        "explained": None,
        "explanation": None,
        "explanation_line": None,
        "fact_key": fact,
        "finding_id": None,
    }


_NOT_CONTENT = re.compile(r"[\s\u3000，,。.；;：:、“”\"'（）()【】《》!！?？…\-—/|]")


@lru_cache(maxsize=1 << 16)
def normalise(text: object) -> str:
    """Text compared by content only: NFKC, no blanks or punctuation (⻔ = 门, （ = ().
    Remembered: indicator names and targets repeat across a batch's reports."""
    if text is None:
        return ""
    return _NOT_CONTENT.sub("", unicodedata.normalize("NFKC", str(text)))


def explain_fields(flag: dict, explanation) -> dict:
    """Record on a flag the reason the report gives (or that none was found)."""
    flag["explained"] = explanation is not None
    flag["explanation"] = explanation.sentence if explanation else None
    flag["explanation_line"] = explanation.line if explanation else None
    return flag


def lower(severity: str) -> str:
    """One step less severe (high → medium → low)."""
    return {"high": "medium", "medium": "low"}.get(severity, "low")


# ---- rounding ---------------------------------------------------------------


def amount_decimals(row: dict) -> int:
    """Decimals of an `accounts` amount in 万元: a cell printed in 元 is 4 places finer."""
    return (row.get("decimals") or 0) + (4 if row.get("unit_printed") == "元" else 0)


def half_unit(decimals: int | None) -> float:
    """Half of the last printed digit: the most rounding can hide."""
    return 0.5 * 10 ** -(decimals if decimals is not None else 2)


def ratio_bounds(
    num: float, den: float, num_dec: int | None, den_dec: int | None
) -> tuple[float, float]:
    """Smallest and largest num/den (in %) that the rounded inputs allow."""
    hn, hd = half_unit(num_dec), half_unit(den_dec)
    lo_den, hi_den = den + hd, max(den - hd, 1e-12)
    lo = max(num - hn, 0.0) / lo_den
    hi = (num + hn) / hi_den
    return lo * 100, hi * 100


def rate_explained(
    stated: float,
    stated_dec: int | None,
    num: float,
    den: float,
    num_dec: int | None,
    den_dec: int | None,
) -> bool:
    """True when rounding of the inputs and of the printed rate explains the stated rate.

    1.16 / 4 = 29.00 %, yet a stated 28.88 % is consistent: 1.155 / 4 = 28.875 %.
    Truncation is rounding too: 300.91 / 1066.45 = 28.216 % may be printed 28.21 %.
    """
    lo, hi = ratio_bounds(num, den, num_dec, den_dec)
    h = half_unit(stated_dec)
    # rounded (±h) or truncated (up to one unit above the printed digits)
    return stated + 2 * h >= lo - 1e-9 and stated - h <= hi + 1e-9


def fmt(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def pct(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}%"


# ---- row helpers ------------------------------------------------------------


def effective_budget(row: dict) -> float | None:
    """The budget a rate is measured against: full-year, else initial + additions."""
    if row.get("budget") is not None:
        return row["budget"]
    if row.get("budget_initial") is not None or row.get("budget_adjustment") is not None:
        return (row.get("budget_initial") or 0.0) + (row.get("budget_adjustment") or 0.0)
    return None


def money_rows(corpus, *, exclude_kinds: tuple[str, ...] = ("final_accounts",)) -> list[dict]:
    """Budget lines in 万元 that carry both a budget and an actual figure (read once per corpus;
    the rows are shared, so treat them as read-only)."""
    from checks.memo import memo

    return memo(corpus, ("money_rows", exclude_kinds), lambda: _money_rows(corpus, exclude_kinds))


def _money_rows(corpus, exclude_kinds: tuple[str, ...]) -> list[dict]:
    out = []
    for row in frame_rows(corpus, "budget_lines"):
        # as a polars filter would: a null unit or table kind leaves the row out
        if row["unit"] != "万元" or row["table_kind"] is None or row["table_kind"] in exclude_kinds:
            continue
        budget = effective_budget(row)
        if budget is not None and row.get("actual") is not None:
            out.append({**row, "effective_budget": budget})
    return out


def frame_rows(corpus, name: str) -> list[dict]:
    """Every row of one of the corpus' frames (``budget_lines``, ``indicators`` …) as a dict,
    converted once per corpus: turning polars rows into Python dicts is the largest cost of
    the row-by-row checks, and several checks read the same frame. Shared: read-only."""
    from checks.memo import memo

    return memo(corpus, ("rows", name), lambda: _dicts(getattr(corpus, name)))


def _dicts(frame) -> list[dict]:
    """``frame.iter_rows(named=True)``, a quarter faster: columns to lists, zipped."""
    names = frame.columns
    columns = (s.to_list() for s in frame)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def place(row: dict) -> str:
    return f"{row.get('source_file')}:{row.get('source_line')}"


def indicator_rows(corpus) -> list[dict]:
    """Third-level indicator rows (no totals); shared by the checks (read-only)."""
    from checks.memo import memo

    return memo(
        corpus,
        "indicator_rows",
        lambda: [r for r in frame_rows(corpus, "indicators") if r["row_kind"] == "indicator"],
    )


def indicator_key(row: dict) -> str:
    """What an indicator is, across the tables of a report: its name and target."""
    return normalise(row.get("name")) + normalise(row.get("target"))


PLACEHOLDERS = ("", "……", "…", "...", "无", "暂无", "/", "-", "—")  # once stripped of spaces and □


def is_placeholder(text: str | None) -> bool:
    t = (text or "").strip().strip("□ ")
    return t in PLACEHOLDERS


# what a numbered heading (loaders.blocks.is_heading) can start with; "<" may open an HTML tag
_HEADING_START = frozenset("第一二三四五六七八九十（(附表<")
_SENTENCE_ENDS = ("。", "；", "：", ":", "！", "？")


def prose_lines(lines: list[str]) -> list[tuple[int, str]]:
    """Prose lines with page breaks mended: a line not ending a sentence is joined to the next.

    Table rows (lines with tabs) are left out. Each item keeps its first line number.
    """
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            if pending:
                out.append(pending)
                pending = None
            continue
        text = line.strip()
        if not text:
            continue
        # a cheap test before is_heading (which normalises the whole line): a stripped line
        # whose first character no heading starts with is none (a decimal digit is \d)
        first = text[0]
        if (first in _HEADING_START or first.isdecimal()) and is_heading(text):
            if pending:
                out.append(pending)
                pending = None
            out.append((number, text))
            continue
        pending = (pending[0], pending[1] + text) if pending else (number, text)
        if text.endswith(_SENTENCE_ENDS) or len(text) < 15:
            out.append(pending)
            pending = None
    if pending:
        out.append(pending)
    return out


def add_related(flag: dict, row: dict) -> None:
    """Record another place where the same fact is stated."""
    flag["related_lines"] = "; ".join(p for p in (flag.get("related_lines"), place(row)) if p)


def table_owner(row: dict) -> str:
    """How a message names whose table a row is in: “X”项目 or 部门整体."""
    return f"“{row['project']}”项目" if row.get("project") else "部门整体"
