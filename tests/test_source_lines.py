"""Each row's source_line is the line holding its figures (a row's first line when spread)."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES
from golden_compare import FIGURES

from loaders.pipeline import load_file

_NUMBER = re.compile(r"\d[\d,]*(?:\.\s?\d+)?")


def _numbers(text: str) -> set[float]:
    return {float(m.replace(",", "").replace(" ", "")) for m in _NUMBER.findall(text)}


def _row_region(lines: list[str], start: int) -> str:
    """A Word-dump row runs from its first cell to the blank line before the next cell."""
    out = [lines[start - 1]]
    i = start
    while i < len(lines) and i < start + 40:
        if (
            not lines[i].strip(" \r")
            and lines[i - 1].strip(" \r")  # a page break is 2 blanks
            and i + 1 < len(lines)
            and lines[i + 1].startswith("\t")
        ):
            break
        out.append(lines[i])
        i += 1
    return "\n".join(out)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_budget_line_figures_sit_on_source_line(path):
    doc = load_file(path)
    lines = doc.lines
    for row in doc.budget_lines:
        n = row["source_line"]
        line = lines[n - 1]
        if row["origin"] == "prose":
            first = [row.get(f) for f in FIGURES if row.get(f) is not None]
            assert any(v in _numbers(line) for v in first), (n, row["item"], line[:80])
            continue
        if line.startswith("\t") and line.count("\t") == 1:  # Word dump: a row's first cell
            assert n == 1 or not lines[n - 2].strip(" \r"), (n, "not the first line of a row")
            region = _row_region(lines, n)
        else:
            region = line
        nums = _numbers(region)
        for f in FIGURES:
            v = row.get(f)
            if v and not (f == "budget_initial" and row["project"]):  # 资金量 sits on its own row
                assert v in nums, (n, row["item"], f, v, region[:120])


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_indicator_rows_start_on_source_line(path):
    doc = load_file(path)
    lines = doc.lines
    for row in doc.indicators:
        n = row["source_line"]
        line = lines[n - 1]
        if line.startswith("\t") and line.count("\t") == 1:
            assert n == 1 or not lines[n - 2].strip(" \r")
            region = _row_region(lines, n)
        else:
            region = line
        flat = re.sub(r"[\s\u3000]", "", region)
        for f in ("name", "target", "actual"):
            assert re.sub(r"[\s\u3000]", "", row[f] or "") in flat, (n, f, row[f])
