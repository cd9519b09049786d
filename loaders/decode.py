"""Bytes to text: the encoding that reads as Chinese, chosen by scoring, or a clear refusal.

Reports arrive as UTF-8 (with or without BOM), GB18030 (GBK, GB2312), Big5 or
UTF-16 (with or without BOM). Most of these decode almost any bytes without
an error — Big5 read as GB18030 gives plausible-looking garbage — so
"the first codec that does not fail" is wrong. Each candidate is scored
instead: the share of its Chinese characters that are common characters *of
that encoding* (GB2312 for GB18030, Big5 level 1 for Big5; a misread lands on
rare characters about half the time), less a penalty per undecodable byte.

A file with a few undecodable bytes is kept: they become U+FFFD and one
``invalid-bytes`` issue per line says where. Binary, empty and undecodable
files are refused with a message an auditor can act on, instead of producing
mojibake that would parse into wrong numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from loaders.issues import FileProblem, issue


class DecodeError(FileProblem):
    """The file cannot be read as text; ``code`` names the reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    notes: list[dict] = field(default_factory=list)  # invalid-bytes issues


_CANDIDATES = ("utf-8", "gb18030", "big5hkscs", "utf-16-le", "utf-16-be")
_LABELS = {
    "utf-8": "UTF-8",
    "gb18030": "GB18030",
    "big5hkscs": "Big5",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}
_SAMPLE = 256 * 1024  # bytes scored per candidate: enough text, bounded time
_MIN_SCORE = 0.6  # below this no candidate reads as Chinese text
_MAX_INVALID_SHARE = 0.01  # more undecodable bytes than this: the wrong encoding
_MAX_NOTES = 20


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=1)
def _common() -> dict[str, frozenset[str]]:
    """Common characters of each family: GB2312 (both levels), Big5 level 1 (常用字)."""
    gb = {
        bytes((a, b)).decode("gb2312", "ignore")
        for a in range(0xB0, 0xF8)
        for b in range(0xA1, 0xFF)
    }
    big5 = {
        bytes((a, b)).decode("big5", "ignore")
        for a in range(0xA4, 0xC7)
        for b in (*range(0x40, 0x7F), *range(0xA1, 0xFF))
    }
    return {"gb": frozenset(gb - {""}), "big5": frozenset(big5 - {""})}


def _score(text: str, encoding: str) -> float:
    """How much ``text`` reads as Chinese (or plain ASCII) in ``encoding``: about 1 when right."""
    invalid = text.count("\ufffd")
    cjk = [ch for ch in text if _is_cjk(ch)]
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    if not cjk:  # no Chinese at all: acceptable only as clean, printable text
        return (printable - 20 * invalid) / max(1, len(text)) - 0.5
    family = "big5" if encoding.startswith("big5") else "gb"
    if encoding.startswith(("utf-8", "utf-16")):  # the full Unicode range: common in either
        common = sum(1 for ch in cjk if ch in _common()["gb"] or ch in _common()["big5"])
    else:
        common = sum(1 for ch in cjk if ch in _common()[family])
    odd = len(text) - printable  # control characters, unassigned code points
    return (common - 3 * invalid - odd) / (len(cjk) + invalid)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.02


def _bom(data: bytes) -> tuple[str, int] | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8", 3
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    return None


def _sample(data: bytes, encoding: str) -> str:
    cut = data[:_SAMPLE]
    if encoding.startswith("utf-16") and len(cut) % 2:
        cut = cut[:-1]
    return cut.decode(encoding, errors="replace")


def _decode_noting(data: bytes, encoding: str) -> tuple[str, list[dict]]:
    """``data`` decoded with undecodable bytes replaced, and an issue per affected line."""
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError:
        pass
    parts: list[str] = []
    bad: list[tuple[int, int]] = []  # (character index in the text, byte offset)
    position = 0
    length = 0
    while position < len(data):
        try:
            piece = data[position:].decode(encoding)
            parts.append(piece)
            break
        except UnicodeDecodeError as exc:
            good = data[position : position + exc.start].decode(encoding)
            parts.append(good)
            length += len(good)
            bad.append((length, position + exc.start))
            parts.append("\ufffd")
            length += 1
            position += max(exc.end, exc.start + 1)
    text = "".join(parts)
    per_line: dict[int, list[int]] = {}
    newlines = 0
    last = 0
    for index, offset in bad:
        newlines += text.count("\n", last, index)
        last = index
        per_line.setdefault(newlines + 1, []).append(offset)
    notes = [
        issue(
            "invalid-bytes",
            line,
            line=line,
            count=len(offsets),
            encoding=_LABELS[encoding],
            offset=offsets[0],
        )
        for line, offsets in list(per_line.items())[:_MAX_NOTES]
    ]
    return text, notes


def _refuse(detail: str) -> DecodeError:
    return DecodeError(
        "bad-encoding", f"编码不是 UTF-8、GB18030、Big5 或 UTF-16，无法读取（{detail}）"
    )


def decode_bytes(data: bytes) -> Decoded:
    """Return the text of ``data`` or raise :class:`DecodeError`."""
    if not data.strip():
        raise DecodeError("empty-file")
    bom = _bom(data)
    if bom is not None:
        encoding, skip = bom
        text, notes = _decode_noting(data[skip:], encoding)
        return Decoded(text, encoding, notes)
    binary = _looks_binary(data)  # NULs: binary, or UTF-16 without a BOM
    if not binary:
        try:  # strict UTF-8 is never an accident
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    candidates = [c for c in _CANDIDATES if not binary or c.startswith("utf-16")]
    scores = {c: _score(_sample(data, c), c) for c in candidates}
    best = max(candidates, key=lambda c: scores[c])  # ties: the earlier candidate
    if scores[best] < _MIN_SCORE:
        if binary:
            raise DecodeError("binary-file")
        raise _refuse("解码后几乎没有中文字符或大量乱码")
    if best.startswith("utf-16") and len(data) % 2:
        data = data[:-1]
    text, notes = _decode_noting(data, best)
    invalid = text.count("\ufffd")
    if invalid > 8 and invalid > _MAX_INVALID_SHARE * len(data):
        raise _refuse(f"按 {_LABELS[best]} 有 {invalid} 个字节无法解码")
    return Decoded(text, best, notes)
