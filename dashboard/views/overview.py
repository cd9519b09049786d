"""总览: headline figures, the department ranking by risk, and the charts."""

from urllib.parse import urlencode

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.data import app_data
from dashboard.metrics import headline, totals
from dashboard.url_state import link_box

st.title("预算绩效自评报告审核总览")
data = app_data()
if data.error:
    st.warning(data.error)
corpus, run = data.corpus, data.run

if corpus.documents.height == 0:
    st.info("还没有读入任何报告。用 `budget-audit serve 文件夹` 指定报告所在位置。")
    st.stop()

t = totals(corpus, run.flags)
cols = st.columns(6)
cols[0].metric("文档", t["documents"], help=f"其中读取失败 {t['failed']} 个")
cols[1].metric("部门", t["departments"])
cols[2].metric("预算（万元）", f"{t['budget']:,.2f}")
cols[3].metric("执行（万元）", f"{t['actual']:,.2f}")
cols[4].metric("总体执行率", f"{t['rate']:.2f}%" if t["rate"] is not None else "—")
cols[5].metric("疑点（高/中/低）", f"{t['high']} / {t['medium']} / {t['low']}")
if t["failed"]:
    st.page_link("views/documents.py", label=f"有 {t['failed']} 个文件未能读取，查看原因")

st.subheader("部门风险排名")
st.caption(
    "风险分 = 疑点严重程度分（高 10、中 3、低 1；每项检查最多计 3 条）+ 5 × log10(涉及金额 + 1)。"
    "点击“查看 →”打开部门详情和原文。"
)
ranking = run.departments.with_columns(
    pl.struct("department", "year")
    .map_elements(
        lambda r: (
            f"department?{urlencode({'dept': r['department'] or '', 'year': r['year'] or ''})}"
        ),
        return_dtype=pl.String,
    )
    .alias("link")
)
st.dataframe(
    ranking.select(
        "rank",
        "department",
        "year",
        "risk_score",
        "high",
        "medium",
        "low",
        "amount_flagged",
        "categories",
        "link",
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "rank": st.column_config.NumberColumn("排名"),
        "department": "部门",
        "link": st.column_config.LinkColumn("详情", display_text="查看 →"),
        "year": st.column_config.NumberColumn("年度", format="%d"),
        "risk_score": st.column_config.ProgressColumn(
            "风险分",
            min_value=0,
            max_value=float(max(ranking["risk_score"].max() or 1, 1)),
            format="%.1f",
        ),
        "high": "高",
        "medium": "中",
        "low": "低",
        "amount_flagged": st.column_config.NumberColumn("涉及金额（万元）", format="%.2f"),
        "categories": "疑点类别",
    },
)

head = headline(corpus)
left, right = st.columns(2)
if head.height:
    left.plotly_chart(charts.execution_by_department(head), width="stretch")
    right.plotly_chart(charts.budget_vs_actual(head), width="stretch")
left, right = st.columns(2)
if run.flags.filter(pl.col("category") == "balance").height:
    left.plotly_chart(charts.idle_balances(run.flags), width="stretch")
if run.flags.height:
    right.plotly_chart(charts.flags_by_category(run.flags), width="stretch")
st.page_link("views/flags.py", label="查看全部高风险疑点", query_params={"sev": "high"})
link_box("")
