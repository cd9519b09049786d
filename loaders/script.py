"""Traditional Chinese reports read as simplified, character by character.

A report from Hong Kong, Taiwan or an office that writes 繁体 (often Big5-encoded) states
the same tables with other glyphs: 預算 for 预算, 決算 for 决算, 萬元 for 万元. The
recognisers and checks know simplified words only, so a traditional text is mapped to
simplified before recognition. The mapping is one character to one character (OpenCC's
TSCharacters table, ``loaders/data/ts_characters.txt``), so every line keeps its length
and its number: evidence still points at the same place in the original.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from loaders.blocks import Grid, Paragraph
from loaders.issues import issue
from loaders.readers.compose import Rendered

_TABLE = Path(__file__).with_name("data") / "ts_characters.txt"
_BIG5_SIGNS = {ord("≦"): "≤", ord("≧"): "≥"}  # Big5 has no ≤ ≥; reports print these instead
_MIN_SHARE = 0.03  # share of CJK characters that exist only in traditional writing
_SAMPLE = 200_000  # characters looked at to decide


@lru_cache(maxsize=1)
def _mapping() -> dict[int, str]:
    pairs = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        traditional, simplified = line.split("\t", 1)
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            pairs[ord(traditional)] = simplified
    pairs.update(_BIG5_SIGNS)
    return pairs


_NOT_CJK = re.compile(r"[^\u3400-\u9fff]+")


@lru_cache(maxsize=1)
def _traditional_only() -> re.Pattern:
    """The CJK characters that only traditional writing uses, as one character class."""
    chars = sorted(chr(c) for c in _mapping() if 0x3400 <= c <= 0x9FFF)
    return re.compile("[" + "".join(chars) + "]")


def traditional_share(text: str) -> float:
    """Share of the Chinese characters in ``text`` that only traditional writing uses."""
    sample = text[:_SAMPLE]
    if not _traditional_only().search(sample):  # most reports: none at all, nothing to count
        return 0.0
    cjk = _NOT_CJK.sub("", sample)  # counted in C, not character by character
    if not cjk:
        return 0.0
    return len(_traditional_only().findall(cjk)) / len(cjk)


def simplified_rendered(rendered: Rendered) -> Rendered:
    """``rendered`` read as simplified when it is written in traditional characters."""
    if not is_traditional("\n".join(rendered.lines)):
        return rendered
    return replace(
        rendered,
        lines=[to_simplified(line) for line in rendered.lines],
        blocks=simplified_blocks(rendered.blocks),
        notes=[*rendered.notes, issue("traditional-chinese", encoding=rendered.encoding)],
    )


def is_traditional(text: str) -> bool:
    return traditional_share(text) >= _MIN_SHARE


def to_simplified(text: str) -> str:
    return text.translate(_mapping())


def simplified_blocks(blocks: list) -> list:
    """The same paragraphs and grids with their text mapped to simplified."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(replace(block, text=to_simplified(block.text)))
        elif isinstance(block, Grid):
            rows = [
                replace(row, cells=[replace(c, text=to_simplified(c.text)) for c in row.cells])
                for row in block.rows
            ]
            out.append(replace(block, rows=rows))
        else:
            out.append(block)
    return out
