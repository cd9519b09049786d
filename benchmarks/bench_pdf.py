"""Benchmark: reading PDF reports, against poppler's ``pdftotext`` on the same files.

Builds a 53-page report once with headless Chromium from the HTML versions of the
samples (prose, ruled tables split over pages, indicator tables), then times the
whole ``budget-audit scan`` process on it and the in-process reading alone. Every
PDF (that report and, with ``--real``, the real disclosures in /work/shared/real) is
also read by ``pdftotext -layout`` and plain ``pdftotext``; the table gives the
product's PDF reader time (best of ``--runs``) and its ratio to ``pdftotext -layout``
(issue #15 asks for ≤ 10× on the 53-page report, with identical rows: see
benchmarks/pdf_rows.py).
Run: .venv/bin/python benchmarks/bench_pdf.py [--real] [--runs 3] [--no-scan]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "artifacts" / "bench_report_50p.pdf"
REAL = Path("/work/shared/real")


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


def _best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def pdftotext_time(pdf: Path, runs: int, layout: bool) -> float | None:
    """Best wall time of the ``pdftotext`` process (its start-up included), ``None`` without it."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    cmd = [tool, *(["-layout"] if layout else []), str(pdf), os.devnull]
    return _best(runs, lambda: subprocess.run(cmd, check=True, capture_output=True))


def read_time(pdf: Path, runs: int) -> float:
    """Best time of the product's PDF reader alone (bytes to display lines and blocks)."""
    from loaders.limits import Limits
    from loaders.readers import read

    data = pdf.read_bytes()
    return _best(runs, lambda: read(data, pdf.name, Limits()))


def pages_of(pdf: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def ratio_row(pdf: Path, runs: int) -> str:
    layout = pdftotext_time(pdf, runs, layout=True)
    plain = pdftotext_time(pdf, runs, layout=False)
    read = read_time(pdf, runs)
    ratio = f"{read / layout:.1f}×" if layout else "—"
    shown = "—" if layout is None else f"{layout:.2f} s / {plain:.2f} s"
    return f"| {pdf.name} | {pages_of(pdf)} | {shown} | {read:.2f} s | {ratio} |"


def scan_row(pdf: Path) -> str:
    from loaders.pipeline import load_file
    from tests.fixtures.formats.make_fixtures import SAMPLES, VERSIONS

    start = time.perf_counter()
    loaded = load_file(pdf)
    load = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "cli.main", "scan", str(pdf), "--out", tmp, "--no-cache"]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        scan = time.perf_counter() - start
    size = pdf.stat().st_size / 1024 / 1024
    texts = [load_file(SAMPLES / name) for name in VERSIONS.values()]
    expected = (
        f"text versions: {2 * sum(len(t.budget_lines) for t in texts)}, "
        f"{2 * sum(len(t.indicators) for t in texts)} and {2 * sum(len(t.accounts) for t in texts)}"
    )
    return (
        f"| {pdf.name} | {size:.1f} MB | {load:.2f} s | {scan:.2f} s "
        f"| {len(loaded.budget_lines)} budget lines, {len(loaded.indicators)} indicators, "
        f"{len(loaded.accounts)} accounts rows ({expected}) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="also time the PDFs in " + str(REAL))
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    parser.add_argument("--no-scan", action="store_true", help="skip the whole-process scan")
    args = parser.parse_args()
    pdf = OUT if OUT.exists() else build_pdf()
    print(f"load: {Path('/proc/loadavg').read_text().split()[:3]}")
    if not args.no_scan:
        print(
            "| PDF | size | load_file (read + parse) | `budget-audit scan` (whole process) | rows |"
        )
        print("|---|---:|---:|---:|---:|")
        print(scan_row(pdf))
        print()
    print("| PDF | pages | `pdftotext -layout` / plain | PDF reader | reader / `-layout` |")
    print("|---|---:|---:|---:|---:|")
    pdfs = [pdf] + (sorted(REAL.rglob("*.pdf")) if args.real and REAL.exists() else [])
    for each in pdfs:
        print(ratio_row(each, args.runs), flush=True)
    print(f"load: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
