"""D05 表内恒等关系不成立: a standard table's own identities (总表 balance, row totals, 三公)."""

from __future__ import annotations

import polars as pl

from checks.base import CheckInfo, CheckResult
from checks.disclosures import (
    accounts_of,
    count,
    decimals_expr,
    department_totals,
    disclosure_docs,
    half_unit_expr,
    money,
    sangong_of,
    severity_expr,
    to_flags,
)

CHECK = CheckInfo(
    code="D05",
    title="公开表内恒等关系不成立",
    explanation="决算 / 预算公开表自身的恒等关系（收支平衡、行合计、“三公”小计）不成立，说明表中数字有误。",
    category="arithmetic",
    severity="medium",
    version="1",
    scope="row",
    defaults={"min_difference": 0.0},
    uses=("materiality",),
    doc="""每张标准表内（`accounts`、`sangong`）：

- 收支总表、财政拨款收支总表：收入总计 = 本年收入合计（当年收入小计）+ 使用非财政拨款结余 + 年初结转和结余
  （上年结转）；支出总计 = 本年支出合计（当年支出小计）+ 结余分配 + 年末结转和结余（结转下年）；收入总计 =
  支出总计；本年收入合计 = 各项收入之和（“财政拨款”与其下的一般公共预算、政府性基金不重复相加，另比较
  财政拨款 = 各资金之和）；本年支出合计 = 各功能分类“类”之和（“类”印有编码时由 A01 比较），= 各支出用途
  （基本支出、项目支出、单位预留机动经费）之和；分资金的列各自比较。
- 行合计：收入表每行“合计” = 财政拨款收入 + 上级补助收入 + 事业收入 + …；支出表每行“合计” = 基本支出 +
  项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出（+ 单位预留机动经费、结转下年）；财政拨款收支总表
  每行“合计” = 各资金列之和。
- “三公”经费（预算数、决算数各自）：合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费；
  公务用车购置及运行维护费 = 购置费 + 运行维护费；江苏公开09表的“合计” = “三公”小计 + 会议费 + 培训费。

类 = Σ款 = Σ项 由 A01 比较，这里不重复。容差：n 个数相加最多差 (n + 1) × 半个末位单位（两位小数为
0.005），差额还须超过 `min_difference`。例：收支总表收入总计 524.26，本年收入合计 524.26，年初结转和结余空白
→ 一致；若总计印为 534.26 → 差 10.00 万元，报。严重程度按 [materiality]：涉及金额（差额）低于 `min_amount` 万元且低于部门收支总计的 `min_share`% 为低，达到 `high_share`% 为高，其余为中。""",
)

_INCOME_SUB = r"^(本年收入合计|当年收入小计|本年收入小计|收入小计)$"
_INCOME_TOTAL = r"^(总计|收入总计|收入合计)$"
_EXP_SUB = r"^(本年支出合计|当年支出小计|本年支出小计|支出小计)$"
_EXP_TOTAL = r"^(总计|支出总计|支出合计)$"
_INCOME_BALANCE = r"年初|上年结转|使用非财政拨款结余"
_EXP_BALANCE = r"年末|结转下年|结余分配"
_FISCAL_PARENT = r"^财政拨款(收入)?(（补助）)?(资金)?$"
_FUNDS = ["一般公共预算", "政府性基金", "国有资本经营"]
_SUMMARIES = ["fa_summary", "bu_summary", "fa_fiscal_summary", "bu_fiscal_summary"]
_INCOME_PARTS = [
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
    "财政专户管理资金",
    "其他资金",
    "上年结转",
]
_USE_PARTS = [
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
    "单位预留机动经费",
    "结转下年",
]
_SANGONG_TOTAL = {"合计": ["因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"]}
_SANGONG_CAR = {"公务用车购置及运行维护费": ["公务用车购置费", "公务用车运行维护费"]}

# one identity = a total cell and the cells that must add up to it
_ID = ["doc_id", "identity", "group"]
_MEMBER = {
    "doc_id": pl.String,
    "identity": pl.String,  # what is compared, in words
    "group": pl.String,  # which table / row / measure it is in
    "role": pl.String,  # total / part
    "label": pl.String,
    "amount": pl.Float64,
    "decimals": pl.Int32,
    "source_line": pl.Int32,
    "table_title": pl.String,
}


def _members(frame: pl.DataFrame, identity: str, group: pl.Expr, role: str, label: pl.Expr):
    return frame.select(
        "doc_id",
        identity=pl.lit(identity),
        group=group,
        role=pl.lit(role),
        label=label,
        amount="amount",
        decimals=decimals_expr(),
        source_line="source_line",
        table_title="table_title",
    )


def _summary_members(acc: pl.DataFrame) -> list[pl.DataFrame]:
    """收支总表 and 财政拨款收支总表: balance, totals of items, totals of uses."""
    s = acc.filter(pl.col("table_kind").is_in(_SUMMARIES), pl.col("row_kind") != "sub")
    item = pl.col("item").fill_null("")
    table = pl.format("{}（第{}张表）", pl.col("table_title"), pl.col("table_id"))
    fund = pl.col("fund").fill_null("全部资金")
    out = []
    income_total = s.filter(pl.col("side") == "income", item.str.contains(_INCOME_TOTAL))
    exp_total = s.filter(pl.col("side") == "expenditure", item.str.contains(_EXP_TOTAL))
    income_sub = s.filter(pl.col("side") == "income", item.str.contains(_INCOME_SUB))
    exp_sub = s.filter(pl.col("side") == "expenditure", item.str.contains(_EXP_SUB))
    balance = s.filter(pl.col("side") == "balance", pl.col("row_kind") != "sub")
    # income: 总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余
    name = "收入总计 = 本年收入合计 + 结转结余"
    out += [
        _members(income_total.filter(pl.col("fund").is_null()), name, table, "total", item),
        _members(income_sub.filter(pl.col("fund").is_null()), name, table, "part", item),
        _members(balance.filter(item.str.contains(_INCOME_BALANCE)), name, table, "part", item),
    ]
    name = "支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余"
    grouped = pl.format("{}·{}", table, fund)
    out += [
        _members(exp_total, name, grouped, "total", item),
        _members(exp_sub, name, grouped, "part", item),
        _members(
            balance.filter(item.str.contains(_EXP_BALANCE)),
            name,
            pl.format("{}·{}", table, pl.lit("全部资金")),
            "part",
            item,
        ),
    ]
    name = "收入总计 = 支出总计"
    out += [
        _members(income_total.filter(pl.col("fund").is_null()), name, table, "total", item),
        _members(
            exp_total.filter(pl.col("fund").is_null()),
            name,
            table,
            "part",
            pl.format("{}（支出方）", item),
        ),
    ]
    # 本年收入合计 = Σ income items (财政拨款 not added on top of its funds)
    items = s.filter(pl.col("side") == "income", pl.col("row_kind") == "item")
    has_funds = pl.col("fund").is_in(_FUNDS).any().over("doc_id", "table_id")
    parent = items.filter(item.str.contains(_FISCAL_PARENT) & pl.col("fund").is_null() & has_funds)
    leaves = items.filter(
        ~(item.str.contains(_FISCAL_PARENT) & pl.col("fund").is_null() & has_funds)
    )
    name = "本年收入合计 = 各项收入之和"
    out += [
        _members(income_sub.filter(pl.col("fund").is_null()), name, table, "total", item),
        _members(leaves, name, table, "part", item),
    ]
    name = "财政拨款 = 各资金之和"
    out += [
        _members(parent, name, table, "total", item),
        _members(
            items.filter(pl.col("fund").is_in(_FUNDS), has_funds),
            name,
            table,
            "part",
            item,
        ).join(
            parent.select("doc_id", "table_title").unique(),
            on=["doc_id", "table_title"],
            how="semi",
        ),
    ]
    # 本年支出合计 = Σ 类 (uncoded: A01 compares coded ones) and = Σ uses
    classes = s.filter(
        pl.col("side") == "expenditure",
        pl.col("row_kind") == "item",
        pl.col("classification") == "functional",
        pl.col("code").is_null(),
    )
    name = "本年支出合计 = 各类支出之和"
    out += [
        _members(exp_sub, name, grouped, "total", item),
        _members(classes, name, grouped, "part", item),
    ]
    uses = s.filter(
        pl.col("side") == "expenditure",
        pl.col("row_kind") == "item",
        pl.col("column").fill_null("").str.contains("支出用途"),
    )
    name = "本年支出合计 = 各支出用途之和"
    out += [
        _members(exp_sub.filter(pl.col("fund").is_null()), name, table, "total", item),
        _members(uses, name, table, "part", item),
    ]
    return out


def _row_members(acc: pl.DataFrame) -> list[pl.DataFrame]:
    """Each row's 合计 against its sources / uses / funds."""
    row = pl.format(
        "{}（第{}张表）第{}行“{}”",
        pl.col("table_title"),
        pl.col("table_id"),
        pl.col("source_line"),
        pl.coalesce(pl.col("code"), pl.col("item"), pl.lit("合计")),
    )
    key = ["doc_id", "table_id", "source_line", "code", "item"]
    rows = acc.filter(~pl.col("table_kind").is_in(["fa_sangong", "bu_sangong"]))
    totals = rows.filter(pl.col("measure") == "合计")
    name = "行合计 = 各来源 / 各用途之和"
    parts = rows.filter(pl.col("measure").is_in(_INCOME_PARTS + _USE_PARTS)).join(
        totals.select(key).unique(), on=key, how="semi", nulls_equal=True
    )
    out = [
        _members(totals, name, row, "total", pl.col("measure")),
        _members(parts, name, row, "part", pl.col("measure")),
    ]
    # fund columns beside a 合计 column (财政拨款收支总表)
    fund_total = rows.filter(
        pl.col("fund").is_null(), pl.col("column").fill_null("").str.contains("合计$")
    )
    funds = rows.filter(pl.col("fund").is_not_null()).join(
        fund_total.select(key).unique(), on=key, how="semi", nulls_equal=True
    )
    funds = funds.join(
        rows.filter(pl.col("fund").is_not_null())
        .group_by(key)
        .agg(pl.col("column").n_unique().alias("n")),
        on=key,
        nulls_equal=True,
    ).filter(pl.col("n") >= 1)
    name = "行合计 = 各资金列之和"
    out += [
        _members(
            fund_total.join(funds.select(key).unique(), on=key, how="semi", nulls_equal=True),
            name,
            row,
            "total",
            pl.col("column"),
        ),
        _members(funds, name, row, "part", pl.col("column")),
    ]
    return out


def _sangong_members(corpus, docs: pl.DataFrame) -> list[pl.DataFrame]:
    sg = (
        sangong_of(corpus)
        .join(docs.select("doc_id"), on="doc_id", how="semi")
        .with_columns(unit_printed=pl.lit("万元"), table_title=pl.lit("“三公”经费表"))
    )
    group = pl.format("“三公”经费{}", pl.col("measure"))
    out = []
    for spec in (_SANGONG_TOTAL, _SANGONG_CAR):
        for total, parts in spec.items():
            name = f"{total} = {' + '.join(parts)}"
            out += [
                _members(
                    sg.filter(pl.col("category") == total), name, group, "total", pl.col("category")
                ),
                _members(
                    sg.filter(pl.col("category").is_in(parts)),
                    name,
                    group,
                    "part",
                    pl.col("category"),
                ),
            ]
    # Jiangsu 公开09: the table's own 合计 = 三公 + 会议费 + 培训费
    acc = accounts_of(corpus).filter(pl.col("table_kind") == "bu_sangong")
    name = "合计 = “三公”经费 + 会议费 + 培训费"
    with_meetings = sg.filter(pl.col("category").is_in(["会议费", "培训费"]))
    out += [
        _members(
            acc.filter(pl.col("column") == "合计").join(
                with_meetings.select("doc_id").unique(), on="doc_id", how="semi"
            ),
            name,
            group.fill_null("“三公”经费预算数"),
            "total",
            pl.lit("合计"),
        ).with_columns(group=pl.lit("“三公”经费预算数")),
        _members(
            pl.concat(
                [sg.filter(pl.col("category") == "合计"), with_meetings], how="diagonal_relaxed"
            ),
            name,
            group,
            "part",
            pl.col("category"),
        ).join(
            acc.filter(pl.col("column") == "合计").select("doc_id").unique(),
            on="doc_id",
            how="semi",
        ),
    ]
    return out


def identities(corpus) -> pl.DataFrame:
    """One row per identity: the total, the sum of its parts, the difference, the tolerance."""
    docs = disclosure_docs(corpus)
    acc = accounts_of(corpus).filter(pl.col("unit_printed") != "%")
    parts = _summary_members(acc) + _row_members(acc) + _sangong_members(corpus, docs)
    members = pl.concat(
        [p.cast(_MEMBER) for p in parts if not p.is_empty()] or [pl.DataFrame(schema=_MEMBER)]
    )
    members = members.unique()
    totals = members.filter(pl.col("role") == "total")
    # a total printed twice in one group (a table read in two pieces) is one identity each
    sums = (
        members.filter(pl.col("role") == "part")
        .group_by(_ID)
        .agg(
            summed=pl.col("amount").sum(),
            n=pl.len(),
            part_dec=pl.col("decimals").max(),
            parts=pl.format("{} {}", pl.col("label"), pl.col("amount").round(2)).str.join("、"),
            part_lines=pl.col("source_line").unique().sort().cast(pl.String).str.join("、"),
        )
    )
    return (
        totals.join(sums, on=_ID, how="inner")
        .with_columns(
            diff=pl.col("summed") - pl.col("amount"),
            tolerance=(pl.col("n") + 1) * half_unit_expr(pl.max_horizontal("decimals", "part_dec"))
            + 1e-9,
        )
        .sort("doc_id", "source_line", "identity", "group")
    )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    ids = identities(corpus)
    result.applied = ids.height
    result.documents = ids["doc_id"].n_unique()
    count(
        result,
        "没有可比较的公开表",
        disclosure_docs(corpus).join(ids, on="doc_id", how="anti").height,
    )
    bad = ids.filter(
        pl.col("diff").abs() > pl.max_horizontal("tolerance", pl.lit(settings["min_difference"]))
    ).join(department_totals(corpus), on="doc_id", how="left")
    findings = bad.with_columns(
        subject=pl.format("{}·{}", pl.col("group"), pl.col("identity")),
        message=pl.format(
            "{}：“{}”为 {} 万元，按“{}”应为 {} 万元（{}），相差 {} 万元。",
            pl.col("group"),
            pl.col("label"),
            money(pl.col("amount")),
            pl.col("identity"),
            money(pl.col("summed")),
            pl.col("parts"),
            money(pl.col("diff")),
        ),
        evidence=pl.format(
            "{}；合计 {}（第{}行）；各项：{}（第{}行）；容差 {}",
            pl.col("identity"),
            pl.col("amount").round(2),
            pl.col("source_line"),
            pl.col("parts"),
            pl.col("part_lines"),
            pl.col("tolerance").round(3),
        ),
        severity=severity_expr(pl.col("diff"), settings),
        amount=pl.col("diff").abs(),
        threshold=pl.format("差额 > {}（(n+1) × 半个末位单位）", pl.col("tolerance").round(3)),
        related_at=pl.col("part_lines"),
        key=pl.format("{}|{}", pl.col("identity"), pl.col("group")),
    )
    result.flags = to_flags(CHECK, findings, corpus)
    return result
