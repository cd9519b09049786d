"""The displayed lines of disclosure documents as one polars frame (doc_id, line, text), for
the checks that look for a heading, a title or a left-over template word."""

from __future__ import annotations

import polars as pl

from checks.disclosures import disclosure_docs
from checks.memo import memo

LINES = {"doc_id": pl.String, "line": pl.Int32, "text": pl.String, "compact": pl.String}


def lines_frame(corpus, docs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every displayed line of the given documents (default: every disclosure document);
    ``compact`` has blanks removed. Built once per corpus and set of documents."""
    ids = (docs if docs is not None else disclosure_docs(corpus))["doc_id"].to_list()
    return memo(corpus, ("lines_frame", tuple(ids)), lambda: _lines_frame(corpus, ids))


def _lines_frame(corpus, ids: list[str]) -> pl.DataFrame:
    texts = [(d, corpus.texts.get(d) or []) for d in ids]
    frame = pl.DataFrame(
        {
            "doc_id": [d for d, lines in texts for _ in lines],
            "line": [i for _, lines in texts for i in range(1, len(lines) + 1)],
            "text": [t for _, lines in texts for t in lines],
        },
        schema={"doc_id": pl.String, "line": pl.Int32, "text": pl.String},
    )
    return frame.with_columns(compact=pl.col("text").str.replace_all(r"[\s\u3000]", ""))


def explanation_start(lines: pl.DataFrame) -> pl.DataFrame:
    """doc_id → start: the first line of the 情况说明 / 编制说明 part: its last “第N部分 …说明”
    heading (the contents name it first), else the last unnumbered “…决算（预算）情况说明” line."""
    c = pl.col("compact")
    said = c.str.contains(r"(决算|预算)(公开)?(情况|编制)说明")
    part = said & c.str.contains(r"^第[一二三四五六七八九十]+部分")
    plain = said & ~c.str.contains(r"^([一二三四五六七八九十]+、|[（(]|\d)") & ~c.str.contains("表")
    ranked = lines.filter(part | plain).with_columns(rank=pl.when(part).then(0).otherwise(1))
    return (
        ranked.filter(pl.col("rank") == pl.col("rank").min().over("doc_id"))
        .group_by("doc_id")
        .agg(start=pl.col("line").max())
    )
