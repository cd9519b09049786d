"""Readers: one per file format, all ending in the same display lines and blocks.

:func:`read` looks at the bytes first and the file name second, so a PDF
saved as ``.txt`` or a Word file without an extension still reads, and an
encrypted Office file (an OLE container, whatever its name) gets a clear
message instead of a zip error.
"""

from __future__ import annotations

from pathlib import PurePath

from loaders.limits import Deadline, Limits
from loaders.readers.compose import Rendered
from loaders.readers.errors import ReadError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".xlsx", ".xls")
FORMAT_NAMES = {
    "text": "文本",
    "docx": "Word",
    "pdf": "PDF",
    "html": "网页",
    "xlsx": "Excel",
    "xls": "Excel 97-2003",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def sniff(data: bytes, name: str) -> str:
    """The format of a file: from its first bytes, the name only to break ties."""
    suffix = PurePath(name).suffix.lower()
    head = data[:1024].lstrip()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP):
        from loaders.readers.office import zip_kind

        return zip_kind(data, suffix)
    if data.startswith(_OLE):
        if suffix in (".docx", ".xlsx", ".doc"):
            return "encrypted-office" if suffix != ".doc" else "doc"
        return "xls"
    lowered = head[:512].lower()
    if suffix in (".html", ".htm") or lowered.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return "html"
    if b"<html" in lowered or (b"<table" in lowered and b"<td" in data[:8192].lower()):
        return "html"
    return "text"


def read(
    data: bytes, name: str, limits: Limits, deadline: Deadline | None = None
) -> Rendered | None:
    """Read a non-text file into lines and blocks; ``None`` means "treat it as text"."""
    kind = sniff(data, name)
    deadline = deadline or limits.deadline()
    if kind == "text":
        return None
    if kind == "pdf":
        from loaders.readers.pdf import read_pdf

        return read_pdf(data, limits, deadline)
    if kind == "docx":
        from loaders.readers.docx import read_docx

        return read_docx(data, limits, deadline)
    if kind in ("xlsx", "xls"):
        from loaders.readers.sheets import read_sheets

        return read_sheets(data, kind, limits, deadline)
    if kind == "html":
        from loaders.readers.html import read_html

        return read_html(data, deadline)
    if kind == "encrypted-office":
        raise ReadError("encrypted", "文件已加密（设置了打开密码），请提供未加密的版本")
    if kind == "doc":
        raise ReadError(
            "unsupported-format",
            "不支持旧版 Word 97-2003（.doc）格式，请另存为 .docx 或 PDF 后上传",
        )
    raise ReadError("unsupported-format", f"无法识别的文件格式：{kind}")


__all__ = ["FORMAT_NAMES", "SUPPORTED_SUFFIXES", "ReadError", "Rendered", "read", "sniff"]
