"""A report being written line by line, remembering where each fact landed.

Layouts call :meth:`Doc.line`, :meth:`Doc.tsv` and :meth:`Doc.cells`; each returns
the 1-based line number, and a key stores it in ``anchors`` so that planted red
flags can name the exact line a check will report. ``money`` collects every row
that states a budget and an actual (what the execution and balance checks read).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Money:
    """A budget line as the loader should read it (amounts in cents, None = not printed)."""

    line: int
    item: str
    project: str = ""
    initial: int | None = None
    adjustment: int | None = None
    budget: int | None = None
    actual: int | None = None
    balance: int | None = None
    row_kind: str = "item"  # item / sub / total
    origin: str = "table"  # table / prose
    explained: bool = False  # a deviation explanation exists for this project (table)

    @property
    def effective_budget(self) -> int | None:
        if self.budget is not None:
            return self.budget
        if self.initial is not None or self.adjustment is not None:
            return (self.initial or 0) + (self.adjustment or 0)
        return None


@dataclass
class Doc:
    name: str
    kind: str  # report / projects / final
    lines: list[str] = field(default_factory=list)
    anchors: dict[tuple, int] = field(default_factory=dict)
    money: list[Money] = field(default_factory=list)

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def line(self, text: str = "", key: tuple | None = None) -> int:
        self.lines.append(text)
        number = len(self.lines)
        if key is not None:
            self.anchors.setdefault(key, number)
        return number

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.lines.append("")

    def para(self, text: str, key: tuple | None = None) -> int:
        """A paragraph on its own line after a blank line (the samples' spacing)."""
        self.blank()
        return self.line(text, key)

    def tsv(self, cells: list[str], key: tuple | None = None) -> int:
        return self.line("\t".join(cells), key)

    def cells(self, cells: list[str], key: tuple | None = None) -> int:
        """A Word-table row: one cell per line (a cell's own line breaks follow it), then a blank."""
        first = self.next_line
        for cell in cells:
            head, *rest = cell.split("\n")
            self.lines.append("\t" + head)
            self.lines.extend(rest)
        self.lines.append("")
        if key is not None:
            self.anchors.setdefault(key, first)
        return first

    def cell_line(self, cells: list[str], index: int, first: int) -> int:
        """The line of cell ``index`` of a row written by :meth:`cells` starting at ``first``."""
        line = first
        for cell in cells[:index]:
            line += 1 + cell.count("\n")
        return line

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
