"""Compare loaded rows with the golden files written by reading the reports."""

from __future__ import annotations

import csv
import re
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
FIGURES = [
    "budget_initial",
    "budget_adjustment",
    "budget",
    "actual",
    "balance",
    "rate_stated",
    "prior_actual",
]
IND_FIELDS = [
    "project",
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "weight",
    "score",
    "row_kind",
]
_PUNCT = re.compile(r"[\s\u3000“”\"'‘’（）()【】《》、，,。：:；;·．.\-—]")


def norm_label(text: str | None) -> str:
    return _PUNCT.sub("", text or "")


def _num(value) -> float | None:
    if value is None or value == "":
        return None
    return round(float(value), 6)


def read_golden(stem: str, name: str) -> list[dict]:
    with (GOLDEN / stem / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def budget_key(row: dict) -> tuple:
    return (int(row["source_line"]),) + tuple(_num(row.get(f)) for f in FIGURES)


def compare_budget(stem: str, rows: list[dict]) -> list[str]:
    """Differences between golden and loaded budget lines, as readable strings."""
    golden = read_golden(stem, "budget_lines")
    problems = []
    remaining = list(rows)
    for g in golden:
        key = budget_key(g)
        match = next((r for r in remaining if budget_key(r) == key), None)
        if match is None:
            problems.append(f"missing line {key} item={g['item']}")
            continue
        remaining.remove(match)
        a, b = norm_label(g["item"]), norm_label(match["item"])
        if not (a in b or b in a) or (a and not b):
            problems.append(
                f"item differs at line {key[0]}: golden {g['item']!r} loaded {match['item']!r}"
            )
    problems += [f"extra line {budget_key(r)} item={r['item']}" for r in remaining]
    return problems


def _ind_key(row: dict) -> tuple:
    return (int(row["source_line"]),) + tuple(
        _num(row.get(f)) if f in ("weight", "score") else (row.get(f) or "") for f in IND_FIELDS
    )


def compare_indicators(stem: str, rows: list[dict]) -> list[str]:
    golden = [_ind_key(g) for g in read_golden(stem, "indicators")]
    loaded = [_ind_key(r) for r in rows]
    missing = [g for g in golden if g not in loaded]
    extra = [x for x in loaded if x not in golden]
    return [f"missing indicator {g}" for g in missing] + [f"extra indicator {x}" for x in extra]
