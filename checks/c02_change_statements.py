"""C02 增减变化表述矛盾: one year-on-year change stated twice differently, or a rate its amounts contradict."""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from checks.base import CheckInfo, CheckResult, make_flag, rate_explained

CHECK = CheckInfo(
    code="C02",
    title="同比增减的表述前后矛盾",
    explanation="同一个增减变化写成两个不同的增长率，或增长率与所列金额算不上，说明说明文字有误。",
    category="consistency",
    severity="medium",
    version="2",
    scope="row",
    defaults={"max_statements": 50},
    doc="""在正文数字（prose_figures）中找同一表述里的本年金额 X、比上年增减额 Y 与增减率 Z%
（“X万元，比上年增长Y万元，增长Z%”，“较上年X万元减少Y万元，降低Z%”，增减可写在下一句）。
以 (本年金额, 变化额) 为同一事实：两处所写的 Z 不同 → 中；Z 与 Y ÷ 上年金额 算不上（按四舍五入区间）→ 中。

例：衡阳市国资委正文第 20 行“项目支出390.56万元，比上年增长242.65万元，增长164%”，附件6 第 1671 行同一句写
“增长160%”；按金额应为 242.65 ÷ 147.91 = 164.05% → 第 1671 行为错。""",
)
_CURRENT = ("actual", "amount", "budget")  # the figure a change is of, in this order


def _statements(figures: pl.DataFrame) -> pl.DataFrame:
    """One row per stated change: its rate, amount of change, and the current or prior figure."""
    pf = figures.filter(pl.col("value").is_not_null() & ~pl.col("placeholder").fill_null(False))
    key = ["doc_id", "clause_id"]
    pct = pf.filter((pl.col("what") == "change_pct") & (pl.col("unit") == "%")).select(
        *key,
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
    docs = {r["doc_id"]: r for r in corpus.documents.iter_rows(named=True)}
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
                )
            )
    return result
