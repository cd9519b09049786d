"""总览: headline figures, then one of two views: the department ranking by risk, or the charts.

The charts are a view of their own (排名 | 图表, ``view=charts`` in the URL) rather than drawn
under the ranking: the first chart on a page makes the browser fetch and compile plotly's 4.7 MB
module, about a second before a new session's first view is complete. The ranking view sends
no chart, so a new session never waits for plotly; the charts view loads it when asked for.
"""

import polars as pl
import streamlit as st

from checks.base import CATEGORIES
from checks.engine import rank_departments
from dashboard import charts, chrome, plain
from dashboard.auditor_export import ranking_for_auditors
from dashboard.data import app_data
from dashboard.export import to_csv_bytes
from dashboard.labels import label
from dashboard.metrics import headline_of, links_of, regions, totals
from dashboard.numbers import amount, count, rate
from dashboard.review_widgets import review_progress, reviewed
from dashboard.tables import Col, show
from dashboard.url_state import link_box, read_choice, read_many, write
from review.annotate import without_false_positives

TOP_CHOICES = ["10", "15", "20", "30"]
VIEWS = {"ranking": "排名", "charts": "图表"}  # URL value -> label; the first is the default

st.title("预算绩效自评报告审核总览")
data = app_data()
if data.error:
    st.warning(plain.md(data.error), icon=":material/warning:")
corpus, run = data.corpus, data.run

if corpus.documents.height == 0:
    st.info(
        "还没有读入任何报告。可在“上传”页添加报告，或用 budget-audit serve 文件夹 指定报告所在位置。"
    )
    st.stop()

where = regions(corpus.documents)
links = links_of(corpus)
region_options = sorted(where["region"].drop_nulls().unique().to_list())
year_options = sorted({str(y) for y in where["year"].drop_nulls().to_list()})

f = st.columns([3, 2, 3])
chosen_regions = f[0].multiselect(
    "地区",
    region_options,
    default=read_many("region", region_options),
    placeholder=chrome.SELECT_PLACEHOLDER,
    select_all=False,
    key="region",
)
chosen_years = f[1].multiselect(
    "年度",
    year_options,
    default=read_many("year", year_options),
    placeholder=chrome.SELECT_PLACEHOLDER,
    select_all=False,
    key="year",
)
chosen_cats = f[2].multiselect(
    "疑点类别",
    list(CATEGORIES),
    default=read_many("cat", list(CATEGORIES)),
    format_func=lambda c: label("category", c),
    placeholder=chrome.SELECT_PLACEHOLDER,
    select_all=False,
    key="cat",
)
if "fp" not in st.session_state:  # the toggle is drawn under each view's title, read here
    st.session_state["fp"] = read_choice("fp", ["hide"]) == "hide"
hide_fp = st.session_state["fp"]
for key, value in (("region", chosen_regions), ("year", chosen_years), ("cat", chosen_cats)):
    write(key, value)
write("fp", "hide" if hide_fp else None)
all_flags = reviewed(run.findings)  # one row per finding: the flags of one fact count once

# what is in view: departments of the chosen regions and years, findings of the chosen categories
in_view = where
if chosen_regions:
    in_view = in_view.filter(pl.col("region").is_in(chosen_regions))
if chosen_years:
    in_view = in_view.filter(pl.col("year").cast(pl.String).is_in(chosen_years))
keys = in_view.select("department", "year")
filtered = bool(chosen_regions or chosen_years)
docs = (
    corpus.documents.join(keys, on=["department", "year"], how="semi", nulls_equal=True)
    if filtered
    else corpus.documents
)
flags = without_false_positives(all_flags) if hide_fp else all_flags
flags = flags.filter(pl.col("category").is_in(chosen_cats)) if chosen_cats else flags
flags = (
    flags.join(keys, on=["department", "year"], how="semi", nulls_equal=True) if filtered else flags
)
head = headline_of(corpus)
head = (
    head.join(keys, on=["department", "year"], how="semi", nulls_equal=True) if filtered else head
)
ranking = rank_departments(corpus, flags) if chosen_cats or hide_fp else run.departments
if filtered:
    ranking = ranking.join(
        keys, on=["department", "year"], how="semi", nulls_equal=True
    ).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank"))
if chosen_cats:
    ranking = ranking.filter(pl.col("findings") > 0)

t = totals(docs, head, flags)
row1 = st.columns(4)
row1[0].metric("文档", count(t["documents"]), help=f"其中读取失败 {t['failed']:,} 个")
row1[1].metric("部门", count(t["departments"]))
row1[2].metric("预算（万元）", amount(t["budget"]))
row1[3].metric("执行（万元）", amount(t["actual"]))
row2 = st.columns(4)
row2[0].metric("总体执行率", rate(t["rate"]) or "无")
row2[1].metric("高风险问题", count(t["high"]), help="同一事实的疑点归为一个问题")
row2[2].metric("中风险问题", count(t["medium"]))
row2[3].metric("低风险问题", count(t["low"]))
if t["failed"]:
    st.page_link(
        "views/documents.py",
        label=f"有 {t['failed']:,} 个文件未能读取，查看原因",
        icon=":material/error:",
    )

view = st.segmented_control(
    "视图",
    list(VIEWS),
    default=read_choice("view", list(VIEWS), "ranking"),
    format_func=VIEWS.get,
    required=True,
    key="view",
    label_visibility="collapsed",
)
write("view", None if view == "ranking" else view)


def hide_false_positives_toggle() -> None:
    """The same toggle (same key and arguments) in both views, so switching keeps its state."""
    st.toggle("不计误报", key="fp", help="排名、问题数、涉及金额和图表不计审核为“误报”的问题")


if view == "ranking":
    st.subheader("部门风险排名")
    hide_false_positives_toggle()
    st.caption(
        "风险分 = 问题严重程度分（高 10、中 3、低 1；每项检查最多计 3 个）+ 5 × log10(涉及金额 + 1)；"
        "同一事实的疑点只算一个问题，包含在更大一笔里的金额不重复计算。"
        "点击“查看 →”打开部门详情和原文。" + ("按所选类别重新计分。" if chosen_cats else "")
    )
    ranking = (
        ranking.join(where, on=["department", "year"], how="left", nulls_equal=True)
        .join(links, on=["department", "year"], how="left", nulls_equal=True)
        .join(review_progress(all_flags), on=["department", "year"], how="left", nulls_equal=True)
    )
    show(
        ranking,
        {
            "department": Col("部门", pinned=True, width="medium"),
            "link": Col("详情", kind="link", pinned=True, width="small"),
            "rank": Col("排名", kind="count", width="small"),
            "year": Col("年度", kind="year", width="small"),
            "region": Col("地区"),
            "risk_score": Col("风险分", kind="score", width="small"),
            "已审核": Col("已审核", kind="count", width="small", help="属实、误报或已整改"),
            "待审核": Col("待审核", kind="count", width="small", help="未审核、待核实或数字已变化"),
            "high": Col("高", kind="count", width="small"),
            "medium": Col("中", kind="count", width="small"),
            "low": Col("低", kind="count", width="small"),
            "amount_flagged": Col("涉及金额（万元）", kind="amount"),
            "categories": Col("疑点类别", vocabulary="category", listed=True, width="large"),
        },
        height=min(36 * (ranking.height + 1) + 3, 422),
        key="ranking",
    )
    st.download_button(
        "下载排名（CSV）",
        lambda: to_csv_bytes(ranking_for_auditors(ranking)),
        file_name="部门风险排名.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",  # no rerun: its new file id could race the click
    )
else:
    st.subheader("执行率、预算、结余和问题的分布")
    c = st.columns([1, 1, 4], vertical_alignment="bottom")
    with c[0]:
        hide_false_positives_toggle()
    top = c[1].selectbox(
        "图表前 N 项",
        TOP_CHOICES,
        index=TOP_CHOICES.index(read_choice("top", TOP_CHOICES, "15")),
        placeholder=chrome.CHOOSE_PLACEHOLDER,
        key="top",
    )
    write("top", None if top == "15" else top)
    n = int(top)
    left, right = st.columns(2)
    if head.height:
        left.plotly_chart(
            charts.execution_distribution(head), width="stretch", config=charts.CONFIG
        )
        right.plotly_chart(charts.lowest_execution(head, n), width="stretch", config=charts.CONFIG)
    left, right = st.columns(2)
    if head.height:
        left.plotly_chart(charts.largest_budgets(head, n), width="stretch", config=charts.CONFIG)
    if flags.filter(pl.col("category") == "balance", pl.col("amount").is_not_null()).height:
        right.plotly_chart(charts.idle_balances(flags, n), width="stretch", config=charts.CONFIG)
    left, right = st.columns(2)
    if flags.height:
        left.plotly_chart(charts.flags_by_category(flags), width="stretch", config=charts.CONFIG)
    if ranking.height:
        right.plotly_chart(charts.risk_distribution(ranking), width="stretch", config=charts.CONFIG)
st.page_link(
    "views/flags.py",
    label="查看全部高风险疑点",
    query_params={"sev": "high"},
    icon=":material/list:",
)
link_box("")
