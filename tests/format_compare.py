"""Compare what two versions of one report yield, ignoring where the rows sit."""

from __future__ import annotations

from collections import Counter

BUDGET_KEYS = (
    "table_kind",
    "project",
    "item",
    "budget_initial",
    "budget_adjustment",
    "budget",
    "actual",
    "balance",
    "rate_stated",
    "row_kind",
)
ACCOUNT_KEYS = (
    "table_kind",
    "table_code",
    "side",
    "fund",
    "classification",
    "code",
    "item",
    "measure",
    "row_kind",
    "amount",
    "decimals",
)
INDICATOR_KEYS = ("project", "level1", "level2", "name", "target", "actual", "weight", "score")


def _norm(value):
    if isinstance(value, float):
        return round(value, 6)
    return value


def rows_of(rows: list[dict], keys: tuple[str, ...], origin: str | None = None) -> Counter:
    return Counter(
        tuple(_norm(r.get(k)) for k in keys)
        for r in rows
        if origin is None or r.get("origin") == origin
    )


def difference(expected: Counter, got: Counter) -> dict:
    """Rows missing from ``got`` and rows it has in excess; both empty when equal."""
    return {
        "missing": list((expected - got).elements()),
        "extra": list((got - expected).elements()),
    }
