"""The checks that run, in report order. Add a module here to register it."""

from __future__ import annotations

from checks import (
    a01_sum_mismatch,
    a02_rate_mismatch,
    a03_score_arithmetic,
    a04_project_list,
    b01_idle_balance,
    b02_unspent_additions,
    b03_funds_returned,
    c01_figure_conflict,
    c02_change_statements,
    c03_indicator_conflict,
    context,
    d01_missing_tables,
    d05_table_identities,
    d06_table_chain,
    e01_low_execution,
    e02_overspending,
    findings,
    i01_vague_value,
    i02_placeholder,
    i03_restated_target,
    i04_indicator_structure,
    materiality,
    t01_repeated_text,
    t02_goal_as_result,
    v01_missing_indicators,
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
    a04_project_list,
    c01_figure_conflict,
    c02_change_statements,
    c03_indicator_conflict,
    v01_missing_indicators,
    v03_evaluation_coverage,
    v04_missing_scores,
    d01_missing_tables,
    d05_table_identities,
    d06_table_chain,
]
BY_CODE = {c.CHECK.code: c for c in CHECKS}
# shared settings tables ([context], [materiality], [findings]), each with NAME, DEFAULTS, DOC
SECTIONS = [context, materiality, findings]
