"""One finding per fact: the flags that describe the same thing, grouped.

The checks look at a report from several sides, so one fact often raises several flags:
a 13,203.38 万元 year-end balance is a low execution rate (E01), an idle balance (B01) and
money returned to the treasury (B03); one indicator row is both vague (I01) and answered
with a bare 100 % (I03). Flags are one finding when they

* sit on the same row (same document and line), are of one kind (money, indicator, coverage)
  and name the same subject or amount;
* state the same amount (at least ``same_amount_min`` 万元) in one department and year, in
  one document or under similar subjects (the report and its project file);
* are a sentence about money returned (B03) that names the item whose shortfall that very
  sentence explains;
* describe the same indicator (name and target) in one document, in any of its tables, or
  one indicator copied to several places (T01) and what is wrong with it at those places;
  two indicators copied together, row by row, are one copied block;
* are the same shortfall at another level of aggregation: 部门项目支出 and 公共项目支出 inside
  单位整体支出规模 are the department's one balance, seen in parts (a project's own shortfall,
  a leaf, stays a finding of its own).

A finding has a primary flag (the most severe, then the first check in report order), the
other flags as evidence, one amount, and a ``finding_id`` made from what it is about —
department, year, the primary check, its subject, its wording and figures — never from file
bytes or line numbers (:mod:`checks.finding_key`), so that the same report exported again as
.docx or .pdf, or with lines shifted, keeps its ids: review decisions are attached to them.

Money findings nest: a shortfall of 人社专项资金 lies inside that of 公共项目支出, which lies
inside the department's whole balance. ``amount_counted`` is the amount once, on the
outermost finding; ``within`` names it.
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from checks.base import SEVERITY_RANK, normalise
from checks.c01_figure_conflict import char_similarity
from checks.explanations import core_name
from checks.finding_key import finding_key
from checks.money_tree import money_tree

VERSION = "2"  # of the grouping; bump when it changes (the result cache keys on it)
NAME = "findings"
TITLE = "疑点归并"
DEFAULTS = {"same_amount_min": 1.0, "subject_similarity": 80.0}
DOC = """描述同一事实的疑点归为一条“问题”：同一行且对象或金额相同；同一部门同一年度金额相同（不少于
`same_amount_min` 万元，默认 1），且在同一文件中或对象相似（`subject_similarity`，默认 80，报告与其项目自评表）；
说明结余被收回的句子点名了它所解释的项目；同一文件中名称和目标值相同的指标。每条问题有一个主要疑点（最严重的，
其次按检查顺序）、其余疑点作为证据、一个金额；问题编号由部门、年度、主要检查、对象和数字算出，与文件格式和行号无关。
资金问题按层级嵌套（人社专项在公共项目支出之内，公共项目支出在单位整体之内），涉及金额只在最外层计一次。"""

FINDINGS = {
    "finding_id": pl.String,
    "check_id": pl.String,  # the primary flag's check
    "category": pl.String,
    "severity": pl.String,
    "doc_id": pl.String,
    "source_file": pl.String,
    "department": pl.String,
    "year": pl.Int32,
    "subject": pl.String,
    "message": pl.String,
    "evidence": pl.String,
    "source_line": pl.Int32,
    "source_place": pl.String,
    "check_title": pl.String,  # the primary flag's
    "threshold": pl.String,
    "amount": pl.Float64,
    "amount_counted": pl.Float64,  # counted once in 涉及金额 (0 when inside another finding)
    "within": pl.String,  # the finding whose amount contains this one's
    "explained": pl.Boolean,
    "explanation": pl.String,
    "explanation_line": pl.Int32,
    "checks": pl.String,  # every check of the finding, primary first: "E01、B01、B03"
    "flag_ids": pl.String,  # member flags, primary first, "; "-separated
    "flags": pl.Int64,
    "related_lines": pl.String,
}
FINDING_COLUMNS = list(FINDINGS)
MONEY = ("execution", "balance")
COUNTED = ("execution", "balance", "consistency", "arithmetic")
_INDICATOR_LIKE = ("indicator", "boilerplate")


class _Groups:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _same_amount(a: dict, b: dict, least: float = 0.0) -> bool:
    x, y = a.get("amount"), b.get("amount")
    return x is not None and y is not None and abs(x) >= least and round(x, 2) == round(y, 2)


def _similar_subjects(a: dict, b: dict, threshold: float) -> bool:
    x, y = normalise(a["subject"]), normalise(b["subject"])
    if not x or not y:
        return False
    return x in y or y in x or char_similarity(x, y) >= threshold


def _link(rows: list[dict], grains: dict[str, str], settings: dict, tree) -> _Groups:
    groups = _Groups(len(rows))
    least, similar = settings["same_amount_min"], settings["subject_similarity"]
    by_line: dict[tuple, list[int]] = defaultdict(list)
    by_amount: dict[tuple, list[int]] = defaultdict(list)
    by_indicator: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if grains.get(r["check_id"], "row") == "row":
            by_line[(r["doc_id"], r["source_line"])].append(i)
        if r.get("amount") is not None and abs(r["amount"]) >= least:
            by_amount[(r["department"], r["year"], round(r["amount"], 2))].append(i)
        if r["category"] in _INDICATOR_LIKE and r.get("fact_key"):
            by_indicator[(r["doc_id"], r["fact_key"])].append(i)
    for members in by_line.values():
        for a, b in _pairs(members):
            if _kind(rows[a]) == _kind(rows[b]) and (
                _similar_subjects(rows[a], rows[b], similar) or _same_amount(rows[a], rows[b])
            ):
                groups.union(a, b)
    for members in by_amount.values():
        for a, b in _pairs(members):
            same_doc = rows[a]["doc_id"] == rows[b]["doc_id"]
            if same_doc or _similar_subjects(rows[a], rows[b], similar):
                groups.union(a, b)
    for members in by_indicator.values():
        for a, b in _pairs(members):
            groups.union(a, b)
    _returned_money(rows, groups)
    _copied_indicators(rows, groups, similar)
    _aggregation_levels(rows, groups, tree)
    return groups


def _places(row: dict) -> list[int]:
    """The lines a flag names in its own document: its line and its related places there."""
    lines = [row["source_line"]]
    for place in (row.get("related_lines") or "").split("; "):
        file, _, line = place.rpartition(":")
        if file == row["source_file"] and line.isdigit():
            lines.append(int(line))
    return sorted(lines)


def _copied_indicators(rows: list[dict], groups: _Groups, similar: float) -> None:
    """A copied indicator (T01) is one finding with what is wrong with it where it was copied;
    two indicators copied together row by row are one copied block."""
    copies = [
        i for i, r in enumerate(rows) if r["check_id"] == "T01" and "：" in (r["subject"] or "")
    ]
    at_line: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r["category"] == "indicator":
            at_line[(r["doc_id"], r["source_line"])].append(i)
    places = {i: _places(rows[i]) for i in copies}  # a province's copy names thousands
    for i in copies:
        name = normalise(rows[i]["subject"].split("：", 1)[0])
        for line in places[i]:
            for j in at_line.get((rows[i]["doc_id"], line), []):
                other = normalise(rows[j]["subject"])
                if other and (other == name or char_similarity(other, name) >= similar):
                    groups.union(i, j)
    in_doc: dict[str, list[int]] = defaultdict(list)  # a block is copied within one document
    for i in copies:
        in_doc[rows[i]["doc_id"]].append(i)
    for a, b in ((a, b) for same in in_doc.values() for a in same for b in same if a < b):
        pa, pb = places[a], places[b]
        if len(pa) == len(pb) and all(abs(x - y) == 1 for x, y in zip(pa, pb, strict=True)):
            groups.union(a, b)


def _aggregation_levels(rows: list[dict], groups: _Groups, tree) -> None:
    """A money flag on a total that lies inside another flagged total is that total's fact."""
    nodes_at = tree.nodes_at
    flagged: dict[int, int] = {}  # node id -> a money flag on it
    for i, r in enumerate(rows):
        if r["category"] in MONEY:
            for node in nodes_at(r["doc_id"], r["source_line"]):
                flagged.setdefault(node.id, i)
    for i, r in enumerate(rows):
        if r["category"] not in MONEY:
            continue
        for node in nodes_at(r["doc_id"], r["source_line"]):
            if not node.parts:
                continue  # a leaf: its own finding
            for ancestor in tree.ancestors(node):
                if ancestor.id in flagged:
                    groups.union(i, flagged[ancestor.id])


def _kind(row: dict) -> str:
    """Money, indicator or coverage: a row's flags of different kinds are different facts
    (a project without indicators is not its own low execution rate)."""
    if row["category"] in COUNTED:
        return "money"
    return "indicator" if row["category"] in _INDICATOR_LIKE else row["category"]


def _pairs(members: list[int]):
    return ((members[0], b) for b in members[1:])


def _returned_money(rows: list[dict], groups: _Groups) -> None:
    """A B03 sentence (money returned) that explains an item's shortfall and names it."""
    money = [
        i
        for i, r in enumerate(rows)
        if r["category"] in MONEY and r["check_id"] != "B03" and r.get("explanation_line")
    ]
    for i, r in enumerate(rows):
        if r["check_id"] != "B03":
            continue
        for j in money:
            m = rows[j]
            core = core_name(m["subject"])
            if (
                m["doc_id"] == r["doc_id"]
                and m["explanation_line"] == r["source_line"]
                and len(core) >= 2
                and core in (r["message"] or "")
            ):
                groups.union(i, j)


def _finding_id(primary: dict) -> str:
    """The review store's key of the primary flag: department, year, check, subject and the
    wording and figures it states, file names and line references removed."""
    return finding_key(
        primary["department"],
        primary["year"],
        primary["check_id"],
        primary["subject"],
        primary["message"],
    )


def group_findings(
    flags: pl.DataFrame, corpus, settings: dict, checks: list
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(flags with ``finding_id``, findings): one finding per fact."""
    if flags.is_empty():
        return flags, pl.DataFrame(schema=FINDINGS)
    order = {m.CHECK.code: n for n, m in enumerate(checks)}
    grains = {m.CHECK.code: m.CHECK.grain for m in checks}
    rows = list(flags.iter_rows(named=True))
    tree = money_tree(corpus)
    groups = _link(rows, grains, settings, tree)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        members[groups.find(i)].append(i)

    def rank(i: int) -> tuple:
        """The primary flag first: the largest amount (the outermost total of a shortfall),
        then the most severe, then the first check in report order."""
        r = rows[i]
        return (
            -round(abs(r["amount"]), 2) if r.get("amount") is not None else 1.0,
            -SEVERITY_RANK.get(r["severity"], 0),
            order.get(r["check_id"], 99),
            r["source_file"] or "",
            r["source_line"] or 0,
        )

    findings: list[dict] = []
    seen_ids: dict[str, int] = defaultdict(int)
    ordered = sorted(members.values(), key=lambda m: min(rank(i)[3:] for i in m))
    finding_of = [""] * len(rows)
    for group in ordered:
        group.sort(key=rank)
        primary = rows[group[0]]
        base = _finding_id(primary)
        seen_ids[base] += 1
        fid = base if seen_ids[base] == 1 else f"{base}-{seen_ids[base]}"
        for i in group:
            finding_of[i] = fid
        explained = next((rows[i] for i in group if rows[i].get("explained")), None)
        asked = any(rows[i].get("explained") is not None for i in group)
        amount = primary.get("amount")
        if amount is None:
            amounts = [rows[i]["amount"] for i in group if rows[i].get("amount") is not None]
            amount = max(amounts) if amounts else None
        places = [f"{rows[i]['source_file']}:{rows[i]['source_line']}" for i in group[1:]]
        places += [p for i in group for p in (rows[i]["related_lines"] or "").split("; ") if p]
        own = f"{primary['source_file']}:{primary['source_line']}"
        findings.append(
            {
                "finding_id": fid,
                "check_id": primary["check_id"],
                "category": primary["category"],
                "severity": max(
                    (rows[i]["severity"] for i in group), key=lambda s: SEVERITY_RANK.get(s, 0)
                ),
                "doc_id": primary["doc_id"],
                "source_file": primary["source_file"],
                "department": primary["department"],
                "year": primary["year"],
                "subject": primary["subject"],
                "message": primary["message"],
                "evidence": primary["evidence"],
                "source_line": primary["source_line"],
                "source_place": primary.get("source_place") or "",
                "check_title": primary.get("check_title") or "",
                "threshold": primary.get("threshold") or "",
                "amount": amount,
                "amount_counted": None,
                "within": None,
                "explained": bool(explained) if asked else None,
                "explanation": explained["explanation"] if explained else None,
                "explanation_line": explained["explanation_line"] if explained else None,
                "checks": "、".join(dict.fromkeys(rows[i]["check_id"] for i in group)),
                "flag_ids": "; ".join(rows[i]["flag_id"] for i in group),
                "flags": len(group),
                "related_lines": "; ".join(p for p in dict.fromkeys(places) if p != own),
                "_lines": {(rows[i]["doc_id"], rows[i]["source_line"]) for i in group}
                | {
                    (rows[i]["doc_id"], int(p.rsplit(":", 1)[1]))
                    for i in group
                    for p in (rows[i]["related_lines"] or "").split("; ")
                    if p and p.rsplit(":", 1)[1].isdigit()
                },
            }
        )
    _count_amounts_once(findings, corpus)
    for f in findings:
        f.pop("_lines")
    frame = pl.DataFrame(findings, schema=FINDINGS, orient="row")
    flagged = flags.with_columns(pl.Series("finding_id", finding_of, dtype=pl.String))
    return flagged, frame


def _count_amounts_once(findings: list[dict], corpus) -> None:
    """``amount_counted``: a money finding inside another money finding's total counts 0."""
    tree = money_tree(corpus)
    nodes_at = tree.nodes_at
    node_owner: dict[int, dict] = {}
    for f in findings:
        if f["category"] in MONEY:
            for key in f["_lines"]:
                for node in nodes_at(*key):
                    node_owner.setdefault(node.id, f)
    for f in findings:
        if f["category"] not in COUNTED or f["amount"] is None:
            continue
        f["amount_counted"] = abs(f["amount"])
        if f["category"] not in MONEY:
            continue
        outer = None
        for key in f["_lines"]:
            for node in nodes_at(*key):
                for ancestor in tree.ancestors(node):
                    owner = node_owner.get(ancestor.id)
                    if (
                        owner is not None
                        and owner is not f
                        and (outer is None or (owner["amount"] or 0) > (outer["amount"] or 0))
                    ):
                        outer = owner
        if outer is not None:
            f["amount_counted"] = 0.0
            f["within"] = outer["finding_id"]
