"""Money in integer cents (0.01 万元), printed the way reports print it.

Every amount is an ``int`` of cents so that totals are exact sums; rates are
computed from the cents and rounded half-up to the printed decimals, the way a
spreadsheet would print them. Nothing here knows about layouts or wording.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

CENT = 1  # 0.01 万元


def yuan(cents: int, *, sep: bool = False, trim: bool = False) -> str:
    """Cents as 万元 with two decimals: ``123456`` -> ``1234.56`` (``1,234.56`` with ``sep``).

    ``trim`` drops trailing zeros the way prose often does (``9.50`` -> ``9.5``, ``7.00`` -> ``7``).
    """
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    head = f"{whole:,}" if sep else str(whole)
    text = f"{head}.{frac:02d}"
    if trim:
        text = text.rstrip("0").rstrip(".")
    return sign + text


def rate(num: int, den: int, decimals: int = 2) -> Decimal | None:
    """num ÷ den in percent, rounded half-up to ``decimals``; None when den is 0."""
    if den == 0:
        return None
    value = Decimal(num) * 100 / Decimal(den)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def pct(num: int, den: int, decimals: int = 2, *, trim: bool = False) -> str:
    """A printed rate such as ``92.61%``; ``-`` when there is no denominator."""
    value = rate(num, den, decimals)
    if value is None:
        return "-"
    text = f"{value:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def split(total: int, n: int, rng: random.Random, *, floor: float = 0.3) -> list[int]:
    """``total`` cents in ``n`` positive parts that add up exactly (largest part first is not implied)."""
    if n <= 1:
        return [total]
    weights = [floor + rng.random() for _ in range(n)]
    scale = sum(weights)
    parts = [max(1, int(total * w / scale)) for w in weights]
    parts[-1] += total - sum(parts)
    if parts[-1] <= 0:  # tiny totals: fall back to an even split
        base = total // n
        parts = [base] * n
        parts[-1] += total - base * n
    return parts


def apportion(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder): exact, deterministic."""
    scale = sum(weights)
    if scale <= 0:
        return [0] * len(weights)
    raw = [total * w for w in weights]
    parts = [r // scale for r in raw]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] % scale), i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def spend(budget: int, rng: random.Random, lo: float = 0.93, hi: float = 1.0) -> int:
    """Actual spending of a clean line: often the whole budget, otherwise lo..hi of it."""
    if budget <= 0:
        return 0
    if rng.random() < 0.45:
        return budget
    share = lo + (hi - lo) * rng.random()
    return max(1, min(budget, round(budget * share)))


def amount(rng: random.Random, lo: float, hi: float) -> int:
    """A random amount between ``lo`` and ``hi`` 万元, log-uniform, in cents."""
    import math

    value = math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * rng.random())
    return max(1, round(value * 100))


def round_to(cents: int, step: int) -> int:
    """Budgets are often round figures: 1234.56 -> 1234.00 (step 100) or 1230.00 (step 1000)."""
    return max(step, (cents + step // 2) // step * step)
