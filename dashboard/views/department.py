"""部门: one department and year — facts, budget lines, projects, indicators, narratives, flags."""

import polars as pl
import streamlit as st

from checks.base import CATEGORY_LABELS, SEVERITY_LABELS
from dashboard.data import app_data, departments
from dashboard.source_view import show_flag
from dashboard.url_state import link_box, read_choice, write

st.title("部门详情")
data = app_data()
corpus, run = data.corpus, data.run
pairs = departments(data)
if pairs.height == 0:
    st.info("没有可查看的部门：还没有读入任何报告，或所有文件都读取失败（见“文档”页）。")
    st.stop()

names = list(dict.fromkeys(pairs["department"].to_list()))
dept = read_choice("dept", names, names[0])
years = [str(y) for y in pairs.filter(pl.col("department") == dept)["year"].to_list()]
year_text = read_choice("year", years, years[0] if years else None)

c1, c2 = st.columns([3, 1])
dept = c1.selectbox("部门", names, index=names.index(dept), key="dept")
years = [str(y) for y in pairs.filter(pl.col("department") == dept)["year"].to_list()]
year_text = c2.selectbox(
    "年度", years, index=years.index(year_text) if year_text in years else 0, key="year"
)
year = int(year_text) if year_text else None
write("dept", dept)
write("year", year_text)

docs = corpus.documents.filter(pl.col("department") == dept, pl.col("year") == year)
flags = run.flags.filter(pl.col("department") == dept, pl.col("year") == year)
lines = corpus.budget_lines.filter(pl.col("department") == dept, pl.col("year") == year)
inds = corpus.indicators.filter(pl.col("department") == dept, pl.col("year") == year)
narr = corpus.narratives.filter(pl.col("department") == dept, pl.col("year") == year)

rank = run.departments.filter(pl.col("department") == dept, pl.col("year") == year)
m = st.columns(5)
m[0].metric("风险排名", f"{rank['rank'].item()} / {run.departments.height}" if rank.height else "—")
m[1].metric("风险分", f"{rank['risk_score'].item():.1f}" if rank.height else "0")
m[2].metric(
    "疑点（高/中/低）",
    " / ".join(
        str(flags.filter(pl.col("severity") == s).height) for s in ("high", "medium", "low")
    ),
)
m[3].metric("预算行", lines.height)
m[4].metric("绩效指标", inds.filter(pl.col("row_kind") == "indicator").height)
for doc in docs.iter_rows(named=True):
    st.caption(
        f"文件 {doc['source_file']} · {doc['kind']} · {doc['region'] or ''} · 读取状态：{doc['status']}"
        + (f"（{doc['message']}）" if doc["message"] else "")
    )

tab_flags, tab_budget, tab_projects, tab_ind, tab_text = st.tabs(
    [
        f"疑点（{flags.height}）",
        f"预算执行（{lines.height}）",
        "项目",
        f"绩效指标（{inds.height}）",
        f"文字（{narr.height}）",
    ]
)

with tab_flags:
    if flags.height == 0:
        st.success("该部门没有发现疑点。")
    selected = read_choice("flag", flags["flag_id"].to_list(), None)
    for flag in flags.iter_rows(named=True):
        label = (
            f"{SEVERITY_LABELS[flag['severity']]} · {CATEGORY_LABELS[flag['category']]} · {flag['check_id']} "
            f"· {flag['subject'][:30]} · 第{flag['source_line']}行"
        )
        with st.expander(label, expanded=flag["flag_id"] == selected):
            show_flag(flag, corpus.texts)
            st.caption(f"疑点编号 {flag['flag_id']}（可在链接中用 flag= 直接打开）")

with tab_budget:
    table = lines.with_columns(
        pl.when(pl.col("budget").fill_null(0) > 0)
        .then(pl.col("actual") / pl.col("budget") * 100)
        .otherwise(None)
        .round(2)
        .alias("rate")
    ).select(
        "source_line",
        "table",
        "item",
        "project",
        "budget_initial",
        "budget_adjustment",
        "budget",
        "actual",
        "balance",
        "rate_stated",
        "rate",
        "origin",
        "unit",
    )
    st.dataframe(
        table.to_pandas().style.map(
            lambda v: (
                ""
                if v is None or v != v
                else (
                    "background-color:#f8d7da"
                    if v < 60
                    else "background-color:#fff3cd"
                    if v < 90
                    else "background-color:#f8d7da"
                    if v > 110
                    else ""
                )
            ),
            subset=["rate"],
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "source_line": "行",
            "table": "表",
            "item": "项目/科目",
            "project": "所属项目",
            "budget_initial": "年初预算",
            "budget_adjustment": "追加",
            "budget": "全年预算",
            "actual": "执行",
            "balance": "结余",
            "rate_stated": "所列执行率%",
            "rate": "重算执行率%",
            "origin": "来源",
            "unit": "单位",
        },
    )
    st.caption("重算执行率：红色低于 60% 或高于 110%，黄色低于 90%。")

with tab_projects:
    projects = lines.filter(pl.col("project") != "", pl.col("row_kind") == "item").select(
        "project", "budget_initial", "budget", "actual", "rate_stated", "source_line"
    )
    if projects.height:
        st.dataframe(
            projects,
            hide_index=True,
            width="stretch",
            column_config={
                "project": "项目",
                "budget_initial": "年初预算/资金量",
                "budget": "全年预算",
                "actual": "执行",
                "rate_stated": "所列执行率%",
                "source_line": "行",
            },
        )
    else:
        st.info("该部门的报告中没有项目支出绩效自评表。")

with tab_ind:
    flagged = (
        flags.filter(pl.col("category").is_in(["indicator", "boilerplate", "arithmetic"]))
        .group_by("source_line")
        .agg(pl.col("check_id").unique().sort().str.join(",").alias("flags"))
    )
    view = inds.join(flagged, on="source_line", how="left").select(
        "source_line",
        "project",
        "level1",
        "level2",
        "name",
        "target",
        "actual",
        "weight",
        "score",
        "flags",
    )
    if view.height:
        st.dataframe(
            view.to_pandas().style.map(
                lambda v: "background-color:#fff3cd" if isinstance(v, str) and v else "",
                subset=["flags"],
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "source_line": "行",
                "project": "项目",
                "level1": "一级指标",
                "level2": "二级指标",
                "name": "三级指标",
                "target": "年度指标值",
                "actual": "实际完成值",
                "weight": "分值",
                "score": "得分",
                "flags": "疑点",
            },
        )
        st.caption("黄色“疑点”列标出该行被哪些检查标记（代码见“疑点”页签）。")
    else:
        st.info("该部门的报告中没有绩效指标表。")

with tab_text:
    for section in narr["section"].unique(maintain_order=True).to_list():
        part = narr.filter(pl.col("section") == section)
        with st.expander(f"{section}（{part.height}）"):
            for row in part.iter_rows(named=True):
                st.markdown(
                    f"- 第{row['source_line']}行{('（' + row['project'] + '）') if row['project'] else ''}：{row['text']}"
                )
    if narr.height == 0:
        st.info("没有识别出存在问题、改进措施或目标段落。")

link_box("department")
