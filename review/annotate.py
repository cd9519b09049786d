"""Put the stored decisions next to the current findings.

A finding whose key has a decision shows it. A finding whose key is new but whose topic
(same department, year, check, subject and wording, other figures) was decided shows that
decision marked as for an earlier version (``review_outdated``), with the figures it was
made on, until someone decides again. Everything else is 未审核.
"""

from __future__ import annotations

import polars as pl

from checks.finding_key import with_finding_keys
from review.schema import STATUSES

UNREVIEWED = "未审核"
OUTDATED = "早期版本"
STATES = (UNREVIEWED, *STATUSES)  # what a finding's review_status can be
FILTERS = (*STATES, OUTDATED)  # what the status filters offer
DECIDED = ("属实", "误报", "已整改")  # a current decision other than 待核实
REVIEW_COLUMNS = {
    "review_status": pl.String,
    "review_outdated": pl.Boolean,
    "review_note": pl.String,
    "reviewer": pl.String,
    "decided_at": pl.Datetime("us", "UTC"),
    "decided_figures": pl.String,
}


def keyed(flags: pl.DataFrame) -> pl.DataFrame:
    """Flags with ``finding_id`` and ``topic_id`` (the finding's keys)."""
    if {"finding_id", "topic_id"} <= set(flags.columns):
        return flags
    return with_finding_keys(flags)


def with_decisions(flags: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """``flags`` (keyed) with the review columns of :data:`REVIEW_COLUMNS`."""
    flags = keyed(flags).drop([c for c in REVIEW_COLUMNS if c in flags.columns])
    chosen = decisions.select(
        "finding_id", "topic_id", "status", "note", "reviewer", "decided_at", "figures"
    )
    exact = chosen.drop("topic_id").rename({"finding_id": "_exact"})
    by_topic = (
        chosen.sort("decided_at")
        .group_by("topic_id")
        .agg(pl.all().last())
        .drop("finding_id")
        .rename(lambda c: c if c == "topic_id" else f"{c}_t")
    )
    out = flags.join(
        exact, left_on="finding_id", right_on="_exact", how="left", coalesce=False
    ).join(by_topic, on="topic_id", how="left")
    outdated = pl.col("_exact").is_null() & pl.col("status_t").is_not_null()

    def pick(column: str) -> pl.Expr:
        exact = pl.col("_exact").is_not_null()
        return pl.when(exact).then(pl.col(column)).otherwise(pl.col(f"{column}_t"))

    return out.with_columns(
        pl.when(pl.col("_exact").is_not_null())
        .then(pl.col("status"))
        .otherwise(pl.lit(UNREVIEWED))
        .alias("review_status"),
        outdated.alias("review_outdated"),
        pick("note").alias("review_note"),
        pick("reviewer").alias("reviewer"),
        pick("decided_at").alias("decided_at"),
        pick("figures").alias("decided_figures"),
        pl.when(outdated).then(pl.col("status_t")).otherwise(None).alias("_earlier"),
    ).select(*flags.columns, *REVIEW_COLUMNS, pl.col("_earlier").alias("earlier_status"))


def status_label(row: dict) -> str:
    """How a finding's review state reads in a table: 属实, 未审核, 误报（早期版本）."""
    if row.get("review_outdated"):
        return f"{row.get('earlier_status')}（{OUTDATED}）"
    return row.get("review_status") or UNREVIEWED


def status_labels() -> pl.Expr:
    """:func:`status_label` as a polars expression."""
    return (
        pl.when(pl.col("review_outdated"))
        .then(pl.format("{}（" + OUTDATED + "）", pl.col("earlier_status")))
        .otherwise(pl.col("review_status"))
    )


def filter_status(flags: pl.DataFrame, wanted: list[str] | None) -> pl.DataFrame:
    """Keep findings in any of the ``wanted`` states (:data:`FILTERS`); all when empty.

    A finding whose decision is for an earlier version is 未审核 (and 早期版本).
    """
    if not wanted:
        return flags
    keep = pl.col("review_status").is_in([s for s in wanted if s in STATES])
    if OUTDATED in wanted:
        keep = keep | pl.col("review_outdated")
    return flags.filter(keep)


def progress(flags: pl.DataFrame) -> pl.DataFrame:
    """Per department and year: findings, decided (属实 / 误报 / 已整改), open, false positives."""
    findings = flags.unique(["department", "year", "finding_id"])
    decided = pl.col("review_status").is_in(DECIDED)
    return findings.group_by("department", "year").agg(
        pl.len().alias("findings"),
        decided.sum().alias("decided"),
        (~decided).sum().alias("open"),
        (pl.col("review_status") == "误报").sum().alias("false_positives"),
    )


def without_false_positives(flags: pl.DataFrame) -> pl.DataFrame:
    """Flags of findings not currently decided 误报 (for a ranking that leaves them out)."""
    return flags.filter(pl.col("review_status") != "误报")
