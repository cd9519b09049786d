"""Plotly figures for the overview: distributions and top-N lists, never one bar per department.

At 1,000 departments × 3 years a bar per department is a solid block; every figure here draws
a bounded number of marks (a histogram's bins, the N largest or smallest), in a fixed order,
with names escaped (:func:`dashboard.plain.chart`) and amounts in the one number format.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from checks.base import CATEGORIES, SEVERITIES
from dashboard import plain
from dashboard.labels import label
from dashboard.numbers import AMOUNT_D3

FONT = dict(family="Noto Sans CJK SC, Microsoft YaHei, sans-serif")
SEVERITY_COLOURS = {"high": "#d62728", "medium": "#ff7f0e", "low": "#1f77b4"}
CONFIG = {"displayModeBar": False, "displaylogo": False}  # the mode bar speaks English
RATE_BANDS = [  # (upper bound %, colour): the execution-rate colours of the 部门 page
    (60, "#d62728"),
    (90, "#ffbf00"),
    (110, "#2ca02c"),
    (float("inf"), "#d62728"),
]
NAME_CHARS = 16
TICKS_D3 = ",.0f"  # axis scale marks: thousands separators; the amounts themselves use AMOUNT_D3


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, font=dict(size=15)),
        font=FONT,
        margin=dict(l=10, r=10, t=50, b=10),
        height=height,
        legend_title_text="",
        hoverlabel=dict(font=FONT),
        separators=".,",
    )
    return fig


def _name(department: str | None, year: int | None) -> str:
    """A department and year for an axis: escaped, long names shortened (full name on hover)."""
    text = department or "（未识别部门）"
    short = text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"
    return plain.chart(f"{short} {year or ''}".strip())


def _full(department: str | None, year: int | None) -> str:
    return plain.chart(f"{department or '（未识别部门）'} {year or ''}".strip())


def _count_axis(fig: go.Figure, largest: int, title: str) -> None:
    """A y axis of whole counts: integer ticks only (no "0, 1, 1, 2" from fractional steps)."""
    rough, step = max(largest / 5, 1), 1
    while step * 10 <= rough:
        step *= 10
    step = next(m * step for m in (1, 2, 5, 10) if m * step >= rough)
    fig.update_yaxes(title_text=title, tickformat=",d", dtick=step, rangemode="tozero")


def _rate_colour(rate: float) -> str:
    return next(colour for bound, colour in RATE_BANDS if rate < bound)


def with_rates(head: pl.DataFrame) -> pl.DataFrame:
    return head.filter(pl.col("budget") > 0).with_columns(
        (pl.col("actual") / pl.col("budget") * 100).alias("rate")
    )


def execution_distribution(head: pl.DataFrame, width: int = 10) -> go.Figure:
    """How many departments fall in each band of execution rate (0–10 % … ≥ 150 %)."""
    rates = with_rates(head)
    top = 150
    binned = (
        rates.with_columns(
            (pl.col("rate").clip(0, top).floordiv(width) * width).cast(pl.Int32).alias("low")
        )
        .group_by("low")
        .len()
        .sort("low")
    )
    lows = list(range(0, top + 1, width))
    count = dict(binned.iter_rows())
    labels = [f"{lo}–{lo + width}%" if lo < top else f"≥{top}%" for lo in lows]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[count.get(lo, 0) for lo in lows],
            marker_color=[_rate_colour(lo + width / 2) for lo in lows],
            hovertemplate="执行率 %{x}：%{y} 个部门<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    _count_axis(fig, max(count.values(), default=0), "部门数")
    return _layout(fig, f"预算执行率分布（{rates.height:,} 个部门年度）")


def lowest_execution(head: pl.DataFrame, n: int = 15) -> go.Figure:
    """The ``n`` department-years with the lowest execution rate."""
    rows = (
        with_rates(head)
        .sort("rate", "department", "year")
        .head(n)
        .reverse()  # Plotly draws the first category at the bottom
    )
    fig = go.Figure(
        go.Bar(
            x=rows["rate"].round(2).to_list(),
            y=[_name(d, y) for d, y in zip(rows["department"], rows["year"], strict=True)],
            orientation="h",
            marker_color=[_rate_colour(r) for r in rows["rate"]],
            text=[f"{r:.2f}%" for r in rows["rate"]],
            textposition="auto",
            customdata=[
                [_full(d, y), b, a]
                for d, y, b, a in zip(
                    rows["department"], rows["year"], rows["budget"], rows["actual"], strict=True
                )
            ],
            hovertemplate=(
                "%{customdata[0]}<br>执行率 %{x:.2f}%<br>"
                f"预算 %{{customdata[1]:{AMOUNT_D3}}} 万元<br>执行 %{{customdata[2]:{AMOUNT_D3}}} 万元"
                "<extra></extra>"
            ),
        )
    )
    fig.add_vline(x=90, line_dash="dash", line_color="#555")
    fig.update_xaxes(title_text="执行率（%）", ticksuffix="%", tickformat=".0f")
    fig.update_yaxes(type="category")
    return _layout(
        fig, f"执行率最低的 {rows.height} 个部门年度", height=max(300, 60 + 26 * rows.height)
    )


def largest_budgets(head: pl.DataFrame, n: int = 15) -> go.Figure:
    """Budget and spending of the ``n`` largest budgets, side by side."""
    rows = (
        head.sort("budget", "department", "year", descending=[True, False, False]).head(n).reverse()
    )
    names = [_name(d, y) for d, y in zip(rows["department"], rows["year"], strict=True)]
    fulls = [_full(d, y) for d, y in zip(rows["department"], rows["year"], strict=True)]
    fig = go.Figure()
    for column, title, colour in (("budget", "预算", "#1f5fa8"), ("actual", "执行", "#8ec1ea")):
        fig.add_trace(
            go.Bar(
                name=title,
                x=rows[column].round(2).to_list(),
                y=names,
                orientation="h",
                marker_color=colour,
                customdata=fulls,
                hovertemplate=f"%{{customdata}}<br>{title} %{{x:{AMOUNT_D3}}} 万元<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.12, traceorder="normal"))
    fig.update_xaxes(title_text="万元", tickformat=TICKS_D3, nticks=4)
    fig.update_yaxes(type="category")
    return _layout(
        fig,
        f"预算最大的 {rows.height} 个部门年度：预算与执行（万元）",
        height=max(320, 80 + 34 * rows.height),
    )


def idle_balances(flags: pl.DataFrame, top: int = 10) -> go.Figure:
    """The ``top`` largest idle balances flagged, coloured by severity."""
    rows = (
        flags.filter(pl.col("category") == "balance", pl.col("amount").is_not_null())
        .sort("amount", "finding_id" if "finding_id" in flags.columns else "flag_id", descending=[True, False])
        .head(top)
        .reverse()
    )
    n_rows = rows.height
    names = [  # numbered: two flags on the same item are two bars, never one merged category
        plain.chart(f"{n_rows - i}. {(d or '')[:10]}·{(s or '')[:12]}")
        for i, (d, s) in enumerate(zip(rows["department"], rows["subject"], strict=True))
    ]
    fig = go.Figure()
    for sev in SEVERITIES:
        part = [i for i, s in enumerate(rows["severity"]) if s == sev]
        if not part:
            continue
        fig.add_trace(
            go.Bar(
                name=label("severity", sev),
                x=[round(rows["amount"][i], 2) for i in part],
                y=[names[i] for i in part],
                orientation="h",
                marker_color=SEVERITY_COLOURS[sev],
                customdata=[
                    plain.chart(
                        f"{rows['department'][i]} {rows['year'][i] or ''}·{rows['subject'][i]}"
                    )
                    for i in part
                ],
                hovertemplate=f"%{{customdata}}<br>结余 %{{x:{AMOUNT_D3}}} 万元<extra></extra>",
            )
        )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names)
    fig.update_xaxes(title_text="万元", tickformat=TICKS_D3, nticks=4)
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", y=-0.15))
    return _layout(
        fig, f"闲置结余最大的 {rows.height} 项（万元）", height=max(300, 80 + 30 * rows.height)
    )


def flags_by_category(flags: pl.DataFrame) -> go.Figure:
    """Flags per category, stacked by severity; categories and severities in a fixed order."""
    counts = {(c, s): n for c, s, n in flags.group_by("category", "severity").len().iter_rows()}
    names = [label("category", c) for c in CATEGORIES]
    fig = go.Figure()
    for sev in SEVERITIES:
        fig.add_trace(
            go.Bar(
                name=label("severity", sev),
                x=names,
                y=[counts.get((c, sev), 0) for c in CATEGORIES],
                marker_color=SEVERITY_COLOURS[sev],
                hovertemplate=f"%{{x}} · {label('severity', sev)}：%{{y:,d}} 条<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.15, traceorder="normal"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=names)
    _count_axis(fig, max(flags.group_by("category").len()["len"].max() or 0, 0), "问题数")
    return _layout(fig, "问题按类别和严重程度")


def risk_distribution(ranking: pl.DataFrame, width: int = 10) -> go.Figure:
    """How many department-years fall in each band of risk score."""
    top = max(width, int((ranking["risk_score"].max() or 0) // width * width))
    binned = dict(
        ranking.with_columns(
            (pl.col("risk_score").clip(0, top).floordiv(width) * width).cast(pl.Int32).alias("low")
        )
        .group_by("low")
        .len()
        .iter_rows()
    )
    lows = list(range(0, top + 1, width))
    labels = [f"{lo}–{lo + width}" for lo in lows]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[binned.get(lo, 0) for lo in lows],
            marker_color="#8c564b",
            hovertemplate="风险分 %{x}：%{y:,d} 个部门年度<extra></extra>",
        )
    )
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=labels, title_text="风险分"
    )
    fig.update_yaxes(title_text="部门数", tickformat=",d")
    return _layout(fig, "风险分分布")
