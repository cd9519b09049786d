"""The catalogue of parse issues: every reason a file or a part of it was not read as printed.

Each entry has a code (stable, in ``parse_issues.csv``), a Chinese title, a
message template and a severity. Stages never write free-form issues: they call
:func:`issue` (a row for ``parse_issues``) or raise :class:`FileProblem` (the
whole file fails), both of which refuse a code that is not catalogued, so an
auditor can look every code up and a test can list them.

Severity: ``error`` — the file or a part of it could not be read; ``warning`` —
read, but something was guessed, dropped or cut; ``info`` — worth knowing,
nothing lost.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class IssueType:
    code: str
    title: str  # short Chinese title
    template: str  # str.format template of the message
    severity: str  # error / warning / info
    description: str = ""  # what it means for the auditor

    def message(self, **values) -> str:
        try:
            return self.template.format(**values)
        except (KeyError, IndexError, ValueError):  # a missing value must not lose the issue
            return self.title


_ENTRIES = [
    # ---- the whole file cannot be read (status failed) ------------------------------------
    IssueType("empty-file", "文件为空", "文件为空（0 字节或只有空白）", "error"),
    IssueType(
        "binary-file",
        "不是文本",
        "文件是二进制内容，不是文本报告（可能是图片、压缩包或损坏文件）",
        "error",
    ),
    IssueType("bad-encoding", "无法识别编码", "{detail}", "error"),
    IssueType("too-large", "文件过大", "文件 {size}，超过大小上限 {limit}", "error"),
    IssueType("too-many-pages", "页数过多", "PDF 共 {pages} 页，超过页数上限 {limit} 页", "error"),
    IssueType(
        "zip-too-large",
        "解压后过大",
        "{label} 解压后至少 {size}，超过上限 {limit}（疑似压缩炸弹），已停止解压并拒绝",
        "error",
    ),
    IssueType(
        "too-slow",
        "读取超时",
        "读取超过时间上限（{seconds} 秒），已停止；可调高时间上限后重试",
        "error",
    ),
    IssueType(
        "out-of-memory",
        "内存超限",
        "读取时内存超过上限 {limit}，已停止（文件内容过多或异常）",
        "error",
    ),
    IssueType(
        "worker-crashed",
        "读取进程异常退出",
        "读取该文件的进程异常退出（{detail}），该文件未读入",
        "error",
    ),
    IssueType("damaged-file", "文件损坏", "{detail}", "error"),
    IssueType(
        "damaged-xml",
        "文件内部结构异常",
        "{label} 文件内部的 XML 结构异常（{detail}），无法读取；请用 Office 打开后另存再上传",
        "error",
    ),
    IssueType("encrypted", "文件已加密", "{detail}", "error"),
    IssueType("unsupported-format", "不支持的格式", "{detail}", "error"),
    IssueType("unreadable", "无法读取文件", "无法读取文件：{detail}", "error"),
    IssueType("duplicate", "重复文件", "与 {other} 内容相同，未重复读入", "error"),
    IssueType(
        "same-report",
        "同一份报告",
        "与 {other} 是同一份报告（部门、年度、类型和读出的数字都相同），只检查一次",
        "warning",
    ),
    IssueType(
        "internal-error",
        "程序内部错误",
        "读取时程序出错（{stage}：{detail}），该文件未读入；请把文件提供给维护人员",
        "error",
    ),
    # ---- an upload that was not saved (the 上传 page) -------------------------------------
    IssueType("empty-upload", "空文件", "文件为空（0 字节），未保存", "error"),
    IssueType("unsafe-folder", "上传目录不可用", "{detail}", "error"),
    IssueType("unwritable", "无法保存", "{detail}", "error"),
    IssueType("name-collision", "同名文件过多", "{detail}", "error"),
    IssueType("outside", "拒绝写入", "{detail}", "error"),
    # ---- read, with a part lost or changed (status partial) -------------------------------
    IssueType(
        "no-text-layer",
        "PDF 没有文字层",
        "PDF 中没有可提取的文字（可能是扫描件），需先做文字识别（OCR）",
        "error",
    ),
    IssueType(
        "page-unreadable", "页面无法读取", "第{page}页无法读取（{detail}），该页未读入", "error"
    ),
    IssueType(
        "page-text-only",
        "页面按纯文字读取",
        "第{page}页按版面读取出错（{detail}），已改为只读文字行，该页表格可能未按单元格识别",
        "warning",
    ),
    IssueType("sheet-unreadable", "工作表无法读取", "工作表“{sheet}”无法读取：{detail}", "error"),
    IssueType(
        "invalid-bytes",
        "无法解码的字节",
        "第{line}行有 {count} 个无法按 {encoding} 解码的字节（文件第 {offset} 字节起），已替换为 �",
        "warning",
    ),
    IssueType(
        "cell-truncated",
        "单元格过长",
        "单元格有 {length} 个字符，超过 {limit} 个字符的上限，只保留前 {limit} 个",
        "warning",
    ),
    IssueType(
        "table-truncated",
        "表格过长",
        "表格（{place}）有 {rows} 行，超过 {limit} 行的上限，只读入前 {limit} 行",
        "warning",
    ),
    IssueType(
        "span-clamped",
        "合并单元格异常",
        "表{table}的合并单元格跨度异常（{detail}），已按表格实际大小截断",
        "warning",
    ),
    IssueType(
        "glued-figures",
        "数字粘连",
        "“{text}”像是几个数字粘在一起（PDF 提取时列间空白丢失），读出的金额可能有误，请核对原文",
        "warning",
    ),
    IssueType(
        "file-name-encoding",
        "文件名编码",
        "文件名不是 UTF-8 编码，已按 {encoding} 显示",
        "info",
    ),
    IssueType(
        "traditional-chinese",
        "繁体中文",
        "文件为繁体中文（{encoding}），已逐字转为简体后识别和显示",
        "info",
    ),
    # ---- recognition ----------------------------------------------------------------------
    IssueType("no-department", "未识别部门", "未能识别部门名称", "warning"),
    IssueType("no-year", "未识别年度", "未能识别预算年度", "warning"),
    IssueType("no-figures", "未识别数字", "未识别出任何预算表格、数字或绩效指标", "warning"),
    IssueType(
        "short-indicator-row",
        "指标行不完整",
        "指标行只有 {cells} 个单元格，无法对齐表头",
        "warning",
    ),
    IssueType(
        "unassigned-figure",
        "数字未归入任何表头",
        "表格中的数字 {figure} 没有表头或标签，未读入",
        "warning",
        "表格里有一个数字，但找不到它所在的列名或行名，因此没有读入任何表。",
    ),
    IssueType(
        "placeholder-department",
        "部门名称是占位符",
        "“{name}”是模板占位符，不作为部门名称",
        "info",
        "模板里的“XX局”“××单位”“某某”之类只是待填的占位，不是任何部门。",
    ),
    IssueType(
        "blank-template",
        "空白模板",
        "这是空白模板（有占位符 {placeholder}，没有填入数字），不做检查",
        "info",
        "文件是未填写的公开模板：表格只有表头和科目，没有数字。",
    ),
    IssueType(
        "unplaced-figure",
        "数字未归入字段",
        "{table}：数字 {figure}（{column}）未能归入任何字段，未读入",
        "warning",
        "表格里的这个数字没有对应的列（或列多于表头），因此没有读入；核对时请看原文。",
    ),
    IssueType(
        "no-row-label",
        "数字没有行名",
        "{table}：数字 {figure}（{column}）所在行没有名称或科目编码，未读入",
        "warning",
        "这个数字所在的行读不出科目名称或编码（常见于 PDF 提取丢失了行名），因此没有读入。",
    ),
    IssueType(
        "unknown-column",
        "列名无法识别",
        "{table}：列“{column}”无法识别，其中的数字 {figure} 未读入",
        "warning",
        "列名不在决算 / 预算公开表的词汇里（不是合计、基本支出、财政拨款收入等），数字未读入。",
    ),
    IssueType(
        "empty-table",
        "空表",
        "{table}没有数字{note}",
        "info",
        "标准公开表印出了表头但没有数字（例如本单位没有政府性基金收支）；表后的说明附在括号里。",
    ),
    IssueType(
        "unsplit-figures",
        "数字粘连未拆分",
        "{table}：单元格“{text}”像是 {count} 个数字粘连在一起，无法可靠拆分，未读入",
        "warning",
        "PDF 提取时几个数字连在一起又无法按列拆开，这些数字没有读入。",
    ),
    IssueType(
        "prose-figure-no-subject",
        "正文数字所指不明",
        "正文数字 {figure} 无法确定所指科目，未归入任何科目",
        "info",
        "说明文字中的这个数字读入了，但无法从句子判断它是哪一项的金额或比例，核对时不使用它。",
    ),
]
CATALOGUE: dict[str, IssueType] = {entry.code: entry for entry in _ENTRIES}


def register(entry: IssueType) -> IssueType:
    """Add an entry from another module (a recogniser's own issues); codes are unique."""
    if entry.code in CATALOGUE and CATALOGUE[entry.code] != entry:
        raise ValueError(f"parse issue code {entry.code!r} is already catalogued")
    if entry.severity not in SEVERITIES:
        raise ValueError(f"unknown severity {entry.severity!r}")
    CATALOGUE[entry.code] = entry
    return entry


def lookup(code: str) -> IssueType:
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"parse issue code {code!r} is not in loaders/issues.py") from None


def message(code: str, **values) -> str:
    return lookup(code).message(**values)


def issue(code: str, source_line: int | None = None, severity: str | None = None, **values) -> dict:
    """One ``parse_issues`` row (without doc_id / source_file, which the pipeline adds)."""
    entry = lookup(code)
    return {
        "code": code,
        "severity": severity or entry.severity,
        "message": entry.message(**values),
        "source_line": source_line,
    }


def detail(code: str, message: str, source_line: int | None = None) -> dict:
    """An issue whose message was written where it was raised (``{detail}`` templates)."""
    row = issue(code, source_line, detail=message)
    if "{detail}" not in lookup(code).template:
        row["message"] = message
    return row


class FileProblem(ValueError):
    """The whole file cannot be read; ``code`` is catalogued, ``str(exc)`` is the message."""

    def __init__(self, code: str, detail: str | None = None, **values):
        if detail is not None:
            values["detail"] = detail
        self.code = code
        self.values = values
        super().__init__(message(code, **values))
