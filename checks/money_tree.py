"""Which money rows of a report are parts of which totals.

Several checks need to know that 人社专项 is part of 公共项目支出, which is part of the
department's whole budget: B02 judges additions item by item, an explanation of the parts
explains their total, and a finding's amount must not be counted again inside its total.

One node per money fact (rows stating the same budget and spending under compatible names:
the table row, its prose restatement, the 合计 of a detail table). A node's parts are

* the item rows of a table block closed by its 小计 / 合计 row, and 其中 rows under their row;
* for an aggregate without a table (公共项目支出), two or three rows whose budgets and spending
  both add up to its own;
* for a budget line whose spending the report's project tables share out (一般行政管理事务
  25.33 = 稳定专项 9.8 + 企业改制托管 2.94 + 资产监管 12.58, within rounding), those projects,
  when every project table of the report is needed to make it and their initial budgets fit
  inside its own;
* for the report's overall total (单位整体支出规模, 合计), every node left without a parent.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from checks.base import half_unit, money_rows
from checks.c01_figure_conflict import char_similarity
from checks.context import plain_name
from checks.memo import memo
from checks.text_index import headings_by_line

AGGREGATE = re.compile(
    r"合计|总计|小计|整体|规模|资金总额|^基本支出$|项目支出$|^部门项目|^公共项目|项目资金$"
)
_ROOT = re.compile(r"合计|总计|整体|规模|资金总额")
_NAME_STRIP = re.compile(r"(支出|资金|经费|专项)$")
_MAX_PARTS = 3
_MAX_CANDIDATES = 40


@dataclass
class Node:
    id: int
    doc_id: str
    rows: list[dict]
    budget: float
    actual: float
    decimals: int
    parents: list[int] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.rows[0].get("project") or self.rows[0].get("item") or ""

    @property
    def aggregate(self) -> bool:
        return any(
            r.get("row_kind") in ("total", "subtotal") or AGGREGATE.search(plain_name(r["item"]))
            for r in self.rows
        )

    @property
    def lines(self) -> set[int]:
        return {r["source_line"] for r in self.rows}


def _close(a: float, b: float, decimals: int) -> bool:
    return abs(a - b) <= 2 * half_unit(decimals) + 1e-9


def _same_name(a: dict, b: dict) -> bool:
    if (a.get("project") or "") != (b.get("project") or ""):
        return False
    na, nb = (_NAME_STRIP.sub("", plain_name(r["item"])) for r in (a, b))
    if a.get("row_kind") in ("total", "subtotal") or b.get("row_kind") in ("total", "subtotal"):
        return True
    if AGGREGATE.search(plain_name(a["item"])) and AGGREGATE.search(plain_name(b["item"])):
        return True
    return na == nb or char_similarity(na, nb) >= 80


class MoneyTree:
    """The nodes of every document and their part-of links."""

    def __init__(self, rows: list[dict], texts: dict[str, list[str]] | None = None):
        self.nodes: list[Node | None] = []  # None: a node a detached tree left out
        self._by_row: dict[tuple, int] = {}
        self._texts = texts or {}
        self._pending: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            self._pending[row["doc_id"]].append(row)
        self._doc_nodes: dict[str, list[Node]] = {}
        self._at: dict[tuple[str, int], list[Node]] = {}
        self._dropped: set[str] = set()  # documents a detached tree cannot build

    def _document(self, doc_id: str) -> list[Node]:
        """A document's nodes, its tree built the first time it is asked for: the checks ask
        for the few documents with a deviation to explain or a flag to group, and a
        document's links never leave it."""
        nodes = self._doc_nodes.get(doc_id)
        if nodes is None:
            if doc_id in self._dropped:
                raise LookupError(f"money tree detached without document {doc_id}")
            doc_rows = self._pending.pop(doc_id, [])
            start = len(self.nodes)
            sections = _prose_sections(doc_rows, self._texts.get(doc_id, []))
            self._build(doc_id, sorted(doc_rows, key=lambda r: r["source_line"]), sections)
            nodes = self._doc_nodes[doc_id] = self.nodes[start:]
            for node in nodes:
                for line in node.lines:
                    self._at.setdefault((doc_id, line), []).append(node)
        return nodes

    # ---- lookup ---------------------------------------------------------------------------

    def detached(self, docs: set[str]) -> MoneyTree:
        """This tree as far as ``docs`` need it: the trees built so far, and the rows and
        texts to build those of ``docs`` still unasked for (what grouping a part's findings
        may ask, small enough to send to another process; :mod:`checks.detached`)."""
        out = MoneyTree([])
        # a node keeps its id (its place in ``nodes``); other documents' nodes are left out
        out.nodes = [n if n.doc_id in docs else None for n in self.nodes]
        out._by_row = {k: i for k, i in self._by_row.items() if k[0] in docs}
        out._doc_nodes = {d: n for d, n in self._doc_nodes.items() if d in docs}
        out._at = {k: n for k, n in self._at.items() if k[0] in docs}
        out._pending = defaultdict(list, {d: r for d, r in self._pending.items() if d in docs})
        # only what _prose_sections reads: the lines down to the last prose row of a document
        # with two of them (whole texts of a batch's flagged documents took ~15 MB a batch)
        for doc_id, rows in out._pending.items():
            prose = [r["source_line"] for r in rows if r.get("origin") == "prose"]
            if len(prose) >= 2 and doc_id in self._texts:
                out._texts[doc_id] = self._texts[doc_id][: max(prose)]
        out._dropped = ({*self._pending, *self._doc_nodes}) - docs
        return out

    def node_of(self, row: dict) -> Node | None:
        self._document(row["doc_id"])
        return self._node(row)

    def _node(self, row: dict) -> Node | None:
        i = self._by_row.get(_row_key(row))
        return self.nodes[i] if i is not None else None

    def parts(self, node: Node) -> list[Node]:
        return [self.nodes[i] for i in node.parts]

    def ancestors(self, node: Node) -> list[Node]:
        out, seen, todo = [], {node.id}, list(node.parents)
        while todo:
            i = todo.pop()
            if i not in seen:
                seen.add(i)
                out.append(self.nodes[i])
                todo += self.nodes[i].parents
        return out

    def _reaches(self, node: Node, target: Node) -> bool:
        """``target`` is among ``node``'s ancestors (:meth:`ancestors`, stopping when found)."""
        seen, todo = {node.id}, list(node.parents)
        while todo:
            i = todo.pop()
            if i not in seen:
                if i == target.id:
                    return True
                seen.add(i)
                todo += self.nodes[i].parents
        return False

    def is_leaf(self, node: Node) -> bool:
        return not node.parts and not node.aggregate

    def doc_nodes(self, doc_id: str) -> list[Node]:
        """Every node of one document, in the order they were built."""
        return self._document(doc_id)

    def nodes_at(self, doc_id: str, line: int) -> list[Node]:
        """The nodes stated on a document's line."""
        self._document(doc_id)
        return self._at.get((doc_id, line), [])

    # ---- building -------------------------------------------------------------------------

    def _node_for(self, doc_id: str, row: dict, nodes: list[Node], by_budget: dict) -> Node:
        """The node of the first earlier row stating the same fact, else a new one. Two rows
        printed to at least one decimal agree within 0.1, so only nodes whose budget has the
        same integer part, or one more or less, can match (``by_budget``; any coarser row or
        odd budget and the document is searched whole, as before)."""
        dec = row.get("decimals") or 2
        budget = row["effective_budget"]
        whole = by_budget.get("whole") or dec < 1 or not math.isfinite(budget)
        if whole:
            by_budget["whole"] = True
            candidates = nodes
        else:
            unit = math.floor(budget)
            near = [n for k in (unit - 1, unit, unit + 1) for n in by_budget.get(k, ())]
            candidates = sorted(near, key=lambda n: n.id)
        for node in candidates:
            if (
                _close(node.budget, budget, min(dec, node.decimals))
                and _close(node.actual, row["actual"], min(dec, node.decimals))
                and any(_same_name(row, r) for r in node.rows)
            ):
                node.rows.append(row)
                return node
        node = Node(len(self.nodes), doc_id, [row], budget, row["actual"], dec)
        self.nodes.append(node)
        nodes.append(node)
        if not whole:
            by_budget.setdefault(math.floor(budget), []).append(node)
        return node

    def _link(self, child: Node, parent: Node) -> None:
        if (
            child.id != parent.id
            and child.id not in parent.parts
            and child.budget <= parent.budget + 1e-6
            and not self._reaches(child, parent)
            and not self._reaches(parent, child)
        ):
            child.parents.append(parent.id)
            parent.parts.append(child.id)

    def _build(self, doc_id: str, rows: list[dict], sections: dict[int, tuple]) -> None:
        nodes: list[Node] = []
        by_budget: dict = {}
        for row in rows:
            self._by_row[_row_key(row)] = self._node_for(doc_id, row, nodes, by_budget).id
        self._table_blocks(rows)
        self._sections(rows, sections)
        self._sums(nodes)
        self._projects(nodes)
        self._root(nodes)

    def _table_blocks(self, rows: list[dict]) -> None:
        tables: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            if row.get("origin") == "table":
                tables[row["table_id"]].append(row)
        for table in tables.values():
            items: list[dict] = []
            last_item: dict | None = None
            for row in table:
                node = self._node(row)
                if row["row_kind"] in ("subtotal", "total"):
                    for item in items:
                        self._link(self._node(item), node)
                    items = []
                elif row["row_kind"] == "sub" and last_item is not None:
                    self._link(node, self._node(last_item))
                else:
                    items.append(row)
                    last_item = row

    def _sections(self, rows: list[dict], sections: dict[int, tuple]) -> None:
        """A prose total followed, in its section, by the rows that add up to it (决算 说明)."""
        prose = [r for r in rows if r.get("origin") == "prose"]
        for i, head in enumerate(prose):
            total = self._node(head)
            if total.parts:
                continue
            scope = sections.get(head["source_line"], ())
            following: list[Node] = []
            for row in prose[i + 1 :]:
                inside = sections.get(row["source_line"], ())[: len(scope)] == scope
                node = self._node(row)
                if not inside or node.budget >= total.budget:
                    break
                if node is not total and node not in following:
                    following.append(node)
                if (
                    len(following) >= 2
                    and _close(sum(n.budget for n in following), total.budget, 2)
                    and _close(sum(n.actual for n in following), total.actual, 2)
                ):
                    for node in following:
                        self._link(node, total)
                    break

    def _sums(self, nodes: list[Node]) -> None:
        """Aggregates without a table: the 2–3 rows whose budgets and spending add up to theirs."""
        free = [n for n in nodes if not n.parents and not n.aggregate][:_MAX_CANDIDATES]
        for total in sorted(
            (n for n in nodes if n.aggregate and not n.parts), key=lambda n: n.budget
        ):
            pool = [n for n in free if not n.parents and n.budget < total.budget]
            for k in range(2, _MAX_PARTS + 1):
                found = next(
                    (
                        combo
                        for combo in itertools.combinations(pool, k)
                        if _close(sum(n.budget for n in combo), total.budget, 2)
                        and _close(sum(n.actual for n in combo), total.actual, 2)
                    ),
                    None,
                )
                if found:
                    for n in found:
                        self._link(n, total)
                    break

    def _projects(self, nodes: list[Node]) -> None:
        """The budget line that the report's project tables together spend."""
        projects = [n for n in nodes if not n.parents and all(r.get("project") for r in n.rows)]
        if len(projects) < 2:
            return
        spent = sum(n.actual for n in projects)
        initial = sum(_initial(n) for n in projects)
        tolerance = (len(projects) + 1) * half_unit(max(n.decimals for n in projects))
        for total in nodes:
            if (
                total in projects
                or total.parts
                or any(r.get("project") for r in total.rows)
                or abs(total.actual - spent) > tolerance + 1e-9
                or _initial(total) + tolerance < initial
            ):
                continue
            for node in projects:
                self._link(node, total)
            return

    def _root(self, nodes: list[Node]) -> None:
        roots = [n for n in nodes if any(_ROOT.search(plain_name(r["item"])) for r in n.rows)]
        if not roots:
            return
        root = max(roots, key=lambda n: n.budget)
        for node in nodes:
            if not node.parents and node is not root:
                self._link(node, root)


def _prose_sections(rows: list[dict], lines: list[str]) -> dict[int, tuple]:
    """The headings over each prose row's line: what :meth:`MoneyTree._sections` compares.
    Only prose rows are looked up, and only when a document has two of them (a total and a
    part); the headings over a line depend on the lines above it alone."""
    prose = [r["source_line"] for r in rows if r.get("origin") == "prose"]
    if len(prose) < 2:
        return {}
    headings = headings_by_line(lines[: max(prose)])
    return {line: headings[line - 1] if 0 < line <= len(headings) else () for line in prose}


def _initial(node: Node) -> float:
    """The larger of a node's initial and full-year budget (资金量 of a cut project)."""
    return max([node.budget] + [r["budget_initial"] for r in node.rows if r.get("budget_initial")])


def _row_key(row: dict) -> tuple:
    return (
        row["doc_id"],
        row.get("table_id"),
        row["source_line"],
        row.get("item"),
        row.get("project"),
    )


def money_tree(corpus) -> MoneyTree:
    """The part-of links of every report's money rows (built once per corpus)."""
    return memo(corpus, "money_tree", lambda: MoneyTree(money_rows(corpus), corpus.texts))
