"""What every disclosure recogniser shares: the table it reads and the rows it writes.

A recogniser turns each printed figure into one `accounts` row (and 三公 figures also
into `sangong` rows) or into a catalogued parse issue; :class:`TableReader` counts both,
so a document's understanding coverage is the figures placed over the figures seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.classify import Segment
from loaders.issues import issue
from loaders.recognise.layout import Column, Figure, Layout, Part
from loaders.recognise.vocabulary import (
    classification_of,
    clean_label,
    fund_of_title,
    level_of,
    statement_measure,
)


@dataclass
class Recognised:
    """The rows one disclosure table yielded, and how many of its figures were placed."""

    accounts: list[dict] = field(default_factory=list)
    sangong: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    cells_numeric: int = 0
    cells_placed: int = 0


class TableReader:
    """One table being read: its kind, unit and number, and the rows and issues so far."""

    def __init__(self, segment: Segment, table_id: int, layout: Layout):
        self.segment = segment
        self.kind = segment.kind
        assert self.kind is not None
        self.table_id = table_id
        self.layout = layout
        self.factor = 1e-4 if segment.unit == "元" else 1.0
        self.title_fund = fund_of_title(segment.title)
        self.out = Recognised()
        self.name = segment.title or self.kind.kind

    @property
    def statement(self) -> str:
        return self.kind.statement

    @property
    def default_measure(self) -> str:
        return statement_measure(self.statement)

    def count(self, parts: list[Part]) -> bool:
        """Count a row's figures as numeric cells seen; ``False`` when the row cannot be read.

        A cell of figures run together (``508.2070.00411.20``) counts as the figures it holds;
        its row's other figures are then reported, not placed: with figures missing in
        between, laying the rest onto the columns would misplace them.
        """
        for part in parts:
            self.out.cells_numeric += len(part.figures) + sum(_pieces(t) for t in part.glued)
            for text in part.glued:
                self.out.issues.append(
                    issue(
                        "unsplit-figures",
                        part.row.line,
                        table=self.name,
                        text=text,
                        count=_pieces(text),
                    )
                )
        if not any(part.glued for part in parts):
            return True
        for part in parts:
            for figure in part.figures:
                self.unplaced(part, figure, "unplaced-figure")
        return False

    def emit(
        self,
        part: Part,
        figure: Figure,
        column: Column | None,
        *,
        item: str,
        measure: str,
        side: str,
        fund: str | None,
        row_kind: str,
        code: str | None = None,
        classification: str | None = None,
        column_text: str | None = None,
    ) -> dict:
        number = figure.number
        amount = round(number.value * self.factor, 6) if not number.percent else number.value
        row = {
            "statement": self.statement,
            "table_kind": self.kind.kind,
            "table_code": self.segment.code,
            "table_title": self.segment.title,
            "table_id": self.table_id,
            "side": side,
            "fund": fund,
            "classification": classification_of(code, classification),
            "code": code,
            "level": level_of(code),
            "item": item,
            "measure": measure,
            "column": column_text if column_text is not None else (column.text() if column else ""),
            "row_kind": row_kind,
            "amount": amount,
            "unit_printed": "%" if number.percent else self.segment.unit,
            "decimals": number.decimals,
            "source_line": part.row.line,
        }
        self.out.accounts.append(row)
        self.out.cells_placed += 1
        return row

    def unplaced(self, part: Part, figure: Figure, code: str, column: Column | None = None) -> None:
        self.out.issues.append(
            issue(
                code,
                part.row.line,
                table=self.name,
                figure=figure.text,
                column=column.text() if column and column.path else "无表头",
            )
        )


def _pieces(text: str) -> int:
    """How many printed figures a run-together cell holds (at least two)."""
    return max(2, len(re.findall(r"\d{1,3}(?:,\d{3})*\.\d{2}", text)))


def item_of(labels: list[str]) -> str:
    """Label cells joined as printed (procurement rows print two: 专项名称/经济科目)."""
    return "/".join(t for t in (clean_label(x) for x in labels) if t)


def borrow_labels(row: list[Part], sides: list[str]) -> list[bool]:
    """A figure whose label sits in the group to its left on the same side (a merged cell:
    ``当年支出小计`` spans the by-function and by-use halves). Returns which parts borrowed."""
    borrowed = [False] * len(row)
    for g, part in enumerate(row):
        if not part.figures or part.labels or part.code:
            continue
        for h in range(g - 1, -1, -1):
            other = row[h]
            if sides[h] != sides[g]:
                break
            if other.labels and not other.figures:
                part.labels, part.code = other.labels, other.code
                part.label_columns = other.label_columns
                other.labels, other.label_columns = [], []
                borrowed[g] = True
                break
            if other.labels or other.figures:
                break
    return borrowed


def shared_column_text(parts: list[Part], column: Column | None) -> str:
    """A spanning total's column: the header path the two halves share, plus its leaf."""
    if column is None:
        return ""
    prefix = parts[0].group.prefix() if parts else []
    return "/".join(prefix[:1] + [column.leaf]) if prefix else column.leaf
