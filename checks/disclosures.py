"""What the 决算 / 预算 disclosure checks (D01–D11) share.

Which documents are disclosures (a blank template is not), the department's total that
sets materiality, severity from the money involved, rounding tolerance of sums, and flags
built from a polars frame of findings (one ``make_flag`` per finding, never per table row).
"""

from __future__ import annotations

import polars as pl

from checks import materiality
from checks.base import CheckInfo, make_flag
from checks.memo import memo

TEMPLATE = "模板"
MONEY_WHAT = ("amount", "budget", "actual")


def disclosure_docs(corpus) -> pl.DataFrame:
    """doc_id, source_file, department, year, statement of every 决算 / 预算 document read
    (a blank template, ``kind_family == 模板``, is not one: it gets no flags). Built once per
    corpus, as the frames below: the eleven D checks ask for them again and again."""
    return memo(corpus, "disclosure_docs", lambda: _disclosure_docs(corpus))


def _disclosure_docs(corpus) -> pl.DataFrame:
    family = pl.col("kind_family").fill_null("")
    return corpus.documents.filter(
        pl.col("status") != "failed", family != TEMPLATE, family.str.contains("决算|预算")
    ).select(
        "doc_id",
        "source_file",
        "department",
        "year",
        statement=pl.when(family.str.contains("决算"))
        .then(pl.lit("决算"))
        .otherwise(pl.lit("预算")),
    )


# Parse issues that mean a table printed a figure the reader could not place: comparing such a
# table would blame the document for the reader's gap (as A01 does).
UNREAD = ("unplaced-figure", "no-row-label", "unsplit-figures", "unknown-column")


def incomplete_tables(corpus) -> pl.DataFrame:
    """doc_id, table_id, first, last: tables with a figure the reader could not place."""
    return memo(corpus, "incomplete_tables", lambda: _incomplete_tables(corpus))


def _incomplete_tables(corpus) -> pl.DataFrame:
    spans = corpus.accounts.group_by("doc_id", "table_id").agg(
        first=pl.col("source_line").min(), last=pl.col("source_line").max()
    )
    unread = corpus.parse_issues.filter(
        pl.col("code").is_in(UNREAD), pl.col("source_line").is_not_null()
    ).select("doc_id", line="source_line")
    return (
        spans.join(unread, on="doc_id")
        .filter(pl.col("line").is_between(pl.col("first"), pl.col("last")))
        .select("doc_id", "table_id", "first", "last")
        .unique()
    )


def accounts_of(corpus) -> pl.DataFrame:
    """The accounts rows of disclosure documents (never of a template), without the tables the
    reader could not read whole."""
    return memo(corpus, "accounts_of", lambda: _accounts_of(corpus))


def _accounts_of(corpus) -> pl.DataFrame:
    return corpus.accounts.join(
        disclosure_docs(corpus).select("doc_id"), on="doc_id", how="semi"
    ).join(incomplete_tables(corpus), on=["doc_id", "table_id"], how="anti")


def sangong_of(corpus) -> pl.DataFrame:
    """The 三公 figures of disclosure documents, without those of a 三公 table read incompletely."""
    bad = incomplete_tables(corpus)
    sg = corpus.sangong.join(disclosure_docs(corpus).select("doc_id"), on="doc_id", how="semi")
    hit = (
        sg.join(bad, on="doc_id")
        .filter(pl.col("source_line").is_between(pl.col("first"), pl.col("last")))
        .select("doc_id", "source_line")
        .unique()
    )
    return sg.join(hit, on=["doc_id", "source_line"], how="anti")


def decimals_expr(prefix: str = "") -> pl.Expr:
    """Decimals of an accounts amount in 万元: a cell printed in 元 is 4 places finer."""
    dec = pl.col(f"{prefix}decimals").fill_null(0).cast(pl.Int32)
    return dec + pl.when(pl.col(f"{prefix}unit_printed") == "元").then(4).otherwise(0)


def half_unit_expr(decimals: pl.Expr) -> pl.Expr:
    """``checks.base.half_unit`` as an expression: half of the last printed digit."""
    return pl.lit(0.5) * pl.lit(10.0).pow(-decimals.fill_null(2).cast(pl.Float64))


def dept_key(column: str = "department") -> pl.Expr:
    """A department's name as both its text file and its tables file print it (中共江苏省委办公厅
    = 中国共产党江苏省委员会办公厅 = 江苏省委办公厅)."""
    return (
        pl.col(column)
        .fill_null("")
        .str.replace("^中国共产党", "中共")
        .str.replace("委员会", "委")
        .str.replace("^中共", "")
    )


def department_totals(corpus) -> pl.DataFrame:
    """doc_id → dept_budget (万元): the department's total materiality measures against (found
    under the department's other spelling too, when its text and tables are two files)."""
    budgets = (
        materiality.department_budgets(corpus)
        .with_columns(dept_key=dept_key())
        .group_by("dept_key", "year")
        .agg(pl.col("dept_budget").max())
    )
    return (
        disclosure_docs(corpus)
        .with_columns(dept_key=dept_key())
        .join(budgets, on=["dept_key", "year"], how="left", nulls_equal=True)
        .select("doc_id", "dept_budget")
    )


def severity_expr(amount: pl.Expr, settings: dict) -> pl.Expr:
    """high / medium / low from ``amount`` and the ``dept_budget`` column ([materiality])."""
    return materiality.severity(amount, settings)


def money(expr: pl.Expr) -> pl.Expr:
    """An amount as messages print it: 2 decimals, thousands separators (findings only)."""
    return expr.map_elements(lambda v: f"{v:,.2f}", return_dtype=pl.String, skip_nulls=True)


FINDING_COLUMNS = (
    "doc_id",
    "source_line",
    "subject",
    "message",
    "evidence",
    "severity",
    "amount",
    "threshold",
    "related_at",
    "key",
    "explanation",
    "explanation_line",
)


def to_flags(check: CheckInfo, findings: pl.DataFrame, corpus) -> list[dict]:
    """One flag per finding row (doc_id, source_line, subject, message, evidence, severity,
    amount, threshold, related_at: other lines of the same fact as "12、15", key); the
    document's file, department and year are joined."""
    if findings.is_empty():
        return []
    docs = corpus.documents.select("doc_id", "source_file", "department", "year")
    for name in FINDING_COLUMNS:
        if name not in findings.columns:
            findings = findings.with_columns(pl.lit(None).alias(name))
    rows = findings.select(FINDING_COLUMNS).join(docs, on="doc_id", how="left")
    out = []
    for r in rows.iter_rows(named=True):  # findings only: a handful per document
        flag = make_flag(
            check,
            r,
            subject=r["subject"],
            message=r["message"],
            evidence=r["evidence"] or "",
            severity=r["severity"] or check.severity,
            amount=r["amount"],
            threshold=r["threshold"] or "",
            related="; ".join(
                f"{r['source_file']}:{line}"
                for line in str(r["related_at"] or "").split("、")
                if line and line != str(r["source_line"])
            ),
            key=str(r["key"] or ""),
        )
        if r["explanation"]:  # the reason the document gives (checks.base.explain_fields)
            flag.update(
                explained=True, explanation=r["explanation"], explanation_line=r["explanation_line"]
            )
        out.append(flag)
    return out


def count(result, reason: str, n: int) -> None:
    """Record ``n`` units not applicable for ``reason`` (nothing when n is 0)."""
    if n:
        result.not_applicable[reason] = result.not_applicable.get(reason, 0) + int(n)
