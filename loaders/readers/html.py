"""Government portal pages (.html / .htm): the article's paragraphs and tables.

Portal pages wrap the report in navigation, breadcrumbs, share buttons and a
footer, often laid out with tables. Those are dropped by tag and by class/id
name; a table that holds another table is layout, so its cells are read as
ordinary content and only innermost tables become grids. ``rowspan`` and
``colspan`` expand to the same shape as Word merges: text top-left, blanks
elsewhere. Pages declare GB2312/GBK/GB18030 or UTF-8 in a meta tag; GB2312 and
GBK are read as GB18030, their superset, so rare characters survive.
"""

from __future__ import annotations

import re

from loaders.decode import DecodeError, decode_bytes
from loaders.limits import Deadline
from loaders.readers.compose import Composer, Rendered
from loaders.readers.errors import ReadError

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz-gb-2312"}
_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "select",
    "button",
    "iframe",
    "template",
    "svg",
    "head",
}
_NOISE = re.compile(
    r"(^|[-_\s])(nav|navbar|menu|footer|foot|header|top|breadcrumb|crumb|share|sidebar|side|copyright|banner|toolbar|search|login|links?|friend|position|location|dqwz)([-_\s\d]|$)",
    re.I,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "center",
    "caption",
}
_MAX_COLSPAN = 64  # no budget table is wider; a larger colspan is an error or an attack
_MAX_COLUMNS = 256


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding used: BOM, then the meta tag, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    declared = _CHARSET.search(data[:4096])
    name = declared.group(1).decode("ascii", "ignore").lower() if declared else ""
    if name in _GB:
        return data.decode("gb18030", errors="replace"), f"gb18030（声明 {name}）"
    if name in ("utf-8", "utf8"):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass  # mislabelled page: fall through to detection
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise ReadError(exc.code, str(exc)) from exc
    return decoded.text, decoded.encoding


def _is_noise(element) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments, processing instructions
    if element.tag.lower() in _DROP_TAGS:
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}"
    if element.get("role") in ("navigation", "banner", "contentinfo"):
        return True
    return bool(names.strip()) and bool(_NOISE.search(names))


def _span(value: str | None) -> int:
    try:
        return max(1, int((value or "1").strip()))
    except ValueError:
        return 1


def expand_table(table, deadline: Deadline | None = None) -> tuple[list[list[str]], str]:
    """A table's rows with rowspan/colspan expanded: text top-left, blanks in the rest.

    Spans are clamped to the table as it is: a rowspan to the rows that follow,
    a colspan to :data:`_MAX_COLSPAN`, the width to :data:`_MAX_COLUMNS`. The
    second value says what was clamped ("" when nothing was).
    """
    rows: list[list[str]] = []
    carry: dict[tuple[int, int], str] = {}  # cells covered by a rowspan from above
    trs = [tr for tr in table.iter("tr") if _owning_table(tr) is table]
    clamped: list[str] = []
    for r, tr in enumerate(trs):
        if deadline is not None and r % 256 == 0:
            deadline.check()
        row: list[str] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, col) in carry:
                row.append(carry.pop((r, col)))
                col += 1
            if col >= _MAX_COLUMNS:
                clamped.append(f"超过 {_MAX_COLUMNS} 列")
                break
            text = _cell_text(td)
            colspan, rowspan = _span(td.get("colspan")), _span(td.get("rowspan"))
            if colspan > _MAX_COLSPAN or rowspan > len(trs) - r:
                clamped.append(f"第{r + 1}行 rowspan={rowspan} colspan={colspan}")
            colspan = min(colspan, _MAX_COLSPAN, _MAX_COLUMNS - col)
            rowspan = min(rowspan, len(trs) - r)
            row.append(text)
            row.extend([""] * (colspan - 1))
            for down in range(1, rowspan):
                for c in range(col, col + colspan):
                    carry[(r + down, c)] = ""
            col += colspan
        while (r, col) in carry:
            row.append(carry.pop((r, col)))
            col += 1
        rows.append(row)
    detail = "；".join(clamped[:3]) + (f" 等 {len(clamped)} 处" if len(clamped) > 3 else "")
    return rows, detail


def _owning_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _cell_text(td) -> str:
    for br in td.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return td.text_content().replace("\xa0", " ").strip()


class _Walker:
    def __init__(self, deadline: Deadline):
        self.composer = Composer()
        self.deadline = deadline
        self.tables = 0
        self.seen = 0  # elements walked, to check the deadline now and then
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\f\v\xa0]+", " ", "".join(self.buffer))
        for part in text.split("\n"):
            if part.strip():
                self.composer.paragraph(part.strip(), "正文")
        self.buffer = []

    def walk(self, element) -> None:
        self.seen += 1
        if self.seen % 2048 == 0:
            self.deadline.check()
        if _is_noise(element):
            self.buffer.append(element.tail or "")
            return
        tag = element.tag.lower()
        if tag == "table" and not any(True for _ in element.iter("table") if _ is not element):
            self.flush()
            self.deadline.check()
            self.tables += 1
            rows, clamped = expand_table(element, self.deadline)
            if clamped:
                self.composer.note("span-clamped", table=self.tables, detail=clamped)
            self.composer.table(rows, [f"表{self.tables} 第{k + 1}行" for k in range(len(rows))])
        else:
            block = tag in _BLOCK_TAGS or tag in ("table", "tr", "td", "th", "br", "hr")
            if block:
                self.buffer.append("\n")
            self.buffer.append(element.text or "")
            for child in element:
                self.walk(child)
            if block:
                self.buffer.append("\n")
        self.buffer.append(element.tail or "")


def read_html(data: bytes, deadline: Deadline) -> Rendered:
    import lxml.html  # a dependency of python-docx; parses broken portal markup leniently

    text, encoding = decode_html(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ReadError("damaged-file", f"网页无法解析：{exc}") from exc
    body = root.find("body")
    walker = _Walker(deadline)
    try:
        walker.walk(body if body is not None else root)
    except RecursionError as exc:
        raise ReadError("damaged-file", "网页的标签嵌套过深（数千层），无法读取") from exc
    walker.flush()
    return walker.composer.render(encoding, "html")
