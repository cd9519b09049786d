"""The product's number format for the briefing: 2 decimals, thousands separators, 万元.

The dashboard's own number module (``dashboard/numbers.py``, in progress elsewhere) uses the
same rules; once it lands this module defers to it.
"""

from __future__ import annotations

import math

AMOUNT_UNIT = "万元"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def amount(value: float | int | None, unit: bool = False) -> str:
    """``1,234.56`` (``1,234.56 万元`` with ``unit``); ``633.3800000000001`` shows as ``633.38``."""
    if _missing(value):
        return ""
    shown = f"{round(float(value), 2) + 0.0:,.2f}"  # + 0.0 turns -0.0 into 0.0
    return f"{shown} {AMOUNT_UNIT}" if unit else shown


def rate(value: float | int | None) -> str:
    """A percentage with 2 decimals: ``85.54%``."""
    return "" if _missing(value) else f"{round(float(value), 2) + 0.0:,.2f}%"
