"""The catalogue of parse issues: everything the loader saw but could not read or place.

Each kind of problem is declared once, with a code, a short Chinese title, a message
template and a severity (the frictionless-py way). Stages report problems through
:func:`issue` instead of writing dicts by hand, so every issue in ``parse_issues`` has a
known code, and an auditor can filter by it. Nothing a document contains is dropped
silently: a figure a recogniser cannot place becomes an issue.

Severities: ``error`` (the file or a part of it could not be read), ``warning`` (something
was read but not understood), ``info`` (worth knowing, nothing lost).
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class IssueType:
    code: str
    title: str  # short Chinese title, for filters and the 文档 page
    template: str  # message, formatted with the issue's parameters
    severity: str
    description: str = ""  # what it means for the auditor


_TYPES = [
    # ---- the file as a whole (the file fails) ----------------------------------------------
    IssueType("empty-file", "空文件", "{detail}", "error"),
    IssueType("binary-file", "二进制文件", "{detail}", "error"),
    IssueType("bad-encoding", "编码无法识别", "{detail}", "error"),
    IssueType("damaged-file", "文件已损坏", "{detail}", "error"),
    IssueType("encrypted", "文件已加密", "{detail}", "error"),
    IssueType("unsupported-format", "不支持的格式", "{detail}", "error"),
    IssueType("too-large", "文件过大", "{detail}", "error"),
    IssueType("too-many-pages", "页数过多", "{detail}", "error"),
    IssueType("zip-too-large", "解压后过大", "{detail}", "error"),
    IssueType("too-slow", "读取超时", "{detail}", "error"),
    IssueType("unreadable", "无法读取文件", "{detail}", "error"),
    IssueType("duplicate", "重复文件", "{detail}", "error"),
    IssueType("internal-error", "解析出错", "解析出错：{detail}", "error"),
    # ---- parts of a file ---------------------------------------------------------------------
    IssueType("page-unreadable", "页面无法读取", "{detail}", "warning"),
    IssueType("sheet-unreadable", "工作表无法读取", "{detail}", "warning"),
    IssueType("no-text-layer", "没有文字层", "{detail}", "error"),
    # ---- what was read but not understood --------------------------------------------------
    IssueType(
        "unassigned-figure",
        "数字未归入任何表头",
        "表格中的数字 {figure} 没有表头或标签，未读入",
        "warning",
        "表格里有一个数字，但找不到它所在的列名或行名，因此没有读入任何表。",
    ),
    IssueType(
        "short-indicator-row",
        "指标行缺少单元格",
        "指标行只有 {cells} 个单元格，无法对齐表头",
        "warning",
    ),
    IssueType("no-department", "未识别部门", "未能识别部门名称", "warning"),
    IssueType("no-year", "未识别年度", "未能识别预算年度", "warning"),
    IssueType("no-figures", "未识别出数字", "未识别出任何预算表格、数字或绩效指标", "warning"),
]
CATALOGUE: dict[str, IssueType] = {t.code: t for t in _TYPES}


def issue(code: str, source_line: int | None = None, **params: object) -> dict:
    """A ``parse_issues`` row of a catalogued kind; an unknown code is a programming error."""
    kind = CATALOGUE[code]
    return {
        "code": code,
        "severity": kind.severity,
        "message": kind.template.format(**params),
        "source_line": source_line,
    }


def detail(code: str, message: str, source_line: int | None = None) -> dict:
    """An issue whose message was written where it was raised (readers' and decoder's errors)."""
    return issue(code, source_line, detail=message)
