"""Page timings in Chromium on a synthetic corpus (the README's 看板 figures).

    .venv/bin/python benchmarks/bench_pages.py --departments 1000 --years 3

The corpus is generated once into artifacts/ (as bench_scale.py does). A server with an empty
workspace measures the cold start (every file parsed, all checks run, the progress bar shown
meanwhile); the same workspace after a restart measures a warm start (parse cache and check
results reused). Then each page once rendered (script ended, charts drawn), a filter change on
问题清单 and a page switch. Results print as a table and go to artifacts/bench_pages.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from browser import ROOT, app, chromium, rendered

ARTIFACTS = ROOT / "artifacts"


def _timed(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url, timeout=900_000)
    rendered(page, timeout_ms=900_000)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from tools.synth import generate

    corpus_dir = ARTIFACTS / f"synth-{args.departments}x{args.years}-s{args.seed}"
    if not (corpus_dir / "manifest.json").exists():
        shutil.rmtree(corpus_dir, ignore_errors=True)
        generate(args.departments, args.years, args.seed, corpus_dir)
    reports = corpus_dir / "reports"
    n_files = sum(1 for p in reports.rglob("*") if p.is_file())
    workspace = Path(tempfile.mkdtemp(prefix="bench-pages-ws-"))
    results: dict[str, object] = {"files": n_files}
    try:
        with chromium() as browser:
            ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
            page = ctx.new_page()
            with app([reports], workspace) as base:
                page.goto(base, timeout=900_000)
                start = time.perf_counter()
                page.wait_for_selector('[data-testid="stProgress"]', timeout=60_000)
                results["cold_progress_shown_after_s"] = time.perf_counter() - start
                rendered(page, timeout_ms=900_000)
                results["cold_first_render_s"] = time.perf_counter() - start
                results["overview_s"] = _timed(page, base)
                dept = page.evaluate(  # the top of the ranking (its first, pinned column)
                    "() => { const c = document.querySelector('[role=gridcell]');"
                    " return c ? c.innerText : ''; }"
                )
                results["department_s"] = _timed(page, f"{base}/department?dept={quote(dept)}")
                results["department_budget_tab_s"] = _timed(
                    page, f"{base}/department?dept={quote(dept)}&tab=budget"
                )
                results["flags_s"] = _timed(page, f"{base}/flags")
                page.get_by_role("combobox", name="严重程度").click()
                start = time.perf_counter()
                page.get_by_role("option", name="仅高").click()
                page.wait_for_url("**sev=high**")
                rendered(page)
                results["flags_filter_change_s"] = time.perf_counter() - start
                results["boilerplate_s"] = _timed(page, f"{base}/boilerplate")
                results["documents_s"] = _timed(page, f"{base}/documents")
                start = time.perf_counter()
                page.get_by_role("link", name="总览").click()
                rendered(page)
                results["page_switch_to_overview_s"] = time.perf_counter() - start
            with app([reports], workspace) as base:  # restart: caches warm
                start = time.perf_counter()
                page.goto(base, timeout=900_000)
                rendered(page, timeout_ms=900_000)
                results["restart_first_render_s"] = time.perf_counter() - start
            ctx.close()
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    rounded = {k: round(v, 2) if isinstance(v, float) else v for k, v in results.items()}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_pages.json").write_text(json.dumps(rounded, ensure_ascii=False, indent=1))
    print(f"| {args.departments} × {args.years} ({n_files:,} files) | seconds |\n|---|---:|")
    for key, value in rounded.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
