"""The same report read twice is checked once.

Departments publish one report as a PDF and a Word file, auditors save it twice in two
encodings, a folder holds a copy: read as two documents, every finding would be counted
twice and the two copies would raise each other as boilerplate. Two documents of one
department, year and kind whose extracted content is the same (budget lines, indicators and
standard-table amounts, compared without lines, pages or file names) are one report: the one
read whole in the most direct format (text, Word, HTML, Excel, PDF), first by file name, is
kept; each other keeps its read status, says which one was kept (its message and a
``same-report`` issue), and its rows are left out.
"""

from __future__ import annotations

import polars as pl

from loaders.issues import issue

# what a report says, not where: the columns compared per frame
CONTENT = {
    "budget_lines": ("project", "item", "budget", "actual"),
    "indicators": ("project", "name", "target", "actual"),
    "accounts": ("code", "item", "measure", "amount"),
}
SAME_REPORT = ("department", "year", "kind")
FORMAT_ORDER = {"text": 0, "docx": 1, "html": 2, "xlsx": 3, "xls": 4, "pdf": 5}


def _content_hash(frame: pl.LazyFrame, columns: tuple[str, ...]) -> pl.LazyFrame:
    """source_file → one hash of its rows, independent of their order."""
    row = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in columns], separator="\x1f"
    )
    return frame.group_by("source_file").agg(
        pl.len().alias("rows"), row.sort().str.join("\x1e").hash().alias("hash")
    )


def duplicates(
    documents: pl.DataFrame, tables: dict[str, pl.LazyFrame], settled: set[str] | None = None
) -> pl.DataFrame:
    """source_file → kept: the documents that repeat an earlier one (empty when none).
    Files in ``settled`` (already checked, as the dashboard's folder is when files are
    uploaded beside it) are always kept in preference to the others."""
    out = {"source_file": pl.String, "kept": pl.String}
    candidates = documents.filter(
        pl.col("status") != "failed", pl.col("department").is_not_null()
    ).select("source_file", *SAME_REPORT, "status", "format")
    if settled:  # only reports that something new may repeat
        new = candidates.filter(~pl.col("source_file").is_in(list(settled)))
        candidates = candidates.join(
            new.select(SAME_REPORT).unique(), on=list(SAME_REPORT), how="semi", nulls_equal=True
        )
    if candidates.height < 2 or candidates.select(SAME_REPORT).is_unique().all():
        return pl.DataFrame(schema=out)
    files = candidates["source_file"].implode()
    parts = [
        _content_hash(tables[name].filter(pl.col("source_file").is_in(files)), cols).select(
            "source_file", pl.concat_str(pl.lit(name), "rows", "hash", separator=":").alias(name)
        )
        for name, cols in CONTENT.items()
        if name in tables
    ]
    fingerprint = candidates.lazy()
    for part in parts:
        fingerprint = fingerprint.join(part, on="source_file", how="left")
    names = [n for n in CONTENT if n in tables]
    found = (
        fingerprint.collect()
        .filter(pl.any_horizontal(pl.col(n).is_not_null() for n in names))  # something read
        .with_columns(pl.concat_str([pl.col(n).fill_null("-") for n in names]).alias("content"))
        .sort(  # kept: settled, read whole, then the format read most directly, then by name
            ~pl.col("source_file").is_in(list(settled or ())),
            pl.col("status").replace_strict({"ok": 0}, default=1),
            pl.col("format").replace_strict(FORMAT_ORDER, default=len(FORMAT_ORDER)),
            "source_file",
        )
        .with_columns(pl.col("source_file").first().over([*SAME_REPORT, "content"]).alias("kept"))
    )
    return found.filter(pl.col("source_file") != pl.col("kept")).select(list(out))


def mark(documents: pl.DataFrame, dups: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(documents with each repeat saying which one was kept, its issue rows). The repeat
    keeps its read status: it was read, and only its rows are left out of the checks."""
    if dups.is_empty():
        return documents, pl.DataFrame()
    messages = {f: issue("same-report", other=k)["message"] for f, k in dups.iter_rows()}
    lookup = pl.DataFrame(
        {"source_file": list(messages), "_message": list(messages.values())},
        schema={"source_file": pl.String, "_message": pl.String},
    )
    marked = (
        documents.join(lookup, on="source_file", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_message", "message").alias("message"))
        .drop("_message")
    )
    rows = marked.join(lookup, on="source_file").select(
        "doc_id",
        "source_file",
        pl.lit("same-report").alias("code"),
        pl.lit(issue("same-report", other="")["severity"]).alias("severity"),
        pl.col("message"),
        pl.lit(None, dtype=pl.Int32).alias("source_line"),
    )
    return marked, rows


def drop_repeats(
    documents: pl.DataFrame, tables: dict, known: tuple[pl.DataFrame, dict] | None = None
) -> tuple[pl.DataFrame, dict]:
    """(documents, tables) with each repeated report marked and its rows left out; ``tables``
    maps frame names to polars frames, lazy or not (parse_issues gains the issue rows).
    ``known`` (documents, tables) were checked already: a report among them is kept and its
    repeats here are left out (uploads beside the dashboard's folder)."""
    lazy = {n: (f.lazy() if isinstance(f, pl.DataFrame) else f) for n, f in tables.items()}
    every, settled = documents, set()
    if known is not None:
        known_docs, known_tables = known
        settled = set(known_docs["source_file"].to_list())
        cols = documents.columns
        every = pl.concat([known_docs.select(cols), documents], how="vertical_relaxed")
        lazy = {
            n: pl.concat(
                [known_tables[n].select(f.collect_schema().names()), f], how="vertical_relaxed"
            )
            if n in known_tables
            else f
            for n, f in lazy.items()
        }
    dups = duplicates(every, lazy, settled).filter(~pl.col("source_file").is_in(list(settled)))
    if dups.is_empty():
        return documents, tables
    documents, rows = mark(documents, dups)
    gone = dups["source_file"].implode()
    out = {}
    for name, frame in tables.items():
        if name == "parse_issues":
            schema = frame.collect_schema()
            extra = rows.select(
                pl.col(c).cast(t) if c in rows.columns else pl.lit(None, dtype=t).alias(c)
                for c, t in schema.items()
            )
            frame = pl.concat([frame, extra.lazy() if isinstance(frame, pl.LazyFrame) else extra])
        elif "source_file" in frame.collect_schema():
            frame = frame.filter(~pl.col("source_file").is_in(gone))
        out[name] = frame
    return documents, out
