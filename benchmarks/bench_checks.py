"""Every check's time at several corpus sizes: are the checks linear in the corpus?

    .venv/bin/python benchmarks/bench_checks.py --departments 100 1000 10000 --years 3

For each size: the synthetic corpus (``budget-audit synth``, generated once under
``artifacts/``) is scanned once into a workspace so that its files come from the parse cache;
then, in a fresh process per size, the corpus is loaded and every registered check is run
alone (best of ``--repeat``), then the whole engine (``run_checks``: all checks, capping,
ranking). Prints a markdown table with the time per check per size and the ratio of the
largest size to the one before; results go to ``artifacts/bench_checks.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTIFACTS = ROOT / "artifacts"


def prepare(departments: int, years: int, seed: int) -> tuple[Path, Path]:
    """The corpus' reports folder and a workspace whose parse cache holds every file."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_browser import corpus_dir

    reports = corpus_dir(departments, years, seed)
    workspace = ARTIFACTS / f"bench-ws-{departments}x{years}-s{seed}"
    out = ARTIFACTS / f"bench-out-{departments}x{years}-s{seed}"
    if not (out / "flags.csv").exists():
        env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(workspace)}
        cmd = [sys.executable, "-m", "cli.main", "scan", str(reports), "--out", str(out)]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return reports, workspace


def measure(reports: Path, workspace: Path, repeat: int) -> dict:
    """In this process: load from the parse cache, then time each check and the engine."""
    os.environ["BUDGET_AUDIT_WORKSPACE"] = str(workspace)
    from checks.engine import run_checks
    from checks.registry import CHECKS
    from checks.settings import load_rules
    from loaders.cache import ParseCache, default_cache_dir
    from loaders.pipeline import LOADER_VERSION, load_paths

    start = time.perf_counter()
    corpus = load_paths([reports], cache=ParseCache(default_cache_dir(), LOADER_VERSION))
    loaded = time.perf_counter() - start
    settings = load_rules(None, CHECKS)
    per_check = {}
    for module in CHECKS:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            module.run(corpus, settings[module.CHECK.code])
            best = min(best, time.perf_counter() - start)
        per_check[module.CHECK.code] = best
    start = time.perf_counter()
    run = run_checks(corpus, settings=settings)
    engine = time.perf_counter() - start
    return {
        "documents": corpus.documents.height,
        "budget_lines": corpus.budget_lines.height,
        "indicators": corpus.indicators.height,
        "flags": run.flags.height,
        "load_s": loaded,
        "checks_s": per_check,
        "checks_sum_s": sum(per_check.values()),
        "engine_s": engine,
        "load_avg": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # reports workspace (child)
    args = parser.parse_args()
    if args.one:
        result = measure(Path(args.one[0]), Path(args.one[1]), args.repeat)
        print(json.dumps(result))
        return
    results = {}
    for n in args.departments:
        reports, workspace = prepare(n, args.years, args.seed)
        cmd = [sys.executable, __file__, "--one", str(reports), str(workspace)]
        cmd += ["--repeat", str(args.repeat)]
        env = {**os.environ, "POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "2")}
        done = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        results[n] = json.loads(done.stdout.strip().splitlines()[-1])
    ARTIFACTS.mkdir(exist_ok=True)
    saved = ARTIFACTS / "bench_checks.json"
    previous = json.loads(saved.read_text()) if saved.exists() else {}
    previous.update({str(k): v for k, v in results.items()})
    saved.write_text(json.dumps(previous, indent=1))
    _print(results)


def _print(results: dict) -> None:
    sizes = list(results)
    codes = list(results[sizes[0]]["checks_s"])
    ratio = len(sizes) >= 2
    head = " | ".join(f"{n:,} depts" for n in sizes)
    print(f"| check | {head} |" + (f" ratio {sizes[-1]:,}/{sizes[-2]:,} |" if ratio else ""))
    print("|---|" + "---:|" * (len(sizes) + ratio))

    def row(name: str, values: list[float]) -> None:
        cells = " | ".join(f"{v:.2f} s" for v in values)
        extra = f" {values[-1] / values[-2]:.1f} |" if ratio and values[-2] > 0 else ""
        print(f"| {name} | {cells} |" + extra)

    for code in codes:
        row(code, [results[n]["checks_s"][code] for n in sizes])
    row("sum of checks", [results[n]["checks_sum_s"] for n in sizes])
    row("engine (all checks, ranking)", [results[n]["engine_s"] for n in sizes])
    for n in sizes:
        r = results[n]
        print(
            f"\n{n:,} departments: {r['documents']:,} files, {r['budget_lines']:,} budget lines, "
            f"{r['indicators']:,} indicators, {r['flags']:,} flags; loaded in {r['load_s']:.1f} s; "
            f"load average {', '.join(f'{x:.1f}' for x in r['load_avg'])}"
        )


if __name__ == "__main__":
    main()
