"""Small hand-made reports for the number noise and layouts the samples show only once."""

from __future__ import annotations

from conftest import FIXTURES

from loaders.blocks import Grid, text_to_blocks
from loaders.cells import parse_number
from loaders.pipeline import load_file


def test_number_noise():
    assert parse_number("１２，３４５．００").value == 12345.0
    assert parse_number("2,384.29").value == 2384.29
    n = parse_number("100. 0%")
    assert (n.value, n.decimals, n.percent) == (100.0, 1, True)
    assert parse_number("-").value == 0 and parse_number("85.5万元").value == 85.5
    assert parse_number("其中：办公费") is None and parse_number("2021年预算数") is None


def test_yuan_table_is_converted_and_page_break_kept():
    doc = load_file(FIXTURES / "noise_yuan.txt")
    rows = {r["item"]: r for r in doc.budget_lines if r["origin"] == "table"}
    assert rows["办公费"]["budget"] == 1.2345 and rows["办公费"]["actual"] == 1.0
    assert rows["办公费"]["rate_stated"] == 81.0  # rates are not converted
    assert rows["差旅费"]["budget"] == 0 and rows["差旅费"]["balance"] == -0.5
    assert rows["小计"]["row_kind"] == "subtotal" and rows["小计"]["source_line"] == 9
    assert doc.document["year"] == 2023


def test_prose_pair_broken_over_lines():
    doc = load_file(FIXTURES / "noise_yuan.txt")
    (line,) = [r for r in doc.budget_lines if r["origin"] == "prose"]
    assert line["item"] == "测试经费"
    assert (line["budget_initial"], line["budget_adjustment"], line["budget"]) == (
        1000.5,
        200,
        1200.5,
    )
    assert (line["actual"], line["balance"], line["rate_stated"]) == (1100.25, 100.25, 91.65)
    assert line["source_line"] == 11


def test_word_dump_row_split_by_page_break_is_glued():
    text = "\t一级指标\n\t二级指标\n\t三级指标\n\t年度指标值\n\t实际完成值\n\n\t产出\n指标\n\n\n\t数量指标\n\t人数\n\t5人\n\t5人\n"
    (grid,) = [b for b in text_to_blocks(text) if isinstance(b, Grid)]
    from loaders.recognise.self_eval import TableContext, recognise_grid

    rec = recognise_grid(grid, TableContext("t", "project_self_eval", 1, 2023))
    assert [(i["level1"], i["name"], i["target"]) for i in rec.indicators] == [
        ("产出指标", "人数", "5人")
    ]
    assert rec.indicators[0]["source_line"] == 7
