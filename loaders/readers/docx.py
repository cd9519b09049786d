"""Word (.docx) reports: body paragraphs and tables in document order.

Merged cells follow one rule for every format: the text sits in the top-left
cell of the merged area and the other cells are blank — the shape a Word table
has when saved as text, which the recognisers already read. ``gridSpan``
repeats a blank per spanned column; a ``vMerge`` continuation is blank.
Nested tables are read as tables of their own, after the table holding them.
"""

from __future__ import annotations

import io

from loaders.limits import Deadline, Limits
from loaders.readers.compose import Composer, Rendered
from loaders.readers.errors import ReadError
from loaders.readers.office import open_package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_SPAN = 64


def _text(element) -> str:
    """Visible text of a paragraph or cell: runs, tabs and breaks; deleted text skipped."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}p", f"{_W}delText"):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag == f"{_W}p" and parts:
            parts.append("\n")
    return "".join(parts).strip("\n")


def _int_attr(element, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return max(0, min(_MAX_SPAN, int(found.get(f"{_W}val", default))))
    except ValueError:
        return default


def _table_rows(tbl) -> tuple[list[list[str]], list]:
    """The expanded grid of one table, and the tables nested inside it."""
    rows: list[list[str]] = []
    nested = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = [""] * _int_attr(tr, f"{_W}trPr/{_W}gridBefore", 0)
        for tc in tr.iterchildren(f"{_W}tc"):
            nested.extend(tc.iterchildren(f"{_W}tbl"))
            span = max(1, _int_attr(tc, f"{_W}tcPr/{_W}gridSpan", 1))
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continues = vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue"
            own = [p for p in tc.iterchildren(f"{_W}p")]
            text = "" if continues else "\n".join(_text(p) for p in own)
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows, nested


def _xml_problem(exc: Exception) -> str:
    """What went wrong in the package's XML, in words an auditor can pass on."""
    text = str(exc)
    if "HUGE" in text or "huge" in text:
        return "其中一段文字或空白超过 10 MB，疑似构造的异常文件"
    if "depth" in text.lower() or "nest" in text.lower():
        return "元素嵌套过深"
    return "XML 格式错误"


def read_docx(data: bytes, limits: Limits, deadline: Deadline) -> Rendered:
    open_package(data, limits, "Word")
    import docx  # python-docx, imported lazily: most runs read text only
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ReadError("damaged-file", f"Word 文件已损坏或不是有效的 .docx：{exc}") from exc
    except etree.LxmlError as exc:  # e.g. a text node of 10 MB of blanks (XML_PARSE_HUGE)
        raise ReadError("damaged-xml", label="Word", detail=_xml_problem(exc)) from exc
    composer = Composer()
    table_no = 0
    pending = list(document.element.body.iterchildren())
    while pending:
        element = pending.pop(0)
        deadline.check()
        if element.tag == f"{_W}p":
            composer.paragraph(_text(element), "正文")
        elif element.tag == f"{_W}tbl":
            table_no += 1
            rows, nested = _table_rows(element)
            composer.table(rows, [f"表{table_no} 第{k + 1}行" for k in range(len(rows))])
            pending[0:0] = nested
        elif element.tag == f"{_W}sdt":  # content controls wrap ordinary paragraphs and tables
            content = element.find(f"{_W}sdtContent")
            if content is not None:
                pending[0:0] = list(content.iterchildren())
    return composer.render("docx", "docx")
