"""The review store on SQLite and on PostgreSQL: migrations, decisions, history, imports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from review import schema
from review.migrations import SchemaTooNew, current_version, migrate
from review.store import Finding, ReviewError, ReviewStore, database_url

E01 = Finding(
    finding_id="f-e01",
    topic_id="t-e01",
    department="衡阳市人民政府国有资产监督管理委员会",
    year=2022,
    check_id="E01",
    subject="公交车运行维护",
    summary="“公交车运行维护”预算 4.00 万元，执行 3.27 万元，执行率 81.75%，低于 90%。",
    figures="4.00 · 3.27 · 81.75 · 90",
)


@pytest.fixture
def store(review_db):
    s = ReviewStore(review_db)
    yield s
    s.close()


def test_new_database_is_migrated_to_the_declared_schema(store):
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.SCHEMA_VERSION
        found = inspect(conn)
        for table in (schema.decisions, schema.history):
            columns = {c["name"] for c in found.get_columns(table.name)}
            assert columns == set(table.c.keys()), table.name
        assert "review_history_revision" in {
            u["name"] for u in found.get_unique_constraints(schema.history.name)
        }


def test_reopening_applies_nothing_and_a_newer_schema_is_refused(review_db):
    ReviewStore(review_db).close()
    engine = create_engine(ReviewStore(review_db).url)
    with engine.begin() as conn:
        assert migrate(conn) == []
        conn.execute(
            text("INSERT INTO review_schema_version VALUES (99, 'future', :t)"),
            {"t": datetime.now(UTC)},
        )
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="请升级"):
        ReviewStore(review_db)


def test_decisions_and_their_history(store):
    first = store.set_decision(E01, "误报", "经费控制类科目，节约不是问题", "张三")
    assert (first.status, first.revision, first.reviewer) == ("误报", 1, "张三")
    second = store.set_decision(E01, "confirmed", "复核后确认", "李四", source="cli")
    assert second.status == "属实" and second.revision == 2
    now = store.decision("f-e01")
    assert (now.status, now.note, now.reviewer, now.figures) == (
        "属实",
        "复核后确认",
        "李四",
        E01.figures,
    )
    assert now.decided_at.tzinfo is not None
    history = store.history("f-e01")
    assert history.select(
        "revision", "old_status", "new_status", "old_note", "note", "reviewer", "source"
    ).rows() == [
        (1, None, "误报", None, "经费控制类科目，节约不是问题", "张三", "web"),
        (2, "误报", "属实", "经费控制类科目，节约不是问题", "复核后确认", "李四", "cli"),
    ]
    assert store.decisions()["finding_id"].to_list() == ["f-e01"]
    assert store.problems() == []


def test_bad_input_is_refused_with_a_message(store):
    with pytest.raises(ReviewError, match="审核状态"):
        store.set_decision(E01, "maybe", "", "张三")
    with pytest.raises(ReviewError, match="审核人"):
        store.set_decision(E01, "属实", "", "  \x00 ")
    kept = store.set_decision(E01, "属实", "a\x07b\n第二行" + "长" * 3000, " 王\u200b五 ")
    assert kept.note.startswith("ab\n第二行") and len(kept.note) == 2000
    assert kept.reviewer == "王五"
    assert store.counts() == {"decisions": 1, "history": 1}


def test_import_keeps_the_newer_decision_and_is_idempotent(store):
    t0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert store.import_decision(E01, "误报", "会上认定", "张三", t0)
    assert not store.import_decision(E01, "误报", "会上认定", "张三", t0)  # same file twice
    assert not store.import_decision(E01, "属实", "旧的", "李四", t0 - timedelta(days=1))
    assert store.import_decision(E01, "已整改", "已收回", "李四", t0 + timedelta(days=2))
    assert store.decision("f-e01").status == "已整改"
    assert store.history("f-e01")["source"].to_list() == ["import", "import"]
    assert store.problems() == []


def test_the_consistency_check_can_fail(store):
    store.set_decision(E01, "误报", "一", "张三")
    store.set_decision(E01, "属实", "二", "张三")
    with store.transaction() as conn:  # someone edits the table by hand
        conn.execute(text("UPDATE review_history SET old_status = '已整改' WHERE revision = 2"))
        conn.execute(text("UPDATE review_decisions SET note = '改过'"))
    problems = store.problems()
    assert any("breaks at revision 2" in p for p in problems)
    assert any("differs from its last history row" in p for p in problems)


def test_status_and_history_constraints_hold_in_the_database(store):
    store.set_decision(E01, "误报", "", "张三")
    with pytest.raises(Exception), store.transaction() as conn:  # noqa: B017 (driver-specific)
        conn.execute(text("UPDATE review_decisions SET status = 'whatever'"))
    with pytest.raises(Exception), store.transaction() as conn:  # noqa: B017
        conn.execute(
            schema.history.insert().values(
                finding_id="f-e01",
                topic_id="t",
                revision=1,
                new_status="属实",
                note="",
                reviewer="x",
                decided_at=datetime.now(UTC),
                source="web",
            )
        )
    assert store.problems() == []


def test_database_url(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGET_AUDIT_DB", raising=False)
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'review.sqlite'}"
    monkeypatch.setenv("BUDGET_AUDIT_DB", "postgresql://u:p@db.example:5432/audit")
    assert database_url(None, tmp_path) == "postgresql+psycopg://u:p@db.example:5432/audit"
    assert database_url("postgres://h/a", tmp_path) == "postgresql+psycopg://h/a"
    assert database_url(str(tmp_path / "x.db"), tmp_path) == f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(ReviewError, match="不支持的数据库地址"):
        database_url("mysql://h/a", tmp_path)


def test_sqlite_file_is_in_wal_mode_under_the_workspace(tmp_path):
    store = ReviewStore(database_url(None, tmp_path / "ws"))
    assert Path(store.url.database) == (tmp_path / "ws" / "review.sqlite").resolve()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.close()


def test_an_unreachable_server_fails_fast_with_its_reason():
    import time

    from sqlalchemy.exc import OperationalError

    started = time.monotonic()
    with pytest.raises(OperationalError):
        ReviewStore("postgresql+psycopg://nobody@127.0.0.1:9/none")  # nothing listens on port 9
    assert time.monotonic() - started < 10
