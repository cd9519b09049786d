"""问题清单: every flag, filtered and sorted; download exactly what is shown."""

import polars as pl
import streamlit as st

from checks.base import CATEGORIES, CATEGORY_LABELS, FLAG_COLUMNS, SEVERITY_LABELS
from checks.filters import filter_flags
from dashboard.data import app_data
from dashboard.export import to_csv_bytes, to_xlsx_bytes
from dashboard.source_view import show_flag
from dashboard.url_state import link_box, read_choice, read_many, read_text, write

st.title("问题清单")
data = app_data()
corpus, flags = data.corpus, data.run.flags

departments = sorted(d for d in flags["department"].drop_nulls().unique().to_list())
years = sorted({str(y) for y in flags["year"].drop_nulls().to_list()})
sev_options = ["all", "high", "medium", "low"]
sev_labels = {"all": "全部", "high": "仅高", "medium": "中及以上", "low": "全部（含低）"}

cats = read_many("cat", list(CATEGORIES))
sev = read_choice("sev", sev_options, "all")
depts = read_many("dept", departments)
yrs = read_many("year", years)
query = read_text("q")

c = st.columns([2, 1, 2, 1, 2])
cats = c[0].multiselect(
    "类别", CATEGORIES, default=cats, format_func=lambda k: CATEGORY_LABELS[k], key="cat"
)
sev = c[1].selectbox(
    "严重程度", sev_options, index=sev_options.index(sev), format_func=sev_labels.get, key="sev"
)
depts = c[2].multiselect("部门", departments, default=depts, key="dept")
yrs = c[3].multiselect("年度", years, default=yrs, key="year")
query = c[4].text_input("搜索（主题、说明、证据）", value=query, key="q", max_chars=100)
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
export = shown.select(FLAG_COLUMNS)

st.caption(f"共 {shown.height} 条疑点（全部 {flags.height} 条）")
table = shown.with_columns(
    pl.col("severity").replace_strict(SEVERITY_LABELS, default="").alias("严重程度"),
    pl.col("category").replace_strict(CATEGORY_LABELS, default="").alias("类别"),
).select(
    "严重程度",
    "类别",
    "check_id",
    "department",
    "year",
    "subject",
    "message",
    "amount",
    "source_file",
    "source_line",
    "flag_id",
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=min(38 * (table.height + 1), 600),
    column_config={
        "check_id": "检查",
        "department": "部门",
        "year": st.column_config.NumberColumn("年度", format="%d"),
        "subject": "对象",
        "message": "说明",
        "amount": st.column_config.NumberColumn("涉及金额（万元）", format="%.2f"),
        "source_file": "文件",
        "source_line": "行",
        "flag_id": "编号",
    },
)
d1, d2, _ = st.columns([1, 1, 4])
d1.download_button("下载 CSV", lambda: to_csv_bytes(export), file_name="flags.csv", mime="text/csv")
d2.download_button(
    "下载 Excel",
    lambda: to_xlsx_bytes(export),
    file_name="flags.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

if shown.height:
    ids = shown["flag_id"].to_list()
    selected = read_choice("flag", ids, None)
    labels = {
        r[
            "flag_id"
        ]: f"{r['check_id']} · {r['subject'][:30]} · {r['source_file']}:{r['source_line']}"
        for r in shown.iter_rows(named=True)
    }
    pick = st.selectbox(
        "查看疑点原文",
        [None] + ids,
        index=(ids.index(selected) + 1) if selected else 0,
        format_func=lambda k: "（选择一条疑点）" if k is None else labels[k],
        key="flag",
    )
    write("flag", pick)
    if pick:
        show_flag(shown.filter(pl.col("flag_id") == pick).row(0, named=True), corpus.texts)
link_box("flags")
