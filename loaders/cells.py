"""The one normalisation stage: raw cell strings to clean text and typed numbers.

Layout noise seen in real reports is handled here and nowhere else: U+3000
padding, HTML residue, full-width digits, thousands separators, spaces inside
numbers (``100. 0%``), ``-`` for zero, a trailing unit (``85.5万元``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％－＋", "0123456789.,%-+")
# str.translate looks every character of a Chinese text up in a dict (about 50 ns a character);
# replacing the few characters it maps, each only when present, gives the same text 20× faster
_FULL_WIDTH_PAIRS = tuple(zip("０１２３４５６７８９．，％－＋", "0123456789.,%-+", strict=True))
_HAS_FULL_WIDTH = re.compile("[０１２３４５６７８９．，％－＋]")  # one scan finds none at all
_HTML_TAG = re.compile(r"<[^>]{0,200}>")
_NUMBER = re.compile(
    r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<pct>%)?$"
)
# the unit a cell may end in: 万元, 元, 人, 个 (万元 ends in 元; % makes it a percent)
_UNIT_ENDINGS = ("元", "人", "个")
_ZERO_MARKS = {"-", "—", "–", "－", "--", "——"}
# A cell's text is looked at by several stages (blocks, classification, the recognisers, prose),
# each asking for its clean or compact form or its number: each distinct string is normalised
# once per process and the answer reused (the results are immutable).
_MEMO = 1 << 16


class Number(NamedTuple):
    """A cell's number (read only). A named tuple: a parsed cell makes one, and a tuple is
    built several times faster than a frozen dataclass."""

    value: float
    decimals: int
    percent: bool


@lru_cache(maxsize=_MEMO)
def clean_text(raw: str | None) -> str:
    """Cell or line text without HTML residue, padding and repeated blanks."""
    if not raw:
        return ""
    text = _HTML_TAG.sub("", raw) if "<" in raw else raw
    # str.split() breaks at exactly what the regex \s matches (U+3000 and U+00A0 among them)
    return " ".join(text.split())


@lru_cache(maxsize=_MEMO)
def compact(raw: str | None) -> str:
    """Text with every blank removed: for labels and keyword matching."""
    return "".join(clean_text(raw).split())


@lru_cache(maxsize=_MEMO)
def parse_number(raw: str | None, *, dash_is_zero: bool = True) -> Number | None:
    """The number a whole cell states, or None when the cell is not a number."""
    text = ascii_digits(compact(raw))
    if not text:
        return None
    if text in _ZERO_MARKS:
        return Number(0.0, 0, False) if dash_is_zero else None
    percent = text.endswith("%")
    unitless = text
    if not percent and text.endswith(_UNIT_ENDINGS):  # one unit dropped from the end
        unitless = text[:-2] if text.endswith("万元") else text[:-1]
    match = _NUMBER.match(unitless if not percent else text)
    if not match:
        return None
    digits = match["int"].replace(",", "")
    frac = match["frac"] or ""
    value = float(f"{digits}.{frac}" if frac else digits)
    if match["sign"] == "-":
        value = -value
    return Number(value, len(frac), percent)


def number_in(text: str) -> Number | None:
    """Parse a number that was cut out of prose (``2,384.29``, ``100. 0``)."""
    return parse_number(text, dash_is_zero=False)


def ascii_digits(text: str) -> str:
    """Full-width digits and punctuation as ASCII (２０２３ -> 2023)."""
    if text.isascii() or not _HAS_FULL_WIDTH.search(text):
        return text
    for wide, narrow in _FULL_WIDTH_PAIRS:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def has_digit(text: str | None) -> bool:
    return bool(text) and any(ch.isdigit() for ch in text.translate(_FULL_WIDTH))
