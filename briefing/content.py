"""The briefing's content: every section as plain text and rows, numbers formatted, no layout.

Keeping content apart from the Word layout lets tests read what the document says without
opening it, and keeps the renderer free of decisions about findings and figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import polars as pl

from briefing.inputs import (
    CONFIRMED_STATUSES,
    DECIDED_STATUSES,
    OPEN_STATUS,
    BriefingInputs,
    finding_rows,
)
from checks.base import CATEGORIES, CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS
from dashboard.metrics import headline
from dashboard.numbers import amount, rate
from loaders import issues
from review.annotate import UNREVIEWED

ONLY = ("confirmed", "open")
SCOPES = {
    None: "本部门全部疑点",
    "confirmed": "仅审核属实的问题（含已整改）",
    "open": "仅尚未审核的问题（含标为待核实的）",
}
FORMAT_LABELS = {
    "text": "文本",
    "docx": "Word",
    "pdf": "PDF",
    "html": "网页",
    "xlsx": "Excel",
    "xls": "Excel",
}
READ_STATUS = {"ok": "正常", "partial": "部分读入", "failed": "读取失败"}
ISSUE_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
QUOTE_CONTEXT = 2  # lines shown before and after the cited line
BEIJING = timezone(timedelta(hours=8), "北京时间")


@dataclass(frozen=True)
class DocumentRow:
    file: str
    format: str
    kind: str
    status: str
    coverage: str  # "" when the loader gives no understanding coverage
    message: str


@dataclass(frozen=True)
class QuoteLine:
    number: int
    text: str
    cited: bool


@dataclass(frozen=True)
class FindingEntry:
    number: int
    finding_id: str
    heading: str
    facts: list[tuple[str, str]]  # the finding's table: label, value
    quote: list[QuoteLine]
    status: str


@dataclass(frozen=True)
class Briefing:
    title: str
    department: str
    year: int
    generated: str
    scope: str
    facts: list[tuple[str, str]]
    documents: list[DocumentRow]
    coverage_shown: bool
    money: list[tuple[str, str]]
    by_category: list[list[str]]  # header row, one row per category, total row
    review: list[tuple[str, str]]
    listed: str
    findings: list[FindingEntry]
    issues: list[list[str]]  # header row, then one row per parse issue


def assemble(
    inputs: BriefingInputs,
    department: str,
    year: int,
    only: str | None = None,
    today: date | None = None,
) -> Briefing:
    """Everything the briefing of ``department`` / ``year`` says, in reading order."""
    if only not in SCOPES:
        raise ValueError(f"only must be one of {ONLY}, not {only!r}")
    corpus = inputs.corpus
    docs = corpus.documents.filter(pl.col("department") == department, pl.col("year") == year)
    findings = finding_rows(
        inputs.findings.filter(pl.col("department") == department, pl.col("year") == year),
        inputs.flags,
    )
    decisions = _decisions(inputs, findings["finding_id"].to_list())
    statuses = [_current(decisions.get(fid)) for fid in findings["finding_id"]]
    keep = [_in_scope(status, only) for status in statuses]
    listed = findings.filter(pl.Series(keep, dtype=pl.Boolean))
    entries = [
        _entry(n, row, inputs, decisions.get(row["finding_id"]))
        for n, row in enumerate(listed.iter_rows(named=True), start=1)
    ]
    return Briefing(
        title=f"{department}{year}年度预算绩效审核简报",
        department=department,
        year=year,
        generated=f"{(today or datetime.now(BEIJING).date()):%Y年%m月%d日}",
        scope=SCOPES[only],
        facts=_facts(department, year, docs),
        documents=[_document(row) for row in docs.iter_rows(named=True)],
        # shown where the loader measured it (documents with tables)
        coverage_shown="coverage" in docs.columns and docs["coverage"].is_not_null().any(),
        money=_money(corpus, department, year),
        by_category=_by_category(listed),
        review=_review(statuses),
        listed=(
            f"本部门共 {findings.height} 条疑点，全部列出。"
            if only is None
            else f"本部门共 {findings.height} 条疑点，本简报列出其中 {listed.height} 条（{SCOPES[only]}）。"
        ),
        findings=entries,
        issues=_issues(
            corpus.parse_issues.filter(pl.col("doc_id").is_in(docs["doc_id"].to_list()))
        ),
    )


def _in_scope(status: str | None, only: str | None) -> bool:
    if only == "confirmed":
        return status in CONFIRMED_STATUSES
    if only == "open":
        return status is None or status == OPEN_STATUS
    return True


def _current(decision: dict | None) -> str | None:
    """The status that holds for the finding as it is now (none for an earlier version's)."""
    if not decision or decision.get("outdated"):
        return None
    return decision.get("status")


def _decisions(inputs: BriefingInputs, finding_ids: list[str]) -> dict[str, dict]:
    if not finding_ids:
        return {}
    frame = inputs.decisions(finding_ids)
    return {row["finding_id"]: row for row in frame.iter_rows(named=True)}


def _facts(department: str, year: int, docs: pl.DataFrame) -> list[tuple[str, str]]:
    regions = [r for r in docs["region"].unique(maintain_order=True).to_list() if r]
    counts = {s: docs.filter(pl.col("status") == s).height for s in READ_STATUS}
    read = (
        f"{docs.height} 个（"
        + "，".join(f"{READ_STATUS[s]} {n}" for s, n in counts.items() if n or s == "ok")
        + "）"
    )
    return [
        ("部门", department),
        ("年度", f"{year}年"),
        ("地区", "、".join(regions) or "未识别"),
        ("读入文件", read),
    ]


def _document(row: dict) -> DocumentRow:
    coverage = row.get("coverage")
    return DocumentRow(
        file=row["source_file"] or "",
        format=FORMAT_LABELS.get(row.get("format") or "", row.get("format") or ""),
        kind=row.get("kind") or "",
        status=READ_STATUS.get(row["status"], row["status"] or ""),
        coverage="" if coverage is None else rate(coverage * 100),
        message=row.get("message") or "",
    )


def _money(corpus, department: str, year: int) -> list[tuple[str, str]]:
    """Budget, spending and rate from the report's own total line, and where it says so."""
    head = headline(corpus).filter(pl.col("department") == department, pl.col("year") == year)
    if head.is_empty():
        return [("预算与支出", "报告中没有同时列明全年预算和实际支出的合计行")]
    row = head.row(0, named=True)
    return [
        ("全年预算", amount(row["budget"], unit=True)),
        ("实际支出", amount(row["actual"], unit=True)),
        ("执行率", rate(row["actual"] / row["budget"] * 100)),
        ("取数", f"{_place(corpus, row['source_file'], row['source_line'])}“{row['item']}”"),
    ]


def _place(corpus, source_file: str, line: int | None, place: str | None = None) -> str:
    """``file 第N行（第3页）``: the line of the displayed text and where it sits in the original."""
    if line is None:
        return source_file
    if place is None:
        place = _line_place(corpus, source_file, line)
    return f"{source_file} 第{line}行" + (f"（{place}）" if place else "")


def _line_place(corpus, source_file: str, line: int) -> str:
    docs = corpus.documents.filter(pl.col("source_file") == source_file)
    places = corpus.places.get(docs["doc_id"][0]) if docs.height else None
    return places[line - 1] if places and 0 < line <= len(places) else ""


def _by_category(findings: pl.DataFrame) -> list[list[str]]:
    header = ["类别", *(SEVERITY_LABELS[s] for s in SEVERITIES), "合计"]
    counts = {(c, s): n for c, s, n in findings.group_by("category", "severity").len().iter_rows()}
    rows = [
        [
            CATEGORY_LABELS[c],
            *(str(counts.get((c, s), 0)) for s in SEVERITIES),
            str(sum(counts.get((c, s), 0) for s in SEVERITIES)),
        ]
        for c in CATEGORIES
        if any(counts.get((c, s)) for s in SEVERITIES)
    ]
    total = [
        "合计",
        *(str(sum(n for (_, s2), n in counts.items() if s2 == s)) for s in SEVERITIES),
        str(findings.height),
    ]
    return [header, *rows, total]


def _review(statuses: list[str | None]) -> list[tuple[str, str]]:
    decided = [s for s in statuses if s in DECIDED_STATUSES]
    open_ = [s for s in statuses if s not in DECIDED_STATUSES]
    parts = "，".join(f"{s} {decided.count(s)} 条" for s in DECIDED_STATUSES)
    marked = open_.count(OPEN_STATUS)
    return [
        ("已审核", f"{len(decided)} 条（{parts}）"),
        (
            "待审核",
            f"{len(open_)} 条" + (f"（其中标为{OPEN_STATUS} {marked} 条）" if marked else ""),
        ),
    ]


def _entry(number: int, row: dict, inputs: BriefingInputs, decision: dict | None) -> FindingEntry:
    corpus = inputs.corpus
    check = inputs.checks(row["check_id"])
    title = check.title if check else row.get("check_title") or ""
    decision = decision or {}
    facts = [
        ("问题", row["message"] or ""),
        ("数据", _figures(row.get("evidence"))),
    ]
    if row.get("amount") is not None:
        facts.append(("涉及金额", amount(row["amount"], unit=True)))
    facts.append(
        ("出处", _place(corpus, row["source_file"], row["source_line"], row.get("source_place")))
    )
    others = _other_places(row)
    if others:
        facts.append(("其他位置", others))
    facts += [
        ("检查依据", f"{row['check_id']} {title}：{check.explanation if check else ''}"),
        ("阈值", row.get("threshold") or "该检查不设数值阈值"),
    ]
    if row.get("explained") is not None:  # the check asks whether the report gives a reason
        facts.append(("报告中的说明", _explained(row)))
    status = _current(decision) or UNREVIEWED
    shown = status
    if decision.get("outdated"):
        shown = f"{UNREVIEWED}（数字变化前的早期版本曾定为“{decision.get('status')}”）"
    facts += [
        ("审核状态", shown),
        ("审核意见", decision.get("note") or ""),
        ("审核人", _reviewer(decision)),
    ]
    heading = (
        f"{number}. 【{SEVERITY_LABELS.get(row['severity'], row['severity'])}】"
        f"{CATEGORY_LABELS.get(row['category'], row['category'])} · {row['check_id']} {title}：{row['subject']}"
    )
    return FindingEntry(
        number=number,
        finding_id=row["finding_id"],
        heading=heading,
        facts=facts,
        quote=_quote(corpus.texts.get(row["doc_id"]), row["source_line"]),
        status=status,
    )


def _figures(evidence: str | None) -> str:
    """``预算=6,000.00；执行=1,421.02`` as ``预算：6,000.00；执行：1,421.02`` (figures as printed)."""
    parts = [p.strip() for p in (evidence or "").split("；") if p.strip()]
    return "；".join(p.replace("=", "：", 1) for p in parts)


def _explained(row: dict) -> str:
    if not row["explained"]:
        return "报告中未找到对此的说明"
    line = row.get("explanation_line")
    return (row.get("explanation") or "") + (f"（第{line}行）" if line else "")


def _other_places(row: dict) -> str:
    """The other flags of the finding (with their checks), then other places of the same fact."""
    flagged = [p for p in (row.get("evidence_places") or "").split("; ") if p]
    covered = {p.split(" ", 1)[-1] for p in flagged}
    related = [p for p in (row.get("related_lines") or "").split("; ") if p and p not in covered]
    return "; ".join(dict.fromkeys(flagged + related))


def _reviewer(decision: dict) -> str:
    who = decision.get("reviewer") or ""
    when = decision.get("decided_at")
    if when is None:
        return who
    shown = (
        when.astimezone(BEIJING) if when.tzinfo else when.replace(tzinfo=UTC).astimezone(BEIJING)
    )
    return f"{who}（{shown:%Y-%m-%d %H:%M} 北京时间）"


def _quote(lines: list[str] | None, line: int | None) -> list[QuoteLine]:
    """The cited line and ``QUOTE_CONTEXT`` lines either side, as printed (tabs as column bars)."""
    if not lines or not line or not 0 < line <= len(lines):
        return []
    start, end = max(1, line - QUOTE_CONTEXT), min(len(lines), line + QUOTE_CONTEXT)
    return [
        QuoteLine(n, lines[n - 1].replace("\t", " │ ").rstrip(), n == line)
        for n in range(start, end + 1)
    ]


def _issues(frame: pl.DataFrame) -> list[list[str]]:
    header = ["文件", "行", "问题", "程度", "说明"]
    rows = [
        [
            row["source_file"] or "",
            "" if row["source_line"] is None else str(row["source_line"]),
            _issue_title(row["code"]),
            ISSUE_SEVERITY.get(row["severity"], row["severity"] or ""),
            row["message"] or "",
        ]
        for row in frame.sort("source_file", "source_line", nulls_last=True).iter_rows(named=True)
    ]
    return [header, *rows]


def _issue_title(code: str | None) -> str:
    try:
        return issues.lookup(code or "").title
    except KeyError:
        return code or ""
