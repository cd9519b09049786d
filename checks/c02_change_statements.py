"""C02 增减变化表述矛盾: one year-on-year change stated twice differently, or a rate its amounts contradict."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import CheckInfo, CheckResult, make_flag, prose_lines, rate_explained

CHECK = CheckInfo(
    code="C02",
    title="同比增减的表述前后矛盾",
    explanation="同一个增减变化写成两个不同的增长率，或增长率与所列金额算不上，说明说明文字有误。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={"max_statements": 50},
    doc="""在正文中找“X万元，比上年增长（增加/减少）Y万元，增长Z%”和“较上年X万元减少Y万元，降低Z%”的句子。
以 (本年金额, 变化额) 为同一事实：两处所写的 Z 不同 → 中；Z 与 Y ÷ 上年金额 算不上（按四舍五入区间）→ 中。

例：衡阳市国资委正文第 20 行“项目支出390.56万元，比上年增长242.65万元，增长164%”，附件6 第 1671 行同一句写
“增长160%”；按金额应为 242.65 ÷ 147.91 = 164.05% → 第 1671 行为错。""",
)
_CHANGE = re.compile(
    r"(?P<dir>增加|增长|减少|降低)\s*(?P<delta>\d[\d,]*(?:\.\d+)?)\s*万元[，,]\s*(?:增长|增加|减少|降低|下降)\s*(?P<pct>\d+(?:\.\d+)?)\s*%"
)
_AMOUNT = re.compile(r"(?P<prior>较上年|比上年)?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*万元")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    docs = {r["doc_id"]: r for r in corpus.documents.iter_rows(named=True)}
    for doc_id, lines in corpus.texts.items():
        facts: dict[tuple, list[dict]] = defaultdict(list)
        for number, line in prose_lines(lines):
            for m in _CHANGE.finditer(line):
                sentence_start = (
                    max(line.rfind("。", 0, m.start()), line.rfind("；", 0, m.start())) + 1
                )
                before = list(_AMOUNT.finditer(line[sentence_start : m.start()]))
                if not before:
                    continue
                amount_m = before[-1]
                amount = float(amount_m["amount"].replace(",", ""))
                delta = float(m["delta"].replace(",", ""))
                down = m["dir"] in ("减少", "降低")
                prior_given = bool(amount_m["prior"]) or line[
                    sentence_start : m.start()
                ].rstrip().endswith("较上年")
                base = amount if prior_given else (amount + delta if down else amount - delta)
                facts[(amount, delta)].append(
                    {
                        "line": number,
                        "pct": float(m["pct"]),
                        "pct_dec": _decimals(m["pct"]),
                        "base": base,
                        "delta": delta,
                        "dec": max(_decimals(m["delta"]), _decimals(amount_m["amount"])),
                        "text": line[sentence_start : m.end()],
                    }
                )
        for (amount, delta), stmts in list(facts.items())[: settings["max_statements"]]:
            result.applied += 1
            base = stmts[0]["base"]
            if base <= 0:
                continue
            recomputed = delta / base * 100
            wrong = [
                s
                for s in stmts
                if not rate_explained(s["pct"], s["pct_dec"], delta, base, s["dec"], s["dec"])
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
