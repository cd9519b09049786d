"""A batch's own checks done, its corpus let go, waiting for the corpus-wide checks' flags.

:mod:`checks.partitioned` starts checking batches while T01 (texts compared across the whole
corpus) still runs, instead of leaving a core idle for it. A batch whose checks end before T01
does cannot group its findings yet (a copied indicator and what is wrong with it are one
finding); it hands back this instead, and the findings are grouped when T01's flags come.

Grouping reads little of the corpus (:func:`checks.engine.finish_part`): the places of flagged
lines, the departments' budgets (materiality) and the money tree of documents with a flag.
A T01 flag only ever joins flags of its own document (same line, same indicator, a copied
block: :mod:`checks.findings`), and it has no amount, so the tree of the documents already
flagged by the batch's own checks and by the region-spanning ones (D11, handed to the batch
before it starts) is all grouping can ask for. Asking for another document's tree is a bug:
it raises, and :mod:`checks.partitioned` checks that batch again whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from checks.base import CheckResult
from checks.materiality import department_budgets
from checks.memo import memo
from checks.money_tree import MoneyTree, money_tree


@dataclass
class Detached:
    """What :func:`checks.engine.finish_part` needs of a checked batch, without its corpus."""

    results: dict[str, CheckResult]
    money: pl.DataFrame  # checks.engine.department_money of the batch
    places: dict[str, list[str]]
    tree: MoneyTree
    budgets: pl.DataFrame

    @classmethod
    def of(
        cls,
        corpus,
        results: dict[str, CheckResult],
        given: dict[str, CheckResult],
        money: pl.DataFrame,
    ) -> Detached:
        flagged = {
            f.get("doc_id") for found in (*results.values(), *given.values()) for f in found.flags
        }
        return cls(
            results,
            money,
            corpus.places,
            money_tree(corpus).detached(flagged),
            department_budgets(corpus),
        )

    def corpus(self) -> _Stand:
        """The corpus as grouping sees it."""
        return _Stand(self)


class _Stand:
    """Answers for the corpus where :func:`checks.engine.finish_part` asks: ``places``, and the
    per-corpus memory (:mod:`checks.memo`) of the money tree and the department budgets."""

    def __init__(self, part: Detached):
        self.places = part.places
        memo(self, "money_tree", lambda: part.tree)
        memo(self, "department_budgets", lambda: part.budgets)
