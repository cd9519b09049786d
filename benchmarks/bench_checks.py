"""Every check's time at several corpus sizes: are the checks linear in the corpus?

    .venv/bin/python benchmarks/bench_checks.py --departments 100 1000 10000 --years 3

For each size: the synthetic corpus (``budget-audit synth``, generated once under
``artifacts/``, or the folder ``--artifacts`` names) is scanned once into a workspace so that its files come from the parse cache;
then, in a fresh process per size, the scanned dataset is opened and every registered check
is timed as ``scan`` runs it: partitions (region × year) in batches of up to
``checks.partitioned.BATCH_DOCUMENTS`` documents, the corpus-wide ones
once on the tables they read (reading them included; D11 region by region) (best of ``--repeat``); then the whole partitioned run
(with ``--run-only``, only that run, in 2 processes: wall, CPU and peak memory of the process tree)
(``checks.partitioned.run_partitioned``: all checks, findings, ranking) as ``scan`` runs it,
the batches in ``--workers`` processes (default: one per core, as ``scan``; wall time and the CPU time
of all its processes), and once more
in this process alone; and with
``--whole`` the engine on the corpus held whole in memory. Prints a markdown table with the time per check per size and the ratio of the
largest size to the one before; results go to ``artifacts/bench_checks.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTIFACTS = ROOT / "artifacts"


def prepare(departments: int, years: int, seed: int, artifacts: Path) -> tuple[Path, Path]:
    """The corpus' reports folder and a workspace whose parse cache holds every file."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_browser import corpus_dir

    reports = corpus_dir(departments, years, seed, artifacts)
    workspace = artifacts / f"bench-ws-{departments}x{years}-s{seed}"
    out = artifacts / f"bench-out-{departments}x{years}-s{seed}"
    if not (out / "flags.csv").exists():
        env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(workspace)}
        cmd = [sys.executable, "-m", "cli.main", "scan", str(reports), "--out", str(out)]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return reports, workspace


def measure(
    reports: Path, workspace: Path, repeat: int, whole: bool, workers: int, run_only: bool = False
) -> dict:
    """In this process: open the scanned dataset, time each check as ``scan`` runs it
    (partition by partition; corpus-wide checks once on the tables they read), then the
    whole partitioned run (checks, findings, ranking); with ``whole``, also the engine on the
    corpus loaded whole in memory."""
    os.environ["BUDGET_AUDIT_WORKSPACE"] = str(workspace)
    from checks.engine import check_settings, run_checks
    from checks.partitioned import _run_wide, batches, run_partitioned
    from checks.registry import CHECKS
    from checks.settings import load_rules
    from loaders.cache import ParseCache, default_cache_dir
    from loaders.executors import LocalExecutor
    from loaders.pipeline import LOADER_VERSION
    from loaders.scan import scan_to_dataset

    start = time.perf_counter()
    dataset = scan_to_dataset([reports], ParseCache(default_cache_dir(), LOADER_VERSION))
    loaded = time.perf_counter() - start
    settings = load_rules(None, CHECKS)
    per_check = dict.fromkeys((m.CHECK.code for m in CHECKS), float("inf"))
    for _ in range(0 if run_only else repeat):
        spent = dict.fromkeys(per_check, 0.0)
        for module in CHECKS:
            if module.CHECK.scope == "corpus":
                start = time.perf_counter()  # reading the tables it needs included
                _run_wide(module, dataset, settings)
                spent[module.CHECK.code] += time.perf_counter() - start
        for batch in batches(dataset):  # as scan checks them: partitions batched
            corpus = dataset.corpus(batch)
            for module in CHECKS:
                if module.CHECK.scope == "corpus":
                    continue
                start = time.perf_counter()
                module.run(corpus, check_settings(settings, module.CHECK))
                spent[module.CHECK.code] += time.perf_counter() - start
        per_check = {k: min(per_check[k], v) for k, v in spent.items()}
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from process_tree import MemorySampler

    sampler = MemorySampler(os.getpid(), 0.1)  # this process and its check workers
    sampler.start()
    start, cpu = time.perf_counter(), _cpu()
    run = run_partitioned(dataset, settings, LocalExecutor(workers))
    engine, engine_cpu = time.perf_counter() - start, _cpu() - cpu
    sampler.stopped.set()
    sampler.join()
    engine_here = None
    if not run_only:
        start = time.perf_counter()
        run_partitioned(dataset, settings)
        engine_here = time.perf_counter() - start
    result = {
        "documents": dataset.documents.height,
        "partitions": len(dataset.partitions()),
        "batches": len(batches(dataset)),
        "budget_lines": dataset.count("budget_lines"),
        "indicators": dataset.count("indicators"),
        "flags": run.flags.height,
        "load_s": loaded,
        "checks_s": {} if run_only else per_check,
        "checks_sum_s": None if run_only else sum(per_check.values()),
        "engine_s": engine,
        "engine_cpu_s": engine_cpu,
        "workers": workers,
        "engine_peak_mb": sampler.peak_mb,
    }
    if engine_here is not None:
        result["engine_one_process_s"] = engine_here
    if whole:
        corpus = dataset.corpus()
        start = time.perf_counter()
        run_checks(corpus, settings=settings)
        result["engine_whole_s"] = time.perf_counter() - start
    result["load_avg"] = os.getloadavg()
    return result


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the check workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--whole", action="store_true", help="also the engine on the corpus held whole in memory"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes for the batches"
    )
    parser.add_argument(
        "--artifacts",
        type=Path,
        default=ARTIFACTS,
        help="where the corpora and their workspaces are (e.g. another checkout's artifacts/)",
    )
    parser.add_argument(
        "--run-only",
        action="store_true",
        help="only scan's check run (2 processes, wall and CPU): no per-check times, no one-process run",
    )
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # reports workspace (child)
    args = parser.parse_args()
    if args.one:
        result = measure(
            Path(args.one[0]),
            Path(args.one[1]),
            args.repeat,
            args.whole,
            args.workers,
            args.run_only,
        )
        print(json.dumps(result))
        return
    results = {}
    for n in args.departments:
        reports, workspace = prepare(n, args.years, args.seed, args.artifacts.resolve())
        cmd = [sys.executable, __file__, "--one", str(reports), str(workspace)]
        cmd += ["--repeat", str(args.repeat), "--workers", str(args.workers)]
        cmd += ["--whole"] if args.whole else []
        cmd += ["--run-only"] if args.run_only else []
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
        if all(code in results[n]["checks_s"] for n in sizes):
            row(code, [results[n]["checks_s"][code] for n in sizes])
    if all(results[n]["checks_sum_s"] is not None for n in sizes):
        row("sum of checks", [results[n]["checks_sum_s"] for n in sizes])
    row(
        "scan's check run (by partition: checks, findings, ranking; "
        f"batches in {results[sizes[0]].get('workers', 1)} processes)",
        [results[n]["engine_s"] for n in sizes],
    )
    if all("engine_cpu_s" in results[n] for n in sizes):
        row("its CPU, all processes", [results[n]["engine_cpu_s"] for n in sizes])
    if all("engine_one_process_s" in results[n] for n in sizes):
        row(
            "the same in one process",
            [results[n]["engine_one_process_s"] for n in sizes],
        )
    if all("engine_whole_s" in results[n] for n in sizes):
        row("engine on the corpus held whole", [results[n]["engine_whole_s"] for n in sizes])
    for n in sizes:
        r = results[n]
        print(
            f"\n{n:,} departments: {r['documents']:,} files in {r['partitions']:,} partitions "
            f"({r.get('batches', '?')} batches), "
            f"{r['budget_lines']:,} budget lines, "
            f"{r['indicators']:,} indicators, {r['flags']:,} flags; loaded in {r['load_s']:.1f} s; "
            f"check run's peak memory {r.get('engine_peak_mb', 0):,.0f} MB (process tree); "
            f"load average {', '.join(f'{x:.1f}' for x in r['load_avg'])}"
        )


if __name__ == "__main__":
    main()
