"""What the briefing reads, as four small interfaces, so it does not care where they come from.

- the corpus (:class:`loaders.model.Corpus`): ``documents`` (read status and, where the loader
  gives it, understanding ``coverage``), ``budget_lines``, ``parse_issues``, ``texts`` and
  ``places`` for the quotes;
- the findings: one row per finding, keyed by ``finding_id`` — or today's flags keyed by
  ``flag_id``; several flags sharing a ``finding_id`` are one finding (the first row leads);
- the checks' metadata: code → title and explanation (``checks/registry.py``);
- a decisions lookup: finding ids → status, note, reviewer and time (empty when no review
  store is configured; :mod:`briefing.review_source` reads the review store).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from checks.registry import BY_CODE
from loaders.model import Corpus
from review.annotate import DECIDED

DECISIONS = {
    "finding_id": pl.String,
    "status": pl.String,  # 待核实 / 属实 / 误报 / 已整改
    "note": pl.String,
    "reviewer": pl.String,
    "decided_at": pl.Datetime("us", "UTC"),
    "outdated": pl.Boolean,  # decided on an earlier version of the finding (other figures)
}
OPEN_STATUS = "待核实"  # looked at, still to be checked: open
CONFIRMED_STATUSES = ("属实", "已整改")  # 已整改: found true, and the department has corrected it
DECIDED_STATUSES = DECIDED  # 属实, 误报, 已整改


class DecisionLookup(Protocol):
    def __call__(self, finding_ids: Sequence[str]) -> pl.DataFrame:
        """The current decision of each id that has one, with the :data:`DECISIONS` columns."""
        ...


def no_decisions(finding_ids: Sequence[str]) -> pl.DataFrame:
    """No review store: every finding is still to be reviewed."""
    return pl.DataFrame(schema=DECISIONS)


def decisions_from(frame: pl.DataFrame) -> DecisionLookup:
    """A lookup over a frame of decisions (a review store's table, an imported CSV, a test)."""
    if "outdated" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("outdated"))
    missing = [c for c in DECISIONS if c not in frame.columns]
    if missing:
        raise ValueError(f"decisions lack columns: {', '.join(missing)}")
    when = frame.schema["decided_at"]
    decided_at = pl.col("decided_at")
    if isinstance(when, pl.Datetime) and when.time_zone is None:
        decided_at = decided_at.dt.replace_time_zone("UTC")  # stored naive means UTC
    table = frame.with_columns(decided_at.alias("decided_at")).select(
        pl.col(name).cast(dtype) for name, dtype in DECISIONS.items()
    )

    def lookup(finding_ids: Sequence[str]) -> pl.DataFrame:
        return table.filter(pl.col("finding_id").is_in(list(finding_ids)))

    return lookup


@dataclass(frozen=True)
class CheckText:
    """What the briefing says about a check: its title and why it flags."""

    code: str
    title: str
    explanation: str
    category: str


def registry_check(code: str) -> CheckText | None:
    module = BY_CODE.get(code)
    if module is None:
        return None
    info = module.CHECK
    return CheckText(info.code, info.title, info.explanation, info.category)


@dataclass(frozen=True)
class BriefingInputs:
    corpus: Corpus
    findings: pl.DataFrame
    decisions: DecisionLookup = no_decisions
    checks: Callable[[str], CheckText | None] = registry_check


def finding_rows(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per finding with a ``finding_id``, worst first as given.

    Today's flags have only ``flag_id``: each flag is its own finding. When flags carry a
    ``finding_id`` shared by several of them, the first (worst) row speaks for the finding and
    the others are listed in ``evidence_places`` as its other evidence.
    """
    key = "finding_id" if "finding_id" in findings.columns else "flag_id"
    rows = findings.with_columns(pl.col(key).alias("finding_id"))
    place = pl.format(
        "{} {}:{}",
        pl.col("check_id"),
        pl.col("source_file"),
        pl.col("source_line").cast(pl.String).fill_null("?"),
    )
    evidence = (
        rows.with_columns(
            place.alias("_place"), pl.int_range(pl.len()).over("finding_id").alias("_n")
        )
        .filter(pl.col("_n") > 0)
        .group_by("finding_id")
        .agg(pl.col("_place").str.join("; ").alias("evidence_places"))
    )
    return rows.unique("finding_id", keep="first", maintain_order=True).join(
        evidence, on="finding_id", how="left"
    )
