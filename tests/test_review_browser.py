"""Deciding in headless Chromium: decide, reload in a new browser context, filter, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT

pytestmark = pytest.mark.e2e
DEPT = "衡阳市人民政府国有资产监督管理委员会"
SHOTS = ROOT / "artifacts" / "screenshots"


def _expect():
    from playwright.sync_api import expect

    return expect


def _ready(page):
    """Wait until Streamlit finished the run (not merely "not running yet")."""
    page.wait_for_selector('[data-testid="stMain"]')
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000
    )


def _download(page, button: str) -> list[dict]:
    _ready(page)
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=button).click()
    raw = Path(info.value.path()).read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_decide_reload_filter_export(new_page, st_server):
    expect = _expect()
    page = new_page()
    page.goto(f"{st_server}/flags?dept={quote(DEPT)}")
    expect(page.get_by_role("heading", name="问题清单")).to_be_visible()
    _ready(page)
    picker = page.get_by_role("combobox", name="查看问题原文")
    picker.click()
    picker.press_sequentially("A02 · 财政供养")  # the list is long: narrow it as a user would
    page.get_by_role("option", name="A02 · 财政供养人员情况").first.click()
    expect(page.get_by_text("尚未审核")).to_be_visible()
    page.get_by_label("审核说明").fill("控制率按编制数计算有误")
    page.get_by_label("审核人姓名（本次会话只问一次）").fill("张三")
    page.get_by_role("button", name="误报").click()
    expect(page.get_by_text("审核结论：")).to_contain_text("误报（张三，")
    history = page.get_by_test_id("stDataFrame").last  # the history of this finding
    expect(history.locator("[role=gridcell]", has_text="未审核 → 误报")).to_be_attached()
    _ready(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "review_decide.png", full_page=True)

    # a colleague opens the list in a new browser: the decision is there, and filters
    other = new_page()
    other.goto(f"{st_server}/flags?status={quote('误报')}")
    expect(other.get_by_text("共 1 个问题", exact=False)).to_be_visible()
    _ready(other)
    grid = other.get_by_test_id("stDataFrame").first
    expect(grid.locator("[role=gridcell]", has_text="财政供养人员情况").first).to_be_attached()
    rows = _download(other, "下载 CSV")
    assert len(rows) == 1
    row = rows[0]
    assert (row["对象"], row["审核状态"], row["审核说明"], row["审核人"]) == (
        "财政供养人员情况",
        "误报",
        "控制率按编制数计算有误",
        "张三",
    )
    assert row["审核时间"][:2] == "20"
    other.screenshot(path=SHOTS / "review_filtered.png", full_page=True)

    # the 部门 page shows it too, and its link to 问题清单 keeps the status filter
    dept = new_page()
    dept.goto(f"{st_server}/department?dept={quote(DEPT)}&year=2022&status={quote('误报')}")
    expect(dept.get_by_role("heading", name="部门详情")).to_be_visible()
    _ready(dept)
    expect(dept.locator('[data-testid="stExpander"] summary', has_text="误报")).to_have_count(1)
    dept.get_by_role("link", name="在问题清单中查看").click()
    expect(dept.get_by_text("共 1 个问题", exact=False)).to_be_visible()
    assert "status=" in dept.url
