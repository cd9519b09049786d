"""Reports in layouts none of the samples use, tried as a new user would bring them.

``portal_project.html``: a GBK portal page, the self-evaluation table wrapped in a
layout table with navigation, sidebar and footer, merges by rowspan/colspan.
``markdown_report.md``: a report converted to Markdown with pipe tables.
Both carry planted problems an auditor must see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import run_checks
from loaders.blocks import _from_markdown
from loaders.pipeline import load_paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def run():
    corpus = load_paths([FIXTURES / "portal_project.html", FIXTURES / "markdown_report.md"])
    return corpus, run_checks(corpus)


def _flags(run, name: str) -> set[tuple[str, int]]:
    flags = run[1].flags
    return {
        (r["check_id"], r["source_line"])
        for r in flags.filter(flags["source_file"] == name).iter_rows(named=True)
    }


def test_portal_page_reads_metadata_without_the_noise(run):
    corpus, _ = run
    doc = corpus.documents.filter(corpus.documents["source_file"] == "portal_project.html").row(
        0, named=True
    )
    assert (doc["department"], doc["year"], doc["format"]) == (
        "长沙市望城区城市管理局",
        2023,
        "html",
    )
    assert doc["encoding"].startswith("gb18030")
    text = "\n".join(corpus.texts[doc["doc_id"]])
    for noise in ("版权所有", "首页", "分享到", "部门预算", "统计代码"):
        assert noise not in text


def test_portal_rowspan_and_colspan_expand(run):
    corpus, _ = run
    ind = corpus.indicators.filter(corpus.indicators["source_file"] == "portal_project.html")
    rows = {r["name"]: r for r in ind.iter_rows(named=True)}
    assert rows["新增环卫车辆"]["level1"] == "产出指标"
    assert rows["新增环卫车辆"]["level2"] == "数量指标"
    assert (rows["新增环卫车辆"]["weight"], rows["新增环卫车辆"]["score"]) == (15, 18)
    assert rows["长效保洁机制"]["level1"] == "效益指标"
    assert rows["市民满意度"]["project"] == "城区环卫保洁专项经费"
    money = corpus.budget_lines.filter(
        (corpus.budget_lines["source_file"] == "portal_project.html")
        & (corpus.budget_lines["item"] == "年度资金总额")
    ).row(0, named=True)
    assert (money["budget_initial"], money["budget"], money["actual"], money["rate_stated"]) == (
        320.0,
        320.0,
        150.4,
        47.0,
    )


def test_portal_page_is_flagged(run):
    flags = _flags(run, "portal_project.html")
    assert {code for code, _ in flags} >= {"E01", "B01", "A03", "I01"}
    assert ("A03", 14) in flags  # 新增环卫车辆 得分 18 > 分值 15
    a03 = run[1].flags.filter(run[1].flags["check_id"] == "A03").row(0, named=True)
    assert a03["source_place"] == "表1 第11行"  # the row in the page's own table


def test_markdown_report_is_read_and_flagged(run):
    corpus, _ = run
    lines = corpus.budget_lines.filter(corpus.budget_lines["source_file"] == "markdown_report.md")
    total = lines.filter(lines["item"] == "合计").row(0, named=True)
    assert (total["budget"], total["actual"], total["source_line"]) == (860.0, 608.2, 15)
    ind = corpus.indicators.filter(corpus.indicators["source_file"] == "markdown_report.md")
    assert ind.filter(ind["row_kind"] == "indicator").height == 4
    flags = _flags(run, "markdown_report.md")
    assert ("A01", 15) in flags  # 合计 608.20 but 510.30 + 87.90 = 598.20
    assert ("E01", 14) in flags  # 项目支出 executed 25.85%
    assert ("I01", 25) in flags  # 进一步丰富


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("| 项目 | 预算数 |", "项目\t预算数"),
        ("|---|:---:|", "---\t:---:"),
        ("| | 合计 |", "\t合计\t"),
        (r"| a \| b | c |", "a | b\tc"),
        ("## 一、基本情况", "一、基本情况"),
        ("**表1 支出表**", "表1 支出表"),
        ("预算 | 执行", "预算 | 执行"),
    ],
)
def test_markdown_lines(line, expected):
    assert _from_markdown(line) == expected
