"""A province-sized synthetic corpus scanned on this machine: wall time and peak memory.

    .venv/bin/python benchmarks/bench_bigscan.py --departments 10000 --years 3 --seed 7

Generates the corpus once (``budget-audit synth``, timed, in files per minute), then scans it
twice as whole ``budget-audit scan`` processes with the default number of workers: cold when
its workspace is new (``--fresh`` removes it), then warm. Each time the peak resident memory
of the whole process tree is measured (the CLI and its reader workers, :mod:`process_tree`).
The corpus, the workspace and the scan's output are the ones :mod:`bench_checks` and
:mod:`bench_browser` use (``synth-<N>x<Y>-s<S>``, ``bench-ws-…``, ``bench-out-…`` under
``--artifacts``), so the workspace is left warm for them. Results, with the memory sampled over time, go to ``bench_bigscan-<N>x<Y>.json`` there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from process_tree import MemorySampler  # noqa: E402


def generate(folder: Path, departments: int, years: int, seed: int) -> dict:
    """The corpus under ``folder`` (kept if complete); generation time when it was written."""
    if (folder / "manifest.json").exists():
        return {}
    from tools.synth import generate as synth

    shutil.rmtree(folder, ignore_errors=True)
    summary = synth(departments, years, seed, folder)
    return {
        "generate_s": summary.seconds,
        "generate_files_per_min": summary.files / summary.seconds * 60,
    }


def scan(reports: Path, workspace: Path, out: Path, workers: int | None) -> dict:
    """One ``scan`` process into ``workspace``: wall time, peak memory, memory over time."""
    import subprocess

    env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(workspace)}
    cmd = [sys.executable, "-m", "cli.main", "scan", str(reports), "--out", str(out)]
    if workers:
        cmd += ["--workers", str(workers)]
    load = os.getloadavg()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = MemorySampler(proc.pid, interval=0.5, series=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"scan failed ({proc.returncode}):\n{stderr.decode()[-3000:]}")
    return {
        "seconds": seconds,
        "peak_mb": sampler.peak_mb,
        "load_before": load,
        "load_after": os.getloadavg(),
        "summary": stdout.decode().strip().splitlines()[-3:],
        "series": sampler.series,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, help="reader processes (default: scan's own)")
    parser.add_argument(
        "--artifacts", type=Path, default=ROOT / "artifacts", help="where corpora are kept"
    )
    parser.add_argument("--fresh", action="store_true", help="remove the workspace: scan cold")
    args = parser.parse_args()
    artifacts = args.artifacts.resolve()
    tag = f"{args.departments}x{args.years}-s{args.seed}"
    corpus = artifacts / f"synth-{tag}"
    workspace = artifacts / f"bench-ws-{tag}"
    out = artifacts / f"bench-out-{tag}"
    results: dict[str, object] = {"departments": args.departments, "years": args.years}
    results.update(generate(corpus, args.departments, args.years, args.seed))
    reports = corpus / "reports"
    files = [p for p in reports.iterdir() if p.is_file()]
    results["files"] = len(files)
    results["mb"] = sum(p.stat().st_size for p in files) / 2**20
    if args.fresh:
        shutil.rmtree(workspace, ignore_errors=True)
    cold = not workspace.exists()
    results["first"] = scan(reports, workspace, out, args.workers)
    results["first"]["cold"] = cold
    _print("cold" if cold else "first (workspace existed)", results["first"])
    results["warm"] = scan(reports, workspace, out, args.workers)
    _print("warm", results["warm"])
    saved = artifacts / f"bench_bigscan-{args.departments}x{args.years}.json"
    saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"{results['files']:,} files, {results['mb']:.0f} MB; corpus {corpus}")
    print(f"workspace {workspace}; output {out}; results {saved}")


def _print(label: str, r: dict) -> None:
    load = ", ".join(f"{x:.1f}" for x in r["load_before"])
    print(f"scan {label}: {r['seconds']:.1f} s, peak {r['peak_mb']:,.0f} MB (load {load})")


if __name__ == "__main__":
    main()
