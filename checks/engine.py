"""Run every registered check over a corpus: flags, per-check coverage, department ranking."""

from __future__ import annotations

import logging
from collections.abc import Callable
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
    "documents": pl.Int64,  # documents applied to, where the check counts them (D checks, C02)
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


def run_checks(
    corpus,
    rules: Path | None = None,
    settings: dict | None = None,
    progress: Callable[[int, int, CheckInfo], None] | None = None,
) -> CheckRun:
    """Every registered check; ``progress(i, n, check)`` is called before each one runs."""
    settings = settings or load_rules(rules, CHECKS)
    return combine([check_part(corpus, settings, progress=progress)], corpus.documents)


@dataclass
class PartRun:
    """What the checks give on one part of a corpus (a partition, or all of it)."""

    flags: pl.DataFrame  # capped, placed, materiality applied, grouped (finding_id)
    findings: pl.DataFrame
    # check → applied, flagged, not applicable, documents applied to
    counts: dict[str, tuple[int, int, dict[str, int], int]]
    money: pl.DataFrame  # department_money of the part's budget lines


def check_part(
    corpus,
    settings: dict,
    given: dict[str, CheckResult] | None = None,
    progress: Callable[[int, int, CheckInfo], None] | None = None,
) -> PartRun:
    """Every check on ``corpus``; a check in ``given`` (a corpus-wide one, run on the whole
    corpus by the caller) contributes those flags instead of running here.

    Everything here looks within a department and year (the flags of one fact are grouped,
    materiality compares with the department's budget), so the parts of a corpus split by
    region and year give, together, what the whole corpus gives (:mod:`checks.partitioned`).
    """
    given = given or {}
    results = run_own_checks(corpus, settings, set(given), progress)
    return finish_part(results, corpus, settings, given, department_money(corpus.budget_lines))


def run_own_checks(
    corpus,
    settings: dict,
    skip: set[str],
    progress: Callable[[int, int, CheckInfo], None] | None = None,
) -> dict[str, CheckResult]:
    """The first half of :func:`check_part`: every check but those in ``skip`` on ``corpus``,
    each one's flags capped and placed."""
    results: dict[str, CheckResult] = {}
    for i, module in enumerate(CHECKS):
        info = module.CHECK
        if progress:
            progress(i, len(CHECKS), info)
        if info.code in skip:
            continue
        try:
            result = module.run(corpus, check_settings(settings, info))
        except Exception as exc:  # a check that trips on odd input must not cost the others
            log.exception("check %s failed", info.code)
            result = CheckResult(not_applicable={f"检查出错（{type(exc).__name__}），已跳过": 1})
        results[info.code] = _placed(result, info, corpus)
    return results


def _placed(result: CheckResult, info: CheckInfo, corpus) -> CheckResult:
    result.flags = capped(result.flags, info)
    for f in result.flags:
        f["source_place"] = _place_of(corpus, f.get("doc_id"), f.get("source_line"))
        f["threshold"] = f["threshold"] or ""
        f["related_lines"] = f["related_lines"] or ""
    return result


def finish_part(
    results: dict[str, CheckResult],
    corpus,
    settings: dict,
    given: dict[str, CheckResult],
    money: pl.DataFrame,
) -> PartRun:
    """The second half of :func:`check_part`: the ``given`` checks' flags beside the part's
    own ``results``, materiality, findings. Of the corpus it reads only what
    :class:`checks.detached.Detached` keeps (places, money tree, department budgets)."""
    flags: list[dict] = []
    counts: dict[str, tuple[int, int, dict[str, int], int]] = {}
    for module in CHECKS:
        info = module.CHECK
        if info.code in given:
            result = _placed(CheckResult(flags=list(given[info.code].flags)), info, corpus)
        else:
            result = results[info.code]
        flags.extend(result.flags)
        counts[info.code] = (
            result.applied,
            len(result.flags),
            dict(result.not_applicable),
            result.documents or 0,
        )
    frame = pl.DataFrame(flags, schema=FLAGS, orient="row") if flags else pl.DataFrame(schema=FLAGS)
    frame = frame.unique("flag_id", keep="first", maintain_order=True)
    frame, dropped = materiality.apply(frame, corpus, settings[materiality.NAME])
    for code, n in dropped.items():
        applied, flagged, not_applicable, documents = counts[code]
        not_applicable[materiality.DROPPED] = not_applicable.get(materiality.DROPPED, 0) + n
        counts[code] = (applied, flagged - n, not_applicable, documents)
    frame, findings = group_findings(frame, corpus, settings["findings"], CHECKS)
    return PartRun(frame, findings, counts, money)


def combine(
    parts: list[PartRun],
    documents: pl.DataFrame,
    extra: dict[str, tuple[int, dict[str, int], int]] | None = None,
) -> CheckRun:
    """One run from its parts: flags and findings sorted, coverage summed, departments ranked.

    ``extra`` adds what a corpus-wide check counted once for the whole corpus (applied,
    not applicable), its flags being in the parts.
    """
    extra = extra or {}
    summary: list[dict] = []
    for module in CHECKS:
        info = module.CHECK
        wide = extra.get(info.code, (0, {}, 0))
        applied, n_flags, n_docs = wide[0], 0, (wide[2] if len(wide) > 2 else 0)
        not_applicable: dict[str, int] = dict(wide[1])
        for part in parts:
            a, n, na, *d = part.counts.get(info.code, (0, 0, {}, 0))
            applied += a
            n_flags += n
            n_docs += d[0] if d else 0  # partitions hold disjoint documents
            for reason, count in na.items():
                not_applicable[reason] = not_applicable.get(reason, 0) + count
        share = n_flags / applied if applied else 0.0
        warning = (
            f"触发比例 {share:.0%}：阈值可能不适合本批报告"
            if applied >= 4 and share > _FIRES_ON_MOST
            else ""
        )
        summary.append(
            {
                "check_id": info.code,
                "title": info.title,
                "category": info.category,
                "scope": info.scope,
                "version": info.version,
                "applied": applied,
                "documents": n_docs or None,
                "flagged": n_flags,
                "not_applicable": "；".join(
                    f"{k} {v}"
                    for k, v in sorted(not_applicable.items(), key=lambda kv: (-kv[1], kv[0]))
                    if v
                ),
                "warning": warning,
            }
        )
    flags = pl.concat([p.flags for p in parts], how="vertical_relaxed") if parts else None
    findings = pl.concat([p.findings for p in parts], how="vertical_relaxed") if parts else None
    money = pl.concat([p.money for p in parts]) if parts else department_money(pl.DataFrame())
    flags = flags if flags is not None else pl.DataFrame(schema=FLAGS)
    findings = findings if findings is not None else pl.DataFrame(schema=FINDINGS)
    return CheckRun(
        sort_flags(flags),
        pl.DataFrame(summary, schema=SUMMARY),
        rank(documents, money, findings),
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
    """Worst first: severity, then money involved, then place in the report (then the check
    and the id, so that the order never depends on the order the flags were found in)."""
    last = [c for c in ("check_id", "flag_id", "finding_id") if c in flags.columns]
    return (
        flags.with_columns(
            pl.col("severity").replace_strict(SEVERITY_RANK, default=0).alias("_rank")
        )
        .sort(
            ["_rank", "amount", "source_file", "source_line", *last],
            descending=[True, True, False, False, *([False] * len(last))],
            nulls_last=True,
            maintain_order=True,
        )
        .drop("_rank")
    )


MONEY_SCHEMA = {
    "department": pl.String,
    "year": pl.Int32,
    "max_budget": pl.Float64,
    "max_actual": pl.Float64,
}


def department_money(budget_lines: pl.DataFrame) -> pl.DataFrame:
    """Largest budget and spending line per department and year (万元, no 决算 tables)."""
    if budget_lines.is_empty():
        return pl.DataFrame(schema=MONEY_SCHEMA)
    return (
        budget_lines.filter(pl.col("unit") == "万元", pl.col("table_kind") != "final_accounts")
        .group_by("department", "year")
        .agg(pl.col("budget").max().alias("max_budget"), pl.col("actual").max().alias("max_actual"))
        .select(list(MONEY_SCHEMA))
    )


def rank_departments(corpus, findings: pl.DataFrame) -> pl.DataFrame:
    """Risk score per department and year, counted in findings (one per fact): severity
    points plus the money involved, each amount counted once (log-scaled)."""
    return rank(corpus.documents, department_money(corpus.budget_lines), findings)


def rank(documents: pl.DataFrame, money: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """:func:`rank_departments` from the documents and :func:`department_money`."""
    docs = documents.filter(pl.col("status") != "failed")
    base = docs.group_by("department", "year").agg(pl.len().alias("documents"))
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
        .sort(
            ["risk_score", "high", "department", "year"],
            descending=[True, True, False, False],
            nulls_last=True,
        )
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
