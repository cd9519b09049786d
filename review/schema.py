"""The review tables as the code reads and writes them (current schema version).

``review_decisions`` holds the current decision per finding; ``review_history`` every
change ever made, append-only (who, when, old → new status and note). Each decision keeps
the figures and wording of the finding it was made on, so a finding whose figures changed
can show the earlier decision as "for an earlier version".
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

STATUSES = ("待核实", "属实", "误报", "已整改")
STATUS_ALIASES = {  # accepted on the command line and in imported files
    "open": "待核实",
    "to-check": "待核实",
    "confirmed": "属实",
    "true": "属实",
    "false-positive": "误报",
    "false_positive": "误报",
    "fp": "误报",
    "fixed": "已整改",
    "corrected": "已整改",
}
SOURCES = ("web", "cli", "import")
SCHEMA_VERSION = 1

# A BIGINT key on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
HistoryId = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()


def _status_check(column: str, name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{s}'" for s in STATUSES)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


decisions = Table(
    "review_decisions",
    metadata,
    Column("finding_id", String(64), primary_key=True),
    Column("topic_id", String(64), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False),  # how many history rows this finding has
    # the finding as it was when decided
    Column("department", Text),
    Column("year", Integer),
    Column("check_id", String(16)),
    Column("subject", Text),
    Column("summary", Text),  # the finding's message
    Column("figures", Text),  # its numbers, "4.00 · 3.27 · 81.75"
    _status_check("status", "review_decisions_status"),
)

history = Table(
    "review_history",
    metadata,
    Column("id", HistoryId, primary_key=True, autoincrement=True),
    Column("finding_id", String(64), nullable=False, index=True),
    Column("topic_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("old_status", String(16)),
    Column("new_status", String(16), nullable=False),
    Column("old_note", Text),
    Column("note", Text, nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("source", String(16), nullable=False),
    Column("figures", Text),
    Column("summary", Text),
    _status_check("new_status", "review_history_status"),
    # one row per revision: two writers can never both record "revision 5" of a finding
    UniqueConstraint("finding_id", "revision", name="review_history_revision"),
)
