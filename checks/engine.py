"""Run every registered check over a corpus: flags, per-check coverage, department ranking."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from checks import materiality
from checks.base import FLAGS, SEVERITY_RANK, CheckInfo, CheckResult, make_flag
from checks.findings import FINDINGS, group_findings
from checks.registry import CHECKS
from checks.settings import load_rules

SUMMARY = {
    "check_id": pl.String,
    "title": pl.String,
    "category": pl.String,
    "scope": pl.String,
    "version": pl.String,
    "applied": pl.Int64,
    "flagged": pl.Int64,
    "not_applicable": pl.String,
    "warning": pl.String,
}
SEVERITY_WEIGHT = {"high": 10.0, "medium": 3.0, "low": 1.0}
_FIRES_ON_MOST = 0.5
_PER_CHECK = 3
MAX_FLAGS_PER_DOC = 50  # of one check in one document; the rest become one summary flag
log = logging.getLogger(__name__)


@dataclass
class CheckRun:
    flags: pl.DataFrame  # every flag, with the finding it belongs to
    summary: pl.DataFrame
    departments: pl.DataFrame  # ranking, counted in findings
    findings: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FINDINGS))


def run_checks(corpus, rules: Path | None = None, settings: dict | None = None) -> CheckRun:
    settings = settings or load_rules(rules, CHECKS)
    flags: list[dict] = []
    summary: list[dict] = []
    for module in CHECKS:
        info = module.CHECK
        try:
            result = module.run(corpus, check_settings(settings, info))
        except Exception as exc:  # a check that trips on odd input must not cost the others
            log.exception("check %s failed", info.code)
            result = CheckResult(not_applicable={f"检查出错（{type(exc).__name__}），已跳过": 1})
        result.flags = capped(result.flags, info)
        for f in result.flags:
            f["source_place"] = _place_of(corpus, f.get("doc_id"), f.get("source_line"))
            f["threshold"] = f["threshold"] or ""
            f["related_lines"] = f["related_lines"] or ""
        flags.extend(result.flags)
        share = len(result.flags) / result.applied if result.applied else 0.0
        warning = (
            f"触发比例 {share:.0%}：阈值可能不适合本批报告"
            if result.applied >= 4 and share > _FIRES_ON_MOST
            else ""
        )
        summary.append(
            {
                "check_id": info.code,
                "title": info.title,
                "category": info.category,
                "scope": info.scope,
                "version": info.version,
                "applied": result.applied,
                "flagged": len(result.flags),
                "not_applicable": "；".join(
                    f"{k} {v}" for k, v in result.not_applicable.items() if v
                ),
                "warning": warning,
            }
        )
    frame = pl.DataFrame(flags, schema=FLAGS, orient="row") if flags else pl.DataFrame(schema=FLAGS)
    frame = frame.unique("flag_id", keep="first", maintain_order=True)
    frame = materiality.apply(frame, corpus, settings[materiality.NAME])
    frame, findings = group_findings(frame, corpus, settings["findings"], CHECKS)
    return CheckRun(
        sort_flags(frame),
        pl.DataFrame(summary, schema=SUMMARY),
        rank_departments(corpus, findings),
        sort_flags(findings),
    )


def check_settings(settings: dict, info) -> dict:
    """A check's own table plus the shared tables it declares it uses ([context] …)."""
    return {**settings[info.code], **{name: settings[name] for name in info.uses}}


def capped(flags: list[dict], info: CheckInfo) -> list[dict]:
    """At most :data:`MAX_FLAGS_PER_DOC` flags of one check per document, plus one summary.

    A 200,000-row sheet or a table read with shifted columns can raise one flag
    per row; an auditor needs the worst few and the fact that there are more.
    """
    by_doc: dict[str | None, list[dict]] = {}
    for f in flags:
        by_doc.setdefault(f.get("doc_id"), []).append(f)
    if all(len(group) <= MAX_FLAGS_PER_DOC for group in by_doc.values()):
        return flags
    out: list[dict] = []
    for group in by_doc.values():
        if len(group) <= MAX_FLAGS_PER_DOC:
            out.extend(group)
            continue
        group = sorted(
            group,
            key=lambda f: (-SEVERITY_RANK.get(f["severity"], 0), -(f.get("amount") or 0.0)),
        )
        kept, rest = group[:MAX_FLAGS_PER_DOC], group[MAX_FLAGS_PER_DOC:]
        first = min(rest, key=lambda f: f.get("source_line") or 0)
        summary = make_flag(
            info,
            first,
            subject="（其余疑点汇总）",
            message=(
                f"本文档另有 {len(rest)} 条“{info.title}”疑点未逐条列出"
                f"（每个文档每项检查最多列出 {MAX_FLAGS_PER_DOC} 条）；"
                "数量异常多时，常是表格格式异常或读入有误，请先核对原文"
            ),
            evidence="",
            severity=max((f["severity"] for f in rest), key=lambda s: SEVERITY_RANK.get(s, 0)),
            key="overflow",
        )
        out.extend([*kept, summary])
    return out


def _place_of(corpus, doc_id: str | None, line: int | None) -> str:
    """Page / table / cell of a flagged line in the original file (empty for text files)."""
    places = getattr(corpus, "places", {}).get(doc_id or "")
    return places[line - 1] if places and line and 0 < line <= len(places) else ""


def sort_flags(flags: pl.DataFrame) -> pl.DataFrame:
    """Worst first: severity, then money involved, then place in the report."""
    return (
        flags.with_columns(
            pl.col("severity").replace_strict(SEVERITY_RANK, default=0).alias("_rank")
        )
        .sort(
            ["_rank", "amount", "source_file", "source_line"],
            descending=[True, True, False, False],
            nulls_last=True,
        )
        .drop("_rank")
    )


def rank_departments(corpus, findings: pl.DataFrame) -> pl.DataFrame:
    """Risk score per department and year, counted in findings (one per fact): severity
    points plus the money involved, each amount counted once (log-scaled)."""
    docs = corpus.documents.filter(pl.col("status") != "failed")
    base = docs.group_by("department", "year").agg(pl.len().alias("documents"))
    bl = corpus.budget_lines
    money = (
        bl.filter(pl.col("unit") == "万元", pl.col("table_kind") != "final_accounts")
        .group_by("department", "year")
        .agg(pl.col("budget").max().alias("max_budget"), pl.col("actual").max().alias("max_actual"))
        if not bl.is_empty()
        else pl.DataFrame(
            schema={
                "department": pl.String,
                "year": pl.Int32,
                "max_budget": pl.Float64,
                "max_actual": pl.Float64,
            }
        )
    )
    if "amount_counted" not in findings.columns:  # a bare flag list: every amount counts
        findings = findings.with_columns(pl.col("amount").abs().alias("amount_counted"))
    elif "within" in findings.columns:  # a finding whose container was left out counts itself
        kept = findings["finding_id"].implode()
        findings = findings.with_columns(
            pl.when(pl.col("within").is_not_null() & ~pl.col("within").is_in(kept))
            .then(pl.col("amount").abs())
            .otherwise(pl.col("amount_counted"))
            .alias("amount_counted")
        )
    # many findings of one check (e.g. 40 vague indicators) count like their worst three
    scored = findings.with_columns(
        pl.col("severity").replace_strict(SEVERITY_WEIGHT, default=0.0).alias("points"),
    ).with_columns(
        pl.when(
            pl.col("points").rank("ordinal", descending=True).over("department", "year", "check_id")
            <= _PER_CHECK
        )
        .then(pl.col("points"))
        .otherwise(0.0)
        .alias("points")
    )
    agg = scored.group_by("department", "year").agg(
        pl.len().alias("findings"),
        (pl.col("severity") == "high").sum().alias("high"),
        (pl.col("severity") == "medium").sum().alias("medium"),
        (pl.col("severity") == "low").sum().alias("low"),
        pl.col("points").sum().alias("severity_points"),
        pl.col("amount_counted").fill_null(0).sum().alias("amount_flagged"),
        pl.col("category").unique().sort().str.join("、").alias("categories"),
    )
    out = (
        base.join(agg, on=["department", "year"], how="left", nulls_equal=True)
        .join(money, on=["department", "year"], how="left", nulls_equal=True)
        .with_columns(
            pl.col(c).fill_null(0)
            for c in ("findings", "high", "medium", "low", "severity_points", "amount_flagged")
        )
        .with_columns(
            (pl.col("severity_points") + 5 * (pl.col("amount_flagged") + 1).log10())
            .round(1)
            .alias("risk_score")
        )
        .sort(["risk_score", "high"], descending=True)
        .with_row_index("rank", offset=1)
    )
    return out.select(
        "rank",
        "department",
        "year",
        "risk_score",
        "findings",
        "high",
        "medium",
        "low",
        "amount_flagged",
        "categories",
        "documents",
        "max_budget",
        "max_actual",
    )
