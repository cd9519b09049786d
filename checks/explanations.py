"""Where a report explains a deviation: by sentence, by section, by parent item.

A low or excessive rate asks for a reason; the forms require one below 90 %. The reason is
rarely next to the figure's exact name. This module looks, in order, for

1. a reason in the row's own sentence (…完成年初预算的49.18%，主要原因是：政策性项目经费压减);
2. the project table's 偏差原因 field;
3. a reason sentence naming the item by its core name (各类激励奖励资金 → 激励奖励), or the
   sentence after one that names it in the same paragraph; for a 类 of the standard
   支出经济分类, a reason sentence naming one of its 款 (对个人和家庭的补助 ← “救济费因…减少”);
4. a sentence restating the row's figures (85,578.49 … 84.57%) that gives or introduces reasons
   (…主要有以下三个方面：) in its section;
5. a section whose heading names the item and which holds a reason sentence;
6. the parts of a total: a total is explained when its explained low parts carry at least
   ``children_share`` % of its shortfall, or when what is left once its explained parts and
   its controlled running costs (少花是节约) are set aside would not be low (基本支出 88.50%:
   对个人和家庭的补助 explained, 商品服务支出 a running cost, the rest 93.27%);
7. the total a row is part of, when the row's budget was cut during the year and that total's
   reason is the cut (项目“资金量”21 → 全年预算 12.58, inside 一般行政管理事务 whose sentence
   says 政策性项目经费压减).

Each explanation keeps the sentence and its line, and its kind: ``cut`` (压减、调减 — the budget
was reduced, not left idle), ``addition`` (追加 — the money was added during the year) or
``reason``. The vocabularies are the ``[context]`` settings (:mod:`checks.context`).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from checks.base import fmt
from checks.context import economic_name, plain_name, shared, vocabulary
from checks.memo import memo
from checks.money_tree import money_tree
from checks.text_index import Sentence, sentences, sentences_at

_CORE = re.compile(
    r"^(各类|各项|其他|市级|本级)|(专项资金|专项经费|工作经费|资金|经费|专项|项目|支出)$"
)
_INTRODUCES = re.compile(r"[：:]$|如下|以下")
_GENERIC = {
    "部门",
    "单位",
    "整体",
    "公共",
    "基本",
    "项目",
    "工作",
    "日常",
    "机关",
    "部门项目",
    "公共项目",
}


@dataclass(frozen=True)
class Explanation:
    sentence: str
    line: int
    kind: str  # cut / addition / reason
    how: str  # 本句 / 偏差原因 / 点名 / 复述 / 小节 / 分项 / 上级
    above: str = ""  # for 上级: the total whose reason it is

    def text(self, limit: int = 80) -> str:
        return self.sentence if len(self.sentence) <= limit else self.sentence[: limit - 1] + "…"

    def around(self, word: re.Pattern, limit: int = 60) -> str:
        """The part of the sentence around ``word`` (the 压减 of a cut), at most ``limit`` long."""
        m = word.search(self.sentence)
        if m is None or len(self.sentence) <= limit:
            return self.text(limit)
        start = max(0, min(m.start() - limit // 2, len(self.sentence) - limit))
        snippet = self.sentence[start : start + limit]
        return (
            ("…" if start else "") + snippet + ("…" if start + limit < len(self.sentence) else "")
        )


def core_name(name: str) -> str:
    """The distinctive part of an item name: 各类激励奖励资金 → 激励奖励, 工发专项 → 工发."""
    core = _CORE.sub("", plain_name(name))
    return "" if core in _GENERIC else core


def _printed(value: float | None) -> set[str]:
    """How a figure may be printed: 13,203.38 / 13203.38 / 13203.4 (never a bare integer)."""
    if value is None or value == 0:
        return set()
    out = {fmt(value), fmt(value).replace(",", "")}
    trimmed = f"{value:.2f}".rstrip("0").rstrip(".")
    if "." in trimmed:
        out.add(trimmed)
    return {p for p in out if "." in p or len(p.replace(",", "")) >= 4}


class Explainer:
    """Finds the reason a report gives for a row's deviation (one per corpus and settings)."""

    def __init__(self, corpus, settings: dict):
        # weakly: the explainer is kept in the corpus' memo (checks.memo), and a strong
        # reference back would keep every checked corpus, and all it derived, alive (a
        # worker checking batch after batch grew ~60 MB a batch)
        self._corpus = weakref.ref(corpus)
        self.s = shared(settings)
        self.v = vocabulary(settings)
        self.sentences = sentences(corpus)
        self.tree = money_tree(corpus)
        self._reasoned: dict[str, list[tuple[Sentence, Sentence]]] = {}
        self._restating: dict[str, list[int]] = {}
        self.deviation_notes: dict[tuple, dict] = {}
        notes = corpus.narratives.filter(pl.col("section") == "偏差原因")
        for r in notes.iter_rows(named=True):  # that section's rows only, as dicts
            if r["project"] and r["text"].strip("无 　/"):
                self.deviation_notes.setdefault((r["doc_id"], r["project"]), r)

    # ---- per document, on first use ---------------------------------------------------------

    @property
    def corpus(self):
        return self._corpus()

    def reasoned(self, doc_id: str) -> list[tuple[Sentence, Sentence]]:
        """(sentence, reason): a sentence giving a reason, or announcing one in the next
        sentence of its paragraph."""
        if doc_id not in self._reasoned:
            doc = self.sentences.get(doc_id, [])
            found = []
            for i, sent in enumerate(doc):
                if self.v.reason.search(sent.text):
                    found.append((sent, sent))
                elif (
                    i + 1 < len(doc)
                    and doc[i + 1].paragraph == sent.paragraph
                    and self.v.reason.search(doc[i + 1].text)
                ):
                    found.append((sent, doc[i + 1]))
            self._reasoned[doc_id] = found
        return self._reasoned[doc_id]

    def restating(self, doc_id: str) -> list[int]:
        """Sentences that may restate a row's figures and give or announce its reasons."""
        if doc_id not in self._restating:
            doc = self.sentences.get(doc_id, [])
            self._restating[doc_id] = [
                i
                for i, sent in enumerate(doc)
                if self.v.reason.search(sent.text) or _INTRODUCES.search(sent.text)
            ]
        return self._restating[doc_id]

    # ---- the pieces -------------------------------------------------------------------------

    def kind(self, text: str) -> str:
        if self.v.cut.search(text):
            return "cut"
        if self.v.addition.search(text):
            return "addition"
        return "reason"

    def _found(self, sentence: str, line: int, how: str) -> Explanation:
        return Explanation(sentence, line, self.kind(sentence), how)

    def _own_sentence(self, row: dict) -> Explanation | None:
        if row.get("origin") != "prose":
            return None
        own = sentences_at(self.corpus, row["doc_id"], row["source_line"])
        figures = _printed(row.get("actual")) | _printed(row.get("budget"))
        for s in own:
            if figures and not any(f in s.text for f in figures):
                continue
            tail = s.text
            for f in figures:
                at = s.text.find(f)
                if at >= 0:
                    tail = s.text[at:]
                    break
            if self.v.reason.search(tail):
                return self._found(s.text, s.line, "本句")
        return None

    def _deviation_note(self, row: dict) -> Explanation | None:
        note = self.deviation_notes.get((row["doc_id"], row.get("project") or ""))
        if note is None:
            return None
        return self._found(note["text"], note["source_line"], "偏差原因")

    def _names(self, name: str, text: str) -> bool:
        core = core_name(name)
        if len(core) >= 2 and core in text:
            return True
        plain = plain_name(name)
        return len(plain) >= 4 and fuzz.partial_ratio(plain, text) >= self.s["name_match"]

    def _named(self, row: dict, doc: list[Sentence]) -> Explanation | None:
        name = row.get("project") or row.get("item") or ""
        if len(core_name(name)) < 2:
            return None
        for named, reason in self.reasoned(row["doc_id"]):
            if named.line != row["source_line"] and self._names(name, named.text):
                return self._found(reason.text, reason.line, "点名")
        return None

    def _named_part(self, row: dict, doc: list[Sentence]) -> Explanation | None:
        """A 支出经济分类 类 row explained by a reason naming one of its 款."""
        if row.get("project") or not self.v.economic_parts(row.get("item")):
            return None
        whole = economic_name(row.get("item"))
        for named, reason in self.reasoned(row["doc_id"]):
            if named.line != row["source_line"] and whole in self.v.economic_named(named.text):
                return self._found(reason.text, reason.line, "分项")
        return None

    def _restated(self, row: dict, doc: list[Sentence]) -> Explanation | None:
        figures = [
            _printed(row.get(f)) for f in ("effective_budget", "actual", "balance") if row.get(f)
        ]
        for i in self.restating(row["doc_id"]):
            s = doc[i]
            if (
                s.line == row["source_line"]
                or sum(any(p in s.text for p in f) for f in figures) < 2
            ):
                continue
            if self.v.reason.search(s.text):
                return self._found(s.text, s.line, "复述")
            for after in doc[i + 1 : i + 6]:
                if after.headings != s.headings:
                    break
                if self.v.reason.search(after.text):
                    return self._found(s.text + after.text, s.line, "复述")
        return None

    def _section(self, row: dict, doc: list[Sentence]) -> Explanation | None:
        if row.get("origin") != "prose":
            return None
        own = sentences_at(self.corpus, row["doc_id"], row["source_line"])
        if not own or not own[0].headings:
            return None
        heading = own[0].headings[-1][1]
        name = row.get("project") or row.get("item") or ""
        if not self._names(name, heading):
            return None
        for s in doc:
            if s.headings == own[0].headings and self.v.reason.search(s.text):
                return self._found(s.text, s.line, "小节")
        return None

    # ---- the whole search -------------------------------------------------------------------

    def explain_row(self, row: dict) -> Explanation | None:
        doc = self.sentences.get(row["doc_id"], [])
        for find in (self._own_sentence, self._deviation_note):
            found = find(row)
            if found:
                return found
        for find in (self._named, self._named_part, self._restated, self._section):
            found = find(row, doc)
            if found:
                return found
        return None

    def explain(self, row: dict, short, *, _depth: int = 0) -> Explanation | None:
        """The explanation of ``row``'s shortfall; ``short(row)`` is the row's shortfall in 万元
        when it needs explaining (a low part), else None."""
        node = self.tree.node_of(row)
        rows = node.rows if node else [row]
        for r in rows:
            found = self.explain_row(r)
            if found:
                return found
        if node is None or _depth > 3:
            return None
        return self._from_parts(node, short, _depth) or self._cut_above(node, row)

    def _from_parts(self, node, short, depth: int) -> Explanation | None:
        total = node.rows[0]
        gap = short(total)
        if not gap:
            return None
        low = [(p, short(p.rows[0])) for p in self.tree.parts(node)]
        explained = [
            (p, g, e)
            for p, g in low
            if g and (e := self.explain(p.rows[0], short, _depth=depth + 1))
        ]
        if not explained:
            return None
        carried = sum(g for _, g, _ in explained)
        saved = sum(
            max(p.budget - p.actual, 0.0)
            for p in self.tree.parts(node)
            if self.v.controlled(p.rows[0].get("item")) or self.v.controlled(p.name)
        )
        rest_not_low = short({**total, "actual": total["actual"] + carried + saved}) is None
        if carried < gap * self.s["children_share"] / 100 and not rest_not_low:
            return None
        first = min((e for _, _, e in explained), key=lambda e: e.line)
        names = "、".join(p.name for p, _, _ in explained[:4])
        return Explanation(
            f"分项（{names}）已说明原因：{first.sentence}", first.line, first.kind, "分项"
        )

    def _cut_above(self, node, row: dict) -> Explanation | None:
        """A budget cut during the year (资金量 above the full-year budget) explained by the
        cut of the total the row is part of."""
        initial, budget = row.get("budget_initial"), row.get("effective_budget")
        if initial is None or budget is None or initial - budget <= 0.005:
            return None
        for above in self.tree.ancestors(node):
            for r in above.rows:
                found = self.explain_row(r)
                if found and found.kind == "cut":
                    return Explanation(found.sentence, found.line, "cut", "上级", above.name)
        return None


def explainer(corpus, settings: dict) -> Explainer:
    s = shared(settings)
    key = ("explainer", tuple(sorted((k, str(v)) for k, v in s.items())))
    return memo(corpus, key, lambda: Explainer(corpus, settings))
