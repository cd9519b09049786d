"""Bytes to text: UTF-8 (with or without BOM) or GB18030, or a clear refusal.

Reports from Chinese portals arrive in either encoding. Anything else (binary,
empty, UTF-16 without BOM, random bytes) is refused with a message an auditor
can act on, instead of producing mojibake that would parse into wrong numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.issues import FileProblem


class DecodeError(FileProblem):
    """The file cannot be read as text; ``code`` names the reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


_CJK_MIN_SHARE = 0.05  # GB18030 decodes almost any bytes: demand some real Chinese


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.02


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk / len(text)


def decode_bytes(data: bytes) -> Decoded:
    """Return the text of ``data`` or raise :class:`DecodeError`."""
    if not data.strip():
        raise DecodeError("empty-file")
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError("bad-encoding", f"UTF-16 文件无法解码：{exc}") from exc
    if _looks_binary(data):
        raise DecodeError("binary-file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "bad-encoding", f"编码既不是 UTF-8 也不是 GB18030，无法读取（位置 {exc.start}）"
        ) from exc
    if _cjk_share(text) < _CJK_MIN_SHARE:
        raise DecodeError(
            "bad-encoding", "编码既不是 UTF-8 也不是 GB18030（解码后几乎没有中文字符）"
        )
    return Decoded(text, "gb18030")
