"""What the briefing reads, as four small interfaces, so it does not care where they come from.

- the corpus (:class:`loaders.model.Corpus`): ``documents`` (read status and, where the loader
  gives it, understanding ``coverage``), ``budget_lines``, ``parse_issues``, ``texts`` and
  ``places`` for the quotes;
- the findings: one row per finding, keyed by ``finding_id`` (with ``flag_ids``, primary
  first, and the flags behind them for thresholds and other evidence) — or a flags frame keyed
  by ``flag_id``, where flags sharing a ``finding_id`` are one finding (the first row leads);
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
    flags: pl.DataFrame | None = None  # the flags behind a findings frame's ``flag_ids``


def inputs_of(corpus: Corpus, run, decisions: DecisionLookup = no_decisions) -> BriefingInputs:
    """The inputs from a check run: its findings and their flags where the run groups flags
    into findings (``run.findings``), else its flags."""
    findings = getattr(run, "findings", None)
    if findings is None:
        return BriefingInputs(corpus, run.flags, decisions)
    return BriefingInputs(corpus, findings, decisions, flags=run.flags)


_PLACE = pl.format(
    "{} {}:{}",
    pl.col("check_id"),
    pl.col("source_file"),
    pl.col("source_line").cast(pl.String).fill_null("?"),
)


def finding_rows(findings: pl.DataFrame, flags: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per finding with a ``finding_id``, worst first as given.

    A findings frame (``flag_ids``, primary first) with its ``flags`` gets the primary flag's
    threshold and the other member flags' places (``evidence_places``). A flags frame: each
    flag is its own finding, or, when flags share a ``finding_id``, the first (worst) row
    speaks for the finding and the others' places are its ``evidence_places``.
    """
    if "flag_ids" in findings.columns and flags is not None:
        return _with_member_flags(findings, flags)
    key = pl.col("flag_id")
    if "finding_id" in findings.columns:  # a flag not (yet) grouped is its own finding
        key = pl.col("finding_id")
        if "flag_id" in findings.columns:
            key = pl.coalesce("finding_id", "flag_id")
    rows = findings.with_columns(key.alias("finding_id"))
    place = _PLACE
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


def _with_member_flags(findings: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    members = (
        findings.select("finding_id", pl.col("flag_ids").str.split("; ").alias("flag_id"))
        .explode("flag_id")
        .with_columns(pl.int_range(pl.len()).over("finding_id").alias("_n"))
        .join(
            flags.select("flag_id", "check_id", "source_file", "source_line", "threshold"),
            on="flag_id",
            how="inner",
        )
    )
    others = (
        members.filter(pl.col("_n") > 0)
        .group_by("finding_id", maintain_order=True)
        .agg(_PLACE.str.join("; ").alias("evidence_places"))
    )
    out = findings.join(others, on="finding_id", how="left", maintain_order="left")
    if "threshold" not in findings.columns:
        lead = members.filter(pl.col("_n") == 0).select("finding_id", "threshold")
        out = out.join(lead, on="finding_id", how="left", maintain_order="left")
    return out
