from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session", autouse=True)
def isolated_workspace(tmp_path_factory):
    """No test reads or writes the developer's workspace/ (uploads, parse cache)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGET_AUDIT_WORKSPACE", str(tmp_path_factory.mktemp("workspace")))
        yield


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus():
    from loaders.pipeline import load_paths

    return load_paths([SAMPLES])


# ---- real browser (Debian chromium driven by Playwright) ------------------------------------

import contextlib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(log_path: Path, env: dict[str, str], ready_seconds: float = 90):
    """A Streamlit server of the dashboard, as ``budget-audit serve`` starts it; yields its URL."""
    from cli.serve import streamlit_command

    port = _free_port()
    log = log_path.open("w+")
    proc = subprocess.Popen(
        streamlit_command("127.0.0.1", port),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
    )
    base, t0 = f"http://127.0.0.1:{port}", time.monotonic()
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"streamlit exited ({proc.returncode}):\n{log.read()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() - t0 > ready_seconds:
                pytest.fail(f"streamlit not ready after {ready_seconds} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def st_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("st") / "streamlit.log"
    with running_app(log, {"BUDGET_AUDIT_PATHS": str(SAMPLES)}) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        msg = f"{CHROMIUM} missing: bash .ci/setup --browser"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=45_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, st_server):
    """A factory of pages, each in a fresh browser context (like a colleague opening a link)."""
    contexts, outside = [], []

    def make():
        ctx = browser.new_context(
            accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 1000}
        )
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(45_000)
        pg.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith(st_server)
                and not r.url.startswith("data:")
                and not r.url.startswith("blob:")
                else None
            ),
        )
        return pg

    yield make
    for ctx in contexts:
        ctx.close()
    assert outside == [], f"page tried to reach the outside: {outside}"


# ---- review databases: SQLite always, PostgreSQL when BUDGET_AUDIT_TEST_PG is set ------------

PG_ENV = "BUDGET_AUDIT_TEST_PG"


def _pg_schema_url(base: str, schema: str) -> str:
    """``base`` with every connection's search_path set to ``schema`` (one schema per test)."""
    from urllib.parse import quote

    from review.store import database_url

    url = database_url(base, ROOT)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def review_db(request, tmp_path):
    """A fresh, empty review database URL: a SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'review.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set (.ci/run starts a PostgreSQL and sets it)")
    import uuid

    from sqlalchemy import create_engine, text

    from review.store import database_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(base, ROOT))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _pg_schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
