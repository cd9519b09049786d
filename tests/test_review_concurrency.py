"""Concurrent writer processes on SQLite and PostgreSQL: nothing lost, nothing corrupted.

Eight processes set decisions on twelve shared findings as fast as they can for
``BUDGET_AUDIT_SOAK_SECONDS`` (default 3; ``.ci/run`` runs the full 30 once). Every
decision a writer saw committed must be in the history exactly once, every finding's
history must be one unbroken chain, and its decision must equal its last change. A writer
killed with SIGKILL inside a transaction loses that decision and nothing else, and does
not block the others.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
from review_writer import FINDINGS

from review.store import ReviewStore

WRITER = Path(__file__).with_name("review_writer.py")
SECONDS = float(os.environ.get("BUDGET_AUDIT_SOAK_SECONDS", "3"))


def _start(url: str, name: str, seconds: float, log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, name, str(seconds), str(log), *extra],
        stderr=subprocess.PIPE,
        text=True,
    )


def _start_together(procs: dict[str, subprocess.Popen], logs: dict[str, Path], go: Path) -> None:
    """Wait until every writer has opened the store, then let them all go at once."""
    deadline = time.monotonic() + 120
    while not all(Path(f"{log}.ready").exists() for log in logs.values()):
        for name, proc in procs.items():
            assert proc.poll() is None, (
                f"{name} died while opening the store:\n{proc.stderr.read()}"
            )
        assert time.monotonic() < deadline, "writers not ready after 120 s"
        time.sleep(0.02)
    go.touch()


def _acknowledged(logs: dict[str, Path]) -> pl.DataFrame:
    rows = []
    for name, log in logs.items():
        for line in log.read_text().splitlines() if log.exists() else []:
            seq, finding, status = line.split("\t")
            rows.append((f"{name}:{seq}", finding, status))
    return pl.DataFrame(rows, schema=["note", "finding_id", "new_status"], orient="row")


def _assert_sound(store: ReviewStore, acked: pl.DataFrame, allowed_extra: int = 0) -> pl.DataFrame:
    history = store.history()
    assert store.problems() == []
    assert history["note"].is_duplicated().sum() == 0
    missing = acked.join(history, on=["note", "finding_id", "new_status"], how="anti")
    assert missing.height == 0, f"acknowledged decisions lost: {missing.head(5).rows()}"
    extra = history.join(acked, on="note", how="anti")
    assert extra.height <= allowed_extra, extra.rows()
    return history


def test_eight_writers_lose_nothing(review_db, tmp_path):
    logs = {f"w{i}": tmp_path / f"w{i}.log" for i in range(8)}
    # all eight open (and migrate) the new database at the same moment
    go = tmp_path / "go"
    procs = {
        name: _start(review_db, name, SECONDS, log, "--go", str(go)) for name, log in logs.items()
    }
    _start_together(procs, logs, go)
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=SECONDS + 120)
        assert proc.returncode == 0, f"{name} failed:\n{err}"
    store = ReviewStore(review_db)
    acked = _acknowledged(logs)
    history = _assert_sound(store, acked)
    assert history.height == acked.height
    assert acked.height > 8 * SECONDS, "writers hardly wrote: contention not exercised"
    assert store.decisions().height == acked["finding_id"].n_unique()
    with store.engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT count(*) FROM review_schema_version").scalar()
    assert versions == 1
    print(f"{store.dialect}: {acked.height} decisions by 8 writers in {SECONDS:.0f} s")
    store.close()


def test_kill_minus_nine_inside_a_transaction_loses_only_that_decision(review_db, tmp_path):
    ReviewStore(review_db).close()
    logs = {f"w{i}": tmp_path / f"w{i}.log" for i in range(4)}
    victim_log = logs["w0"]
    run_for = min(SECONDS, 3)
    go = tmp_path / "go"
    victim = _start(
        review_db, "w0", run_for + 60, victim_log, "--go", str(go), "--hang-after", "20"
    )
    others = {
        n: _start(review_db, n, run_for, log, "--go", str(go))
        for n, log in logs.items()
        if n != "w0"
    }
    _start_together({"w0": victim, **others}, logs, go)
    marker = Path(f"{victim_log}.in-transaction")
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert victim.poll() is None, victim.stderr.read()
        assert time.monotonic() < deadline, "victim never reached its transaction"
        time.sleep(0.01)
    time.sleep(0.2)  # let the others queue behind the victim's lock
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    assert victim.returncode == -signal.SIGKILL
    for name, proc in others.items():
        _, err = proc.communicate(timeout=run_for + 120)
        assert proc.returncode == 0, f"{name} failed after the kill:\n{err}"
    store = ReviewStore(review_db)
    history = _assert_sound(store, _acknowledged(logs))
    assert "w0:hang" not in history["note"].to_list()
    assert history.filter(pl.col("reviewer") == "w0").height == 20
    # the killed writer's lock is gone: a new write to the finding it held goes through at once
    started = time.monotonic()
    store.set_decision(FINDINGS[0], "属实", "after the kill", "tester")
    assert time.monotonic() - started < 5
    assert store.problems() == []
    store.close()
