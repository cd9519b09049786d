"""Plotly figures for the overview: aggregated per department, so they stay small."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from checks.base import CATEGORY_LABELS, SEVERITY_LABELS

_FONT = dict(family="Noto Sans CJK SC, Microsoft YaHei, sans-serif")


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        font=_FONT,
        margin=dict(l=10, r=10, t=50, b=10),
        height=360,
        legend_title_text="",
    )
    return fig


def execution_by_department(headline: pl.DataFrame) -> go.Figure:
    df = (
        headline.filter(pl.col("budget") > 0)
        .with_columns(
            (pl.col("actual") / pl.col("budget") * 100).round(2).alias("执行率"),
            (pl.col("department") + " " + pl.col("year").cast(pl.String)).alias("部门"),
        )
        .sort("执行率")
    )
    fig = px.bar(
        df.to_pandas(),
        x="执行率",
        y="部门",
        orientation="h",
        text="执行率",
        color="执行率",
        color_continuous_scale=["#d62728", "#ffbf00", "#2ca02c"],
        range_color=[50, 100],
    )
    fig.add_vline(x=90, line_dash="dash", line_color="#555", annotation_text="90%")
    fig.update_coloraxes(showscale=False)
    return _layout(fig, "各部门预算执行率（%）")


def budget_vs_actual(headline: pl.DataFrame) -> go.Figure:
    df = headline.with_columns(
        (pl.col("department") + " " + pl.col("year").cast(pl.String)).alias("部门")
    )
    long = df.select(
        "部门", pl.col("budget").alias("预算"), pl.col("actual").alias("执行")
    ).unpivot(index="部门", variable_name="口径", value_name="万元")
    fig = px.bar(long.to_pandas(), x="部门", y="万元", color="口径", barmode="group")
    return _layout(fig, "预算与执行（万元）")


def idle_balances(flags: pl.DataFrame, top: int = 10) -> go.Figure:
    df = (
        flags.filter(pl.col("category") == "balance", pl.col("amount").is_not_null())
        .sort("amount", descending=True)
        .head(top)
        .with_columns(
            (
                pl.col("department").str.slice(0, 12) + "·" + pl.col("subject").str.slice(0, 14)
            ).alias("项目")
        )
    )
    fig = px.bar(
        df.to_pandas(),
        x="amount",
        y="项目",
        orientation="h",
        labels={"amount": "结余（万元）"},
        color="severity",
        color_discrete_map={"high": "#d62728", "medium": "#ff7f0e", "low": "#1f77b4"},
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, f"闲置结余最大的 {top} 项（万元）")


def flags_by_category(flags: pl.DataFrame) -> go.Figure:
    df = (
        flags.group_by("category", "severity")
        .len()
        .with_columns(
            pl.col("category")
            .replace_strict(CATEGORY_LABELS, default=pl.col("category"))
            .alias("类别"),
            pl.col("severity")
            .replace_strict(SEVERITY_LABELS, default=pl.col("severity"))
            .alias("严重程度"),
        )
    )
    fig = px.bar(
        df.to_pandas(),
        x="类别",
        y="len",
        color="严重程度",
        labels={"len": "疑点数"},
        color_discrete_map={"高": "#d62728", "中": "#ff7f0e", "低": "#1f77b4"},
        category_orders={"严重程度": ["高", "中", "低"]},
    )
    return _layout(fig, "疑点按类别和严重程度")
