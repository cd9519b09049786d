"""The figures stated in prose, read from real documents and compared with golden files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES
from prose_compare import compare, read_golden

from loaders.blocks import Paragraph
from loaders.pipeline import load_file
from loaders.prose_figures import prose_figures

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
REAL = HERE / "fixtures" / "real"
# (document, golden file, first and last line of the part the golden file covers)
CASES = {
    "003 情况说明": (SAMPLES / "003_d00643376496db49.txt", "003_d00643376496db49", 374, 532),
    "江苏人大 2018 编制说明": (
        REAL / "js-npc-2018-budget.pdf",
        "real/js-npc-2018-budget",
        346,
        555,
    ),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    path, golden, first, last = CASES[request.param]
    doc = load_file(path)
    rows = [r for r in doc.prose_figures if first <= r["source_line"] <= last]
    return doc, rows, read_golden(GOLDEN / golden / "prose_figures.csv")


def test_every_figure_read_as_a_person_reads_it(case):
    _, rows, golden = case
    result = compare(golden, rows)
    assert result.problems() == []
    assert result.matched == len(golden) == len(rows)


def test_parts_are_linked_to_their_whole(case):
    """A part's whole is either the right one or not stated; most are found."""
    _, rows, golden = case
    result = compare(golden, rows)
    assert result.wrong_parents == []
    assert result.parents_found >= 0.6 * result.parents_golden


def test_figures_carry_evidence(case):
    doc, rows, _ = case
    assert rows
    for row in rows:
        assert row["sentence"] and row["source_file"] and row["source_place"] is not None
        assert row["section"], row


def test_unknown_subject_is_a_catalogued_issue():
    doc = load_file(SAMPLES / "003_d00643376496db49.txt")
    nulls = [r for r in doc.prose_figures if r["subject"] is None]
    issues = [i for i in doc.issues if i["code"] == "prose-figure-no-subject"]
    assert nulls and {r["source_line"] for r in nulls} == {i["source_line"] for i in issues}
    assert all(i["severity"] == "info" for i in issues)
    assert all(i["message"] not in doc.document["message"] for i in issues)


def _read(*texts: str, start: int = 1) -> list[dict]:
    blocks = [Paragraph(t, start + i * 2) for i, t in enumerate(texts)]
    rows, _ = prose_figures(blocks)
    return rows


def test_change_in_the_next_sentence_belongs_to_the_amount():
    rows = _read("2023年度收入合计524.26万元。与2022年相比，收入增加13.8万元，增长2.7%。")
    assert {r["clause_id"] for r in rows} == {1}
    assert [(r["what"], r["value"], r["direction"]) for r in rows] == [
        ("amount", 524.26, None),
        ("change_amount", 13.8, "增加"),
        ("change_pct", 2.7, "增加"),
    ]


def test_yuan_becomes_wan_yuan_and_template_words_are_placeholders():
    rows = _read("本单位年末结转和结余资金1,200.50元，比上年增加（减少）XX万元，增长（下降）0%。")
    amount, change, pct = rows
    assert (amount["value"], amount["unit"], amount["unit_printed"], amount["decimals"]) == (
        0.12005,
        "万元",
        "元",
        6,
    )
    assert change["value"] is None and change["printed"] == "XX" and change["placeholder"]
    assert pct["direction"] is None and pct["direction_printed"] == "增长（下降）"
    assert pct["placeholder"]


def test_bounds_and_thresholds_are_not_figures():
    rows = _read("单价100万元（含）以上设备5台（套），满意度不低于90%。")
    assert [(r["subject"], r["value"], r["unit"]) for r in rows] == [
        ("单价100万元（含）以上设备", 5.0, "台（套）")
    ]


def test_share_names_its_total_and_its_whole():
    rows = _read(
        "本年支出合计524.26万元，其中：基本支出498.93万元，占本年支出95.2%；项目支出25.33万元，占4.8%。"
    )
    total = rows[0]["clause_id"]
    shares = [r for r in rows if r["what"] == "share"]
    assert [s["of_total"] for s in shares] == ["本年支出", None]
    assert {s["parent_clause"] for s in shares} == {total}


def test_page_break_inside_a_sentence_is_mended():
    blocks = [
        Paragraph("1.因公出国(境)费预算为0万元，支出决算为0万元，主要原", 10),
        Paragraph("因：压减费用支出。", 12),
    ]
    rows, _ = prose_figures(blocks)
    assert {r["sentence"] for r in rows} == {
        "1.因公出国(境)费预算为0万元，支出决算为0万元，主要原因：压减费用支出。"
    }
    assert {r["subject"] for r in rows} == {"因公出国(境)费"}
