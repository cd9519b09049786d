"""Narrowing the flag list the same way in the dashboard and in ``budget-audit flags``."""

from __future__ import annotations

import polars as pl

from checks.base import SEVERITY_RANK


def filter_flags(flags, category=None, min_severity=None, department=None, year=None):
    """The flag list narrowed the way the dashboard and `budget-audit flags` narrow it."""
    out = flags
    if category:
        out = out.filter(pl.col("category").is_in(category))
    if min_severity:
        keep = [s for s, r in SEVERITY_RANK.items() if r >= SEVERITY_RANK[min_severity]]
        out = out.filter(pl.col("severity").is_in(keep))
    if department:
        out = out.filter(pl.col("department").is_in(department))
    if year:
        out = out.filter(pl.col("year").is_in(year))
    return out
