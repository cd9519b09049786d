"""文档: every loaded file, what kind it is, whether it was read, and what was not."""

import polars as pl
import streamlit as st

from dashboard.data import app_data
from dashboard.url_state import link_box, read_choice, write

st.title("文档与读取情况")
data = app_data()
corpus = data.corpus
docs = corpus.documents
if docs.height == 0:
    st.info("没有读入任何文件。")
    st.stop()
counts = dict(docs.group_by("status").len().iter_rows())
st.caption(
    f"共 {docs.height} 个文件：正常 {counts.get('ok', 0)}，部分读入 {counts.get('partial', 0)}，失败 {counts.get('failed', 0)}。"
)
per_doc = docs.join(
    corpus.budget_lines.group_by("doc_id").len("budget_lines"), on="doc_id", how="left"
).join(corpus.indicators.group_by("doc_id").len("indicators"), on="doc_id", how="left")
st.dataframe(
    per_doc.select(
        "source_file",
        "status",
        "kind",
        "department",
        "region",
        "year",
        "budget_lines",
        "indicators",
        "message",
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "source_file": "文件",
        "status": "状态",
        "kind": "类型",
        "department": "部门",
        "region": "地区",
        "year": st.column_config.NumberColumn("年度", format="%d"),
        "budget_lines": "预算行",
        "indicators": "指标行",
        "message": "说明",
    },
)
names = docs["source_file"].to_list()
chosen = read_choice("doc", names, None)
chosen = st.selectbox(
    "查看读取问题",
    [None] + names,
    index=names.index(chosen) + 1 if chosen else 0,
    format_func=lambda n: "（选择文件）" if n is None else n,
    key="doc",
)
write("doc", chosen)
if chosen:
    issues = corpus.parse_issues.filter(pl.col("source_file") == chosen)
    if issues.height:
        st.dataframe(
            issues.select("severity", "code", "message", "source_line"),
            hide_index=True,
            width="stretch",
        )
    else:
        st.success("该文件没有读取问题。")
link_box("documents")
