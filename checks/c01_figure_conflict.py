"""C01 同一数字前后不一: one quantity stated with different values in two places of a report."""

from __future__ import annotations

import re
from collections import defaultdict

from checks.base import (
    CheckInfo,
    CheckResult,
    amount_decimals,
    fmt,
    frame_rows,
    make_flag,
    place,
    prose_lines,
)
from loaders.classify import BY_KIND

CHECK = CheckInfo(
    code="C01",
    title="同一数字前后不一致",
    explanation="同一个项目或科目在表格、正文、附件中写成不同的数，至少有一处是错的。",
    category="consistency",
    severity="medium",
    version="3",
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
  执行数或年初预算不同。同一个数印两次，一处四舍五入、一处截尾，最多差末位一个单位：允许较粗一位的一个单位
  （1083.888 与 1083.88、2.95 与 2.94 一致，与执行率的截尾容差相同）；两个整数必须相等；
- 正文提到某个项目“××经费 N 万元”，项目名称相似度 ≥ `name_similarity`（按字计，默认 85），金额与该项目的
  任何数字都不同（超出上述末位一个单位）且相差不超过 `mention_max_gap`%（默认 20%）；例：正文“××专项经费
  3.50万元”，项目表执行数 3.20 万元 → 中；江汉区正文“企业托管改制工作专项经费2.95万元”与项目表 2.94 万元只差
  末位一个单位（9.8 + 2.95 + 12.58 = 25.33，实为约 2.945），不报；
- 正文的编制人数与基础数据表的编制数不同；例：衡阳市国资委正文“编制人数40人”，基础数据表编制数 48 → 中；
- 决算 / 预算公开表（`accounts`）中同一科目在两张表里的同一个数不同：只有收支方向（收入 / 支出 / 结转结余）、
  资金（一般公共预算 / 政府性基金 / …）、口径（全部收入支出 / 仅财政拨款）、所计之物（收支、三公、机关运行经费、
  政府采购）和数的含义（决算数 / 合计、基本支出……）都相同时才是同一个数；例：支出决算表 208 社会保障和就业支出
  221.90 与收支决算总表支出方“社会保障和就业支出”221.80 → 中。收入决算表的 208（按科目取得的收入）与支出决算表的
  208 不是同一个数，从不比较。

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
    """Two printings of one amount: within one unit of the coarser printed digit.

    2.945 万元 may be printed 2.95 (rounded) in one place and 2.94 (truncated) in another, as
    a rate may be truncated (:func:`checks.base.rate_explained`); 1083.888 is 1083.88. Whole
    numbers must be equal (7 and 8 万元 are two amounts)."""
    return within_one_unit(a, b, _decimals(a), _decimals(b))


def within_one_unit(a: float, b: float, da: int, db: int) -> bool:
    coarse = min(da, db)
    if coarse <= 0 and da == db:
        return abs(a - b) < 1e-9
    return abs(a - b) <= 10 ** -max(coarse, 0) + 1e-9


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
                    fact=f"{key}{label}",
                )
            )


def _mentions(corpus, rows: list[dict], settings: dict, result: CheckResult) -> None:
    projects: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        name = row.get("project") or (row["item"] if row["origin"] == "prose" else "")
        if name and len(name) >= 4:
            projects[(row["doc_id"], name)].append(row)
    docs = {r["doc_id"]: r for r in frame_rows(corpus, "documents")}
    by_doc: dict[str, list[tuple[str, list[dict]]]] = defaultdict(list)
    for (doc_id, name), prows in projects.items():
        by_doc[doc_id].append((name, prows))
    for doc_id, lines in corpus.texts.items():
        names = by_doc.get(doc_id)
        if not names:
            continue
        for number, line in prose_lines(lines):
            if "万元" not in line:  # what _MENTION ends with: a cheap test first
                continue
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
                            fact=f"{name}{m.group(2)}",
                        )
                    )


def _staffing(corpus, settings: dict, result: CheckResult) -> None:
    df = corpus.budget_lines
    staff = {
        r["doc_id"]: r
        for r in df.filter(df["unit"] == "人").iter_rows(named=True)
        if r.get("budget")
    }
    docs = {r["doc_id"]: r for r in frame_rows(corpus, "documents")}
    for doc_id, row in staff.items():
        stated_at: dict[float, list[int]] = defaultdict(list)
        for number, line in enumerate(corpus.texts.get(doc_id, []), start=1):
            if "编制" not in line:  # what _STAFF starts with: a cheap test first
                continue
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
                    fact=f"编制数{stated:g}",
                )
            )


# What a disclosure table counts, beyond income and spending: a 机关运行经费 table's 30201
# 办公费 is not the basic-spending table's 30201 办公费.
_QUANTITY = {
    "fa_sangong": "三公",
    "bu_sangong": "三公",
    "bu_running_costs": "机关运行经费",
    "bu_procurement": "政府采购",
}
_ROW_TOTAL = {"合计", "决算数", "预算数"}  # the row's whole amount, whatever the table calls it


def _figure_key(row: dict) -> tuple | None:
    """What one accounts figure is: two rows with the same key state the same figure."""
    kind = BY_KIND.get(row["table_kind"])
    if kind is None or row["side"] is None:
        return None
    measure = "total" if row["measure"] in _ROW_TOTAL else row["measure"]
    return (
        row["doc_id"],
        row["statement"],
        row["side"],
        row["fund"],
        kind.scope,
        _QUANTITY.get(row["table_kind"], "收支"),
        measure,
    )


def _account_conflicts(rows: list[dict], settings: dict, result: CheckResult) -> None:
    """The same figure printed differently in two standard tables of one document."""
    generic = set(settings["generic_items"])
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        key = _figure_key(row)
        if key is None or row["row_kind"] == "total":
            continue
        name = _NORM.sub("", row["item"] or "")
        code = row.get("code") or ""
        names = [f"code:{code}"] if code else []
        if name and name not in generic and (not code or len(code) == 3):
            names.append(f"name:{name}")  # a 类 is also known by its name (收支总表 rows)
        for name_key in names:
            groups[(*key, name_key)].append(row)
    for key, members in groups.items():
        if len({r["table_id"] for r in members}) < 2:
            continue
        result.applied += 1
        base = members[0]
        odd = next(
            (r for r in members[1:] if r["table_id"] != base["table_id"] and not _same(base, r)),
            None,
        )
        if odd is None:
            continue
        subject = base["item"] or key[-1].split(":", 1)[1]
        result.flags.append(
            make_flag(
                CHECK,
                base,
                subject=subject,
                message=f"“{subject}”的{base['measure']}在{base['table_title']}（第 {base['source_line']} 行）"
                f"为 {fmt(base['amount'])} 万元，在{odd['table_title']}（第 {odd['source_line']} 行）"
                f"却为 {fmt(odd['amount'])} 万元。",
                evidence="；".join(
                    f"{r['table_title']}第{r['source_line']}行 {r['column']}={fmt(r['amount'])}"
                    for r in members
                ),
                related=place(odd),
                amount=abs(base["amount"] - odd["amount"]),
                key=f"accounts-{key[-1]}-{key[2]}-{key[3]}-{key[6]}",
            )
        )


def _same(a: dict, b: dict) -> bool:
    """Two printings of one amount: within one unit of the coarser printed digit (rounded in
    one table, truncated in the other; see :func:`same_figure`)."""
    return within_one_unit(a["amount"], b["amount"], amount_decimals(a), amount_decimals(b))


def run(corpus, settings: dict) -> CheckResult:
    result = CheckResult()
    _account_conflicts(frame_rows(corpus, "accounts"), settings, result)
    if corpus.budget_lines.is_empty():
        return result
    rows = frame_rows(corpus, "budget_lines")
    _item_conflicts(rows, settings, result)
    _mentions(corpus, rows, settings, result)
    _staffing(corpus, settings, result)
    return result
