"""Narrative sections of the prose: 存在问题 and 改进措施, one row per paragraph.

These feed the boilerplate checks (text copied across departments or years)
and the coverage checks (a low rate with no stated problem).
"""

from __future__ import annotations

import re

from loaders.blocks import Paragraph
from loaders.cells import compact

_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+、|第[一二三四五六七八九十]+部分)")
_SECTIONS = [
    ("存在问题", re.compile(r"存在的?问题|问题及原因")),
    ("改进措施", re.compile(r"改进措施|下一步|有关建议|整改措施")),
]
_SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十\d]+[)）]")
_ATTACHMENT = re.compile(r"^附件\d*$|^附件\d*[：:]")
_FORM_TEXT = re.compile(r"^(填表人|说明[：:]|单位负责人|联系电话)")
_MIN_CHARS = 8


def section_of_heading(text: str) -> str | None:
    """The narrative section a top-level heading opens, or None (ends any section)."""
    for section, pattern in _SECTIONS:
        if pattern.search(text):
            return section
    return None


def paragraphs_to_narratives(paragraphs: list[Paragraph]) -> list[dict]:
    out: list[dict] = []
    current: str | None = None
    for para in paragraphs:
        text = compact(para.text)
        if _TOP_HEADING.match(text) and len(text) < 40:
            current = section_of_heading(text)
            continue
        if _ATTACHMENT.match(text):
            current = None  # attachments (附件) are forms, not the report's narrative
            continue
        if _SUB_HEADING.match(text) and len(text) < 30 or _FORM_TEXT.match(text):
            continue
        if current and len(text) >= _MIN_CHARS:
            out.append(
                {
                    "project": "",
                    "section": current,
                    "text": para.text.strip(),
                    "source_line": para.line,
                }
            )
    return out
