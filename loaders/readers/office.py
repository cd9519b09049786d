"""What every zip-based Office file needs before parsing: kind, integrity, bomb check."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

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
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_unzipped_bytes:
        raise LimitExceeded(
            "zip-too-large",
            label=label,
            size=human_size(declared),
            limit=human_size(limits.max_unzipped_bytes),
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise ReadError("encrypted", f"{label} 文件已加密，请提供未加密的版本")
    _count_inflated(data, infos, limits, label)
    return package


_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s22xHH")


def _count_inflated(data: bytes, infos, limits: Limits, label: str) -> None:
    """Inflate every member's raw deflate stream through a counter that stops at the limit.

    The sizes in zip headers are written by whoever made the file: a member
    that declares 1 MB can inflate to gigabytes in a reader that trusts the
    stream (calamine does). The stream is inflated here, ignoring every
    declared size, a bounded chunk at a time: one pass of decompression, and
    never more than a chunk in memory.
    """
    budget = limits.max_unzipped_bytes
    total = 0
    view = memoryview(data)
    for info in infos:
        offset = info.header_offset
        try:
            magic, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, offset)
        except struct.error:
            magic = b""
        if magic != b"PK\x03\x04":
            raise ReadError("damaged-file", f"{label} 文件已损坏（{info.filename} 的记录头无效）")
        start = offset + _LOCAL_HEADER.size + name_len + extra_len
        if info.compress_type == zipfile.ZIP_STORED:
            total += min(info.compress_size, len(data) - start)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            total += _inflate_counting(view[start:], budget - total)
        else:
            raise ReadError(
                "damaged-file", f"{label} 文件使用了不支持的压缩方式（{info.compress_type}）"
            )
        if total > budget:
            raise LimitExceeded(
                "zip-too-large",
                label=label,
                size=human_size(total),
                limit=human_size(budget),
            )


def _inflate_counting(stream: memoryview, budget: int) -> int:
    """Bytes one raw deflate stream inflates to, stopping once past ``budget``."""
    inflater = zlib.decompressobj(-15)
    total, position = 0, 0
    pending = b""
    while total <= budget:
        if not pending:
            if position >= len(stream):
                break  # truncated: the readers will say so
            pending = bytes(stream[position : position + _CHUNK])
            position += _CHUNK
        try:
            out = inflater.decompress(pending, _CHUNK)
        except zlib.error:
            break  # damaged: the readers will say so
        total += len(out)
        if inflater.eof:
            break
        pending = inflater.unconsumed_tail
    return total
