"""What an auditor sees, checked on every page in Chromium at 1440×900 and 1280×720.

On the samples (plus a report whose cells and paragraphs carry Markdown and HTML) and on a
synthetic corpus of 200 departments × 3 years: no English code or Streamlit English, no
truncated tile, amounts in one format, Chinese export headers, report text and URL
parameters shown literally (no link or image made from them), and no request that leaves
127.0.0.1 while the pages load (every other request is intercepted and refused).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlencode

import polars as pl
import pytest
from conftest import SAMPLES, running_app
from hostile_report import BEACON, DEPARTMENT, EVIL, INJECTIONS, write_report

pytestmark = pytest.mark.e2e
VIEWPORTS = [(1440, 900), (1280, 720)]

ENGLISH_CODES = re.compile(
    r"\b(execution|balance|indicator|boilerplate|arithmetic|consistency|coverage|high|medium|low"
    r"|ok|partial|failed|none|nan|null|true|false|error|warning|info)\b",
    re.IGNORECASE,
)
STREAMLIT_ENGLISH = [
    "Choose options",
    "Choose an option",
    "Select all",
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "Stop",
    "Running",
    "Deploy",
    "No results",
    "Download as CSV",
    "Fullscreen",
    "Clear cache",
    "Skip to main content",
    "Press Enter",
    "This app has encountered an error",
    "Show/hide columns",
]
AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}")
AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])(-?\d[\d,]*(?:\.\d+)?)\s*万元")
RAW_DECIMALS = re.compile(r"^-?\d+\.\d{3,}$")  # a float artefact: 261.20000000000005

# Everything the page shows, read in the browser: visible text nodes (icon ligatures left out;
# text quoted from documents or check messages flagged), table cells (drawn on a canvas; their
# accessible copies), placeholders, metric tiles, and every link and image address.
AUDIT_JS = """
() => {
  const shown = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    && [...el.getClientRects()].some(r => r.width > 1 && r.height > 1);
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement, text = n.textContent.trim();
    // Material icons are ligatures ("warning", "download") drawn as glyphs, not words
    if (!text || !el || el.closest('span[translate=no][aria-hidden=true], style, script')) continue;
    if (el.closest('[role=grid], [data-testid=stDataFrame]')) continue;  // cells: below
    if (!shown(el)) continue;
    texts.push({text, quoted: !!el.closest('.ba-plain, .ba-quote, .ba-source')});
  }
  const cells = [...document.querySelectorAll('[role=gridcell], [role=columnheader]')]
    .map(e => e.innerText.trim()).filter(Boolean);
  const placeholders = [...document.querySelectorAll('input[placeholder], textarea[placeholder]')]
    .map(e => e.placeholder).filter(Boolean);
  const metrics = [...document.querySelectorAll('[data-testid=stMetric]')].map(m => {
    const value = m.querySelector('[data-testid=stMetricValue]');
    const parts = [value, ...value.querySelectorAll('*')];
    return {
      label: (m.querySelector('[data-testid=stMetricLabel]') || {}).innerText || '',
      value: value.innerText.trim(),
      cut: parts.some(e => e.scrollWidth > e.clientWidth + 1),
    };
  });
  return {
    texts, cells, placeholders, metrics,
    anchors: [...document.querySelectorAll('a[href]')].map(a => a.href),
    images: [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || ''),
  };
}
"""


def _ready(page) -> None:
    page.wait_for_selector('[data-testid="stMain"]')
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_timeout(400)  # plotly and the grids draw after the run ends


def _audit(page, base: str, where: str) -> dict:
    """Assert everything the issue asks of one rendered page; return what was read."""
    seen = page.evaluate(AUDIT_JS)
    visible = [t["text"] for t in seen["texts"]]
    everything = visible + seen["cells"] + seen["placeholders"]
    english = sorted({m.group(0) for t in everything for m in ENGLISH_CODES.finditer(t)})
    assert not english, f"{where}: English codes shown: {english}"
    chrome = [s for s in STREAMLIT_ENGLISH if any(s in t for t in everything)]
    assert not chrome, f"{where}: Streamlit English shown: {chrome}"
    assert not page.get_by_test_id("stException").count(), f"{where}: a traceback is shown"
    for metric in seen["metrics"]:
        assert not metric["cut"] and "…" not in metric["value"], f"{where}: tile cut {metric}"
        if "万元" in metric["label"]:
            assert AMOUNT.fullmatch(metric["value"]), f"{where}: amount tile {metric}"
    for item in seen["texts"]:
        if item["quoted"]:
            continue  # report text and check messages quote figures as printed
        for m in AMOUNT_IN_TEXT.finditer(item["text"]):
            assert AMOUNT.fullmatch(m.group(1)), f"{where}: amount {m.group(0)!r} in {item}"
    artefacts = [c for c in seen["cells"] if RAW_DECIMALS.match(c)]
    assert not artefacts, f"{where}: unrounded numbers in a table: {artefacts[:5]}"
    for href in seen["anchors"]:  # our own links only: same origin (a page may carry the text
        # of a department name in its query, never as an address of its own)
        assert href.startswith(base + "/") or href.startswith("#"), f"{where}: link to {href}"
    assert not [s for s in seen["images"] if not s.startswith(("data:", "/", base))], where
    assert not [s for s in seen["images"] if s in ("x",) or EVIL in s or BEACON in s], where
    assert page.evaluate("() => window.__pwned === undefined"), f"{where}: a script ran"
    return seen


def _context(browser, base: str, viewport: tuple[int, int], refused: list[str]):
    ctx = browser.new_context(
        accept_downloads=True,
        locale="zh-CN",
        viewport={"width": viewport[0], "height": viewport[1]},
    )

    def route(r):
        url = r.request.url
        if url.startswith(base) or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            refused.append(url)
            r.abort()

    ctx.route("**/*", route)
    return ctx


def _visit(page, base: str, path: str, where: str) -> dict:
    page.goto(f"{base}/{path}")
    _ready(page)
    if "view=charts" in path:  # 总览's charts: their texts are drawn after the run ends
        page.wait_for_function(
            "() => { const c = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];"
            " return c.length > 0 && c.every(e => e.querySelector('svg.main-svg')); }"
        )
    return _audit(page, base, where)


def _download_headers(page, button: str) -> list[str]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _pages(corpus_flags: pl.DataFrame, dept: str, year: int, doc: str, every_tab=True) -> list[str]:
    flag = corpus_flags.filter(pl.col("department") == dept, pl.col("year") == year)
    group = corpus_flags.filter(pl.col("category") == "boilerplate")
    opened = f"&flag={flag['flag_id'][0]}" if flag.height else ""
    dept_link = f"department?dept={quote(dept)}&year={year}"
    pages = [
        "",
        "?view=charts",
        f"{dept_link}{opened}",
        "flags",
        "boilerplate",
        f"documents?doc={quote(doc)}",
    ]
    tabs = ("budget", "projects", "indicators", "text") if every_tab else ("budget",)
    pages += [f"{dept_link}&tab={tab}" for tab in tabs]
    if flag.height and every_tab:
        pages.append(f"flags?flag={flag['flag_id'][0]}")
    if group.height and every_tab:
        pages.append(f"boilerplate?group={group['flag_id'][0]}&place=2")
    return [*pages, "upload"]


def _flags_of(paths: list[Path]) -> tuple[pl.DataFrame, pl.DataFrame]:
    from checks.engine import run_checks
    from loaders.pipeline import load_paths

    corpus = load_paths(paths)
    return corpus.documents, run_checks(corpus).flags


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile_corpus")
    for path in SAMPLES.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    write_report(folder)
    return folder


@pytest.fixture(scope="module")
def hostile_server(hostile_corpus, tmp_path_factory):
    logs = tmp_path_factory.mktemp("hostile_logs")
    env = {
        "BUDGET_AUDIT_PATHS": str(hostile_corpus),
        "BUDGET_AUDIT_WORKSPACE": str(tmp_path_factory.mktemp("hostile_ws")),
    }
    with running_app(logs / "streamlit.log", env) as base:
        yield base


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory) -> Path:
    from cli.main import main

    out = tmp_path_factory.mktemp("synth200")
    assert main(["synth", "--departments", "200", "--years", "3", "--out", str(out)]) == 0
    return out / "reports"


@pytest.fixture(scope="module")
def synth_server(synth_corpus, tmp_path_factory):
    logs = tmp_path_factory.mktemp("synth_logs")
    env = {
        "BUDGET_AUDIT_PATHS": str(synth_corpus),
        "BUDGET_AUDIT_WORKSPACE": str(tmp_path_factory.mktemp("synth_ws")),
    }
    with running_app(logs / "streamlit.log", env, ready_seconds=120) as base:
        yield base


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_page_on_the_samples_and_a_hostile_report(
    browser, hostile_server, hostile_corpus, viewport
):
    docs, flags = _flags_of([hostile_corpus])
    refused: list[str] = []
    ctx = _context(browser, hostile_server, viewport, refused)
    page = ctx.new_page()
    page.set_default_timeout(300_000)
    try:
        sample = docs.filter(pl.col("source_file").str.starts_with("002"))
        dept, year = sample["department"][0], sample["year"][0]
        small = viewport == VIEWPORTS[-1]  # every tab at the small size, the main pages at both
        for path in _pages(flags, dept, year, sample["source_file"][0], every_tab=small):
            _visit(page, hostile_server, path, f"{viewport} /{path}")
        # the hostile department: its cells, paragraphs and flags appear as printed
        hostile = docs.filter(pl.col("source_file") == "hostile_report.txt").row(0, named=True)
        assert hostile["department"] == f"岳麓区www.{EVIL}_斜_~删~局"
        for path in _pages(flags, hostile["department"], hostile["year"], "hostile_report.txt"):
            seen = _visit(page, hostile_server, path, f"{viewport} hostile /{path}")
            if "tab=text" in path:  # open every section: the narratives keep every string whole
                for summary in page.locator("[data-testid=stExpander] summary").all():
                    summary.click()
                page.wait_for_timeout(500)
                seen = _audit(page, hostile_server, f"{viewport} hostile /{path} opened")
                shown = "\n".join(t["text"] for t in seen["texts"])
                for text in INJECTIONS:
                    assert text in shown, (path, text)
        # headers of every download are Chinese
        page.goto(f"{hostile_server}/flags")
        _ready(page)
        headers = _download_headers(page, "下载 CSV")
        assert headers and not [h for h in headers if re.search(r"[A-Za-z]", h)], headers
        page.goto(f"{hostile_server}/")
        _ready(page)
        headers = _download_headers(page, "下载排名（CSV）")
        assert headers and not [h for h in headers if re.search(r"[A-Za-z]", h)], headers
    finally:
        ctx.close()
    assert refused == [], f"requests that would have left 127.0.0.1: {refused}"
    assert DEPARTMENT  # the name as written in the report (tags are dropped by the reader)


def test_url_parameters_are_shown_literally(browser, hostile_server):
    """Every page with every URL parameter set to Markdown / HTML: warnings echo them as text."""
    refused: list[str] = []
    ctx = _context(browser, hostile_server, VIEWPORTS[0], refused)
    page = ctx.new_page()
    page.set_default_timeout(300_000)
    keys = ["dept", "year", "flag", "tab", "fcat", "fsev", "cat", "sev", "q", "group", "place"]
    keys += ["doc", "region", "top"]
    try:
        for turn in range(2):  # each parameter gets a different string in each turn
            values = {k: INJECTIONS[(i + 3 * turn) % len(INJECTIONS)] for i, k in enumerate(keys)}
            params = urlencode(values)
            for path in ("", "department", "flags", "boilerplate", "documents", "upload"):
                page.goto(f"{hostile_server}/{path}?{params}")
                _ready(page)
                seen = _audit(page, hostile_server, f"/{path} with {values}")
                if path == "department":  # echoed in the warning, as printed
                    shown = "\n".join(t["text"] for t in seen["texts"]).replace("\u2060", "")
                    assert values["dept"][:40] in shown, (path, values["dept"])
    finally:
        ctx.close()
    assert refused == [], f"requests that would have left 127.0.0.1: {refused}"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_page_at_200_departments(browser, synth_server, synth_corpus, viewport):
    docs, flags = _flags_of([synth_corpus])
    refused: list[str] = []
    ctx = _context(browser, synth_server, viewport, refused)
    page = ctx.new_page()
    page.set_default_timeout(300_000)
    try:
        top = (
            flags.group_by("department", "year")
            .len()
            .sort("len", "department", descending=[True, False])
        )
        dept, year = top["department"][0], top["year"][0]
        doc = docs.filter(pl.col("department") == dept, pl.col("year") == year)["source_file"][0]
        small = viewport == VIEWPORTS[-1]  # every tab at the small size, the main pages at both
        for path in _pages(flags, dept, year, doc, every_tab=small):
            _visit(page, synth_server, path, f"{viewport} synth /{path}")
        if not small:
            # 总览's charts at this size: each chart draws a bounded number of marks
            page.goto(f"{synth_server}/?view=charts")
            _ready(page)
            page.wait_for_function(
                "() => { const c = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];"
                " return c.length >= 5 && c.every(e => e.querySelector('.js-plotly-plot .trace')); }"
            )
            marks = page.evaluate(
                "() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".map(p => p.querySelectorAll('.trace .point').length)"
            )
            assert len(marks) >= 5 and 0 < max(marks) <= 500, marks
    finally:
        ctx.close()
    assert refused == [], f"requests that would have left 127.0.0.1: {refused}"
