"""Kangxi and supplementary radical code points that PDF fonts emit for ordinary characters.

Many PDF producers (Chromium, WPS, some Word exports) map glyphs such as 页, 门
and 长 to the radical code points ⻚, ⻔, ⻓ in their ToUnicode tables. The text
looks right but no keyword matches (“部⻔” is not “部门”). Kangxi radicals
(U+2F00–U+2FD5) have compatibility decompositions; the supplement block does not,
so its simplified forms are listed by hand.
"""

from __future__ import annotations

import unicodedata

_SUPPLEMENT = {
    0x2E9F: "母",
    0x2EA0: "民",
    0x2EBC: "月",
    0x2EC4: "西",
    0x2EC5: "见",
    0x2EC6: "角",
    0x2EC8: "讠",
    0x2EC9: "贝",
    0x2ECB: "车",
    0x2ECF: "阝",
    0x2ED0: "钅",
    0x2ED3: "长",
    0x2ED4: "门",
    0x2ED6: "阝",
    0x2ED7: "雨",
    0x2ED8: "青",
    0x2ED9: "韦",
    0x2EDA: "页",
    0x2EDB: "风",
    0x2EDC: "飞",
    0x2EDD: "食",
    0x2EE0: "饣",
    0x2EE2: "马",
    0x2EE3: "骨",
    0x2EE4: "鬼",
    0x2EE5: "鱼",
    0x2EE6: "鸟",
    0x2EE7: "卤",
    0x2EE8: "麦",
    0x2EE9: "黄",
    0x2EEA: "黾",
    0x2EEC: "齐",
    0x2EEE: "齿",
    0x2EF0: "龙",
    0x2EF3: "龟",
}

# Kangxi radicals whose compatibility form is the traditional character, while simplified
# fonts draw (and these reports mean) the simplified one: ⼾ DOOR is 户, not 戶.
_SIMPLIFIED = {"戶": "户"}

RADICALS = str.maketrans(
    {
        cp: _SIMPLIFIED.get(
            unicodedata.normalize("NFKC", chr(cp)), unicodedata.normalize("NFKC", chr(cp))
        )
        for cp in range(0x2F00, 0x2FD6)
    }
    | _SUPPLEMENT
)


def unify_radicals(text: str) -> str:
    """Replace radical code points by the characters they stand for."""
    return text.translate(RADICALS)
