"""Benchmark: wall time of `budget-audit scan data/samples` (process start included) and
of the in-process stages. Run: .venv/bin/python benchmarks/bench_scan.py"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def _best(fn, repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    from loaders.pipeline import load_paths

    with tempfile.TemporaryDirectory() as tmp:
        cli = [sys.executable, "-m", "cli.main", "scan", str(SAMPLES), "--out", tmp]
        best, median = _best(lambda: subprocess.run(cli, check=True, capture_output=True))
        print(
            f"| `budget-audit scan data/samples` (whole process) | {best:.2f} s | {median:.2f} s |"
        )
    best, median = _best(lambda: load_paths([SAMPLES]), repeat=10)
    print(f"| load 5 samples in process | {best * 1000:.0f} ms | {median * 1000:.0f} ms |")
    try:
        from checks.engine import run_checks
    except ImportError:
        return
    corpus = load_paths([SAMPLES])
    best, median = _best(lambda: run_checks(corpus), repeat=5)
    print(f"| all checks on 5 samples | {best * 1000:.0f} ms | {median * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
