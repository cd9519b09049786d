"""Dashboard speed as the auditor sees it: real Chromium, time to the page's last element drawn.

    .venv/bin/python benchmarks/bench_browser.py --departments 1000 --years 3

Generates (once) the synthetic corpus ``budget-audit synth --departments N --years Y``, warms
the workspace with a ``budget-audit scan`` (parse cache and cached check results), starts
``budget-audit serve`` on it and drives Debian Chromium through Playwright:

- 总览 first render after the server started (navigation to last element drawn),
- 总览 in a new browser context (a new session on the running server): its first view (the
  ranking), and its charts view (``?view=charts``) opened by a link in a new context and by a
  click on 图表 in a session showing the ranking,
- every filter of 问题清单 changed in turn (category, severity, department, year, text, and a
  category removed), each from the user's click or key press to the redrawn page,
- a 部门 page opened from a link in a new context.

"Drawn" is measured inside the page with ``performance.now()``: Streamlit's script state is
``notRunning`` after a run that started after the user's action, no element is stale, every
plotly chart has drawn its SVG, every data grid its canvas, and the page's last element (the
复制链接 popover every page ends with) is visible. The server's memory (the process tree's
resident set, sampled every 0.2 s) and the in-page heap are reported beside the times.
The corpus, workspace and scan output are kept under ``artifacts/`` (``--artifacts DIR``: another
folder's, e.g. another checkout's). Results go to ``artifacts/bench_browser-<N>x<Y>.json``;
nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTIFACTS = ROOT / "artifacts"
sys.path.insert(0, str(ROOT / "benchmarks"))
from process_tree import MemorySampler, tree_rss_mb  # noqa: E402

from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Installed before any page script: a log of Streamlit's script-state changes and of the
# user's last input event, both on the page's own clock.
_INIT = """
window.__bench = {states: [], inputs: []};
new MutationObserver(records => {
  for (const r of records) {
    window.__bench.states.push({state: r.target.getAttribute('data-test-script-state'),
                                t: performance.now()});
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
for (const type of ['pointerdown', 'keydown']) {
  window.addEventListener(type, () => { window.__bench.inputs.push(performance.now()); }, true);
}
"""

# The page is drawn: returns [input, drawn] (performance.now() of the user's input that started
# the run, 0 for a navigation, and of the drawn page) when it is, else false (polled every frame).
# ``start``: the clock before the action; the run that counts is the first one after it, and the
# input that counts is the last click or key press before that run began.
_DRAWN = """
({start, last}) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  let input = 0;
  if (start !== null) {
    const run = window.__bench.states.find(s => s.t >= start && s.state === 'running');
    if (!run) return false;
    const before = window.__bench.inputs.filter(t => t >= start && t <= run.t);
    if (!before.length) return false;
    input = Math.max(...before);
  }
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  if (main.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stSpinner"]'))
    return false;
  for (const c of main.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (!c.querySelector('svg.main-svg .trace, svg.main-svg .slice')) return false;
  for (const g of main.querySelectorAll('[data-testid="stDataFrame"]'))
    if (!g.querySelector('canvas')) return false;
  const end = [...main.querySelectorAll(last)];
  if (!end.length || !end.some(e => e.getBoundingClientRect().height > 0)) return false;
  return [input, performance.now()];
}
"""
_LAST = '[data-testid="stPopover"]'  # every page ends with its 复制链接 popover
_MARKS = """
() => {
  let marks = 0;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    marks += c.querySelectorAll('.point, .slice').length;
  const heap = performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null;
  return {charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length, marks, heap};
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_dir(departments: int, years: int, seed: int, artifacts: Path = ARTIFACTS) -> Path:
    folder = artifacts / f"synth-{departments}x{years}-s{seed}"
    if not (folder / "manifest.json").exists():
        from tools.synth import generate

        shutil.rmtree(folder, ignore_errors=True)
        generate(departments, years, seed, folder)
    return folder / "reports"


def warm(reports: Path, workspace: Path, out: Path) -> float:
    """A scan into the workspace: every file and the check results are cached after it."""
    env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(workspace)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli.main", "scan", str(reports), "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


class Server:
    """``budget-audit serve`` in its own process group (serve starts Streamlit as a child)."""

    def __init__(self, reports: Path, workspace: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(workspace)}
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", str(reports), "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.memory = MemorySampler(self.proc.pid)
        self.memory.start()

    def wait_healthy(self) -> float:
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"serve exited:\n{self.log.read().decode()}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)

    def stop(self) -> None:
        self.memory.stopped.set()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def _drawn_after(page, start: float | None, timeout_ms: int = 600_000) -> tuple[float, float]:
    """(input, drawn) on the page's clock, for the first run after ``start`` (None: the load)."""
    handle = page.wait_for_function(
        _DRAWN, arg={"start": start, "last": _LAST}, polling="raf", timeout=timeout_ms
    )
    input_ms, drawn_ms = handle.json_value()
    return float(input_ms), float(drawn_ms)


def open_page(context, url: str) -> tuple[object, float]:
    """A new tab on ``url``; seconds from navigation start to the last element drawn."""
    page = context.new_page()
    page.set_default_timeout(600_000)
    page.goto(url, wait_until="commit")
    _, drawn = _drawn_after(page, None)
    _no_exception(page)
    return page, drawn / 1000  # performance.now() counts from navigation start


def _no_exception(page) -> None:
    if page.locator('[data-testid="stException"]').count():
        raise SystemExit(
            f"exception on {page.url}: {page.locator('[data-testid=stException]').first.inner_text()}"
        )


def change(page, action) -> float:
    """Seconds from the user's input that triggers ``action``'s rerun to the page redrawn."""
    start = float(page.evaluate("performance.now()"))
    action()
    input_ms, drawn = _drawn_after(page, start, timeout_ms=120_000)
    _no_exception(page)
    return (drawn - input_ms) / 1000


def _pick(page, label: str, option: str, typed: str | None = None) -> None:
    """Choose ``option`` in the select or multiselect labelled ``label`` (the final click reruns)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    if typed:
        box.fill(typed)
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")


def _view(page, label: str) -> None:
    """Click one option of 总览's view switch (排名 | 图表)."""
    page.get_by_role("radiogroup", name="视图").get_by_role("radio", name=label, exact=True).click()


def flag_filters(page, department: str, year: str) -> dict[str, float]:
    times = {}
    times["category"] = change(page, lambda: _pick(page, "类别", "数字勾稽"))
    times["severity"] = change(page, lambda: _pick(page, "严重程度", "中及以上"))
    times["department"] = change(page, lambda: _pick(page, "部门", department, department[:4]))
    times["year"] = change(page, lambda: _pick(page, "年度", year))

    def search() -> None:
        box = page.get_by_role("textbox", name="搜索（主题、说明、证据）")
        box.fill("合计")
        box.press("Enter")

    times["text"] = change(page, search)

    def clear_department() -> None:
        page.get_by_role("button", name=f"Remove {department}").first.click()

    times["department_removed"] = change(page, clear_department)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-warm", action="store_true", help="use the workspace as it is")
    parser.add_argument(
        "--artifacts",
        type=Path,
        default=ARTIFACTS,
        help="where the corpus, workspace and scan output are (e.g. another checkout's artifacts/)",
    )
    args = parser.parse_args()
    corpora = args.artifacts.resolve()
    from playwright.sync_api import sync_playwright

    reports = corpus_dir(args.departments, args.years, args.seed, corpora)
    tag = f"{args.departments}x{args.years}"
    workspace = corpora / f"bench-ws-{tag}-s{args.seed}"
    results: dict[str, object] = {"departments": args.departments, "years": args.years}
    results["load_before"] = os.getloadavg()
    out = corpora / f"bench-out-{tag}-s{args.seed}"
    if not args.no_warm or not (out / "flags.csv").exists():
        results["warm_scan_s"] = warm(reports, workspace, out)

    import polars as pl

    flags = pl.read_csv(out / "flags.csv", infer_schema=False)
    top = flags.filter(pl.col("category") == "arithmetic").group_by("department", "year").len()
    top = top.sort("len", "department", descending=[True, False]).row(0, named=True)
    department, year = top["department"], str(top["year"])

    server = Server(reports, workspace)
    try:
        results["server_healthy_s"] = server.wait_healthy()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            options = dict(locale="zh-CN", viewport={"width": 1400, "height": 1000})

            def context():
                ctx = browser.new_context(**options)
                ctx.add_init_script(_INIT)
                return ctx

            ctx = context()
            page, results["overview_first_s"] = open_page(ctx, f"{server.base}/")
            results["overview_first_from_server_start_s"] = time.perf_counter() - server.started
            results["overview_marks"] = page.evaluate(_MARKS)
            results["server_mb_after_first"] = tree_rss_mb(server.proc.pid)
            ctx.close()

            def new_sessions(url: str, runs: int = 3) -> tuple[list[float], object]:
                """Seconds to the last element drawn, each in a fresh browser context; and
                what the last one drew."""
                seconds, marks = [], None
                for _ in range(runs):
                    ctx = context()
                    page, took = open_page(ctx, url)
                    seconds.append(took)
                    marks = page.evaluate(_MARKS)
                    ctx.close()
                return seconds, marks

            results["overview_new_session_s"], _ = new_sessions(f"{server.base}/")
            results["overview_charts_new_session_s"], results["overview_charts_marks"] = (
                new_sessions(f"{server.base}/?view=charts")
            )

            switches = []
            for _ in range(3):
                ctx = context()
                page, _ = open_page(ctx, f"{server.base}/")
                switches.append(change(page, lambda page=page: _view(page, "图表")))
                ctx.close()
            results["overview_charts_switch_s"] = switches

            ctx = context()
            page, results["flags_open_s"] = open_page(ctx, f"{server.base}/flags")
            results["flags_filter_change_s"] = flag_filters(page, department, year)
            ctx.close()

            ctx = context()
            url = f"{server.base}/department?dept={quote(department)}&year={year}"
            page, results["department_s"] = open_page(ctx, url)
            results["department_marks"] = page.evaluate(_MARKS)
            ctx.close()
            browser.close()
        results["server_peak_mb"] = server.memory.peak_mb
    finally:
        server.stop()
    results["load_after"] = os.getloadavg()
    ARTIFACTS.mkdir(exist_ok=True)
    saved = ARTIFACTS / f"bench_browser-{tag}.json"
    saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    _print(results)


def _print(r: dict) -> None:
    print(f"{r['departments']} departments × {r['years']} years; load {r['load_before']}")
    print("| step | seconds |")
    print("|---|---:|")
    print(f"| server process start → healthy | {r['server_healthy_s']:.2f} |")
    print(f"| 总览 first render (navigation → last element drawn) | {r['overview_first_s']:.2f} |")
    print(
        f"| 总览 first render, from server process start | {r['overview_first_from_server_start_s']:.2f} |"
    )
    print(
        f"| 总览 new session (3 runs) | {', '.join(f'{s:.2f}' for s in r['overview_new_session_s'])} |"
    )
    print(
        "| 总览 charts view, new session by link (3 runs) | "
        f"{', '.join(f'{s:.2f}' for s in r['overview_charts_new_session_s'])} |"
    )
    print(
        "| 总览 ranking → charts view, click to drawn (3 sessions) | "
        f"{', '.join(f'{s:.2f}' for s in r['overview_charts_switch_s'])} |"
    )
    print(f"| 问题清单 open | {r['flags_open_s']:.2f} |")
    for name, s in r["flags_filter_change_s"].items():
        print(f"| 问题清单 filter change: {name} | {s:.2f} |")
    print(f"| 部门 page (new context, deep link) | {r['department_s']:.2f} |")
    print(
        f"server peak memory {r['server_peak_mb']:,.0f} MB; 总览 first view {r['overview_marks']}, "
        f"charts view {r['overview_charts_marks']}"
    )


if __name__ == "__main__":
    main()
