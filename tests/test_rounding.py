"""Rounding: only what no rounding (or truncation) explains is a discrepancy."""

from __future__ import annotations

import pytest
from check_fixtures import corpus, line

from checks.a01_sum_mismatch import CHECK as A01
from checks.a01_sum_mismatch import run as run_a01
from checks.a02_rate_mismatch import CHECK as A02
from checks.a02_rate_mismatch import run as run_a02
from checks.base import rate_explained
from checks.c01_figure_conflict import same_figure


@pytest.mark.parametrize(
    ("stated", "dec", "num", "den", "ok"),
    [
        (28.88, 2, 1.16, 4.00, True),  # 1.155 / 4 = 28.875 %: the domain guide's example
        (28.80, 2, 1.16, 4.00, False),  # outside: 1.155 / 4.005 = 28.84 % at the least
        (41.63, 2, 11.66, 28.00, True),  # 长沙市工信局 三公控制率 (11.655 / 28 = 41.625 %)
        (87.51, 2, 10.50, 12.00, True),  # 10.505 / 12 = 87.54 %
        (28.21, 2, 300.91, 1066.45, True),  # truncated 28.216 %
        (48.0, 0, 45, 94, True),  # 45 / 94 = 47.87 % printed without decimals
        (100.0, 0, 42, 48, False),  # 42 / 48 = 87.5 %
        (92.61, 2, 581.14, 633.99, False),  # 91.66 %
    ],
)
def test_rate_interval(stated, dec, num, den, ok):
    n_dec = 0 if float(num).is_integer() and float(den).is_integer() else 2
    assert rate_explained(stated, dec, num, den, n_dec, n_dec) is ok


def test_sum_edge_is_not_flagged():
    # three items rounded to 0.01 may miss their total by 3 × 0.005 + 0.005
    rows = [
        line("甲", 0.01),
        line("乙", 0.01),
        line("丙", 0.01),
        line("小计", 0.05, row_kind="subtotal"),
    ]
    assert run_a01(corpus(rows), dict(A01.defaults)).flags == []
    rows[-1] = line("小计", 0.06, row_kind="subtotal")
    assert len(run_a01(corpus(rows), dict(A01.defaults)).flags) == 1


def test_balance_edge_is_not_flagged():
    row = line("基本支出", 2967.53, 2797.78, balance=169.76)  # 169.75 by subtraction
    assert run_a02(corpus([row]), dict(A02.defaults)).flags == []
    row = line("基本支出", 2967.53, 2797.78, balance=169.80)
    assert len(run_a02(corpus([row]), dict(A02.defaults)).flags) == 1


def test_same_figure_allows_one_unit_of_the_coarser_digit():
    """Two printings of one amount: rounded in one place, truncated in the other (2.945 →
    2.95 / 2.94, as a rate may be truncated); two whole numbers are two amounts."""
    assert same_figure(1083.888, 1083.88) and same_figure(9.8, 9.80)
    assert same_figure(2.95, 2.94) and same_figure(9.8, 9.7)
    assert not same_figure(2.95, 2.93) and not same_figure(1083.9, 1083.7)
    assert not same_figure(7.0, 8.0)
