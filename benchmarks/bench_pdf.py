"""Benchmark: scanning a 50-page-plus PDF report (issue #5 asks for under 10 s).

Builds the PDF once with headless Chromium from the HTML versions of the samples
(prose, ruled tables split over pages, indicator tables), then times the whole
``budget-audit scan`` process on it and the in-process reading alone.
Run: .venv/bin/python benchmarks/bench_pdf.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "artifacts" / "bench_report_50p.pdf"


def build_pdf() -> Path:
    from tests.fixtures.formats.make_fixtures import VERSIONS, html_page, sample_blocks, write_pdf

    blocks = []
    for _ in range(2):
        for name in VERSIONS.values():
            blocks += sample_blocks(name)
    OUT.parent.mkdir(exist_ok=True)
    page = OUT.with_suffix(".html")
    page.write_bytes(html_page(blocks).encode("gb18030"))
    write_pdf(page, OUT)
    page.unlink()
    return OUT


def main() -> None:
    import pdfplumber

    pdf = OUT if OUT.exists() else build_pdf()
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
    from loaders.pipeline import load_file

    start = time.perf_counter()
    loaded = load_file(pdf)
    read = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "cli.main", "scan", str(pdf), "--out", tmp, "--no-cache"]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        scan = time.perf_counter() - start
    size = pdf.stat().st_size / 1024 / 1024
    from tests.fixtures.formats.make_fixtures import SAMPLES, VERSIONS

    texts = [load_file(SAMPLES / name) for name in VERSIONS.values()]
    expected = (
        f"text versions: {2 * sum(len(t.budget_lines) for t in texts)}, "
        f"{2 * sum(len(t.indicators) for t in texts)} and {2 * sum(len(t.accounts) for t in texts)}"
    )
    print("| PDF | pages | size | read (in process) | `budget-audit scan` (whole process) | rows |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {pdf.name} | {pages} | {size:.1f} MB | {read:.2f} s | {scan:.2f} s "
        f"| {len(loaded.budget_lines)} budget lines, {len(loaded.indicators)} indicators, "
        f"{len(loaded.accounts)} accounts rows ({expected}) |"
    )


if __name__ == "__main__":
    main()
