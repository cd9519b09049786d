"""Retake the README's screenshots (docs/screenshots/*.png) on purpose, after each page rendered.

    .venv/bin/python benchmarks/screenshots.py

Tests never write docs/screenshots (they write artifacts/). This script opens every page on
the embedded samples in Chromium at 1440 px wide, waits until the page has finished (the
script stopped, every chart drawn), grows the window to the page's full height and takes the
picture, so no screenshot is taken mid-render.
"""

from __future__ import annotations

import argparse
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
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

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


from urllib.parse import quote  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
DEPT = "衡阳市人民政府国有资产监督管理委员会"
PAGES = {  # file name -> page and parameters
    "overview": "",
    "overview-charts": "?view=charts",
    "department": f"department?dept={quote(DEPT)}&year=2022&fcat=boilerplate&fcat=consistency",
    "flags": "flags?cat=arithmetic&cat=consistency&sev=medium",
    "boilerplate": "boilerplate?place=2",
    "documents": "documents?doc=003_d00643376496db49.txt",
}
WIDTH = 1440


def _first_flag(page) -> None:
    """Open the first flag of the 部门 page, as an auditor would, and wait for the rerun."""
    page.locator('[data-testid="stExpander"] summary').first.click()
    page.wait_for_url("**flag=**")
    rendered(page)


def _group_with_copies() -> str:
    """The 套话 group of the copied section (改进措施 as 存在问题) in sample 002."""
    import polars as pl

    from checks.engine import run_checks
    from loaders.pipeline import load_paths

    flags = run_checks(load_paths([SAMPLES])).flags
    group = flags.filter(pl.col("check_id") == "T01", pl.col("message").str.contains("整段"))
    return group["flag_id"][0] if group.height else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    group = _group_with_copies()
    with app([SAMPLES]) as base, chromium() as browser:
        ctx = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": 900})
        page = ctx.new_page()
        for name, path in PAGES.items():
            if name == "boilerplate" and group:
                path = f"{path}&group={group}"
            page.set_viewport_size({"width": WIDTH, "height": 900})
            page.goto(f"{base}/{path}", timeout=600_000)
            rendered(page)
            if name == "department":
                _first_flag(page)
            height = page.evaluate(
                "() => document.querySelector('[data-testid=stMain]').scrollHeight"
            )
            page.set_viewport_size({"width": WIDTH, "height": min(max(900, height + 40), 4000)})
            page.wait_for_timeout(800)  # the grids and charts re-layout to the new size
            rendered(page)
            page.screenshot(path=out / f"{name}.png")
            print(f"{out / (name + '.png')}  ({WIDTH}×{page.viewport_size['height']})")
        ctx.close()


if __name__ == "__main__":
    main()
