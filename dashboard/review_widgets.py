"""Review decisions in the dashboard: sign-in, the decision panel, status filter, exports.

The panel is a fragment: a click on a status button records the decision and reruns
only that panel, never the page and its list. The reviewer is the signed-in user on a
shared dashboard, or a name asked once per browser session on 127.0.0.1.
"""

from __future__ import annotations

import logging
import time

import polars as pl
import streamlit as st

from dashboard import plain
from dashboard.url_state import read_many, write
from dashboard.workspace import workspace_dir
from review.access import Throttle, sign_in_required
from review.annotate import (
    FILTERS,
    OUTDATED,
    keyed,
    local_time,
    progress,
    status_labels,
    with_decisions,
)
from review.schema import STATUSES
from review.store import Finding, ReviewError, ReviewStore, database_url
from review.users import Users

STATUS_PARAM = "status"  # URL parameter of the status filter (部门, 问题清单)
REVIEWER = "review_reviewer"  # session state: who decides
SIGNED_IN = "review_signed_in"  # session state: True once a password was checked
STATUS_ICONS = {  # Material icons ship with Streamlit (no emoji font needed)
    "待核实": ":material/help:",
    "属实": ":material/report:",
    "误报": ":material/block:",
    "已整改": ":material/task_alt:",
}
_THROTTLE = Throttle()
LOG = logging.getLogger("budget_audit.dashboard")


@st.cache_resource(show_spinner=False)
def _open(url: str) -> ReviewStore:
    return ReviewStore(url)


def review_store() -> ReviewStore | None:
    """The shared store, or None (with a message on the page) when it cannot be opened."""
    try:
        return _open(database_url(None, workspace_dir()))
    except Exception as exc:  # bad URL, server down, schema too new: the page still works
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        LOG.error("review database unavailable: %s", reason)  # may name the server: log only
        st.error(
            "审核数据库无法打开，审核结论暂不可用（原因已记录在服务器日志中）。",
            icon=":material/error:",
        )
        return None


def reviewed(flags: pl.DataFrame) -> pl.DataFrame:
    """Flags with their keys and review columns (all 未审核 when the database is down)."""
    store = review_store()
    decisions = store.decisions() if store else None
    if decisions is None:
        from review.store import DECISIONS

        decisions = pl.DataFrame(schema=DECISIONS)
    return with_decisions(keyed(flags), decisions)


# ---- who decides --------------------------------------------------------------------------


def shared() -> bool:
    """True when the dashboard listens on an address other machines can reach."""
    return sign_in_required(st.get_option("server.address"))


def require_sign_in() -> None:
    """On a shared dashboard, stop every page until a user has signed in."""
    if not shared():
        return
    if st.session_state.get(SIGNED_IN):
        with st.sidebar:
            st.caption(f"已登录：{plain.md(st.session_state[REVIEWER])}")
            if st.button("退出登录", key="review_sign_out"):
                st.session_state.pop(SIGNED_IN, None)
                st.session_state.pop(REVIEWER, None)
                st.rerun()
        return
    users = Users.in_workspace(workspace_dir())
    st.title("登录")
    if not users.exists():
        LOG.error("shared dashboard without a users file: %s", users.path)
        st.error("看板对其他电脑开放，但还没有用户：请管理员先运行 budget-audit users add 姓名")
        st.stop()
    with st.form("review_sign_in"):
        name = st.text_input("姓名", max_chars=100)
        password = st.text_input("密码", type="password", max_chars=200)
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        wait = _THROTTLE.wait_left(name.strip())
        if wait > 0:
            st.error(f"密码错误次数过多，请 {wait:.0f} 秒后再试。")
        else:
            user = users.verify(name, password)
            if user:
                _THROTTLE.succeeded(user)
                st.session_state[SIGNED_IN] = True
                st.session_state[REVIEWER] = user
                st.rerun()
            _THROTTLE.failed(name.strip())
            time.sleep(0.5)
            st.error("姓名或密码不对。")
    st.stop()


def _reviewer_field(key: str) -> None:
    """The reviewer's name: the signed-in user, or asked here once per browser session."""
    name = st.session_state.get(REVIEWER, "")
    if name:
        st.caption(f"审核人：{plain.md(name)}")
    else:
        st.text_input("审核人姓名（本次会话只问一次）", key=f"reviewer-{key}", max_chars=100)


# ---- deciding -----------------------------------------------------------------------------


def _history_table(store: ReviewStore, finding_id: str) -> None:
    history = store.history(finding_id)
    if history.is_empty():
        return
    st.caption("变更记录")
    st.dataframe(
        history.sort("id", descending=True).select(
            pl.col("decided_at").map_elements(local_time, return_dtype=pl.String).alias("时间"),
            pl.col("reviewer").alias("审核人"),
            pl.format(
                "{} → {}", pl.col("old_status").fill_null("未审核"), pl.col("new_status")
            ).alias("状态"),
            pl.col("note").alias("说明"),
            pl.col("figures").alias("当时的数字"),
        ),
        hide_index=True,
        width="stretch",
        placeholder="",
    )


def _save(key: str, finding: Finding, status: str) -> None:
    """Button callback: record the decision before the panel is drawn again."""
    reviewer = st.session_state.get(REVIEWER) or st.session_state.get(f"reviewer-{key}", "")
    note = st.session_state.get(f"note-{key}", "")
    store = review_store()
    if store is None:
        return
    if not reviewer.strip():
        st.session_state[f"problem-{key}"] = "请先填写审核人姓名。"
        return
    try:
        saved = store.set_decision(finding, status, note, reviewer)
    except ReviewError as exc:
        st.session_state[f"problem-{key}"] = str(exc)
        return
    except Exception as exc:  # the database went away mid-meeting
        reason = str(getattr(exc, "orig", None) or exc).strip()
        st.session_state[f"problem-{key}"] = f"未能保存：{reason}"
        return
    st.session_state[REVIEWER] = saved.reviewer  # asked once per browser session
    st.session_state[f"saved-{key}"] = f"已记录：{saved.status}（{plain.md(saved.reviewer)}）"


@st.fragment
def decision_panel(finding: dict, key: str) -> None:
    """Status buttons (one click records), note, the current decision and its history."""
    store = review_store()
    if store is None:
        return
    current_finding = Finding.from_row(finding)
    decision = store.decision(current_finding.finding_id)
    earlier = None
    if decision is None or (decision.figures and decision.figures != current_finding.figures):
        earlier = decision or _topic_decision(store, current_finding)
        decision = None
    if decision:
        st.markdown(
            f"审核结论：**{decision.status}**（{plain.md(decision.reviewer)}，"
            f"{local_time(decision.decided_at)}）"
            + (f"：{plain.md(decision.note)}" if decision.note else "")
        )
    elif earlier:
        st.warning(
            f"{OUTDATED}的审核结论：{plain.md(earlier.reviewer)} 于 {local_time(earlier.decided_at)} 定为"
            f"“{earlier.status}”（当时的数字：{plain.md(earlier.figures or '—')}）"
            + (f"，说明：{plain.md(earlier.note)}" if earlier.note else "")
            + "。数字已变化，请重新审核。",
            icon=":material/history:",
        )
    else:
        st.caption("尚未审核")
    problem = st.session_state.pop(f"problem-{key}", "")
    if problem:
        st.error(plain.md(problem))
    saved = st.session_state.pop(f"saved-{key}", "")
    if saved:
        st.toast(saved)
    if f"note-{key}" not in st.session_state:
        shown = decision or earlier
        st.session_state[f"note-{key}"] = shown.note if shown else ""
    st.text_area(
        "审核说明",
        key=f"note-{key}",
        max_chars=2000,
        height=68,
        placeholder="依据、核实情况、整改结果……",
    )
    _reviewer_field(key)
    columns = st.columns(len(STATUSES))
    for column, status in zip(columns, STATUSES, strict=True):
        chosen = decision is not None and decision.status == status
        column.button(
            status,
            icon=STATUS_ICONS[status],
            key=f"set-{status}-{key}",
            type="primary" if chosen else "secondary",
            width="stretch",
            on_click=_save,
            args=(key, current_finding, status),
        )
    _history_table(store, current_finding.finding_id)


def _topic_decision(store: ReviewStore, finding: Finding):
    """The latest decision on the same topic (an earlier version of this finding)."""
    history = store.history(topic_id=finding.topic_id)
    if history.is_empty():
        return None
    latest = history.row(-1, named=True)
    return store.decision(latest["finding_id"])


# ---- filters, counts, exports ---------------------------------------------------------------


def status_filter(container=st) -> list[str]:
    """The 审核状态 multiselect, kept in the URL as ``status`` (links keep it)."""
    wanted = read_many(STATUS_PARAM, list(FILTERS))
    wanted = container.multiselect(
        "审核状态", list(FILTERS), default=wanted, key=STATUS_PARAM, placeholder="全部"
    )
    write(STATUS_PARAM, wanted)
    return wanted


def status_column(flags: pl.DataFrame) -> pl.DataFrame:
    """``flags`` with a readable 审核状态 column (属实, 未审核, 误报（早期版本）)."""
    return flags.with_columns(status_labels().alias("审核状态"))


def review_progress(flags: pl.DataFrame) -> pl.DataFrame:
    """Per department and year: 已审核 and 待审核 counts."""
    return progress(flags).select(
        "department", "year", pl.col("decided").alias("已审核"), pl.col("open").alias("待审核")
    )
