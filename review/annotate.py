"""Put the stored decisions next to the current findings.

A finding whose key has a decision made on the same figures shows it. The decision is
marked as for an earlier version (``review_outdated``, with the figures it was made on)
when the figures differ, or when the key is new but its topic (same department, year,
check, subject and wording, other figures) was decided; the finding itself counts as
未审核 until someone decides again. Everything else is 未审核.
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
    "review_status": pl.String,  # current decision, or 未审核
    "review_outdated": pl.Boolean,  # a decision exists, made on other figures
    "earlier_status": pl.String,  # that decision's status
    "review_note": pl.String,
    "reviewer": pl.String,
    "decided_at": pl.Datetime("us", "UTC"),
    "decided_figures": pl.String,
}
_DECISION = ("status", "note", "reviewer", "decided_at", "figures")


_KEYED: list[tuple[pl.DataFrame, pl.DataFrame]] = []  # (flags, keyed) of the last few runs


def keyed(flags: pl.DataFrame) -> pl.DataFrame:
    """Flags with ``finding_id``, ``topic_id`` and ``finding_figures`` (the finding's keys).

    The frame of a cached check run is keyed once (the cache holds it, so its identity
    cannot be reused by another frame); keying 10,000 flags takes about half a second.
    """
    if {"finding_id", "topic_id", "finding_figures"} <= set(flags.columns):
        return flags
    for seen, result in _KEYED:
        if seen is flags:
            return result
    result = with_finding_keys(flags)
    _KEYED.insert(0, (flags, result))
    del _KEYED[4:]
    return result


def with_decisions(flags: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """``flags`` (keyed) with the review columns of :data:`REVIEW_COLUMNS`."""
    flags = keyed(flags).drop([c for c in REVIEW_COLUMNS if c in flags.columns])
    exact = decisions.select("finding_id", *(pl.col(c).alias(f"{c}_x") for c in _DECISION))
    by_topic = (
        decisions.sort("decided_at")
        .group_by("topic_id")
        .agg(pl.col(c).last().alias(f"{c}_t") for c in _DECISION)
    )
    out = flags.join(exact, on="finding_id", how="left").join(by_topic, on="topic_id", how="left")
    has_exact = pl.col("status_x").is_not_null()
    same_figures = (
        pl.col("figures_x").is_null()  # unknown (an import without figures): trust the key
        | (pl.col("figures_x") == "")
        | (pl.col("figures_x") == pl.col("finding_figures"))
    )
    current = has_exact & same_figures
    use_exact = has_exact  # an exact key wins over a topic match, even when outdated

    def chosen(column: str) -> pl.Expr:
        return pl.when(use_exact).then(pl.col(f"{column}_x")).otherwise(pl.col(f"{column}_t"))

    outdated = ~current & chosen("status").is_not_null()
    return out.with_columns(
        pl.when(current)
        .then(pl.col("status_x"))
        .otherwise(pl.lit(UNREVIEWED))
        .alias("review_status"),
        outdated.alias("review_outdated"),
        pl.when(outdated).then(chosen("status")).otherwise(None).alias("earlier_status"),
        chosen("note").alias("review_note"),
        chosen("reviewer").alias("reviewer"),
        chosen("decided_at").alias("decided_at"),
        chosen("figures").alias("decided_figures"),
    ).select(*flags.columns, *REVIEW_COLUMNS)


def of_findings(flags: pl.DataFrame, reviewed_findings: pl.DataFrame) -> pl.DataFrame:
    """Each flag with the review columns of its finding (decisions are made on findings)."""
    review = reviewed_findings.select("finding_id", *REVIEW_COLUMNS).unique("finding_id")
    return (
        flags.drop([c for c in REVIEW_COLUMNS if c in flags.columns])
        .join(review, on="finding_id", how="left")
        .with_columns(
            pl.col("review_status").fill_null(UNREVIEWED),
            pl.col("review_outdated").fill_null(False),
        )
    )


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


def local_time(moment) -> str:
    """A decision time as the reviewer reads it: this machine's local time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


EXPORT_HEADERS = ("审核状态", "审核说明", "审核人", "审核时间")


def export_columns(reviewed: pl.DataFrame) -> pl.DataFrame:
    """The review columns as the 问题清单 download and ``flags --csv`` carry them."""
    return reviewed.select(
        status_labels().alias("审核状态"),
        pl.col("review_note").fill_null("").alias("审核说明"),
        pl.col("reviewer").fill_null("").alias("审核人"),
        pl.col("decided_at")
        .map_elements(local_time, return_dtype=pl.String)
        .fill_null("")
        .alias("审核时间"),
    )
