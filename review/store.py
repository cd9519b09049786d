"""The one data-access module for review decisions (SQLAlchemy Core; SQLite or PostgreSQL).

SQLite (the default, ``<workspace>/review.sqlite``) runs in WAL mode with a busy timeout,
and every write transaction starts with ``BEGIN IMMEDIATE``, so writers queue instead of
failing half-way. PostgreSQL locks the decision row (``SELECT … FOR UPDATE``). Either way a
decision and its history row are written in one transaction: a writer killed mid-way
leaves neither, and the history of a finding is one unbroken chain (each row's old status
is the previous row's new status, revisions 1, 2, 3 …) that :meth:`ReviewStore.problems`
verifies.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from checks.finding_key import figures_text
from review import schema
from review.migrations import migrate

ENV = "BUDGET_AUDIT_DB"
DEFAULT_FILE = "review.sqlite"
BUSY_TIMEOUT_S = 30
CONNECT_TIMEOUT_S = 5
MAX_NOTE = 2000
MAX_REVIEWER = 100
_RETRY_SQLSTATES = {"40001", "40P01", "23505"}  # serialization, deadlock, unique (insert race)
_ATTEMPTS = 10


class ReviewError(ValueError):
    """A decision or a database setting that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Finding:
    """What a decision is made on: its keys and what it said when it was decided."""

    finding_id: str
    topic_id: str
    department: str | None = None
    year: int | None = None
    check_id: str | None = None
    subject: str | None = None
    summary: str | None = None
    figures: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> Finding:
        """From a flags / findings row that carries ``finding_id`` and ``topic_id``."""
        return cls(
            finding_id=row["finding_id"],
            topic_id=row.get("topic_id") or row["finding_id"],
            department=row.get("department"),
            year=row.get("year"),
            check_id=row.get("check_id"),
            subject=row.get("subject"),
            summary=row.get("message"),
            figures=figures_text(row.get("message")),
        )


@dataclass(frozen=True)
class Decision:
    finding_id: str
    topic_id: str
    status: str
    note: str
    reviewer: str
    decided_at: datetime
    revision: int
    department: str | None
    year: int | None
    check_id: str | None
    subject: str | None
    summary: str | None
    figures: str | None


DECISIONS = {
    "finding_id": pl.String,
    "topic_id": pl.String,
    "status": pl.String,
    "note": pl.String,
    "reviewer": pl.String,
    "decided_at": pl.Datetime("us", "UTC"),
    "revision": pl.Int64,
    "department": pl.String,
    "year": pl.Int32,
    "check_id": pl.String,
    "subject": pl.String,
    "summary": pl.String,
    "figures": pl.String,
}
HISTORY = {
    "id": pl.Int64,
    "finding_id": pl.String,
    "topic_id": pl.String,
    "revision": pl.Int64,
    "old_status": pl.String,
    "new_status": pl.String,
    "old_note": pl.String,
    "note": pl.String,
    "reviewer": pl.String,
    "decided_at": pl.Datetime("us", "UTC"),
    "source": pl.String,
    "figures": pl.String,
    "summary": pl.String,
}


def database_url(db: str | None, workspace: Path) -> str:
    """``--db`` or ``BUDGET_AUDIT_DB`` or ``<workspace>/review.sqlite``, as a SQLAlchemy URL.

    ``postgresql://…`` uses psycopg 3; a plain path means a SQLite file.
    """
    raw = (db or os.environ.get(ENV) or "").strip()
    if not raw:
        return f"sqlite:///{(Path(workspace) / DEFAULT_FILE).resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    if raw.startswith(("postgresql+psycopg://", "sqlite:")):
        return raw
    if "://" in raw:
        raise ReviewError(
            f"不支持的数据库地址：{raw.split('://')[0]}://…（可用 postgresql:// 或 SQLite 文件路径）"
        )
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def normalise_status(value: str) -> str:
    status = (value or "").strip()
    status = schema.STATUS_ALIASES.get(status.lower(), status)
    if status not in schema.STATUSES:
        raise ReviewError(f"审核状态“{value}”无效，应为：{' / '.join(schema.STATUSES)}")
    return status


def _clean(text: str | None, limit: int) -> str:
    """One line or paragraph of user text: NFC, no control characters but newlines, bounded."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()[:limit]


def clean_reviewer(name: str | None) -> str:
    reviewer = _clean(name, MAX_REVIEWER).replace("\n", " ")
    if not reviewer:
        raise ReviewError("请填写审核人姓名")
    return reviewer


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return True  # SQLite: busy timeout ran out while another process wrote
    return getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES


class ReviewStore:
    """Decisions and history in one database; safe to share between processes."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ReviewError(f"不支持的数据库类型：{self.dialect}")
        self.engine = self._engine()
        self._writer = self.engine.execution_options(review_write=True)
        with self.transaction() as conn:
            migrate(conn)

    def __repr__(self) -> str:
        return f"ReviewStore({self.display_url})"

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def _engine(self) -> Engine:
        if self.dialect == "postgresql":
            # a server that does not answer fails in seconds, not after the TCP timeout
            return create_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=2,
                max_overflow=4,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
            )
        database = self.url.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            write = conn.get_execution_options().get("review_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def close(self) -> None:
        self.engine.dispose()

    # ---- writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        with self._writer.begin() as conn:
            yield conn

    def record(
        self,
        conn: Connection,
        finding: Finding,
        status: str,
        note: str,
        reviewer: str,
        *,
        at: datetime | None = None,
        source: str = "web",
        only_if_newer: bool = False,
    ) -> Decision | None:
        """Write a decision and its history row inside ``conn``'s transaction.

        With ``only_if_newer`` (imports) nothing is written when the stored decision is as
        recent or more recent, or says the same thing; returns None then.
        """
        status = normalise_status(status)
        note = _clean(note, MAX_NOTE)
        reviewer = clean_reviewer(reviewer)
        at = _utc(at) or datetime.now(UTC)
        if source not in schema.SOURCES:
            raise ReviewError(f"unknown source {source!r}")
        d = schema.decisions
        current = conn.execute(
            select(d).where(d.c.finding_id == finding.finding_id).with_for_update()
        ).first()
        if only_if_newer and current is not None:
            same = (current.status, current.note) == (status, note)
            if same or _utc(current.decided_at) >= at:
                return None
        revision = (current.revision if current else 0) + 1
        values = {
            "topic_id": finding.topic_id,
            "status": status,
            "note": note,
            "reviewer": reviewer,
            "decided_at": at,
            "revision": revision,
            "department": finding.department,
            "year": finding.year,
            "check_id": finding.check_id,
            "subject": finding.subject,
            "summary": finding.summary,
            "figures": finding.figures,
        }
        if current is None:
            conn.execute(d.insert().values(finding_id=finding.finding_id, **values))
        else:
            conn.execute(d.update().where(d.c.finding_id == finding.finding_id).values(**values))
        conn.execute(
            schema.history.insert().values(
                finding_id=finding.finding_id,
                topic_id=finding.topic_id,
                revision=revision,
                old_status=current.status if current else None,
                new_status=status,
                old_note=current.note if current else None,
                note=note,
                reviewer=reviewer,
                decided_at=at,
                source=source,
                figures=finding.figures,
                summary=finding.summary,
            )
        )
        return Decision(finding_id=finding.finding_id, **values)

    def _retrying(self, write):
        for attempt in range(_ATTEMPTS):
            try:
                with self.transaction() as conn:
                    return write(conn)
            except (DBAPIError, IntegrityError) as exc:
                if not _retryable(exc) or attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    def set_decision(
        self,
        finding: Finding,
        status: str,
        note: str,
        reviewer: str,
        *,
        at: datetime | None = None,
        source: str = "web",
    ) -> Decision:
        """Record a decision now (retried when another writer got in the way)."""
        return self._retrying(
            lambda conn: self.record(conn, finding, status, note, reviewer, at=at, source=source)
        )

    def import_decision(
        self, finding: Finding, status: str, note: str, reviewer: str, at: datetime
    ) -> bool:
        """Apply a decision from another machine unless this one holds a newer or equal one."""
        written = self._retrying(
            lambda conn: self.record(
                conn, finding, status, note, reviewer, at=at, source="import", only_if_newer=True
            )
        )
        return written is not None

    # ---- reading ------------------------------------------------------------------------

    def decision(self, finding_id: str) -> Decision | None:
        d = schema.decisions
        with self.engine.connect() as conn:
            row = conn.execute(select(d).where(d.c.finding_id == finding_id)).first()
        return _decision(row) if row else None

    def decisions(self) -> pl.DataFrame:
        """Every current decision, one row per finding key."""
        d = schema.decisions
        with self.engine.connect() as conn:
            rows = conn.execute(select(*(d.c[k] for k in DECISIONS)).order_by(d.c.decided_at)).all()
        return _frame(rows, DECISIONS)

    def history(self, finding_id: str | None = None, topic_id: str | None = None) -> pl.DataFrame:
        """Every change, oldest first; for one finding key or topic when given."""
        h = schema.history
        query = select(*(h.c[k] for k in HISTORY)).order_by(h.c.id)
        if finding_id is not None:
            query = query.where(h.c.finding_id == finding_id)
        if topic_id is not None:
            query = query.where(h.c.topic_id == topic_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return _frame(rows, HISTORY)

    def counts(self) -> dict[str, int]:
        d, h = schema.decisions, schema.history
        with self.engine.connect() as conn:
            return {
                "decisions": conn.execute(select(func.count()).select_from(d)).scalar_one(),
                "history": conn.execute(select(func.count()).select_from(h)).scalar_one(),
            }

    def problems(self) -> list[str]:
        """Broken invariants (empty when sound): history chains, decision = last change."""
        found: list[str] = []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                check = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if check != "ok":
                    found.append(f"integrity_check: {check}")
        history = self.history()
        chains = history.sort("finding_id", "revision").with_columns(
            pl.col("new_status").shift(1).over("finding_id").alias("_prev_status"),
            pl.col("note").shift(1).over("finding_id").alias("_prev_note"),
            pl.int_range(1, pl.len() + 1).over("finding_id").alias("_expected"),
        )
        for row in chains.filter(
            (pl.col("revision") != pl.col("_expected"))
            | ~pl.col("old_status").eq_missing(pl.col("_prev_status"))
            | ~pl.col("old_note").eq_missing(pl.col("_prev_note"))
        ).iter_rows(named=True):
            found.append(f"history of {row['finding_id']} breaks at revision {row['revision']}")
        last = chains.group_by("finding_id").agg(pl.all().sort_by("revision").last())
        joined = self.decisions().join(last, on="finding_id", how="full", suffix="_h")
        for row in joined.iter_rows(named=True):
            key = row["finding_id"] or row["finding_id_h"]
            if row["finding_id"] is None or row["finding_id_h"] is None:
                found.append(f"{key}: decision without history or history without decision")
            elif (row["status"], row["note"], row["revision"]) != (
                row["new_status"],
                row["note_h"],
                row["revision_h"],
            ):
                found.append(f"{key}: decision differs from its last history row")
        return found


def _decision(row) -> Decision:
    data = row._asdict()
    data["decided_at"] = _utc(data["decided_at"])
    return Decision(**{f.name: data[f.name] for f in fields(Decision)})


def _frame(rows, schema_: dict) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema=schema_)
    data = [
        tuple(_utc(v) if k == "decided_at" else v for k, v in zip(schema_, r, strict=True))
        for r in rows
    ]
    return pl.DataFrame(data, schema=schema_, orient="row")


def open_store(db: str | None, workspace: Path) -> ReviewStore:
    """The store for ``--db`` / ``BUDGET_AUDIT_DB`` / the workspace's SQLite file."""
    return ReviewStore(database_url(db, workspace))


def as_dict(decision: Decision) -> dict:
    return asdict(decision)
