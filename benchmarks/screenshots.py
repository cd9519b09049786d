"""Retake the README's screenshots (docs/screenshots/*.png) on purpose, after each page rendered.

    .venv/bin/python benchmarks/screenshots.py

Tests never write docs/screenshots (they write artifacts/). This script opens every page on
the embedded samples in Chromium at 1440 px wide, waits until the page has finished (the
script stopped, every chart drawn), grows the window to the page's full height and takes the
picture, so no screenshot is taken mid-render.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import quote

from browser import ROOT, app, chromium, rendered

SAMPLES = ROOT / "data" / "samples"
DEPT = "衡阳市人民政府国有资产监督管理委员会"
PAGES = {  # file name -> page and parameters
    "overview": "",
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
