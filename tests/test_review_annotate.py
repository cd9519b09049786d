"""Decisions next to findings: current, for an earlier version, or none; filters and counts."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from review.annotate import (
    OUTDATED,
    filter_status,
    progress,
    status_label,
    with_decisions,
    without_false_positives,
)
from review.store import DECISIONS


def _flags(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "finding_id": f,
                "topic_id": t,
                "department": d,
                "year": 2022,
                "check_id": "E01",
                "subject": "s",
                "message": m,
            }
            for f, t, d, m in rows
        ]
    )


def _decisions(*rows) -> pl.DataFrame:
    out = []
    for i, (finding, topic, status, figures) in enumerate(rows):
        out.append(
            {k: None for k in DECISIONS}
            | {
                "finding_id": finding,
                "topic_id": topic,
                "status": status,
                "note": f"n{i}",
                "reviewer": "张三",
                "decided_at": datetime(2024, 1, 1 + i, tzinfo=UTC),
                "revision": 1,
                "figures": figures,
            }
        )
    return pl.DataFrame(out, schema=DECISIONS)


FLAGS = _flags(
    ("a", "ta", "甲", "预算 4.00 万元，执行 3.27 万元"),  # decided on these figures
    ("b", "tb", "甲", "预算 5.00 万元，执行 1.00 万元"),  # same key, the figures changed since
    ("c", "tc", "乙", "预算 6.00 万元，执行 2.00 万元"),  # new key, its topic was decided
    ("d", "td", "乙", "预算 7.00 万元"),  # never decided
    ("e", "te", "乙", "预算 8.00 万元"),  # 误报
)
DECIDED = _decisions(
    ("a", "ta", "属实", "4.00 · 3.27"),
    ("b", "tb", "已整改", "5.00 · 2.00"),
    ("c-old", "tc", "误报", "6.00 · 2.50"),
    ("e", "te", "误报", ""),  # imported without figures: the key is trusted
)


def test_current_outdated_and_undecided():
    shown = with_decisions(FLAGS, DECIDED)
    got = {
        r["finding_id"]: (r["review_status"], r["review_outdated"], status_label(r))
        for r in shown.iter_rows(named=True)
    }
    assert got == {
        "a": ("属实", False, "属实"),
        "b": ("未审核", True, "已整改（早期版本）"),
        "c": ("未审核", True, "误报（早期版本）"),
        "d": ("未审核", False, "未审核"),
        "e": ("误报", False, "误报"),
    }
    c = shown.filter(pl.col("finding_id") == "c").row(0, named=True)
    assert (c["decided_figures"], c["review_note"], c["reviewer"]) == ("6.00 · 2.50", "n2", "张三")


def test_filters_counts_and_ranking_input():
    shown = with_decisions(FLAGS, DECIDED)
    assert filter_status(shown, ["未审核"])["finding_id"].to_list() == ["b", "c", "d"]
    assert filter_status(shown, [OUTDATED])["finding_id"].to_list() == ["b", "c"]
    assert filter_status(shown, ["属实", "误报"])["finding_id"].to_list() == ["a", "e"]
    assert filter_status(shown, [])["finding_id"].to_list() == list("abcde")
    counts = {r["department"]: r for r in progress(shown).iter_rows(named=True)}
    assert (counts["甲"]["decided"], counts["甲"]["open"]) == (1, 1)
    assert (counts["乙"]["decided"], counts["乙"]["open"], counts["乙"]["false_positives"]) == (
        1,
        2,
        1,
    )
    assert without_false_positives(shown)["finding_id"].to_list() == ["a", "b", "c", "d"]


def test_no_decisions_at_all():
    shown = with_decisions(FLAGS, pl.DataFrame(schema=DECISIONS))
    assert set(shown["review_status"]) == {"未审核"} and not shown["review_outdated"].any()
