"""D10 数量与金额矛盾: 0 vehicles held beside a 公务用车运行维护费, or 0 projects under performance
targets beside project spending."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.d06_table_chain import facts
from checks.d07_text_vs_tables import EXTRA
from checks.disclosures import (
    count,
    department_totals,
    dept_key,
    disclosure_docs,
    money,
    sangong_of,
    severity_expr,
    to_flags,
)

CHECK = CheckInfo(
    code="D10",
    title="数量与金额互相矛盾",
    explanation="写有 0 辆车却安排或支出公务用车运行维护费，写 0 个项目实行绩效目标管理却有项目支出，两处至少有一处不实。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "vehicles": r"^(车辆|公务用车|机动车|汽车)$|共有车辆|车辆总数",
        "projects": r"绩效目标|绩效自评|绩效评价",
    },
    uses=("materiality",),
    doc="""同一部门同一年度的决算 / 预算文件中：

- 正文写共有车辆 0 辆（`vehicles`：主语为车辆 / 公务用车的数量），“三公”经费表中公务用车运行维护费（预算数或决算数）
  大于 0 → 报；
- 正文写 0 个项目实行绩效目标管理（或开展绩效自评；`projects`：同句有这些字样），而支出表（或正文）的项目支出大于 0
  → 报。例：江苏省人大常委会办公厅 2018 年预算“本部门共0个项目实行绩效目标管理，涉及财政性资金合计0万元”，
  同年项目支出 6,333.96 万元。

车辆多而运行费为 0 不报（执法执勤用车可由其他经费保障）。严重程度按 [materiality]（涉及金额 = 运行维护费或
项目支出）。""",
)


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = disclosure_docs(corpus).with_columns(dept_key=dept_key())
    keys = ["dept_key", "year"]
    pf = corpus.prose_figures.join(docs.select("doc_id", *keys), on="doc_id").filter(
        pl.col("what") == "count", pl.col("value").is_not_null()
    )
    totals = department_totals(corpus)
    findings = []
    # vehicles
    cars = pf.filter(
        pl.col("unit") == "辆", pl.col("subject").fill_null("").str.contains(settings["vehicles"])
    )
    running = (
        sangong_of(corpus)
        .join(docs.select("doc_id", *keys), on="doc_id")
        .filter(pl.col("category") == "公务用车运行维护费", pl.col("amount") > 0.005)
        .group_by(keys)
        .agg(
            running=pl.col("amount").max(),
            measure=pl.col("measure").first(),
            running_line=pl.col("source_line").first(),
        )
    )
    car_pairs = cars.join(running, on=keys)
    result.applied += car_pairs.height
    count(
        result,
        "没有车辆数或公务用车运行维护费",
        docs.height - car_pairs.select(keys).unique().height,
    )
    findings.append(
        car_pairs.filter(pl.col("value") == 0)
        .unique(["doc_id", "source_line"])
        .join(totals, on="doc_id", how="left")
        .select(
            "doc_id",
            "source_line",
            subject=pl.lit("车辆数与公务用车运行维护费"),
            message=pl.format(
                "第{}行写共有车辆 0 辆，而“三公”经费表中公务用车运行维护费{}为 {} 万元。",
                pl.col("source_line"),
                pl.col("measure"),
                money(pl.col("running")),
            ),
            evidence=pl.col("sentence").str.slice(0, 100),
            severity=severity_expr(pl.col("running"), settings),
            amount=pl.col("running"),
            key=pl.lit("vehicles"),
        )
    )
    # projects under performance targets
    none = pf.filter(
        pl.col("unit") == "个",
        pl.col("value") == 0,
        pl.col("subject").fill_null("").str.contains("项目"),
        pl.col("sentence").str.contains(settings["projects"]),
    )
    spent_tables = (
        pl.concat([facts(corpus), facts(corpus, EXTRA)], how="vertical_relaxed")
        .filter(pl.col("fact").is_in(["F03_project", "F05_project", "B01_project", "B03_project"]))
        .join(docs.select("doc_id", *keys), on="doc_id")
        .join(corpus.documents.select("doc_id", "source_file"), on="doc_id")
        .select(
            *keys,
            spent="amount",
            where=pl.format(
                "{}第{}行，{}", pl.col("table_title"), pl.col("source_line"), pl.col("source_file")
            ),
        )
    )
    spent_text = (
        corpus.prose_figures.join(docs.select("doc_id", *keys), on="doc_id")
        .filter(
            pl.col("subject").fill_null("").str.contains("^项目支出$"),
            pl.col("what").is_in(["amount", "budget", "actual"]),
            pl.col("basis").is_null(),
            pl.col("unit") == "万元",
        )
        .select(*keys, spent="value", where=pl.format("正文第{}行", pl.col("source_line")))
    )
    spent = (
        pl.concat([spent_tables, spent_text])
        .filter(pl.col("spent") > 0.005)
        .sort("spent", descending=True)
        .unique(keys, keep="first")
    )
    proj_pairs = none.join(spent, on=keys)
    result.applied += none.height
    findings.append(
        proj_pairs.unique(["doc_id", "source_line"])
        .join(totals, on="doc_id", how="left")
        .select(
            "doc_id",
            "source_line",
            subject=pl.lit("绩效目标管理项目数与项目支出"),
            message=pl.format(
                "第{}行写 0 个项目（{}），而项目支出为 {} 万元（{}）。",
                pl.col("source_line"),
                pl.col("sentence").str.extract(f"({settings['projects']})", 1),
                money(pl.col("spent")),
                pl.col("where"),
            ),
            evidence=pl.col("sentence").str.slice(0, 100),
            severity=severity_expr(pl.col("spent"), settings),
            amount=pl.col("spent"),
            key=pl.lit("projects"),
        )
    )
    result.documents = pl.concat([car_pairs.select("doc_id"), none.select("doc_id")])[
        "doc_id"
    ].n_unique()
    result.flags = to_flags(CHECK, pl.concat(findings, how="diagonal_relaxed"), corpus)
    return result
