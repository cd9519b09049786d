"""What every zip-based Office file needs before parsing: kind, integrity, bomb check."""

from __future__ import annotations

import io
import zipfile

from loaders.limits import LimitExceeded, Limits, human_size
from loaders.readers.errors import ReadError


def zip_kind(data: bytes, suffix: str) -> str:
    """``docx`` or ``xlsx`` from the package's parts; a damaged zip falls back to the name."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "xlsx" if suffix in (".xlsx", ".xlsm") else "docx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "docx" if suffix == ".docx" else ("xlsx" if suffix == ".xlsx" else "zip")


def open_package(data: bytes, limits: Limits, label: str) -> zipfile.ZipFile:
    """Open an Office package, refusing damaged files and zip bombs before inflating."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(
            "damaged-file", f"{label} 文件已损坏或不完整（无法解压：{exc}），请重新导出后上传"
        ) from exc
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise LimitExceeded(
            "zip-too-large",
            label=label,
            size=human_size(total),
            limit=human_size(limits.max_unzipped_bytes),
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise ReadError("encrypted", f"{label} 文件已加密，请提供未加密的版本")
    return package
