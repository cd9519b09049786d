"""Decisions as CSV, to archive them or move them to another machine.

One row per finding key: ``finding_id, status, note, reviewer, decided_at`` (ISO 8601 with
offset), then what the finding said when it was decided (``topic_id, department, year,
check_id, subject, summary, figures``). Written UTF-8 with BOM and formula-safe like every
export; reading undoes the formula guard, accepts the English status aliases, and keeps the
newer decision where both sides have one, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from dashboard.export import to_csv_bytes
from review.store import Finding, ReviewError, ReviewStore, normalise_status

COLUMNS = (
    "finding_id",
    "status",
    "note",
    "reviewer",
    "decided_at",
    "topic_id",
    "department",
    "year",
    "check_id",
    "subject",
    "summary",
    "figures",
)
REQUIRED = ("finding_id", "status", "reviewer", "decided_at")
_GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def decisions_csv(store: ReviewStore) -> bytes:
    frame = store.decisions().with_columns(
        pl.col("decided_at").dt.to_string("%Y-%m-%dT%H:%M:%S%.6f+00:00")
    )
    return to_csv_bytes(frame.select(COLUMNS))


def history_csv(store: ReviewStore) -> bytes:
    frame = store.history().with_columns(
        pl.col("decided_at").dt.to_string("%Y-%m-%dT%H:%M:%S%.6f+00:00")
    )
    return to_csv_bytes(frame)


def _unguard(value: str) -> str:
    """Undo the export's apostrophe in front of ``= + - @``."""
    return value[1:] if value.startswith(_GUARDED) else value


def _time(value: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ReviewError(
            f"第 {line} 行：时间“{value}”无法识别（应为 2024-03-01T09:30:00+08:00）"
        ) from exc
    if moment.tzinfo is None:
        raise ReviewError(f"第 {line} 行：时间“{value}”缺少时区（如 +08:00）")
    return moment.astimezone(UTC)


@dataclass
class ImportResult:
    applied: int = 0
    kept: int = 0  # this database already held a newer or the same decision
    errors: list[str] = field(default_factory=list)


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """Rows of a decisions CSV with their line numbers; raises on a missing column."""
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ReviewError(f"CSV 缺少列：{', '.join(missing)}（需要 {', '.join(REQUIRED)}）")
    return [(number, row) for number, row in enumerate(reader, start=2)]


def import_csv(store: ReviewStore, data: bytes) -> ImportResult:
    """Apply every row that is newer than what the store holds; bad rows are reported, not fatal."""
    result = ImportResult()
    for line, raw in read_rows(data):
        row = {k: _unguard(v or "") for k, v in raw.items() if k}
        try:
            if not row["finding_id"].strip():
                raise ReviewError(f"第 {line} 行：缺少 finding_id")
            year = row.get("year", "").strip()
            finding = Finding(
                finding_id=row["finding_id"].strip(),
                topic_id=row.get("topic_id", "").strip() or row["finding_id"].strip(),
                department=row.get("department") or None,
                year=int(float(year)) if year else None,
                check_id=row.get("check_id") or None,
                subject=row.get("subject") or None,
                summary=row.get("summary") or None,
                figures=row.get("figures") or None,
            )
            status = normalise_status(row["status"])
            when = _time(row["decided_at"], line)
            if store.import_decision(finding, status, row.get("note", ""), row["reviewer"], when):
                result.applied += 1
            else:
                result.kept += 1
        except (ReviewError, ValueError) as exc:
            message = str(exc)
            result.errors.append(
                message if message.startswith("第") else f"第 {line} 行：{message}"
            )
    return result
