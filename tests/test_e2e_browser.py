"""End to end in headless Chromium: deep links, downloads, screenshots, timings."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import FIXTURES, ROOT, SAMPLES

pytestmark = pytest.mark.e2e
SHOTS = (
    ROOT / "artifacts" / "screenshots"
)  # docs/screenshots are refreshed on purpose, not by tests
TIMINGS = ROOT / "artifacts" / "browser_timings.json"
DEPT = "衡阳市人民政府国有资产监督管理委员会"


@pytest.fixture(scope="session", autouse=True)
def e2e_workspace(tmp_path_factory):
    """Uploads of this session go to a temp folder, never the repo's workspace/.

    Session-scoped and autouse, so it is set before ``st_server`` copies the environment.
    """
    folder = tmp_path_factory.mktemp("workspace")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGET_AUDIT_WORKSPACE", str(folder))
        yield folder


def _expect():
    from playwright.sync_api import expect

    return expect


def _ready(page):
    """Wait until Streamlit finished the run (the app's script state, main block present)."""
    page.wait_for_selector('[data-testid="stMain"]')
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
    )


def _no_traceback(page):
    _expect()(page.get_by_test_id("stException")).to_have_count(0)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def _record(name, seconds):
    TIMINGS.parent.mkdir(exist_ok=True)
    data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    data[name] = round(seconds, 3)
    TIMINGS.write_text(json.dumps(data, ensure_ascii=False, indent=1))


def test_overview_ranking_and_charts(new_page, st_server):
    page = new_page()
    page.goto(f"{st_server}/")
    expect = _expect()
    expect(page.get_by_role("heading", name="预算绩效自评报告审核总览")).to_be_visible()
    expect(page.get_by_text("部门风险排名")).to_be_visible()
    _ready(page)
    # the first view is the ranking: no chart, so a new session never waits for plotly
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
    _no_traceback(page)
    _shot(page, "overview")
    page.get_by_role("radiogroup", name="视图").get_by_role("radio", name="图表").click()
    page.wait_for_url("**view=charts**")
    expect(page.get_by_test_id("stPlotlyChart").nth(4)).to_be_visible()
    _ready(page)
    _no_traceback(page)
    _shot(page, "overview-charts")
    # the link reopens the charts view in a new context
    other = new_page()
    other.goto(page.url)
    expect(other.get_by_test_id("stPlotlyChart").nth(4)).to_be_visible()
    expect(other.get_by_role("radio", name="图表")).to_be_checked()


def test_department_deep_link_in_new_context(new_page, st_server):
    url = f"{st_server}/department?dept={quote(DEPT)}&year=2022"
    page = new_page()
    page.goto(url)
    expect = _expect()
    expect(page.get_by_role("heading", name="部门详情")).to_be_visible()
    expect(page.get_by_role("combobox", name="部门")).to_have_value(DEPT)
    _ready(page)
    # two clicks from the overview: the ranking link, then a flag's expander shows the source line
    page.locator('[data-testid="stExpander"] summary', has_text="V03").first.click()
    expect(page.get_by_text("原文：").first).to_be_visible()
    _no_traceback(page)
    _shot(page, "department")
    page.wait_for_url("**flag=**")  # the opened flag is in the link
    other = new_page()
    other.goto(page.url)
    expect(other.get_by_role("combobox", name="部门")).to_have_value(DEPT)
    expect(other.get_by_text("原文：").first).to_be_visible()  # reopened, not just the page


def test_flags_filter_link_download_matches_cli(new_page, st_server, tmp_path):
    from cli.main import main

    page = new_page()
    page.goto(f"{st_server}/flags?cat=arithmetic&cat=consistency&sev=medium")
    expect = _expect()
    expect(page.get_by_role("heading", name="问题清单")).to_be_visible()
    _ready(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").click()
    download = info.value
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    shown = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    cli_csv = tmp_path / "cli.csv"
    assert (
        main(
            [
                "flags",
                str(SAMPLES),
                "--category",
                "arithmetic",
                "--category",
                "consistency",
                "--min-severity",
                "medium",
                "--findings",
                "--csv",
                str(cli_csv),
            ]
        )
        == 0
    )
    cli = list(csv.DictReader(io.StringIO(cli_csv.read_bytes().decode("utf-8-sig"))))
    assert shown == cli and len(shown) >= 5
    expect(page.get_by_text(f"共 {len(shown)} 个问题")).to_be_visible()
    _no_traceback(page)
    _shot(page, "flags")
    # the same link in a new context reproduces the filter
    other = new_page()
    other.goto(page.url)
    expect(other.get_by_text(f"共 {len(shown)} 个问题")).to_be_visible()


def test_filter_change_updates_url_and_is_fast(new_page, st_server):
    page = new_page()
    page.goto(f"{st_server}/flags")
    expect = _expect()
    _ready(page)
    expect(page.get_by_text("共 ")).to_be_visible()
    before = page.get_by_text("共 ").first.inner_text()
    page.get_by_role("combobox", name="严重程度").click()
    started = time.perf_counter()
    page.get_by_role("option", name="仅高").click()
    page.wait_for_function(
        "t => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
        ".some(e => e.innerText.startsWith('共 ') && e.innerText !== t)",
        arg=before,
    )
    _record("flags_filter_change_s", time.perf_counter() - started)
    page.wait_for_url("**sev=high**")
    started = time.perf_counter()
    page.get_by_role("link", name="套话").click()
    expect(page.get_by_role("heading", name="套话与雷同文字")).to_be_visible()
    _ready(page)
    _record("page_switch_s", time.perf_counter() - started)


def test_boilerplate_and_documents_pages(new_page, st_server):
    expect = _expect()
    page = new_page()
    page.goto(f"{st_server}/boilerplate")
    expect(page.get_by_role("heading", name="套话与雷同文字")).to_be_visible()
    _ready(page)
    _no_traceback(page)
    _shot(page, "boilerplate")
    link = page.url
    other = new_page()
    other.goto(link)
    expect(other.get_by_role("heading", name="套话与雷同文字")).to_be_visible()
    page = new_page()
    page.goto(f"{st_server}/documents?doc=003_d00643376496db49.txt")
    expect(page.get_by_role("heading", name="文档与读取情况")).to_be_visible()
    expect(page.get_by_role("combobox", name="查看读取问题")).to_have_value(
        "003_d00643376496db49.txt"
    )
    _ready(page)
    _no_traceback(page)
    _shot(page, "documents")


def test_hostile_url_shows_no_traceback(new_page, st_server):
    page = new_page()
    page.goto(
        f"{st_server}/department?dept=%3Cscript%3Ealert(1)%3C/script%3E&year=x&flag=../../etc"
    )
    expect = _expect()
    expect(page.get_by_text("无效").first).to_be_visible()
    _no_traceback(page)


def test_upload_shows_status_and_document(new_page, st_server, e2e_workspace):
    expect = _expect()
    page = new_page()
    page.goto(f"{st_server}/upload")
    expect(page.get_by_role("heading", name="上传报告")).to_be_visible()
    _ready(page)
    garbage = bytes(range(256)) * 16
    page.locator("input[type=file]").set_input_files(
        [
            {
                "name": "clean_report.txt",
                "mimeType": "text/plain",
                "buffer": (FIXTURES / "clean_report.txt").read_bytes(),
            },
            {"name": "../<script>坏文件.txt", "mimeType": "text/plain", "buffer": garbage},
        ]
    )
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("[role=gridcell]", has_text="正常")).to_be_attached()
    expect(grid.locator("[role=gridcell]", has_text="读取失败")).to_be_attached()
    expect(page.get_by_text("已上传的文件（2）")).to_be_visible()
    _ready(page)
    _no_traceback(page)
    saved = sorted(p.name for p in (e2e_workspace / "uploads").iterdir())
    assert saved == ["_script_坏文件.txt", "clean_report.txt"]
    page.screenshot(path=ROOT / "artifacts" / "upload.png", full_page=True)

    page.get_by_role("link", name="查看文档读取情况").click()
    expect(page.get_by_role("heading", name="文档与读取情况")).to_be_visible()
    expect(page.get_by_role("combobox", name="查看读取问题")).to_have_value(
        "uploads/clean_report.txt"
    )
    expect(page.get_by_text("共 7 个文件")).to_be_visible()
    _ready(page)
    _no_traceback(page)

    # delete both again: the page lists none, the 文档 page is back to the samples
    page.goto(f"{st_server}/upload")
    expect(page.get_by_text("已上传的文件（2）")).to_be_visible()
    for name, left in (("_script_坏文件.txt", 1), ("clean_report.txt", 0)):
        _ready(page)
        row = page.get_by_test_id("stHorizontalBlock").filter(has_text=name)
        row.get_by_role("button", name="删除").click()
        expect(page.get_by_text(f"已上传的文件（{left}）")).to_be_visible()
        expect(row).to_have_count(0)
    expect(page.get_by_text("还没有上传的文件。")).to_be_visible()
    assert list((e2e_workspace / "uploads").iterdir()) == []
    page.goto(f"{st_server}/documents")
    expect(page.get_by_text("共 5 个文件")).to_be_visible()


def test_department_briefing_download_matches_cli(new_page, st_server, tmp_path):
    """下载简报 on the 部门 page gives the document ``budget-audit brief`` writes."""
    import re

    from docx_reading import open_docx, text_lines

    from cli.main import main

    page = new_page()
    page.goto(f"{st_server}/department?dept={quote(DEPT)}&year=2022")
    expect = _expect()
    expect(page.get_by_role("combobox", name="部门")).to_have_value(DEPT)
    _ready(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载简报").click()
    download = info.value
    assert download.suggested_filename == f"{DEPT}2022年度审核简报.docx"
    shown = text_lines(open_docx(Path(download.path())))
    out = tmp_path / "cli.docx"
    assert main(["brief", DEPT, str(SAMPLES), "--year", "2022", "--out", str(out)]) == 0
    cli = text_lines(open_docx(out))

    def undated(lines):  # generated a few seconds apart, possibly either side of midnight
        return [re.sub(r"生成日期：\d+年\d+月\d+日", "生成日期：", line) for line in lines]

    assert undated(shown) == undated(cli)
    assert len(shown) > 500 and shown[0] == DEPT + "\n2022年度预算绩效审核简报"
    _no_traceback(page)
