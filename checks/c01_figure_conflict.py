"""C01 同一数字前后不一: one quantity stated with different values in two places of a report."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import CheckInfo, CheckResult, fmt, make_flag, place, prose_lines

CHECK = CheckInfo(
    code="C01",
    title="同一数字前后不一致",
    explanation="同一个项目或科目在表格、正文、附件中写成不同的数，至少有一处是错的。",
    category="consistency",
    severity="medium",
    version="1",
    scope="row",
    defaults={
        "name_similarity": 85.0,
        "mention_max_gap": 20.0,
        "generic_items": [
            "合计",
            "小计",
            "总计",
            "本年支出合计",
            "本年收入合计",
            "资金总额",
            "年度资金总额",
            "年度财政资金总额",
            "当年财政拨款",
            "其他资金",
            "上年结转资金",
        ],
    },
    doc="""同一文件内：

- 名称相同的预算行（去掉编号、“部门”“其中”等字样；项目表按项目名称）在不同表格或正文中的预算数、
  执行数或年初预算不同。两数小数位相同则必须相等，小数位不同时允许较粗一位的舍入（1083.888 与 1083.88 一致）；
- 正文提到某个项目“××经费 N 万元”，项目名称相似度 ≥ `name_similarity`（按字计，默认 85），金额与该项目的
  任何数字都不同且相差不超过 `mention_max_gap`%（默认 20%）；例：江汉区正文“企业托管改制工作专项经费2.95万元”，
  项目表“企业改制托管工作专项经费”执行数 2.94 万元 → 中；
- 正文的编制人数与基础数据表的编制数不同；例：衡阳市国资委正文“编制人数40人”，基础数据表编制数 48 → 中。

排除：经济分类（30x 科目）与功能分类同名科目不是同一数字；合计类名称（`generic_items`）不按名称比较。""",
)
_NORM = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.．]|其中[：:]?|部门)+|[\s“”\"（）()：:、，,。]|情况$"
)
_MENTION = re.compile(r"([\u4e00-\u9fff]{2,20}?(?:经费|资金|专项))\s*(\d[\d,]*(?:\.\d+)?)\s*万元")
_STAFF = re.compile(r"编制(?:人)?数\s*(\d+)\s*(?:人|个)")
_FIELDS = {"budget": "预算数", "actual": "执行数", "budget_initial": "年初预算"}


def _key(row: dict) -> str:
    return _NORM.sub(
        "",
        row["project"] if row.get("project") and row["row_kind"] == "item" else row["item"] or "",
    )


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def same_figure(a: float, b: float) -> bool:
    """Equal, or equal after rounding the more precise one to the coarser precision."""
    da, db = _decimals(a), _decimals(b)
    if da == db:
        return abs(a - b) < 1e-9
    coarse = min(da, db)
    return abs(a - b) <= 10**-coarse + 1e-9


def char_similarity(a: str, b: str) -> float:
    """Share of characters in common (order-free): 企业托管改制 ≈ 企业改制托管."""
    from collections import Counter

    ca, cb = Counter(a), Counter(b)
    common = sum((ca & cb).values())
    return 200 * common / (len(a) + len(b)) if a and b else 0.0


def _item_conflicts(rows: list[dict], settings: dict, result: CheckResult) -> None:
    generic = set(settings["generic_items"])
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if (
            row["unit"] != "万元"
            or (row.get("code") or "").startswith("3")
            or row["row_kind"] == "sub"
        ):
            continue
        key = _key(row)
        if len(key) >= 2 and key not in generic:
            groups[(row["doc_id"], key)].append(row)
    for (_, key), members in groups.items():
        if len({(r["table_id"], r["origin"]) for r in members}) < 2:
            continue
        for field, label in _FIELDS.items():
            have = [r for r in members if r.get(field) is not None]
            if len(have) < 2:
                continue
            result.applied += 1
            base = have[0]
            others = [r for r in have[1:] if not same_figure(base[field], r[field])]
            if not others:
                continue
            odd = others[0]
            result.flags.append(
                make_flag(
                    CHECK,
                    base,
                    subject=key,
                    message=f"“{key}”的{label}在第 {base['source_line']} 行为 {fmt(base[field], 3).rstrip('0').rstrip('.')} 万元，"
                    f"第 {odd['source_line']} 行却为 {fmt(odd[field], 3).rstrip('0').rstrip('.')} 万元。",
                    evidence="；".join(
                        f"{r['table']}第{r['source_line']}行={r[field]}" for r in have
                    ),
                    related="; ".join(place(r) for r in others),
                    amount=abs(base[field] - odd[field]),
                    key=field,
                )
            )


def _mentions(corpus, rows: list[dict], settings: dict, result: CheckResult) -> None:
    projects: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        name = row.get("project") or (row["item"] if row["origin"] == "prose" else "")
        if name and len(name) >= 4:
            projects[(row["doc_id"], name)].append(row)
    docs = {r["doc_id"]: r for r in corpus.documents.iter_rows(named=True)}
    by_doc: dict[str, list[tuple[str, list[dict]]]] = defaultdict(list)
    for (doc_id, name), prows in projects.items():
        by_doc[doc_id].append((name, prows))
    for doc_id, lines in corpus.texts.items():
        names = by_doc.get(doc_id)
        if not names:
            continue
        for number, line in prose_lines(lines):
            for m in _MENTION.finditer(line):
                label, value = m.group(1), float(m.group(2).replace(",", ""))
                for name, prows in names:
                    tail = label[-len(name) :]
                    if char_similarity(tail, name) < settings["name_similarity"]:
                        continue
                    figures = [
                        r[f]
                        for r in prows
                        for f in ("budget", "actual", "budget_initial")
                        if r.get(f)
                    ]
                    if not figures:
                        continue
                    result.applied += 1
                    if any(same_figure(value, f) for f in figures):
                        continue
                    nearest = min(figures, key=lambda f: abs(f - value))
                    if (
                        abs(nearest - value) / max(nearest, 1e-9) * 100
                        > settings["mention_max_gap"]
                    ):
                        continue
                    ref = prows[0]
                    result.flags.append(
                        make_flag(
                            CHECK,
                            {**docs[doc_id], "source_line": number},
                            subject=name,
                            message=f"正文写“{label}{m.group(2)}万元”，而“{name}”在第 {ref['source_line']} 行为 {fmt(nearest)} 万元。",
                            evidence=f"正文第{number}行={value}；{ref['table']}第{ref['source_line']}行={nearest}",
                            related=place(ref),
                            amount=abs(nearest - value),
                            key=f"mention-{m.start()}",
                        )
                    )


def _staffing(corpus, settings: dict, result: CheckResult) -> None:
    df = corpus.budget_lines
    staff = {
        r["doc_id"]: r
        for r in df.filter(df["unit"] == "人").iter_rows(named=True)
        if r.get("budget")
    }
    docs = {r["doc_id"]: r for r in corpus.documents.iter_rows(named=True)}
    for doc_id, row in staff.items():
        stated_at: dict[float, list[int]] = defaultdict(list)
        for number, line in enumerate(corpus.texts.get(doc_id, []), start=1):
            for m in _STAFF.finditer(line):
                result.applied += 1
                stated_at[float(m.group(1))].append(number)
        for stated, numbers in stated_at.items():
            if stated == row["budget"]:
                continue
            result.flags.append(
                make_flag(
                    CHECK,
                    {**docs[doc_id], "source_line": numbers[0]},
                    subject="编制数",
                    message=f"正文编制数为 {stated:g} 人（第 {'、'.join(map(str, numbers))} 行），"
                    f"{row['table']}第 {row['source_line']} 行编制数为 {row['budget']:g} 人。",
                    evidence=f"正文={stated:g}；表格第{row['source_line']}行={row['budget']:g}",
                    related="; ".join(
                        [place(row)] + [f"{row['source_file']}:{n}" for n in numbers[1:]]
                    ),
                    key=f"staff-{stated}",
                )
            )


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    if corpus.budget_lines.is_empty():
        return result
    rows = list(corpus.budget_lines.iter_rows(named=True))
    _item_conflicts(rows, settings, result)
    _mentions(corpus, rows, settings, result)
    _staffing(corpus, settings, result)
    return result
