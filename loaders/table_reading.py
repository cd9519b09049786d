"""The table stage: every grid of a document classified, then read by its recogniser.

Standard 决算 / 预算 tables go to the disclosure recognisers (`accounts`, `sangong`);
everything else to the self-evaluation recogniser (`budget_lines`, `indicators`,
`narratives`). Every numeric cell a table prints is counted; one a recogniser does
not place is reported as a catalogued issue, so understanding coverage (placed over
seen) is measured, never assumed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.blocks import Block, Grid, Paragraph
from loaders.cells import compact, parse_number
from loaders.classify import (
    Segment,
    clean_title,
    contents_numbers,
    segments,
    self_eval_kind,
    title_kind,
    unit_of,
)
from loaders.issues import issue
from loaders.limits import Deadline
from loaders.recognise import read_disclosure
from loaders.recognise.self_eval import TableContext, recognise_grid

_CONTEXT_BLOCKS = 6
_FURNITURE_CHARS = 12  # a line this short between two grids (页码, 续表) does not part them


@dataclass
class Tables:
    """Everything the tables of one document yielded."""

    budget_lines: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    narratives: list[dict] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    sangong: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    table_kinds: list[str] = field(default_factory=list)
    disclosure_tables: list[dict] = field(default_factory=list)  # every standard table, empty too
    cells_numeric: int = 0
    cells_placed: int = 0


def _before(blocks: list[Block], index: int) -> list[str]:
    """Texts printed above a grid, nearest last. A small grid without figures between a title
    and its table (填报单位 … 金额单位, a title broken into cells) is read as text."""
    out: list[str] = []
    for block in reversed(blocks[max(0, index - _CONTEXT_BLOCKS) : index]):
        if isinstance(block, Grid):
            if not _is_text_grid(block):
                break
            out += [" ".join(c.text for c in row.cells) for row in reversed(block.rows)]
            continue
        out.append(block.text)
    return list(reversed(out))


def _is_text_grid(grid: Grid) -> bool:
    if len(grid.rows) == 1:
        return True
    if len(grid.rows) > 4:
        return False
    cells = [c.text for row in grid.rows for c in row.cells if c.text and not c.text.isspace()]
    return not any(parse_number(t) is not None for t in cells)


def _continues(blocks: list[Block], index: int) -> bool:
    """Nothing but page furniture between this grid and the grid before it."""
    for k in range(index - 1, -1, -1):  # no copy of the blocks before, grid after grid
        block = blocks[k]
        if isinstance(block, Grid):
            return True
        if isinstance(block, Paragraph) and len(compact(block.text)) > _FURNITURE_CHARS:
            return False
    return False


def classified_tables(blocks: list[Block], statement: str | None = None) -> list[dict]:
    """Each table as the classifier sees it (for ``debug_stages``): kind, number, title."""
    out = []
    previous: Segment | None = None
    statement = statement or _titled_statement(blocks)
    for index, block in enumerate(blocks):
        if not isinstance(block, Grid):
            continue
        carried = previous if previous is not None and _continues(blocks, index) else None
        for segment in segments(block, _before(blocks, index), carried, statement):
            kind = segment.kind.kind if segment.kind else None
            out.append(
                {
                    "line": segment.grid.line,
                    "kind": kind or self_eval_kind(segment.grid, _before(blocks, index), 0)[0],
                    "family": segment.kind.family if segment.kind else "self_eval",
                    "code": segment.code,
                    "title": segment.title,
                    "unit": segment.unit,
                    "rows": len(segment.grid.rows),
                }
            )
            previous = segment if segment.kind else None
    return out


def read_tables(
    blocks: list[Block],
    year: int | None,
    statement: str | None = None,
    deadline: Deadline | None = None,
) -> Tables:
    """Every table of a document; ``statement`` (决算 / 预算) is what its cover says it is.

    ``deadline`` is checked before each table: recognition is timed like reading."""
    out = Tables()
    table_id = 0
    previous: Segment | None = None
    statement = statement or _titled_statement(blocks)
    for index, block in enumerate(blocks):
        if not isinstance(block, Grid):
            continue
        if deadline is not None:
            deadline.check()
        before = _before(blocks, index)
        carried = previous if previous is not None and _continues(blocks, index) else None
        for segment in segments(block, before, carried, statement):
            table_id += 1
            if segment.kind is None:
                _self_eval(segment, before, table_id, year, out)
                previous = None
                continue
            rec = read_disclosure(segment, table_id)
            out.accounts += rec.accounts
            out.sangong += rec.sangong
            out.issues += rec.issues
            out.cells_numeric += rec.cells_numeric
            out.cells_placed += rec.cells_placed
            out.table_kinds.append(segment.kind.kind)
            if rec.cells_numeric == 0:
                note = _note_after(blocks, index, segment.grid.rows)
                name = segment.title or segment.kind.kind
                out.issues.append(
                    issue(
                        "empty-table",
                        segment.grid.line,
                        table=name,
                        note=f"（{note}）" if note else "",
                    )
                )
            out.disclosure_tables.append(_table_row(segment, table_id, rec, blocks, index, carried))
            previous = segment
    _number_from_contents(out.accounts, blocks)
    _number_unlabelled(out.accounts)
    codes = {r["table_id"]: r["table_code"] for r in out.accounts}
    for row in out.disclosure_tables:
        row["table_code"] = row["table_code"] or codes.get(row["table_id"])
    return out


_NOTE = re.compile(r"^(注|说明)[：:]|无.{0,20}(收支|支出|收入|经费|预算)|为空|空表|无数据")


def _note_after(blocks: list[Block], index: int, rows) -> str:
    """The note printed with an empty table (此表为空; 注：本单位无政府性基金收支，故本表为空)."""
    texts = ["".join(c.text for c in r.cells) for r in rows[-3:]]
    for block in blocks[index + 1 : index + 3]:
        if isinstance(block, Grid):
            texts += ["".join(c.text for c in r.cells) for r in block.rows[:3]]
        else:
            texts.append(block.text)
    for text in texts:
        text = compact(text)
        if _NOTE.search(text) and len(text) < 120 and not re.search("本表反映|必填", text):
            return text
    return ""


def _table_row(
    segment: Segment, table_id: int, rec, blocks: list[Block], index: int, carried
) -> dict:
    """One standard table as printed: its kind, number, title, how many amounts, its note."""
    return {
        "statement": segment.kind.statement,
        "table_kind": segment.kind.kind,
        "table_code": segment.code,
        "table_title": compact(segment.title),
        "table_id": table_id,
        "n_amounts": len(rec.accounts),
        "n_nonzero": sum(1 for r in rec.accounts if r.get("amount")),
        "continued": carried is not None,
        "note": _note_after(blocks, index, segment.grid.rows) if not rec.accounts else "",
        "source_line": segment.grid.line,
    }


def _number_from_contents(accounts: list[dict], blocks: list[Block]) -> None:
    """Tables printed without a number take the one the contents give their kind."""
    if all(row["table_code"] for row in accounts):
        return
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        else:
            texts += ["".join(c.text for c in r.cells) for r in block.rows]
    numbers = contents_numbers(texts)
    for row in accounts:
        if not row["table_code"]:
            row["table_code"] = numbers.get(row["table_kind"])


def _number_unlabelled(accounts: list[dict]) -> None:
    """A table whose printed number the text layer lost (表三 drawn as an image) between
    tables 02 and 04 is 03: only an exact gap of one between its neighbours is filled."""
    tables: dict[int, str | None] = {}
    for row in accounts:
        tables.setdefault(row["table_id"], row["table_code"])
    ids = sorted(tables)
    fill: dict[int, str] = {}
    for before, here, after in zip(ids, ids[1:], ids[2:], strict=False):
        a, b = tables[before], tables[after]
        gap_of_one = a and b and a.isdigit() and b.isdigit() and int(b) - int(a) == 2
        if tables[here] is None and gap_of_one:
            fill[here] = f"{int(a) + 1:02d}"
    for row in accounts:
        if row["table_id"] in fill:
            row["table_code"] = fill[row["table_id"]]


def _titled_statement(blocks: list[Block]) -> str | None:
    """决算 / 预算 as most titled tables of the document say (a workbook has no cover)."""
    votes: Counter[str] = Counter()
    for block in blocks:
        texts = [block.text] if isinstance(block, Paragraph) else []
        if isinstance(block, Grid):
            texts = ["".join(c.text for c in r.cells) for r in block.rows[:3]]
        for text in texts:
            # a title names a 预算 / 决算 表; cleaning only drops characters
            if len(text) < 120 and "表" in text and "算" in text:
                kind = title_kind(clean_title(text))
                if kind is not None:
                    votes[kind.statement] += 1
    return votes.most_common(1)[0][0] if votes else None


def _self_eval(segment: Segment, before: list[str], table_id: int, year, out: Tables) -> None:
    kind, title = self_eval_kind(segment.grid, before, table_id)
    factor = 1e-4 if unit_of(before[-3:]) == "元" else 1.0
    rec = recognise_grid(segment.grid, TableContext(title, kind, table_id, year, factor))
    out.budget_lines += rec.budget_lines
    out.indicators += rec.indicators
    out.narratives += rec.narratives
    out.issues += rec.issues
    out.departments += rec.departments
    out.cells_numeric += rec.cells_numeric
    out.cells_placed += rec.cells_placed
