"""Shared context rules of the money checks: what an item is, and what counts as a reason.

One settings table, ``[context]`` in ``checks/rules.toml``, holds the vocabularies that
E01, E02, B01 and B02 share, so that an auditor changes a word list once:

* ``sangong_terms`` / ``sangong_pattern`` / ``sangong_similarity`` — 三公 items by meaning,
  typo-tolerant (“公交车运行维护” is 公务车运行维护): spending less on them is the goal;
* ``running_costs`` — controlled running costs named as such (公用经费, 办公经费,
  商品服务支出, 水费、电费、差旅费, 会议费、培训费): staying under them is the goal;
* ``memo_items`` — rows that restate money counted elsewhere (政府采购金额, 往来款);
* ``unforeseeable`` — spending that cannot be budgeted ahead (抚恤, 丧葬);
* ``reason_words``, ``cut_words``, ``addition_words``, ``name_match``, ``children_share`` —
  how an explanation is recognised (see :mod:`checks.explanations`);
* ``economic_parts`` — the 款 of each 类 of the standard 支出经济分类, so that a reason naming
  救济费 explains the row 对个人和家庭的补助.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

NAME = "context"
TITLE = "资金类检查的语境规则"
DEFAULTS = {
    "sangong_pattern": "三公|公务接待|公务用车|公务车|公车|因公出国|出国经费|出国（境）|出国\\(境\\)",
    "sangong_terms": [
        "三公经费",
        "因公出国（境）费",
        "出国经费",
        "公务用车购置及运行维护费",
        "公务用车购置和维护经费",
        "公务用车运行维护费",
        "公务车运行维护",
        "公务车购置",
        "公务接待费",
    ],
    "sangong_similarity": 80.0,
    "running_costs": "^(日常)?公用经费$|^办公(经)?费$|^商品(和)?服务支出$|^水费、?电费、?差旅费$"
    "|^(水电|差旅|会议|培训|印刷|邮电)费$|^会议费、?培训费$|^机关运行经费$",
    "memo_items": "政府采购|采购金额|往来款",
    "unforeseeable": "抚恤|丧葬",
    "reason_words": "原因|由于|因为|主要因|因素|因[^公此而]{0,12}(?:导致|致使|造成|影响|未|延|滞|减|不足|调整)"
    "|导致|致使|受.{0,6}影响|滞后|延迟|延期|推迟|未能|尚未|无经费需求",
    "cut_words": "压减|调减|核减|削减",
    "addition_words": "追加|调增|增拨",
    "name_match": 80.0,
    "children_share": 50.0,
    # the 款 of the standard 支出经济分类 (301 / 302 / 303) under each 类: a reason naming a 款
    # (救济费) explains its 类's row (对个人和家庭的补助)
    "economic_parts": {
        "工资福利支出": [
            "基本工资",
            "津贴补贴",
            "奖金",
            "伙食补助费",
            "绩效工资",
            "基本养老保险缴费",
            "职业年金缴费",
            "职工基本医疗保险缴费",
            "公务员医疗补助缴费",
            "其他社会保障缴费",
            "住房公积金",
            "医疗费",
            "其他工资福利支出",
        ],
        "商品和服务支出": [
            "办公费",
            "印刷费",
            "咨询费",
            "手续费",
            "水费",
            "电费",
            "邮电费",
            "取暖费",
            "物业管理费",
            "差旅费",
            "因公出国（境）费用",
            "维修（护）费",
            "租赁费",
            "会议费",
            "培训费",
            "公务接待费",
            "专用材料费",
            "被装购置费",
            "专用燃料费",
            "劳务费",
            "委托业务费",
            "工会经费",
            "福利费",
            "公务用车运行维护费",
            "其他交通费用",
            "税金及附加费用",
            "其他商品和服务支出",
        ],
        "对个人和家庭的补助": [
            "离休费",
            "退休费",
            "退职（役）费",
            "抚恤金",
            "生活补助",
            "救济费",
            "医疗费补助",
            "助学金",
            "奖励金",
            "个人农业生产补贴",
            "代缴社会保险费",
            "其他对个人和家庭的补助",
        ],
    },
}
DOC = """- 三公经费（因公出国（境）费、公务用车购置及运行维护费、公务接待费）按含义识别，容许错字：
  “公交车运行维护”按 `sangong_similarity`（默认 80）与 `sangong_terms` 中的“公务车运行维护”相近，视为三公；
- 公用经费、办公经费、商品服务支出、水电差旅费、会议费培训费等控制性运行经费（`running_costs`，按名称整体匹配，
  “派驻纪检监察组办公经费”这类项目不算）少花是节约，不报执行率低或结余；
- 政府采购金额、往来款等备忘行（`memo_items`）不是一笔单独的钱，不报；
- 抚恤、丧葬（`unforeseeable`）无法在年初预计，有追加说明时不报超支；
- 说明原因的用语（`reason_words`）、压减（`cut_words`）、追加（`addition_words`）决定疑点的措辞和严重程度，
  见“原因说明”；
- 支出经济分类的类与款（`economic_parts`，301 工资福利支出、302 商品和服务支出、303 对个人和家庭的补助）：
  原因句点了某一款（“救济费因62下放人员去世减少”），就说明了它所属的类（“对个人和家庭的补助”执行率低）。"""

_LIST_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|其中[：:]?|[①-⑳])+"
)
_BLANK = re.compile(r"[\s\u3000]")


def shared(settings: dict) -> dict:
    """The ``[context]`` table a check was given, or the defaults (a check run on its own)."""
    return settings.get(NAME) or DEFAULTS


@lru_cache(maxsize=1 << 16)
def plain_name(item: str | None) -> str:
    """An item name without list marks and blanks: ``其中：公用经费`` → ``公用经费``.
    Remembered: the money checks ask for the same few thousand names again and again."""
    return _LIST_MARK.sub("", _BLANK.sub("", item or ""))


_REMEMBERED = 100_000


@dataclass(frozen=True)
class Vocabulary:
    sangong: re.Pattern
    sangong_terms: tuple[str, ...]
    similarity: float
    running: re.Pattern
    memo: re.Pattern
    unforeseeable: re.Pattern
    reason: re.Pattern
    cut: re.Pattern
    addition: re.Pattern
    economic: tuple[tuple[str, tuple[str, ...]], ...] = ()  # 类 → its 款 (plain names)
    seen: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # name → 三公?
    seen_controlled: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def is_sangong(self, item: str | None) -> bool:
        name = plain_name(item)
        if not name:
            return False
        if name not in self.seen:
            self.seen[name] = bool(self.sangong.search(name)) or (
                len(name) <= 14
                and any(fuzz.ratio(name, term) >= self.similarity for term in self.sangong_terms)
            )
        return self.seen[name]

    def is_running_cost(self, item: str | None) -> bool:
        return bool(self.running.search(plain_name(item)))

    def is_memo(self, item: str | None) -> bool:
        return bool(self.memo.search(plain_name(item)))

    def is_unforeseeable(self, item: str | None) -> bool:
        return bool(self.unforeseeable.search(plain_name(item)))

    def economic_parts(self, item: str | None) -> tuple[str, ...]:
        """The 款 of a 支出经济分类 类 row (对个人和家庭的补助 → 救济费, 抚恤金 …), else ()."""
        name = economic_name(item)
        return next((parts for whole, parts in self.economic if whole == name), ())

    def economic_named(self, text: str) -> set[str]:
        """The 类 whose 款 a text names (the longest name wins: 医疗费补助 is not 医疗费)."""
        plain = _ECONOMIC_TEXT.sub("", text)
        spans = [
            (m.start(), m.start() + len(part), whole)
            for whole, parts in self.economic
            for part in parts
            if len(part) >= 2
            for m in re.finditer(re.escape(part), plain)
        ]
        return {
            whole
            for a, b, whole in spans
            if not any(x <= a and b <= y and (y - x) > (b - a) for x, y, _ in spans)
        }

    def controlled(self, item: str | None) -> str | None:
        """Why an item's underspending is no finding (三公 / 运行经费 / 备忘行), or None.
        Remembered by item: several checks ask it of every budget line, and names repeat."""
        if item not in self.seen_controlled:
            if len(self.seen_controlled) >= _REMEMBERED:  # a province's names: bounded
                self.seen_controlled.clear()
            self.seen_controlled[item] = self._controlled(item)
        return self.seen_controlled[item]

    def _controlled(self, item: str | None) -> str | None:
        if self.is_memo(item):
            return "备忘行（政府采购、往来款等）"
        if self.is_sangong(item):
            return "三公经费（少花是节约）"
        if self.is_running_cost(item):
            return "控制性运行经费（少花是节约）"
        return None


_ECONOMIC_NOISE = re.compile(r"[（(][^）)]*[）)]|的|支出$")
_ECONOMIC_TEXT = re.compile(r"[（(][^）)]*[）)]|的|和")


def economic_name(item: str | None) -> str:
    """A 支出经济分类 name compared loosely: 对个人和家庭补助 = 对个人和家庭的补助,
    退职（役）费 = 退职费, 商品服务支出 = 商品和服务支出."""
    return _ECONOMIC_NOISE.sub("", plain_name(item)).replace("和", "")


def _never() -> re.Pattern:
    return re.compile(r"(?!x)x")


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern) if pattern else _never()


@lru_cache(maxsize=16)
def _vocabulary(frozen: tuple) -> Vocabulary:
    s = dict(frozen)
    return Vocabulary(
        sangong=_compile(s["sangong_pattern"]),
        sangong_terms=tuple(s["sangong_terms"]),
        similarity=float(s["sangong_similarity"]),
        running=_compile(s["running_costs"]),
        memo=_compile(s["memo_items"]),
        unforeseeable=_compile(s["unforeseeable"]),
        reason=_compile(s["reason_words"]),
        cut=_compile(s["cut_words"]),
        addition=_compile(s["addition_words"]),
        economic=tuple(
            (economic_name(whole), tuple(economic_name(p) for p in parts))
            for whole, parts in s["economic_parts"]
        ),
    )


def vocabulary(settings: dict) -> Vocabulary:
    """The compiled vocabulary of a check's ``[context]`` settings."""
    s = shared(settings)
    return _vocabulary(tuple(sorted((k, _frozen(v)) for k, v in s.items())))


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return tuple(value) if isinstance(value, list) else value
