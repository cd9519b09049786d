"""Benchmark at province scale on the synthetic corpus (issue #6). Prints a markdown table.

    .venv/bin/python benchmarks/bench_scale.py --departments 1000 --years 3

Steps, each measured on the same generated corpus (kept in artifacts/ between runs):
merely reading the files; `budget-audit scan` cold (empty parse cache, all cores) and
warm (every file cached), as whole processes with their peak memory; the checks by
category; the dashboard's first render of 总览 and of a 部门 page, and a filter change
on 问题清单, with Streamlit's AppTest. Results also go to artifacts/bench_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTIFACTS = ROOT / "artifacts"


def _run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the process and the workers it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from tools.synth import generate

    corpus_dir = ARTIFACTS / f"synth-{args.departments}x{args.years}-s{args.seed}"
    results: dict[str, object] = {}
    if not (corpus_dir / "manifest.json").exists():
        shutil.rmtree(corpus_dir, ignore_errors=True)
        start = time.perf_counter()
        generate(args.departments, args.years, args.seed, corpus_dir)
        results["generate_s"] = time.perf_counter() - start
    reports = corpus_dir / "reports"
    files = sorted(p for p in reports.rglob("*") if p.is_file())
    size_mb = sum(p.stat().st_size for p in files) / 1024 / 1024

    from loaders.decode import decode_bytes

    start = time.perf_counter()
    for path in files:
        decode_bytes(path.read_bytes())
    results["read_only_s"] = time.perf_counter() - start

    cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(cache.parent / (cache.name + "-ws"))}
    scan = [
        sys.executable,
        "-m",
        "cli.main",
        "scan",
        str(reports),
        "--out",
        str(out),
        "--cache",
        str(cache),
    ]
    results["cold_s"], results["cold_mb"] = _run(scan, env)
    results["warm_s"], results["warm_mb"] = _run(scan, env)

    from checks.engine import run_checks
    from checks.registry import CHECKS
    from checks.settings import load_rules
    from loaders.cache import ParseCache
    from loaders.pipeline import LOADER_VERSION, load_paths

    corpus = load_paths([reports], cache=ParseCache(cache, LOADER_VERSION))
    settings = load_rules(None, CHECKS)
    by_category: dict[str, float] = defaultdict(float)
    for module in CHECKS:
        start = time.perf_counter()
        module.run(corpus, settings[module.CHECK.code])
        by_category[module.CHECK.category] += time.perf_counter() - start
    start = time.perf_counter()
    flags = run_checks(corpus).flags
    results["checks_all_s"] = time.perf_counter() - start
    results["checks_by_category_s"] = dict(by_category)

    from streamlit.testing.v1 import AppTest

    os.environ["BUDGET_AUDIT_PATHS"] = str(reports)
    os.environ["BUDGET_AUDIT_WORKSPACE"] = env["BUDGET_AUDIT_WORKSPACE"]
    os.environ["BUDGET_AUDIT_CACHE"] = str(cache)
    entry = str(ROOT / "dashboard" / "app.py")
    timings = {}
    for label in ("overview_first_s", "overview_warm_s"):
        at = AppTest.from_file(entry, default_timeout=600)
        start = time.perf_counter()
        at.run()
        timings[label] = time.perf_counter() - start
        assert not at.exception, [e.value for e in at.exception]
    dept = corpus.documents["department"].drop_nulls()[0]
    at.switch_page("views/department.py")
    at.query_params["dept"] = dept
    start = time.perf_counter()
    at.run()
    timings["department_s"] = time.perf_counter() - start
    at.switch_page("views/flags.py")
    at.run()
    start = time.perf_counter()
    at.multiselect(key="cat").set_value(["arithmetic"]).run()
    timings["filter_change_s"] = time.perf_counter() - start
    results.update(timings)
    results["in_process_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    docs = len(files)
    print(
        f"Synthetic corpus: {args.departments} departments × {args.years} years, {docs} files, "
        f"{size_mb:.1f} MB, {corpus.budget_lines.height:,} budget lines, "
        f"{corpus.indicators.height:,} indicators, {flags.height:,} flags\n"
    )
    print("| step | time | throughput | peak memory |")
    print("|---|---:|---:|---:|")
    print(
        f"| read + decode only | {results['read_only_s']:.2f} s | {docs / results['read_only_s']:,.0f} docs/s, {size_mb / results['read_only_s']:.1f} MB/s | — |"
    )
    for key, label in (("cold", "scan cold (empty cache)"), ("warm", "scan warm (all cached)")):
        t = results[f"{key}_s"]
        print(
            f"| {label} | {t:.2f} s | {docs / t:,.0f} docs/s, {size_mb / t:.2f} MB/s | {results[f'{key}_mb']:,.0f} MB |"
        )
    for category, t in sorted(by_category.items()):
        print(f"| checks: {category} | {t:.2f} s | | |")
    print(f"| all checks (engine) | {results['checks_all_s']:.2f} s | | |")
    print(
        f"| 总览 first render (loads from the parse cache) | {timings['overview_first_s']:.2f} s | | |"
    )
    print(f"| 总览 warm render | {timings['overview_warm_s']:.2f} s | | |")
    print(f"| 部门 page render | {timings['department_s']:.2f} s | | |")
    print(f"| 问题清单 filter change | {timings['filter_change_s']:.2f} s | | |")
    print(f"| (in-process steps above) | | | {results['in_process_peak_mb']:,.0f} MB |")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_scale.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
