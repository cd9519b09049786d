"""Deciding in the dashboard (AppTest): 问题清单, 部门, 总览 counts and ranking, sign-in."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import ROOT
from streamlit import config
from streamlit.testing.v1 import AppTest

from review.store import ReviewStore
from review.users import Users

ENTRY = str(ROOT / "dashboard" / "app.py")
DEPT = "衡阳市人民政府国有资产监督管理委员会"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """Each test decides in its own database."""
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    monkeypatch.setenv("BUDGET_AUDIT_DB", url)
    store = ReviewStore(url)
    yield store
    store.close()


def _open(page: str, **params) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _flag_of(at: AppTest, check: str, subject: str) -> str:
    """The id of a finding the 问题清单 lists (one row per finding)."""
    table = at.dataframe[0].value
    row = table[(table["check_id"] == check) & (table["subject"] == subject)]
    return row["finding_id"].iloc[0]


def test_decide_on_the_flags_page_then_filter_by_status(db):
    at = _open("views/flags.py", dept=DEPT)
    flag = _flag_of(at, "A02", "财政供养人员情况")
    at.selectbox(key="flag").set_value(flag).run()
    assert any(c.value == "尚未审核" for c in at.caption)
    at.text_area(key=f"note-{flag}").input("控制率按编制数计算有误")
    at.text_input(key=f"reviewer-{flag}").input("张三")
    at.button(key=f"set-误报-{flag}").click().run()
    assert not at.exception, [e.value for e in at.exception]

    stored = db.decisions().row(0, named=True)
    assert (stored["status"], stored["note"], stored["reviewer"]) == (
        "误报",
        "控制率按编制数计算有误",
        "张三",
    )
    assert any("审核结论：**误报**" in m.value for m in at.markdown)

    at = _open("views/flags.py", status="误报")  # a new session: the decision is in the database
    shown = at.dataframe[0].value
    assert list(shown["subject"]) == ["财政供养人员情况"] and list(shown["审核状态"]) == ["误报"]
    assert at.multiselect(key="status").value == ["误报"]
    at.multiselect(key="status").set_value(["未审核"]).run()
    undecided = at.dataframe[0].value
    assert flag not in set(undecided["finding_id"]) and set(undecided["审核状态"]) == {"未审核"}
    assert at.query_params["status"] == "未审核" or at.query_params["status"] == ["未审核"]


def test_decide_on_the_department_page_and_see_the_history(db):
    first = _open("views/flags.py", dept=DEPT)
    flag = _flag_of(first, "C01", "编制数")
    at = _open("views/department.py", dept=DEPT, year="2022", flag=flag)
    at.text_input(key=f"reviewer-{flag}").input("李四")
    at.button(key=f"set-属实-{flag}").click().run()
    at.text_area(key=f"note-{flag}").input("已整改：编制数统一为 48 人")
    at.button(key=f"set-已整改-{flag}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    history = db.history()
    assert history.select("old_status", "new_status", "reviewer").rows() == [
        (None, "属实", "李四"),
        ("属实", "已整改", "李四"),
    ]
    tables = [d.value for d in at.dataframe if "状态" in d.value.columns]
    assert tables and list(tables[0]["状态"]) == ["属实 → 已整改", "未审核 → 属实"]
    # the reviewer was asked once: the second click needed no name
    at = _open("views/department.py", dept=DEPT, year="2022", status="已整改", flag=flag)
    opened = [e for e in at.expander if "编制数" in e.label]
    assert len(opened) == 1 and "已整改" in opened[0].label


def test_overview_counts_decisions_and_can_leave_out_false_positives(db):
    at = _open("views/flags.py", dept=DEPT)
    table = at.dataframe[0].value
    balance = table[table["check_id"] == "C02"]["finding_id"].iloc[0]
    at.selectbox(key="flag").set_value(balance).run()
    at.text_input(key=f"reviewer-{balance}").input("张三")
    at.button(key=f"set-误报-{balance}").click().run()

    at = _open("views/overview.py")
    ranking = at.dataframe[0].value
    row = ranking[ranking["department"] == DEPT].iloc[0]
    assert (row["已审核"], row["待审核"]) == (1, len(table) - 1)
    before = float(row["amount_flagged"])
    at.toggle(key="fp").set_value(True).run()
    assert at.query_params["fp"] == "hide"
    after = at.dataframe[0].value
    row = after[after["department"] == DEPT].iloc[0]
    assert float(row["amount_flagged"]) == pytest.approx(before - 5.994, abs=0.006)  # C02: 5.994 万元, shown to 2 decimals


@pytest.fixture
def shared(monkeypatch):
    """The dashboard as `serve --host 0.0.0.0` runs it."""
    previous = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", previous)


def test_shared_dashboard_needs_a_user_file_and_a_password(db, shared, tmp_path, monkeypatch):
    workspace = tmp_path / "ws"
    monkeypatch.setenv("BUDGET_AUDIT_WORKSPACE", str(workspace))
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    assert any("还没有用户" in e.value for e in at.error)
    assert not any(str(workspace) in e.value for e in at.error)  # no server path in the page
    assert not at.dataframe

    Users.in_workspace(workspace).add("王五", "审核会议专用密码")
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    assert at.title[0].value == "登录" and not at.dataframe
    at.text_input[0].input("王五")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert any("不对" in e.value for e in at.error)
    at.text_input[1].input("审核会议专用密码")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value != "登录"
    at.switch_page("views/flags.py")
    at.query_params["dept"] = DEPT
    at.run()
    flag = _flag_of(at, "A02", "财政供养人员情况")
    at.selectbox(key="flag").set_value(flag).run()
    assert any(c.value == "审核人：王五" for c in at.caption)  # no name to type: signed in
    at.button(key=f"set-属实-{flag}").click().run()
    assert db.decisions().select("status", "reviewer").rows() == [("属实", "王五")]
    assert pl.Series(db.history()["reviewer"]).to_list() == ["王五"]
