"""Tables are known by their printed titles and headers, in every numbering in use."""

from __future__ import annotations

import pytest

from loaders.blocks import Grid, text_to_blocks
from loaders.classify import (
    DISCLOSURE,
    clean_title,
    contents_numbers,
    header_kind,
    segments,
    table_code,
    title_kind,
)


@pytest.mark.parametrize(
    "title,kind",
    [
        # national 决算 公开01–09 (sample 003)
        ("2023年度收入支出决算总表", "fa_summary"),
        ("2023年度收入决算表", "fa_income"),
        ("2023年度支出决算表", "fa_expenditure"),
        ("2023年度财政拨款收入支出决算总表", "fa_fiscal_summary"),
        ("2023年度一般公共预算财政拨款支出决算表", "fa_general"),
        ("2023年度一般公共预算财政拨款基本支出决算明细表", "fa_general_basic"),
        ("2023年度政府性基金预算财政拨款收入支出决算表", "fa_gov_fund"),
        ("2023年度国有资本经营预算财政拨款支出决算表", "fa_state_capital"),
        ("2023年度财政拨款“三公”经费支出决算表", "fa_sangong"),
        # Shanghai 表一–九 (三公 seventh, 国有资本 with 收入)
        ("七、财政拨款“三公”经费支出决算表", "fa_sangong"),
        ("九、国有资本经营预算财政拨款收入支出决算表", "fa_state_capital"),
        ("上海市XX局2024年度部门决算表", None),  # the part title, not a table
        # Jiangsu 公开01–12
        ("收支预算总表", "bu_summary"),
        ("收入预算总表", "bu_income"),
        ("支出预算总表", "bu_expenditure"),
        ("财政拨款收支预算总表", "bu_fiscal_summary"),
        ("财政拨款支出预算表（功能科目）", "bu_fiscal"),
        ("财政拨款基本支出预算表（经济科目）", "bu_fiscal_basic"),
        ("一般公共预算支出预算表（功能科目）", "bu_general"),
        ("一般公共预算基本支出预算表（经济科目）", "bu_general_basic"),
        ("一般公共预算“三公”经费、会议费、培训费支出预算表", "bu_sangong"),
        ("政府性基金预算财政拨款支出预算表", "bu_gov_fund"),
        ("财政拨款政府性基金支出预算表", "bu_gov_fund"),
        ("一般公共预算机关运行经费支出预算表", "bu_running_costs"),
        ("2018年政府采购预算表", "bu_procurement"),
        # Shanghai 2025 预算 01–09
        ("财务收支预算总表", "bu_summary"),
        ("“三公”经费和机关运行经费预算表", "bu_sangong"),
        ("国有资本经营预算支出预算表", "bu_state_capital"),
        # not disclosure tables
        ("2023年度项目支出绩效自评表", None),
        ("注：本表反映部门本年度各项支出情况。", None),
    ],
)
def test_titles_in_every_numbering(title, kind):
    found = title_kind(clean_title(title))
    assert (found.kind if found else None) == kind


def test_the_registry_is_literal_and_complete():
    kinds = [k.kind for k in DISCLOSURE]
    assert len(kinds) == len(set(kinds)) == 22
    assert {k.family for k in DISCLOSURE} == {"summary", "classified", "sangong"}
    assert all(k.statement in ("决算", "预算") and k.scope in ("all", "fiscal") for k in DISCLOSURE)


@pytest.mark.parametrize(
    "texts,title,code",
    [
        (["公开05表"], "", "05"),
        (["公开 01表"], "", "01"),
        (["表十一"], "", "11"),
        (["注：…为必填项公开11表一般公共预算机关运行经费支出预算表"], "", "11"),
        ([], "九、2018年江苏省高级人民法院“三公”经费、会议费、培训费支出预算表", "09"),
        (["十二、政府采购支出预算表"], "收支预算总表", None),  # a contents line is no label
    ],
)
def test_printed_table_numbers(texts, title, code):
    assert table_code(texts, title) == code


def test_titles_cleaned_of_what_the_text_layer_glues_to_them():
    assert clean_title("收支预算总表部门：江苏省政协办公厅 单位：万元") == "收支预算总表"
    assert clean_title("表九一般公共预算基本支出预算表") == "一般公共预算基本支出预算表"
    assert (
        clean_title("注：“科目编码”为必填项公开11表一般公共预算机关运行经费支出预算表部门名称：X")
        == "一般公共预算机关运行经费支出预算表"
    )
    assert clean_title("2023年度财政拨款收入支出决算总表公开04表金额单位：万元") == (
        "2023年度财政拨款收入支出决算总表"
    )


def test_numbers_from_the_contents():
    numbers = contents_numbers(
        [
            "一、收支预算总表",
            "七、政府性基金支出预算表",
            "十一、一般公共预算“三公”经费、会议费、培训费支出预算表",
        ]
    )
    assert numbers == {"bu_summary": "01", "bu_gov_fund": "07", "bu_sangong": "11"}


def _grid(text: str) -> Grid:
    (grid,) = [b for b in text_to_blocks(text) if isinstance(b, Grid)]
    return grid


def test_a_grid_running_two_tables_together_is_cut_at_the_title_row():
    grid = _grid(
        "\t\t收入预算总表\n项目名称\t\t金额\n收入总计\t\t100.00\n"
        "\t\t支出预算总表\n部门：某部门\t\t单位：万元\n合计\t基本支出\t项目支出\n100.00\t60.00\t40.00\n"
    )
    parts = segments(grid, [], None, None)
    assert [(p.kind.kind, len(p.grid.rows)) for p in parts] == [
        ("bu_income", 2),
        ("bu_expenditure", 2),
    ]


def test_a_table_without_a_title_is_known_by_its_headers():
    grid = _grid("项目\t\t本年收入合计\t财政拨款收入\t事业收入\n\t合计\t10.00\t10.00\t\n")
    assert header_kind(grid, "决算").kind == "fa_income"
    grid = _grid(
        "收入\t\t支出\t\n项目\t金额\t项目\t金额\n一、财政拨款收入\t1.00\t一、一般公共服务支出\t1.00\n"
    )
    assert header_kind(grid, "决算").kind == "fa_summary"


def test_self_evaluation_tables_are_left_whole():
    grid = _grid("单位名称（盖章）：某中心\t\n项目名称\t稳定专项资金\n资金量：22.5\t\n")
    (part,) = segments(grid, ["2023年度项目支出绩效自评表"], None, "决算")
    assert part.kind is None and part.grid is grid
