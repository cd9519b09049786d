"""Run the real loader and checks on a generated corpus and score them against ``truth.csv``.

A flag matches a truth row when it names the same file, the same check and the same
line (a truth row without a line matches on file and check). Per category:

* ``recall`` — planted rows matched by a flag ÷ planted rows;
* ``precision`` — flags matching a planted or secondary row ÷ all flags of the category;
* ``recall_file`` — planted rows matched on file and check alone (to tell a wrong line
  from a missed flag).

An unexplained low rate (truth check ``V02``) is no longer a flag of its own: it is an E01
flag whose ``explained`` is false. The evaluation reads each such E01 flag on an item (not a
total, as the former V02 did) as a ``V02`` flag in the coverage category.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tools.synth.expect import AGGREGATE
from tools.synth.plant import CATEGORY

_ORDER = list(dict.fromkeys(CATEGORY.values()))


@dataclass
class Evaluation:
    table: pl.DataFrame  # per category: planted, found, recall, flags, expected, precision
    missed: pl.DataFrame  # planted rows no flag matched
    unexpected: pl.DataFrame  # flags matching no truth row
    flags: pl.DataFrame
    documents: pl.DataFrame
    summary: pl.DataFrame  # the engine's per-check coverage (empty when flags were given)


def read_truth(out_dir: Path) -> pl.DataFrame:
    return pl.read_csv(
        Path(out_dir) / "truth.csv",
        schema_overrides={"source_line": pl.Int64, "year": pl.Int64},
    )


def run_tool(out_dir: Path):
    """The loader and the checks exactly as ``budget-audit scan reports/`` runs them."""
    from checks.engine import run_checks
    from loaders.pipeline import load_paths

    corpus = load_paths([Path(out_dir) / "reports"])
    return corpus, run_checks(corpus)


def with_unexplained(flags: pl.DataFrame) -> pl.DataFrame:
    """The flags plus one ``V02`` row for every E01 flag on an item whose low rate is unexplained."""
    if "explained" not in flags.columns:
        return flags
    unexplained = flags.filter(
        (pl.col("check_id") == "E01")
        & (pl.col("explained") == False)  # noqa: E712 (null means “not asked”)
        & ~pl.col("subject").str.contains(AGGREGATE.pattern)
    ).with_columns(pl.lit("V02").alias("check_id"), pl.lit("coverage").alias("category"))
    # one per fact, at its first place (as V02 reported it): a project table restating the
    # report's figures is the same shortfall
    unexplained = unexplained.sort("source_file", "source_line").unique(
        ["source_file", "amount"], keep="first", maintain_order=True
    )
    return pl.concat([flags, unexplained], how="vertical_relaxed")


def _of(df: pl.DataFrame, category: str) -> pl.DataFrame:
    return df if category == "all" else df.filter(pl.col("category") == category)


def evaluate_details(out_dir: Path, flags: pl.DataFrame | None = None) -> Evaluation:
    truth = read_truth(out_dir)
    documents = summary = pl.DataFrame()
    if flags is None:
        corpus, run = run_tool(out_dir)
        flags, documents, summary = run.flags, corpus.documents, run.summary
    flags = (
        with_unexplained(flags)
        .select(
            "check_id", "category", "severity", "source_file", "source_line", "subject", "message"
        )
        .with_columns(pl.col("source_line").cast(pl.Int64), pl.int_range(pl.len()).alias("_flag"))
    )
    exact = truth.filter(pl.col("source_line").is_not_null()).join(
        flags,
        left_on=["source_file", "source_line", "check"],
        right_on=["source_file", "source_line", "check_id"],
        how="inner",
    )
    loose_truth = truth.filter(pl.col("source_line").is_null())
    loose = loose_truth.join(
        flags.drop("source_line"),
        left_on=["source_file", "check"],
        right_on=["source_file", "check_id"],
        how="inner",
    )
    file_level = truth.join(
        flags.select("source_file", "check_id").unique(),
        left_on=["source_file", "check"],
        right_on=["source_file", "check_id"],
        how="semi",
    )
    key = ["source_file", "source_line", "check"]
    found = pl.concat([exact.select(key), loose.select(key)]).unique()
    matched_flags = set(exact["_flag"].to_list()) | set(loose["_flag"].to_list())
    planted = truth.filter(pl.col("kind") == "planted")
    hit = planted.join(found, on=key, how="semi", nulls_equal=True)
    missed = planted.join(found, on=key, how="anti", nulls_equal=True)
    hit_file = planted.join(file_level.select(key), on=key, how="semi", nulls_equal=True)
    flagged = flags.with_columns(pl.col("_flag").is_in(list(matched_flags)).alias("expected"))
    rows = []
    for category in _ORDER + ["all"]:
        n_planted = _of(planted, category).height
        n_hit = _of(hit, category).height
        n_file = _of(hit_file, category).height
        cat_flags = _of(flagged, category)
        n_flags = cat_flags.height
        n_expected = cat_flags.filter(pl.col("expected")).height
        rows.append(
            {
                "category": category,
                "planted": n_planted,
                "found": n_hit,
                "recall": round(n_hit / n_planted, 4) if n_planted else None,
                "recall_file": round(n_file / n_planted, 4) if n_planted else None,
                "flags": n_flags,
                "expected": n_expected,
                "precision": round(n_expected / n_flags, 4) if n_flags else None,
            }
        )
    table = pl.DataFrame(rows)
    unexpected = flagged.filter(~pl.col("expected")).drop("_flag", "expected")
    return Evaluation(table, missed, unexpected, flags.drop("_flag"), documents, summary)


def evaluate(out_dir: Path) -> pl.DataFrame:
    """Per-category recall and precision of the checks on a generated corpus."""
    return evaluate_details(Path(out_dir)).table
