"""部门: one department and year — facts, findings grouped by category and severity, tables, text.

The URL keeps the department, the year, the open tab (``tab``) and the opened flag (``flag``),
so a copied link reopens exactly what the auditor was looking at.
"""

import polars as pl
import streamlit as st

from checks.base import CATEGORIES, SEVERITIES
from dashboard import chrome, plain
from dashboard.briefing_download import briefing_button
from dashboard.data import app_data, departments
from dashboard.labels import label
from dashboard.numbers import count, score
from dashboard.review_widgets import STATUS_PARAM, decision_panel, reviewed, status_filter
from dashboard.source_view import show_finding
from dashboard.tables import Col, show
from dashboard.url_state import link_box, read_choice, read_many, write
from review.annotate import filter_status, status_label

UNKNOWN_YEAR = "年度不详"
TABS = {
    "flags": "问题",
    "budget": "预算执行",
    "projects": "项目",
    "indicators": "绩效指标",
    "text": "文字",
}
RATE_STYLE = [  # (test on the recomputed rate, cell style): red below 60 or above 110, amber below 90
    (lambda r: r < 60, "background-color:#f8d7da"),
    (lambda r: r > 110, "background-color:#f8d7da"),
    (lambda r: r < 90, "background-color:#fff3cd"),
]


def _year_text(year) -> str:
    return UNKNOWN_YEAR if year is None else str(year)


def _of(frame: pl.DataFrame, dept: str, year: int | None) -> pl.DataFrame:
    when_year = pl.col("year").is_null() if year is None else pl.col("year") == year
    return frame.filter(pl.col("department") == dept, when_year)


def _rate_style(value) -> str:
    if value is None or value != value:
        return ""
    return next((style for test, style in RATE_STYLE if test(value)), "")


def _opened(flag_id: str) -> None:
    """An expander was opened or closed: the URL names the flag that is open."""
    if st.session_state.get(f"fx_{flag_id}"):
        st.query_params["flag"] = flag_id
    elif st.query_params.get("flag") == flag_id:
        del st.query_params["flag"]


st.title("部门详情")
data = app_data()
corpus, run = data.corpus, data.run
pairs = departments(data)
if pairs.height == 0:
    st.info("没有可查看的部门：还没有读入任何报告，或所有文件都读取失败（见“文档”页）。")
    st.stop()

names = list(dict.fromkeys(pairs["department"].to_list()))
dept = read_choice("dept", names, names[0])
years = [_year_text(y) for y in pairs.filter(pl.col("department") == dept)["year"].to_list()]
year_text = read_choice("year", years, years[0] if years else None)

c1, c2 = st.columns([3, 1])
dept = c1.selectbox(
    "部门", names, index=names.index(dept), placeholder=chrome.CHOOSE_PLACEHOLDER, key="dept"
)
years = [_year_text(y) for y in pairs.filter(pl.col("department") == dept)["year"].to_list()]
year_text = c2.selectbox(
    "年度",
    years,
    index=years.index(year_text) if year_text in years else 0,
    placeholder=chrome.CHOOSE_PLACEHOLDER,
    key="year",
)
year = None if year_text in (None, UNKNOWN_YEAR) else int(year_text)
write("dept", dept)
write("year", year_text)

corpus = corpus.part(dept, year) if hasattr(corpus, "part") else corpus  # its partition only
docs = _of(corpus.documents, dept, year)
dept_flags = _of(run.flags, dept, year)
flags = reviewed(_of(run.findings, dept, year))  # one row per finding (the flags of one fact)
lines = _of(corpus.budget_lines, dept, year)
inds = _of(corpus.indicators, dept, year)
narr = _of(corpus.narratives, dept, year)

rank = _of(run.departments, dept, year)
by_sev = dict(flags.group_by("severity").len().iter_rows())
m = st.columns(7)
m[0].metric(
    f"风险排名（共 {run.departments.height:,}）",
    count(rank["rank"].item()) if rank.height else "无",
)
m[1].metric("风险分", score(rank["risk_score"].item()) if rank.height else "0.0")
for col, sev in zip(m[2:5], SEVERITIES, strict=True):
    col.metric(f"{label('severity', sev)}风险问题", count(by_sev.get(sev, 0)))
m[5].metric("预算行", count(lines.height))
m[6].metric("绩效指标", count(inds.filter(pl.col("row_kind") == "indicator").height))
for doc in docs.iter_rows(named=True):
    plain.note(
        f"文件 {doc['source_file']} · {doc['kind']} · {doc['region'] or '地区不详'} · "
        f"读取状态：{label('status', doc['status'])}"
        + (f"（{doc['message']}）" if doc["message"] else "")
    )
briefing_button(data, dept, year)

tab_codes = list(TABS)
counts = {
    "flags": flags.height,
    "budget": lines.height,
    "projects": None,
    "indicators": inds.height,
    "text": narr.height,
}
titles = {
    code: TABS[code] + (f"（{counts[code]:,}）" if counts[code] is not None else "")
    for code in tab_codes
}
wanted_tab = read_choice("tab", tab_codes, "flags")
tabs = st.tabs(
    [titles[c] for c in tab_codes],
    default=titles[wanted_tab],
    key=f"tab_{dept}_{year_text}",
    on_change="rerun",
)
active = next((c for c, t in zip(tab_codes, tabs, strict=True) if t.open), wanted_tab)
write("tab", None if active == "flags" else active)
tab = dict(zip(tab_codes, tabs, strict=True))

if tab["flags"].open:
    with tab["flags"]:
        if flags.height == 0:
            st.success("该部门没有发现疑点。")
        present = [c for c in CATEGORIES if c in set(flags["category"].to_list())]
        f1, f2, f3 = st.columns([3, 2, 2])
        cats = f1.pills(
            "类别",
            present,
            selection_mode="multi",
            default=read_many("fcat", present),
            format_func=lambda c: label("category", c),
            key="fcat",
        )
        sevs = f2.pills(
            "严重程度",
            list(SEVERITIES),
            selection_mode="multi",
            default=read_many("fsev", list(SEVERITIES)),
            format_func=lambda s: label("severity", s),
            key="fsev",
        )
        write("fcat", cats)
        write("fsev", sevs)
        statuses = status_filter(f3)
        shown = filter_status(flags, statuses)
        if cats:
            shown = shown.filter(pl.col("category").is_in(cats))
        if sevs:
            shown = shown.filter(pl.col("severity").is_in(sevs))
        if flags.height and shown.height < flags.height:
            st.caption(f"显示 {shown.height:,} 个，共 {flags.height:,} 个")
        # a link may name one of a finding's flags (a link made before findings existed)
        of_flag = dict(zip(dept_flags["flag_id"], dept_flags["finding_id"], strict=True))
        if st.query_params.get("flag") in of_flag:
            st.query_params["flag"] = of_flag[st.query_params["flag"]]
        selected = read_choice("flag", flags["finding_id"].to_list(), None)
        for category in CATEGORIES:
            part = shown.filter(pl.col("category") == category)
            if part.height == 0:
                continue
            st.markdown(f"##### {label('category', category)}（{part.height:,}）")
            for sev in SEVERITIES:
                group = part.filter(pl.col("severity") == sev).sort(
                    pl.col("amount").fill_null(0), "source_line", descending=[True, False]
                )
                for finding in group.iter_rows(named=True):
                    fid = finding["finding_id"]
                    also = finding["checks"].split("、")[1:]
                    others = f"（另见 {'、'.join(also)}）" if also else ""
                    title = (
                        f"{label('severity', sev)} · {finding['check_id']} "
                        f"{finding['check_title'] or ''}{others} · "
                        f"{(finding['subject'] or '')[:30]} · 第{finding['source_line']}行"
                        f" · {status_label(finding)}"
                    )
                    with st.expander(
                        plain.md(title),
                        expanded=fid == selected,
                        key=f"fx_{fid}",
                        on_change=_opened,
                        args=(fid,),
                    ) as box:
                        if box.open:
                            show_finding(finding, dept_flags, corpus.texts)
                            st.caption(f"问题编号 {fid}（链接中的 flag= 直接打开这一个）")
                            decision_panel(finding, key=fid)
        st.page_link(
            "views/flags.py",
            label="在问题清单中查看",
            query_params=[("dept", dept)]
            + ([("year", str(year))] if year is not None else [])
            + [(STATUS_PARAM, s) for s in statuses],
            icon=":material/list:",
        )

if tab["budget"].open:
    with tab["budget"]:
        table = lines.with_columns(
            pl.when(pl.col("budget").fill_null(0) > 0)
            .then(pl.col("actual") / pl.col("budget") * 100)
            .otherwise(None)
            .round(2)
            .alias("rate")
        )
        show(
            table,
            {
                "source_line": Col("行", kind="count", width="small"),
                "table": Col("表"),
                "item": Col("项目/科目"),
                "project": Col("所属项目"),
                "unit": Col("单位", width="small"),
                "budget_initial": Col("年初预算", kind="amount"),
                "budget_adjustment": Col("追加", kind="amount"),
                "budget": Col("全年预算", kind="amount"),
                "actual": Col("执行", kind="amount"),
                "balance": Col("结余", kind="amount"),
                "rate_stated": Col("所列执行率", kind="rate"),
                "rate": Col("重算执行率", kind="rate"),
                "origin": Col("来源", vocabulary="origin", width="small"),
            },
            styles={"rate": _rate_style},
            key="budget_table",
        )
        st.caption(
            "金额单位见“单位”列（多为万元）。重算执行率：红色低于 60% 或高于 110%，黄色低于 90%。"
        )

if tab["projects"].open:
    with tab["projects"]:
        projects = lines.filter(pl.col("project") != "", pl.col("row_kind") == "item")
        if projects.height:
            show(
                projects,
                {
                    "project": Col("项目"),
                    "item": Col("科目"),
                    "budget_initial": Col("年初预算/资金量（万元）", kind="amount"),
                    "budget": Col("全年预算（万元）", kind="amount"),
                    "actual": Col("执行（万元）", kind="amount"),
                    "rate_stated": Col("所列执行率", kind="rate"),
                    "source_line": Col("行", kind="count", width="small"),
                },
                key="projects_table",
            )
        else:
            st.info("该部门的报告中没有项目支出绩效自评表。")

if tab["indicators"].open:
    with tab["indicators"]:
        flagged = (
            dept_flags.filter(pl.col("category").is_in(["indicator", "boilerplate", "arithmetic"]))
            .group_by("source_line")
            .agg(pl.col("check_id").unique().sort().str.join("、").alias("flags"))
        )
        view = inds.join(flagged, on="source_line", how="left")
        if view.height:
            show(
                view,
                {
                    "source_line": Col("行", kind="count", width="small"),
                    "project": Col("项目"),
                    "level1": Col("一级指标"),
                    "level2": Col("二级指标"),
                    "name": Col("三级指标"),
                    "target": Col("年度指标值"),
                    "actual": Col("实际完成值"),
                    "weight": Col("分值"),
                    "score": Col("得分"),
                    "flags": Col("疑点"),
                },
                styles={"flags": lambda v: "background-color:#fff3cd" if v else ""},
                key="indicators_table",
            )
            st.caption("黄色“疑点”列标出该行被哪些检查标记（代码见“疑点”页签）。")
        else:
            st.info("该部门的报告中没有绩效指标表。")

if tab["text"].open:
    with tab["text"]:
        for section in narr["section"].unique(maintain_order=True).to_list():
            part = narr.filter(pl.col("section") == section)
            with st.expander(plain.md(f"{section}（{part.height:,}）")):
                for row in part.iter_rows(named=True):
                    project = f"（{row['project']}）" if row["project"] else ""
                    plain.text(f"第{row['source_line']}行{project}：{row['text']}")
        if narr.height == 0:
            st.info("没有识别出存在问题、改进措施或目标段落。")

link_box("department")
