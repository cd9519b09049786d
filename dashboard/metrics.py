"""Headline figures per department: the budget and spending a report leads with, and the totals."""

from __future__ import annotations

import re
from urllib.parse import quote

import polars as pl

HEADLINE_SCHEMA = {
    "department": pl.String,
    "year": pl.Int32,
    "budget": pl.Float64,
    "actual": pl.Float64,
    "item": pl.String,
    "source_file": pl.String,
    "source_line": pl.Int32,
}


def headline(corpus) -> pl.DataFrame:
    """Per department and year, the largest budget line that also states its spending.

    Summing budget lines would count totals and their parts twice; the largest
    line with both figures is the report's own total (合计 / 部门整体支出).
    """
    bl = corpus.budget_lines
    if bl.is_empty():
        return pl.DataFrame(schema=HEADLINE_SCHEMA)
    budget = pl.coalesce(
        "budget", pl.col("budget_initial").fill_null(0) + pl.col("budget_adjustment").fill_null(0)
    )
    return (
        bl.filter(
            pl.col("unit") == "万元",
            pl.col("table_kind") != "final_accounts",
            pl.col("actual").is_not_null(),
        )
        .with_columns(budget.alias("budget"))
        .filter(pl.col("budget") > 0)
        .sort("budget", "department", "year", "source_line", descending=[True, False, False, False])
        .group_by("department", "year", maintain_order=True)
        .first()
        .select(list(HEADLINE_SCHEMA))
    )


def headline_of(corpus) -> pl.DataFrame:
    """:func:`headline`, computed once per loaded corpus when the corpus can keep it."""
    return _once(corpus, "headline", headline)


def links_of(corpus) -> pl.DataFrame:
    """:func:`department_links` of the corpus's documents, computed once per loaded corpus."""
    return _once(corpus, "links", lambda c: department_links(c.documents))


def _once(corpus, name: str, compute):
    derived = getattr(corpus, "derived", None)  # a LazyCorpus keeps it; a plain Corpus does not
    return derived(name, compute) if derived else compute(corpus)


# In a query value: ASCII other than letters, digits and -._~ is percent-encoded (it could end
# or change the value: & # % + = space …); other characters are kept as they are.
_ENCODED_IN_QUERY = re.compile(r"[^0-9A-Za-z\-._~\u0080-\U0010ffff]")


def _query_value(text: str) -> str:
    """``text`` for a URL's query, in a third of ``urlencode``'s bytes for Chinese.

    The browser percent-encodes the other characters itself when it follows the link (UTF-8,
    as the page is), so the server reads the same value. Every ranking row carries its link to
    the browser: ``urlencode``'s nine bytes per Chinese character were half of the ranking's data.
    """
    return _ENCODED_IN_QUERY.sub(lambda m: quote(m.group(0), safe=""), text)


def department_links(docs: pl.DataFrame) -> pl.DataFrame:
    """The 部门 page link (relative URL) of each department and year of ``docs``."""
    pairs = docs.select("department", "year").unique(maintain_order=True)
    return pairs.with_columns(
        pl.Series(
            "link",
            [
                f"department?dept={_query_value(d or '')}&year={y or ''}"
                for d, y in pairs.iter_rows()
            ],
            dtype=pl.String,
        )
    )


def regions(docs: pl.DataFrame) -> pl.DataFrame:
    """The region of each department and year (the first one its documents name)."""
    return (
        docs.filter(pl.col("department").is_not_null())
        .sort("source_file")
        .group_by("department", "year", maintain_order=True)
        .agg(pl.col("region").drop_nulls().first())
    )


def totals(docs: pl.DataFrame, head: pl.DataFrame, flags: pl.DataFrame) -> dict:
    """The figures of the 总览 tiles for the documents, headline rows and flags in view."""
    budget, actual = head["budget"].sum(), head["actual"].sum()
    counts = dict(flags.group_by("severity").len().iter_rows()) if flags.height else {}
    return {
        "documents": docs.height,
        "failed": docs.filter(pl.col("status") == "failed").height,
        "departments": docs["department"].drop_nulls().n_unique(),
        "budget": budget,
        "actual": actual,
        "rate": actual / budget * 100 if budget else None,
        "high": counts.get("high", 0),
        "medium": counts.get("medium", 0),
        "low": counts.get("low", 0),
    }
