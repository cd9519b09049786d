"""Schema versions, applied in order and recorded in ``review_schema_version``.

Hand-rolled on purpose: two tables and a handful of versions do not need Alembic (a
dependency outside the allowed list, with its own config and script folders). Every
migration runs in one transaction with the other writers held off (SQLite ``BEGIN
IMMEDIATE``, a PostgreSQL advisory lock), so eight processes opening a new database at
once apply each version exactly once. A database written by a newer release is refused
rather than guessed at.

To change the schema: add a function ``_vN`` and a line in ``MIGRATIONS``, edit
``schema.py``, raise ``SCHEMA_VERSION``; ``tests/test_review_store.py`` checks that the
migrated tables match ``schema.py``. Version 1 builds the tables of ``schema.py`` directly:
before a later version changes one of them, freeze its version-1 definition here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, select, text
from sqlalchemy.engine import Connection

from review import schema

_versions_md = MetaData()
versions = Table(
    "review_schema_version",
    _versions_md,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
_PG_LOCK = 0x62756467_6175  # any constant: serialises migrations across processes


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer budget-audit."""


def _v1(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.decisions, schema.history])


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "review decisions and their history", _v1),
]
assert MIGRATIONS[-1][0] == schema.SCHEMA_VERSION


def current_version(conn: Connection) -> int:
    if not conn.dialect.has_table(conn, versions.name):
        return 0
    return (
        conn.execute(select(versions.c.version).order_by(versions.c.version.desc())).scalar() or 0
    )


def migrate(conn: Connection) -> list[int]:
    """Bring the database to ``SCHEMA_VERSION`` inside the caller's write transaction.

    Returns the versions applied now (empty when it was up to date).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    versions.create(conn, checkfirst=True)
    have = current_version(conn)
    if have > schema.SCHEMA_VERSION:
        raise SchemaTooNew(
            f"审核数据库的结构版本为 {have}，本程序只认识到 {schema.SCHEMA_VERSION}：请升级 budget-audit"
        )
    applied = []
    for version, name, step in MIGRATIONS:
        if version > have:
            step(conn)
            conn.execute(
                versions.insert().values(version=version, name=name, applied_at=datetime.now(UTC))
            )
            applied.append(version)
    return applied
