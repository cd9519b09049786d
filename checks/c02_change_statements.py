"""C02 增减变化表述矛盾: one year-on-year change stated twice differently, or a rate its amounts contradict."""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from checks import materiality
from checks.base import CheckInfo, CheckResult, frame_rows, make_flag, rate_explained

CHECK = CheckInfo(
    code="C02",
    title="同比增减的表述前后矛盾",
    explanation="同一个增减变化写成两个不同的增长率，或增长率与所列金额算不上，说明说明文字有误。",
    category="consistency",
    severity="medium",
    version="3",
    scope="row",
    defaults={"max_statements": 50, "minor_points": 0.1},
    uses=("materiality",),
    doc="""在正文数字（prose_figures）中找同一表述里的本年金额 X、比上年增减额 Y 与增减率 Z%
（“X万元，比上年增长Y万元，增长Z%”，“较上年X万元减少Y万元，降低Z%”，增减可写在下一句）。
以 (本年金额, 变化额) 为同一事实：两处所写的 Z 不同 → 中；Z 与 Y ÷ 上年金额 算不上（按四舍五入区间）→ 中。

例：衡阳市国资委正文第 20 行“项目支出390.56万元，比上年增长242.65万元，增长164%”，附件6 第 1671 行同一句写
“增长160%”；按金额应为 242.65 ÷ 147.91 = 164.05% → 第 1671 行为错。

方向：同一表述的增减额写“增加”而增减率写“下降”（或相反）→ 中。

重要性：增长率只差不超过 `minor_points` 个百分点（默认 0.1，末位笔误，如江苏省政协办公厅 2018 年“增长 66.69%”
而 2,233.13 ÷ 3,348.98 = 66.68%）的为低；其余按 [materiality]，涉及金额 = 增长率之差 × 上年数
（江苏省人大常委会办公厅 2018 年“增长 1312.56%”应为 1212.56%，差 100 个百分点 × 128.43 万元 = 128.43 万元 → 中）。""",
)
_CURRENT = ("actual", "amount", "budget")  # the figure a change is of, in this order


def _statements(figures: pl.DataFrame) -> pl.DataFrame:
    """One row per stated change: its rate, amount of change, and the current or prior figure."""
    pf = figures.filter(pl.col("value").is_not_null() & ~pl.col("placeholder").fill_null(False))
    key = ["doc_id", "clause_id"]
    pct = pf.filter((pl.col("what") == "change_pct") & (pl.col("unit") == "%")).select(
        *key,
        pct_down=pl.col("direction") == "减少",
        pct=pl.col("value"),
        pct_dec=pl.col("decimals"),
        line=pl.col("source_line"),
        text=pl.col("sentence"),
    )
    change = pf.filter(
        (pl.col("what") == "change_amount")
        & (pl.col("unit") == "万元")
        & pl.col("direction").is_in(["增加", "减少"])
    ).select(
        *key,
        delta=pl.col("value"),
        delta_dec=pl.col("decimals"),
        down=pl.col("direction") == "减少",
    )
    current = (
        pf.filter(pl.col("what").is_in(list(_CURRENT)) & (pl.col("unit") == "万元"))
        .with_columns(rank=pl.col("what").replace_strict(list(_CURRENT), [0, 1, 2]))
        .sort("rank")
        .unique(key, keep="first", maintain_order=True)
        .select(*key, amount=pl.col("value"), amount_dec=pl.col("decimals"))
    )
    prior = pf.filter((pl.col("what") == "prior") & (pl.col("unit") == "万元")).select(
        *key, prior=pl.col("value"), prior_dec=pl.col("decimals")
    )
    return (
        pct.join(change, on=key)
        .join(current, on=key, how="left")
        .join(prior, on=key, how="left")
        .filter(pl.col("amount").is_not_null() | pl.col("prior").is_not_null())
        .with_columns(
            stated=pl.coalesce("prior", "amount"),
            base=pl.coalesce(
                "prior",
                pl.when(pl.col("down"))
                .then(pl.col("amount") + pl.col("delta"))
                .otherwise(pl.col("amount") - pl.col("delta")),
            ),
            # the base is the stated figure ∓ the change: as coarse as the coarser of the two
            base_dec=pl.min_horizontal("delta_dec", pl.coalesce("prior_dec", "amount_dec")),
        )
        .sort("doc_id", "line")
    )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = {r["doc_id"]: r for r in frame_rows(corpus, "documents")}
    statements = _statements(corpus.prose_figures)
    by_doc: dict[str, dict[tuple, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for s in statements.iter_rows(named=True):
        by_doc[s["doc_id"]][(s["stated"], s["delta"])].append(s)
    for doc_id, facts in by_doc.items():
        for (amount, delta), stmts in list(facts.items())[: settings["max_statements"]]:
            result.applied += 1
            base = stmts[0]["base"]
            if base <= 0:
                continue
            recomputed = delta / base * 100
            wrong = [
                s
                for s in stmts
                if not rate_explained(
                    s["pct"], s["pct_dec"], delta, base, s["delta_dec"], s["base_dec"]
                )
            ]
            distinct = {s["pct"] for s in stmts}
            opposed = [s for s in stmts if s["pct_down"] is not None and s["pct_down"] != s["down"]]
            if opposed:
                _direction_flag(result, docs[doc_id], opposed[0], amount, delta)
                continue
            if not wrong and len(distinct) == 1:
                continue
            target = wrong[0] if wrong else stmts[-1]
            row = {**docs[doc_id], "source_line": target["line"]}
            if len(distinct) > 1:
                message = (
                    f"同一变化（{amount:g} 万元，变化 {delta:g} 万元）写成不同增长率："
                    + "、".join(f"第{s['line']}行 {s['pct']:g}%" for s in stmts)
                    + f"；按金额应为 {recomputed:.2f}%。"
                )
            else:
                message = f"第 {target['line']} 行写变化 {delta:g} 万元、{target['pct']:g}%，但 {delta:g} ÷ {base:g} = {recomputed:.2f}%。"
            result.flags.append(
                make_flag(
                    CHECK,
                    row,
                    subject=f"同比变化 {delta:g} 万元",
                    message=message,
                    evidence="；".join(f"第{s['line']}行：{s['text'][:60]}" for s in stmts),
                    related="; ".join(
                        f"{docs[doc_id]['source_file']}:{s['line']}"
                        for s in stmts
                        if s is not target
                    ),
                    key=f"{amount}-{delta}",
                    amount=max(abs(s["pct"] - recomputed) for s in stmts) / 100 * base,
                )
            )
            gap = max(abs(s["pct"] - recomputed) for s in stmts)
            result.flags[-1]["_minor"] = gap <= settings["minor_points"] and len(distinct) == 1
    result.documents = len(by_doc)
    _rate_severity(result.flags, corpus, settings)
    return result


def _direction_flag(result: CheckResult, doc: dict, s: dict, amount: float, delta: float) -> None:
    said = ("减少", "增加") if s["down"] else ("增加", "减少")
    result.flags.append(
        make_flag(
            CHECK,
            {**doc, "source_line": s["line"]},
            subject=f"增减方向 {delta:g} 万元",
            message=f"第 {s['line']} 行增减额写“{said[0]}”{delta:g} 万元，增减率却写“{said[1]}”"
            f" {s['pct']:g}%，方向相反。",
            evidence=s["text"][:80],
            key=f"direction-{amount}-{delta}",
        )
    )


def _rate_severity(flags: list[dict], corpus, settings: dict) -> None:
    """A rate off by a last-digit slip is low; otherwise the money the wrong rate implies, over the
    department's total ([materiality])."""
    if not flags:
        return
    budgets = materiality.department_budgets(corpus)
    frame = pl.DataFrame(
        [(i, f["department"], f["year"], f["amount"]) for i, f in enumerate(flags)],
        schema={"i": pl.Int64, "department": pl.String, "year": pl.Int32, "amount": pl.Float64},
        orient="row",
    ).join(budgets, on=["department", "year"], how="left", nulls_equal=True)
    graded = frame.with_columns(sev=materiality.severity(pl.col("amount"), settings)).sort("i")
    for f, sev in zip(flags, graded["sev"], strict=True):
        minor = f.pop("_minor", False)
        if f["amount"] is not None:
            f["severity"] = "low" if minor else sev
