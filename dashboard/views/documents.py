"""文档: every loaded file, what kind it is, whether it was read, and what was not."""

import polars as pl
import streamlit as st

from dashboard import chrome
from dashboard.data import app_data
from dashboard.tables import Col, show
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
    f"共 {docs.height:,} 个文件：正常 {counts.get('ok', 0):,}，部分读入 {counts.get('partial', 0):,}，"
    f"读取失败 {counts.get('failed', 0):,}。"
)
per_doc = (
    docs.join(corpus.budget_lines.group_by("doc_id").len("budget_lines"), on="doc_id", how="left")
    .join(corpus.indicators.group_by("doc_id").len("indicators"), on="doc_id", how="left")
    .join(corpus.accounts.group_by("doc_id").len("accounts"), on="doc_id", how="left")
    .with_columns((pl.col("coverage") * 100).alias("coverage_pct"))
)
show(
    per_doc,
    {
        "source_file": Col("文件", pinned=True),
        "status": Col("状态", vocabulary="status", width="small"),
        "kind_family": Col("类型"),
        "department": Col("部门"),
        "region": Col("地区"),
        "year": Col("年度", kind="year", width="small"),
        "budget_lines": Col("预算行", kind="count", width="small"),
        "indicators": Col("指标行", kind="count", width="small"),
        "accounts": Col("公开表数字", kind="count", width="small"),
        "coverage_pct": Col(
            "读懂比例",
            kind="rate",
            width="small",
            help="表格中的数字有多少读入了具体字段（其余的都列在读取问题里）",
        ),
        "message": Col("说明", width="large"),
    },
    key="documents_table",
)
names = docs["source_file"].to_list()
chosen = read_choice("doc", names, None)
chosen = st.selectbox(
    "查看读取问题",
    [None] + names,
    index=names.index(chosen) + 1 if chosen else 0,
    format_func=lambda n: "（选择文件）" if n is None else n,
    placeholder=chrome.CHOOSE_PLACEHOLDER,
    key="doc",
)
write("doc", chosen)
if chosen:
    doc = docs.filter(pl.col("source_file") == chosen).row(0, named=True)
    if doc.get("cells_numeric"):
        st.caption(
            f"表格数字 {doc['cells_numeric']} 个，读入 {doc['cells_placed']} 个；"
            f"部门取自：{doc.get('department_source') or '—'}；年度取自：{doc.get('year_source') or '—'}"
        )
    issues = corpus.parse_issues.filter(pl.col("source_file") == chosen)
    if issues.height:
        show(
            issues.with_columns(pl.col("code").alias("title")),
            {
                "severity": Col("级别", vocabulary="issue_severity", width="small"),
                "title": Col("问题", vocabulary="issue"),
                "message": Col("说明", width="large"),
                "source_line": Col("行", kind="count", width="small"),
                "code": Col("代码", width="small"),
            },
            key="issues_table",
        )
    else:
        st.success("该文件没有读取问题。")
link_box("documents")
