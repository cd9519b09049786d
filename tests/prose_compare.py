"""Compare the ``prose_figures`` rows of a document with a golden file written by reading it.

A golden row names its clause and the clause of its whole with labels of its own (``c1``,
``n12``); the comparison maps them onto the frame's ids, so grouping is checked, not numbering.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = ["subject", "decimals", "direction", "basis", "of_total", "placeholder"]
_PUNCT = re.compile(r"[\s“”\"'（）()]")


def _norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return _PUNCT.sub("", str(value))


def _key(row: dict) -> tuple:
    value = row["value"]
    number = None if value in (None, "") else round(float(value), 6)
    return (int(row["source_line"]), row["what"], number, row.get("unit") or "")


@dataclass
class Comparison:
    golden: int = 0
    loaded: int = 0
    matched: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # matched rows with a field that differs
    clause_errors: list[str] = field(default_factory=list)
    wrong_parents: list[str] = field(default_factory=list)
    parents_found: int = 0
    parents_golden: int = 0

    def problems(self) -> list[str]:
        return self.missing + self.extra + self.wrong + self.clause_errors + self.wrong_parents


def read_golden(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def compare(golden: list[dict], rows: list[dict]) -> Comparison:
    """Every golden row found with the same fields, no other row, clauses grouped alike."""
    result = Comparison(golden=len(golden), loaded=len(rows))
    remaining = list(rows)
    pairs: list[tuple[dict, dict]] = []
    for g in golden:
        match = next((r for r in remaining if _key(r) == _key(g)), None)
        if match is None:
            result.missing.append(f"missing {_key(g)} {g['subject']}")
            continue
        remaining.remove(match)
        pairs.append((g, match))
        diffs = [f for f in FIELDS if _norm(g[f]) != _norm(match[f])]
        if diffs:
            result.wrong.append(
                f"{_key(g)}: " + ", ".join(f"{f} {g[f]!r} != {match[f]!r}" for f in diffs)
            )
        else:
            result.matched += 1
    result.extra = [f"extra {_key(r)} {r['subject']}" for r in remaining]
    to_frame: dict[str, int] = {}
    to_golden: dict[int, str] = {}
    for g, r in pairs:
        if to_frame.setdefault(g["clause"], r["clause_id"]) != r["clause_id"]:
            result.clause_errors.append(f"{g['clause']} split at {_key(g)}")
        if to_golden.setdefault(r["clause_id"], g["clause"]) != g["clause"]:
            result.clause_errors.append(f"{g['clause']} merged with {to_golden[r['clause_id']]}")
    seen: set[str] = set()
    for g, r in pairs:
        if g["clause"] in seen:
            continue
        seen.add(g["clause"])
        result.parents_golden += bool(g["parent"])
        if r["parent_clause"] is None:
            continue
        if g["parent"] and to_frame.get(g["parent"]) == r["parent_clause"]:
            result.parents_found += 1
        else:
            result.wrong_parents.append(
                f"{g['clause']}: parent {r['parent_clause']} not {g['parent']!r}"
            )
    return result
