"""Which execution and balance flags the figures of a written document call for.

A low actual planted on one project also lowers every total it belongs to (the
project table's 合计, the prose 项目支出 sentence, the basic-data table…); whether
those totals cross a threshold depends on the other figures. Instead of guessing,
this module applies the documented rules of E01, E02, B01, B02 and V02 (defaults of
``checks/rules.toml``) to the rows a layout recorded in ``Doc.money``, with the same
one-flag-per-fact grouping the checks use. The planted project's groups become the
planted truth rows; every other group is an expected secondary flag.

V02 (a low rate on an item with no explanation) is the ``explained`` attribute of E01 now;
the evaluation reads an unexplained E01 flag on an item as V02. Items are excluded by the
``[context]`` vocabulary the checks share (三公, running costs, memo rows); B02 judges
items only, never totals; a sentence that states only the initial budget (年初预算…决算)
gives no balance and no overspending below ``initial_only_share``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checks.context import vocabulary
from checks.registry import CHECKS
from checks.settings import load_rules
from tools.synth.writer import Doc, Money

RULES = load_rules(None, CHECKS)  # checks/rules.toml: the thresholds the checks use
EXPLAIN_BELOW = RULES["E01"]["explain_below"]  # also the threshold of an unexplained rate (V02)
INITIAL_ONLY_SHARE = RULES["E02"]["initial_only_share"]
MIN_EXCESS = round(RULES["E02"]["min_excess"] * 100)  # in cents
BALANCE_MIN = round(RULES["B01"]["min_amount"] * 100)
BALANCE_SHARE = RULES["B01"]["share_medium"]
ADDITION_MIN = round(RULES["B02"]["min_addition"] * 100)
UNSPENT_SHARE = RULES["B02"]["unspent_share"]
VOCABULARY = vocabulary({"context": RULES["context"]})
AGGREGATE = re.compile(r"合计|总计|整体|规模|^基本支出$|^项目支出$")


@dataclass
class Predicted:
    check: str
    file: str
    line: int
    members: list[Money] = field(default_factory=list)

    def involves(self, name: str) -> bool:
        return any(m.item == name or m.project == name for m in self.members)


def _group(out: dict, check: str, key: tuple, doc: Doc, m: Money) -> None:
    if key in out:
        out[key].members.append(m)
    else:
        out[key] = Predicted(check, doc.name, m.line, [m])


def predict(doc: Doc, explained: set[str]) -> list[Predicted]:
    """Flags of E01/E02/B01/B02/V02 for one document; ``explained`` names projects whose
    low rate the document explains in a sentence."""
    e01: dict = {}
    e02: dict = {}
    b01: dict = {}
    b02: dict = {}
    v02: dict = {}
    v02_seen: set = set()
    for m in sorted(doc.money, key=lambda x: x.line):
        budget, actual = m.effective_budget, m.actual
        if budget is None or actual is None:
            continue
        excluded = bool(VOCABULARY.controlled(m.item) or VOCABULARY.controlled(m.project))
        initial_only = (
            m.origin == "prose"
            and m.initial is not None
            and m.adjustment is None
            and m.budget is not None
            and m.budget == m.initial
            and m.balance is None
        )
        aggregate = m.row_kind == "total" or bool(AGGREGATE.search(m.project or m.item))
        if budget > 0 and not excluded:
            rate = actual / budget * 100
            worst = rate
            if m.initial and m.initial != budget:
                worst = min(rate, actual / m.initial * 100)
            if worst < EXPLAIN_BELOW:
                _group(e01, "E01", (budget, actual, m.project), doc, m)
            balance = m.balance if m.balance is not None else budget - actual
            if (
                not initial_only
                and balance >= BALANCE_MIN
                and balance / budget * 100 >= BALANCE_SHARE
            ):
                _group(b01, "B01", (budget, balance), doc, m)
        over = actual - budget > MIN_EXCESS and actual > 0 and not VOCABULARY.is_memo(m.item)
        if over and initial_only and budget > 0:
            over = (actual / budget - 1) * 100 >= INITIAL_ONLY_SHARE
        if over:
            _group(e02, "E02", (budget, actual), doc, m)
        added = m.adjustment
        if (
            added
            and added >= ADDITION_MIN
            and not excluded
            and not aggregate
            and min(budget - actual, added) / added * 100 >= UNSPENT_SHARE
        ):
            _group(b02, "B02", (added, min(budget - actual, added)), doc, m)
        reference = max(budget, m.initial or 0)
        name = m.project or m.item
        if reference > 0 and not excluded and actual / reference * 100 < EXPLAIN_BELOW:
            key = (reference, actual)
            if key in v02 and not (m.row_kind == "total" or AGGREGATE.search(name)):
                v02[key].members.append(m)
            elif key in v02_seen or m.row_kind == "total" or AGGREGATE.search(name):
                pass
            else:
                v02_seen.add(key)
                if not ((m.project and m.explained) or name in explained):
                    _group(v02, "V02", key, doc, m)
    return [p for group in (e01, e02, b01, b02, v02) for p in group.values()]
