"""问题清单: every finding (the flags of one fact, grouped), filtered and sorted; download exactly
what is shown; a finding opens its source, the reason the report gives, its evidence flags and
its review decision."""

import polars as pl
import streamlit as st

from checks.base import CATEGORIES
from checks.filters import filter_flags
from dashboard import chrome
from dashboard.auditor_export import findings_for_auditors
from dashboard.data import app_data
from dashboard.export import to_csv_bytes, to_xlsx_bytes
from dashboard.labels import label
from dashboard.review_widgets import decision_panel, reviewed, status_column, status_filter
from dashboard.source_view import show_finding
from dashboard.tables import Col, show
from dashboard.url_state import link_box, read_choice, read_many, read_text, write
from review.annotate import export_columns, filter_status

st.title("问题清单")
data = app_data()
corpus, flags, all_flags = data.corpus, reviewed(data.run.findings), data.run.flags

departments = sorted(d for d in flags["department"].drop_nulls().unique().to_list())
years = sorted({str(y) for y in flags["year"].drop_nulls().to_list()})
sev_options = ["all", "high", "medium", "low"]
sev_labels = {"all": "全部", "high": "仅高", "medium": "中及以上", "low": "全部（含低）"}

cats = read_many("cat", list(CATEGORIES))
sev = read_choice("sev", sev_options, "all")
depts = read_many("dept", departments)
yrs = read_many("year", years)
query = read_text("q")

c = st.columns([2, 1, 2, 1, 2, 2])
cats = c[0].multiselect(
    "类别",
    CATEGORIES,
    default=cats,
    format_func=lambda k: label("category", k),
    placeholder=chrome.SELECT_PLACEHOLDER,
    select_all=False,
    key="cat",
)
sev = c[1].selectbox(
    "严重程度",
    sev_options,
    index=sev_options.index(sev),
    format_func=sev_labels.get,
    placeholder=chrome.CHOOSE_PLACEHOLDER,
    key="sev",
)
depts = c[2].multiselect(
    "部门",
    departments,
    default=depts,
    placeholder=chrome.SELECT_PLACEHOLDER,
    select_all=False,
    key="dept",
)
yrs = c[3].multiselect(
    "年度", years, default=yrs, placeholder=chrome.SELECT_PLACEHOLDER, select_all=False, key="year"
)
query = c[4].text_input(
    "搜索（主题、说明、证据）", value=query, key="q", max_chars=100, placeholder="输入关键词"
)
statuses = status_filter(c[5])
for key, value in (
    ("cat", cats),
    ("sev", None if sev == "all" else sev),
    ("dept", depts),
    ("year", yrs),
    ("q", query),
):
    write(key, value)

shown = filter_flags(
    flags,
    cats or None,
    None if sev in ("all", "low") else sev,
    depts or None,
    [int(y) for y in yrs] or None,
)
if query:
    needle = query.strip()
    shown = shown.filter(
        pl.col("subject").str.contains(needle, literal=True)
        | pl.col("message").str.contains(needle, literal=True)
        | pl.col("evidence").str.contains(needle, literal=True)
    )
shown = status_column(filter_status(shown, statuses))

st.caption(
    f"共 {shown.height:,} 个问题（全部 {flags.height:,} 个，由 {all_flags.height:,} 条疑点归并："
    "同一事实只列一次）"
)
show(
    shown,
    {
        "severity": Col("严重程度", vocabulary="severity", width="small"),
        "审核状态": Col("审核状态", width="small"),
        "category": Col("类别", vocabulary="category", width="small"),
        "check_id": Col("检查", width="small"),
        "checks": Col("同一事实的检查", width="small"),
        "department": Col("部门"),
        "year": Col("年度", kind="year", width="small"),
        "subject": Col("对象"),
        "message": Col("说明", width="large"),
        "amount": Col("涉及金额（万元）", kind="amount"),
        "source_file": Col("文件"),
        "source_line": Col("行", kind="count", width="small"),
        "finding_id": Col("编号"),
    },
    height=min(36 * (shown.height + 1) + 3, 600),
    key="flags_table",
)
export = pl.concat([findings_for_auditors(shown), export_columns(shown)], how="horizontal")
d1, d2, _ = st.columns([1, 1, 4])
d1.download_button(
    "下载 CSV",
    lambda: to_csv_bytes(export, float_precision=2),
    file_name="问题清单.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",  # no rerun: its new file id could race the click
)
d2.download_button(
    "下载 Excel",
    lambda: to_xlsx_bytes(export),
    file_name="问题清单.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",  # no rerun: its new file id could race the click
)

if shown.height:
    ids = shown["finding_id"].to_list()
    # a link may name one of a finding's flags (a link made before findings existed)
    of_flag = dict(zip(all_flags["flag_id"], all_flags["finding_id"], strict=True))
    if st.query_params.get("flag") in of_flag:
        st.query_params["flag"] = of_flag[st.query_params["flag"]]
    selected = read_choice("flag", ids, None)
    labels = {
        r[
            "finding_id"
        ]: f"{r['checks']} · {(r['subject'] or '')[:30]} · {r['source_file']}:{r['source_line']}"
        for r in shown.select(
            "finding_id", "checks", "subject", "source_file", "source_line"
        ).iter_rows(named=True)
    }
    pick = st.selectbox(
        "查看问题原文",
        [None] + ids,
        index=(ids.index(selected) + 1) if selected else 0,
        format_func=lambda k: "（选择一个问题）" if k is None else labels[k],
        placeholder=chrome.CHOOSE_PLACEHOLDER,
        key="flag",
    )
    write("flag", pick)
    if pick:
        picked = shown.filter(pl.col("finding_id") == pick).row(0, named=True)
        show_finding(picked, all_flags, corpus.texts)
        decision_panel(picked, key=pick)
link_box("flags")
