"""Every dashboard page with Streamlit's AppTest: renders, filters, URL state, bad parameters."""

from __future__ import annotations

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.failure import MESSAGE

ENTRY = str(ROOT / "dashboard" / "app.py")
TOP = "衡阳市人民政府国有资产监督管理委员会"  # first in the risk ranking of the samples
PAGES = [
    "views/overview.py",
    "views/department.py",
    "views/flags.py",
    "views/boilerplate.py",
    "views/documents.py",
]


def _failed(at: AppTest) -> list[str]:
    """What went wrong: Streamlit's exceptions and the page boundary's error message."""
    return [e.value for e in at.exception] + [e.value for e in at.error if e.value == MESSAGE]


def _open(page: str, **params) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not _failed(at), _failed(at)
    return at


def _open_overview(**params) -> AppTest:
    """总览 (the default page) opened by a link: the parameters are there at the session's first run."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not _failed(at), _failed(at)
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page):
    at = _open(page)
    assert at.title[0].value


def test_overview_headline_and_ranking():
    at = _open("views/overview.py")
    labels = [m.label for m in at.metric]
    assert "文档" in labels and "总体执行率" in labels
    ranking = at.dataframe[0].value
    # counted in findings: 衡阳市国资委 has five high ones (four scores above their weight, a
    # project self-evaluation covering 34% of the money); 长沙市工信局's shortfalls are explained
    assert len(ranking) == 5 and ranking["department"].iloc[0] == TOP


def test_overview_first_view_has_no_chart_and_the_charts_view_round_trips():
    at = _open("views/overview.py")
    assert at.segmented_control(key="view").value == "ranking"
    assert not at.get("plotly_chart") and "view" not in at.query_params
    at.segmented_control(key="view").set_value("charts").run()
    assert len(at.get("plotly_chart")) >= 5 and not at.dataframe
    assert at.query_params["view"] == "charts"
    at.selectbox(key="top").set_value("10").run()
    assert at.query_params["top"] == "10"
    assert any("view=charts" in c.value and "top=10" in c.value for c in at.code)
    # the link reopens the charts view with its N; back to the ranking, N stays in the link
    at = _open_overview(view="charts", top="10")
    assert at.segmented_control(key="view").value == "charts"
    assert at.selectbox(key="top").value == "10" and len(at.get("plotly_chart")) >= 5
    at.segmented_control(key="view").set_value("ranking").run()
    assert at.dataframe and not at.get("plotly_chart")
    assert "view" not in at.query_params and at.query_params["top"] == "10"


def test_overview_bad_view_falls_back_to_the_ranking():
    at = _open_overview(view="<b>x</b>")
    assert any("无效" in w.value for w in at.warning)
    assert at.segmented_control(key="view").value == "ranking" and at.dataframe


def test_flags_filters_change_table_and_url():
    at = _open("views/flags.py")
    total = len(at.dataframe[0].value)
    at.multiselect(key="cat").set_value(["coverage"]).run()
    shown = at.dataframe[0].value
    assert 0 < len(shown) < total and set(shown["category"]) == {"内容缺失"}
    assert at.query_params["cat"] == ["coverage"] or at.query_params["cat"] == "coverage"
    at.selectbox(key="sev").set_value("high").run()
    assert set(at.dataframe[0].value["severity"]) == {"高"}


def test_flags_query_params_restore_state():
    at = _open(
        "views/flags.py",
        cat=["consistency"],
        dept="衡阳市人民政府国有资产监督管理委员会",
        q="增长率",
    )
    shown = at.dataframe[0].value
    assert len(shown) == 1 and "164" in shown["message"].iloc[0]
    assert at.multiselect(key="cat").value == ["consistency"]
    assert at.text_input(key="q").value == "增长率"


def test_department_deep_link_opens_flag_source(corpus):
    from checks.engine import run_checks

    flags = run_checks(corpus).flags
    dept = "长沙市工业企业改制服务办公室"
    wanted = flags.filter(flags["department"] == dept, flags["subject"] == "工资福利支出").row(
        0, named=True
    )
    at = _open("views/department.py", dept=dept, year="2023", flag=wanted["flag_id"])
    assert at.selectbox(key="dept").value == dept
    assert any("工资福利支出" in e.label for e in at.expander)
    opened = [e for e in at.expander if e.proto.expanded]
    assert len(opened) == 1 and "工资福利支出" in opened[0].label
    assert any("原文：" in h.proto.body for h in at.get("html"))
    # a flag's link opens the finding it belongs to, and the link then names the finding
    assert at.query_params["flag"] == wanted["finding_id"]


def test_bad_parameters_fall_back_with_a_note():
    at = _open("views/department.py", dept="<script>alert(1)</script>", year="abc", flag="nope")
    assert at.selectbox(key="dept").value == TOP
    assert any("无效" in w.value for w in at.warning)
    at = _open("views/flags.py", cat=["bogus"], sev="extreme", year="1900")
    assert any("无效" in w.value for w in at.warning)
    assert len(at.dataframe[0].value) > 50


def test_boilerplate_group_shows_places_and_diff():
    at = _open("views/boilerplate.py")
    assert at.selectbox(key="group").value
    assert len(at.dataframe[0].value) >= 2


def test_documents_page_lists_files():
    at = _open("views/documents.py", doc="002_ab28928a96ffb29a.txt")
    assert len(at.dataframe[0].value) == 5
    assert at.selectbox(key="doc").value == "002_ab28928a96ffb29a.txt"


def test_empty_corpus_and_clean_department_render(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("BUDGET_AUDIT_PATHS", str(empty))
    for page in PAGES:
        at = _open(page)
        assert at.info or at.title, page
    from conftest import FIXTURES

    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "clean.txt").write_text((FIXTURES / "clean_report.txt").read_text("utf-8"), "utf-8")
    monkeypatch.setenv("BUDGET_AUDIT_PATHS", str(clean))
    at = _open("views/department.py")
    assert at.selectbox(key="dept").value == "青山市文化局"
    flags_tab_text = [s.value for s in at.success]
    assert any("没有发现疑点" in t for t in flags_tab_text), flags_tab_text
