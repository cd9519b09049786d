"""The answer key: where each planted red flag (and each expected side effect) should be reported.

``truth.csv`` has one row per expected flag: ``source_file`` (relative to ``reports/``),
``source_line``, ``check`` (E01…), ``category``, ``description``, and ``kind``:

* ``planted`` — the flag a planted problem must raise (recall is measured on these);
* ``secondary`` — a flag that legitimately follows from a plant, e.g. the project total
  whose execution rate a planted low actual pulls below 90 % (precision counts these as
  correct, recall ignores them).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.synth.expect import Predicted
from tools.synth.plant import CATEGORY, Plant
from tools.synth.writer import Doc

COLUMNS = [
    "source_file",
    "source_line",
    "check",
    "category",
    "description",
    "kind",
    "plant",
    "department",
    "year",
]


@dataclass
class TruthRow:
    source_file: str
    source_line: int | None
    check: str
    category: str
    description: str
    kind: str  # planted / secondary
    plant: str
    department: str
    year: int


def resolve(
    plants: list[Plant],
    docs: dict[str, Doc],
    predictions: list[Predicted],
    department: str,
    year: int,
) -> tuple[list[TruthRow], int]:
    """Truth rows of one department-year, and how many expectations found no place."""
    rows: list[TruthRow] = []
    seen: set[tuple] = set()
    unresolved = 0
    for plant in plants:
        for expect in plant.expects:
            places = [p for p in expect.resolve(docs, predictions) if p[1] is not None]
            if not places:
                unresolved += 1
                places = [(docs["report"].name, None)]
            for file, line in places:
                key = (file, line, expect.check)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    TruthRow(
                        file,
                        line,
                        expect.check,
                        CATEGORY[expect.check[0]],
                        expect.description,
                        expect.kind,
                        plant.kind,
                        department,
                        year,
                    )
                )
    for p in predictions:
        key = (p.file, p.line, p.check)
        if key in seen:
            continue
        seen.add(key)
        names = "、".join(dict.fromkeys(m.project or m.item for m in p.members))
        rows.append(
            TruthRow(
                p.file,
                p.line,
                p.check,
                CATEGORY[p.check[0]],
                f"随计划问题产生：{names}",
                "secondary",
                "",
                department,
                year,
            )
        )
    return rows, unresolved


def write_truth(path: Path, rows: list[TruthRow]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            record = asdict(row)
            record["source_line"] = "" if row.source_line is None else row.source_line
            writer.writerow(record)


def write_manifest(path: Path, manifest: dict) -> None:
    path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
