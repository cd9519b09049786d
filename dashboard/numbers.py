"""One number format for every amount an auditor sees: 2 decimals, thousands separators, 万元.

Text (metrics, captions, chart labels) uses these functions; tables use the matching column
types in :mod:`dashboard.tables`; exports round to the same 2 decimals. A missing figure is
an empty string, never "None" or "nan".
"""

from __future__ import annotations

import math

AMOUNT_UNIT = "万元"
AMOUNT_D3 = ",.2f"  # the same format for Plotly (d3-format) hover and text templates


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def amount(value: float | int | None, unit: bool = False) -> str:
    """``1,234.56`` (``1,234.56 万元`` with ``unit``); rounding artefacts never shown."""
    if _missing(value):
        return ""
    shown = f"{round(float(value), 2) + 0.0:,.2f}"  # + 0.0 turns -0.0 into 0.0
    return f"{shown} {AMOUNT_UNIT}" if unit else shown


def rate(value: float | int | None) -> str:
    """A percentage with 2 decimals: ``85.54%``."""
    return "" if _missing(value) else f"{round(float(value), 2) + 0.0:,.2f}%"


def count(value: int | None) -> str:
    """A whole number with thousands separators: ``1,156``."""
    return "" if value is None else f"{int(value):,}"


def score(value: float | int | None) -> str:
    """A risk score: one decimal."""
    return "" if _missing(value) else f"{float(value):,.1f}"
