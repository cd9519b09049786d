"""Every table row, prose pair and indicator of the five samples, as read by a person."""

from __future__ import annotations

import pytest
from conftest import SAMPLES
from golden_compare import compare_budget, compare_indicators

from loaders.pipeline import load_file

STEMS = sorted(p.stem for p in SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("stem", STEMS)
def test_budget_lines_match_golden(stem):
    doc = load_file(SAMPLES / f"{stem}.txt")
    assert compare_budget(stem, doc.budget_lines) == []


@pytest.mark.parametrize("stem", STEMS)
def test_indicators_match_golden(stem):
    doc = load_file(SAMPLES / f"{stem}.txt")
    assert compare_indicators(stem, doc.indicators) == []


def test_golden_files_are_not_trivial():
    from golden_compare import read_golden

    # 003's 决算 tables are accounts rows now, not budget lines (tests/test_accounts.py)
    assert sum(len(read_golden(s, "budget_lines")) for s in STEMS) > 150
    assert sum(len(read_golden(s, "indicators")) for s in STEMS) > 150
