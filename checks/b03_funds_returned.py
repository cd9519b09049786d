"""B03 资金被财政收回: the report says unspent money was taken back by the treasury."""

from __future__ import annotations

import re

from checks.base import CheckInfo, CheckResult, fmt, frame_rows, make_flag

CHECK = CheckInfo(
    code="B03",
    title="结余资金被财政收回",
    explanation="资金被财政收回说明预算安排了却没有用上，是预算编制脱离实际的直接证据。",
    category="balance",
    severity="low",
    version="1",
    scope="row",
    defaults={
        "pattern": r"财政收回|全部收回|收回财政|上缴财政|已由财政收回",
        "high_amount": 1000.0,
    },
    doc="""在正文中找“被财政收回 / 全部收回 / 上缴财政”等说法；同一句给出的结余金额作为涉及金额。
金额达到 `high_amount` 万元（默认 1,000）为中，否则为低。正则可在 `pattern` 中调整。

- 例：长沙市工信局“指标结余13,203.38万元……结余指标均已被财政收回”→ 中，涉及 13,203.38 万元。""",
)
_ANY_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元")
_AMOUNT = re.compile(r"(?:结余|结转和结余|减少)(?:资金|指标)?\s*(\d[\d,]*(?:\.\d+)?)\s*万元")


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    pattern = re.compile(settings["pattern"])
    docs = {r["doc_id"]: r for r in frame_rows(corpus, "documents")}
    for doc_id, lines in corpus.texts.items():
        doc = docs.get(doc_id, {})
        for number, line in enumerate(lines, start=1):
            if "\t" in line or not pattern.search(line):
                continue
            result.applied += 1
            sentences = re.split(r"(?<=。)", line)
            at = next((i for i, s in enumerate(sentences) if pattern.search(s)), 0)
            sentence = sentences[at]
            # the amount returned: a balance in the same sentence, else in the sentence before
            amounts = (
                [float(a.replace(",", "")) for a in _AMOUNT.findall(sentence)]
                or [float(a.replace(",", "")) for a in _ANY_AMOUNT.findall(sentence)]
                or [
                    float(a.replace(",", ""))
                    for a in _AMOUNT.findall(sentences[at - 1] if at else "")
                ]
            )
            amount = max(amounts) if amounts else None
            row = {**doc, "source_line": number}
            result.flags.append(
                make_flag(
                    CHECK,
                    row,
                    subject="结余资金被收回",
                    severity="medium" if amount and amount >= settings["high_amount"] else "low",
                    message=f"报告说明结余资金被财政收回{f'，涉及 {fmt(amount)} 万元' if amount else ''}：“{sentence.strip()[:80]}”",
                    evidence=f"原文={line.strip()[:160]}",
                    amount=amount,
                    threshold=f"正文匹配：{settings['pattern']}",
                )
            )
    return result
