"""Stable keys for findings: what a finding is about, never where it sits in which file.

A review decision must survive re-exporting a report (text → Word → PDF), a re-encoded
text or a paragraph added at the top, so the key is built from the department, the year,
the check, the normalised subject and the finding's own words and figures, with file
names and line references taken out. Two keys per finding:

- ``finding_id``: the finding as it is now, figures included. A changed figure is a new
  finding (an old decision no longer applies to it as such).
- ``topic_id``: the same without the figures (every digit masked). A decision whose
  ``finding_id`` is gone but whose ``topic_id`` matches is "for an earlier version".

:mod:`checks.findings` gives every finding the :func:`finding_key` of its primary flag;
:func:`with_finding_keys` adds the ``topic_id`` (and a ``finding_id`` to a frame without one).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import polars as pl

KEY_VERSION = "1"
_SUFFIXES = r"(?:txt|md|docx|pdf|html?|xlsx?)"
# "002_ab28.txt", "uploads/报告 2.pdf", optionally ":41" (a file:line reference); a name may
# hold spaces, so it runs back to the previous delimiter (the same words go in every version)
_FILE_NAME = re.compile(
    rf"[^\n“”\"'：:；;，,、（(）)《》]+?\.{_SUFFIXES}(?![A-Za-z0-9])(?::\d+)?", re.I
)
# 第58行, 第 14、1655 行, 第41–45行, 第814行
_LINE_REF = re.compile(r"第\s*\d+(?:\s*[、,，–—\-~至]\s*\d+)*\s*行")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """NFKC (full-width digits and letters folded), no whitespace, no file or line references."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _FILE_NAME.sub("", text)
    text = _LINE_REF.sub("", text)
    return _SPACE.sub("", text)


def figures(text: str | None) -> list[str]:
    """The numbers a finding states, as printed (thousands separators dropped)."""
    return [n.replace(",", "") for n in _NUMBER.findall(normalise(text))]


def figures_text(text: str | None) -> str:
    """The figures as one string ("4.00 · 3.27 · 81.75 · 90"), stored with a decision."""
    return " · ".join(figures(text))


def _digest(*parts: object) -> str:
    joined = "\x1f".join("" if p is None else str(p) for p in (KEY_VERSION, *parts))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def topic_key(department, year, check_id, subject, message) -> str:
    """What the finding is about, figures masked: stays when only a number changes."""
    masked = _NUMBER.sub("#", normalise(message))
    return _digest("topic", department, year, check_id, normalise(subject), masked)


def finding_key(department, year, check_id, subject, message) -> str:
    """What the finding is about and the figures it states."""
    return _digest("finding", department, year, check_id, normalise(subject), normalise(message))


_KEY_COLUMNS = ("department", "year", "check_id", "subject", "message")


def with_finding_keys(flags: pl.DataFrame) -> pl.DataFrame:
    """``flags`` with ``finding_id``, ``topic_id`` and ``finding_figures``; columns already there stay."""
    rows = flags.select(_KEY_COLUMNS).rows()
    make = {
        "finding_id": lambda r: finding_key(*r),
        "topic_id": lambda r: topic_key(*r),
        "finding_figures": lambda r: figures_text(r[-1]),
    }
    return flags.with_columns(
        pl.Series(name, [key(r) for r in rows], dtype=pl.String)
        for name, key in make.items()
        if name not in flags.columns
    )
