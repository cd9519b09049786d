"""The checks that run, in report order. Add a module here to register it."""

from __future__ import annotations

from checks import (
    a01_sum_mismatch,
    a02_rate_mismatch,
    a03_score_arithmetic,
    b01_idle_balance,
    b02_unspent_additions,
    b03_funds_returned,
    c01_figure_conflict,
    c02_change_statements,
    e01_low_execution,
    e02_overspending,
    i01_vague_value,
    i02_placeholder,
    i03_restated_target,
    i04_indicator_structure,
    t01_repeated_text,
    t02_goal_as_result,
    v01_missing_indicators,
    v02_unexplained_low_rate,
    v03_evaluation_coverage,
    v04_missing_scores,
)

CHECKS = [
    e01_low_execution,
    e02_overspending,
    b01_idle_balance,
    b02_unspent_additions,
    b03_funds_returned,
    i01_vague_value,
    i02_placeholder,
    i03_restated_target,
    i04_indicator_structure,
    t01_repeated_text,
    t02_goal_as_result,
    a01_sum_mismatch,
    a02_rate_mismatch,
    a03_score_arithmetic,
    c01_figure_conflict,
    c02_change_statements,
    v01_missing_indicators,
    v02_unexplained_low_rate,
    v03_evaluation_coverage,
    v04_missing_scores,
]
BY_CODE = {c.CHECK.code: c for c in CHECKS}
