"""The dashboard in headless Chromium, for the screenshot and page-timing scripts.

Starts the app as ``budget-audit serve`` does (its own temporary workspace unless one is
given), opens pages in Debian's Chromium with the flags the tests use, and waits until a
page has *finished* rendering: the script has stopped running and every chart is drawn.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHARTS_DRAWN = (
    "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
    ".every(c => c.querySelector('.js-plotly-plot .trace'))"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app(paths: list[Path], workspace: Path | None = None, log: Path | None = None):
    """The dashboard over ``paths``; yields its base URL."""
    from cli.serve import streamlit_command

    port = _free_port()
    with contextlib.ExitStack() as stack:
        if workspace is None:
            workspace = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ba-ws-")))
        out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
        env = {
            **os.environ,
            "BUDGET_AUDIT_PATHS": os.pathsep.join(str(p) for p in paths),
            "BUDGET_AUDIT_WORKSPACE": str(workspace),
        }
        proc = subprocess.Popen(
            streamlit_command("127.0.0.1", port), cwd=ROOT, env=env, stdout=out, stderr=out
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the dashboard did not start") from None
                    time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            if log:
                out.close()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def rendered(page, timeout_ms: int = 600_000) -> None:
    """Wait until the run has ended and every chart on the page is drawn."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    page.wait_for_selector(DONE, timeout=timeout_ms)
    page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms)
