"""The decisions lookup over the review store (``review/``), as ``budget-audit review`` sees it.

A finding whose key was decided shows that decision. A finding whose figures changed since
(same topic, new key) comes back with the earlier decision marked ``outdated``: the briefing
shows it as still open, saying what was decided on the earlier version.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import polars as pl

from briefing.inputs import BriefingInputs, DecisionLookup, decisions_from, inputs_of, no_decisions
from review.annotate import UNREVIEWED, keyed, with_decisions
from review.store import DEFAULT_FILE, ENV, ReviewStore, open_store


def open_review_store(db: str | None, workspace: Path) -> ReviewStore | None:
    """The configured store, or None when nothing was ever decided in this workspace.

    Without ``--db`` or ``BUDGET_AUDIT_DB`` the store is ``<workspace>/review.sqlite``; when
    that file does not exist there are no decisions, and reading must not create it.
    """
    if not (db or os.environ.get(ENV)) and not (Path(workspace) / DEFAULT_FILE).exists():
        return None
    return open_store(db, workspace)


def stored_decisions(findings: pl.DataFrame, decisions: pl.DataFrame) -> DecisionLookup:
    """A lookup of the store's ``decisions()`` for these findings (keyed as the store keys them)."""
    annotated = with_decisions(keyed(findings), decisions)
    outdated = pl.col("review_outdated").fill_null(False)
    return decisions_from(
        annotated.filter((pl.col("review_status") != UNREVIEWED) | outdated)
        .select(
            "finding_id",
            pl.when(outdated)
            .then(pl.col("earlier_status"))
            .otherwise(pl.col("review_status"))
            .alias("status"),
            pl.col("review_note").fill_null("").alias("note"),
            "reviewer",
            "decided_at",
            outdated.alias("outdated"),
        )
        .unique("finding_id", keep="first", maintain_order=True)
    )


def review_decisions(findings: pl.DataFrame, db: str | None, workspace: Path) -> DecisionLookup:
    """The lookup for the configured store; no decisions when there is none."""
    store = open_review_store(db, workspace)
    if store is None:
        return no_decisions
    try:
        return stored_decisions(findings, store.decisions())
    finally:
        store.close()


def reviewed_inputs(corpus, run, db: str | None, workspace: Path) -> BriefingInputs:
    """A check run's findings, keyed as the review store keys them, with the store's decisions.

    The command and the 部门 page both build their briefing from this, so they agree.
    """
    inputs = inputs_of(corpus, run)
    findings = keyed(inputs.findings)
    decisions = review_decisions(findings, db, workspace)
    return dataclasses.replace(inputs, findings=findings, decisions=decisions)
