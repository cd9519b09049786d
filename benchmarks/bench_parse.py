"""Benchmark: parsing text reports against merely reading and decoding them (issue #15).

    .venv/bin/python benchmarks/bench_parse.py --departments 200 --years 3
    .venv/bin/python benchmarks/bench_parse.py --reports data/samples --profile 30
    .venv/bin/python benchmarks/bench_parse.py --dump /tmp/ref     # save every file's frames
    .venv/bin/python benchmarks/bench_parse.py --compare /tmp/ref  # ...and check them equal
    .venv/bin/python benchmarks/bench_parse.py --scan              # also the whole scan process

Measured in one process, one worker, no cache, on the synthetic corpus (generated into
artifacts/ when missing):

(a) read + decode: every file's bytes through ``loaders.decode.decode_bytes``;
(b) parse: what a scan worker does (``load_file`` per file, then ``frames.framed_batch`` per
    batch of files as ``executors.worker_batches`` groups them), up to the polars frames, with
    the time per stage (the pipeline's stage functions wrapped
    with timers; what no stage claims is "other").

The target is (b) ≤ 15 × (a). ``--scan`` adds the whole ``scan --workers 1 --no-cache``
process (Python start-up, worker process, checks and the written tables included).
Best of ``--repeat`` runs for (a) and (b); times are wall clock, so report the load beside them.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTIFACTS = ROOT / "artifacts"

# (module, attribute) of each stage function, as the pipeline calls it
STAGES = {
    "decode": [("loaders.pipeline", "decode_bytes")],
    "script (simplify)": [("loaders.pipeline", "simplified_rendered")],
    "blocks": [("loaders.pipeline", "text_to_blocks")],
    "tables": [("loaders.pipeline", "read_tables")],
    "prose lines": [("loaders.pipeline", "paragraph_to_lines")],
    "identity": [
        ("loaders.pipeline", "find_year"),
        ("loaders.pipeline", "cover_statement"),
        ("loaders.pipeline", "identify"),
    ],
    "narratives": [("loaders.pipeline", "paragraphs_to_narratives")],
    "prose figures": [("loaders.pipeline", "prose_figures")],
    "frames": [("loaders.frames", "framed_batch")],
}


def _corpus(args: argparse.Namespace) -> Path:
    if args.reports:
        return Path(args.reports)
    corpus_dir = ARTIFACTS / f"synth-{args.departments}x{args.years}-s{args.seed}"
    if not (corpus_dir / "manifest.json").exists():
        from tools.synth import generate

        generate(args.departments, args.years, args.seed, corpus_dir)
    return corpus_dir / "reports"


def _read_decode(files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds."""
    from loaders.decode import decode_bytes

    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        decode_bytes(path.read_bytes())
    return time.perf_counter() - start, time.process_time() - cpu


def _parse(files: list[Path], names: list[str]) -> tuple[float, float, list]:
    """Wall and CPU seconds, and every batch's frames."""
    from loaders.executors import worker_batches
    from loaders.frames import framed_batch
    from loaders.limits import Limits
    from loaders.pipeline import load_file

    limits = Limits()
    runs = worker_batches([path.stat().st_size for path in files])
    start, cpu = time.perf_counter(), time.process_time()
    out = [
        framed_batch([("", load_file(files[i], names[i], limits)) for i in run]) for run in runs
    ]
    return time.perf_counter() - start, time.process_time() - cpu, out


class _Timers:
    """Wraps the stage functions with timers; nested stages count once, in the outer one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.depth = 0
        self.saved: list[tuple[object, str, object]] = []

    def install(self) -> None:
        import importlib

        for stage, targets in STAGES.items():
            for module_name, attr in targets:
                module = importlib.import_module(module_name)
                original = getattr(module, attr)
                self.saved.append((module, attr, original))
                setattr(module, attr, self._timed(stage, original))

    def remove(self) -> None:
        for module, attr, original in reversed(self.saved):
            setattr(module, attr, original)
        self.saved.clear()

    def _timed(self, stage: str, fn):
        def timed(*args, **kwargs):
            if self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start
                self.depth -= 1

        return timed


def _dump(frames: list, names: list[str], out: Path) -> None:
    from loaders import frames as fr

    out.mkdir(parents=True, exist_ok=True)
    joined = fr.concat(frames)
    for table, frame in joined.items():
        frame.write_parquet(out / f"{table}.parquet")
    (out / "files.txt").write_text("\n".join(names), encoding="utf-8")


def _compare(frames: list, names: list[str], ref: Path) -> list[str]:
    import polars as pl

    from loaders import frames as fr

    problems = []
    if (ref / "files.txt").read_text(encoding="utf-8").split("\n") != names:
        problems.append("different files")
    joined = fr.concat(frames)
    for table, frame in joined.items():
        expected = pl.read_parquet(ref / f"{table}.parquet")
        if not frame.equals(expected, null_equal=True):
            problems.append(f"{table}: {frame.height} rows, reference {expected.height}")
    return problems


def _scan(reports: Path) -> tuple[float, float | None]:
    """Whole ``scan --workers 1 --no-cache`` process seconds, and the scan's own figure."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(Path(tmp) / "ws")}
        cmd = [
            sys.executable,
            "-m",
            "cli.main",
            "scan",
            str(reports),
            "--out",
            str(Path(tmp) / "out"),
        ]
        cmd += ["--no-cache", "--workers", "1"]
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - start
    match = re.search(r"用时 ([\d.]+) 秒", proc.stdout)
    return elapsed, float(match[1]) if match else None


def _warm_up(default_gc: bool) -> None:
    """Imports and the lazily built tables, from a file outside the corpus (the memo stays cold);
    the collector set as a scan worker sets it (``--default-gc`` keeps CPython's defaults)."""
    from loaders.collector import collect_less_often
    from loaders.pipeline import load_bytes

    if not default_gc:
        collect_less_often()

    load_bytes("2023年度部门预算\n\n一、收入\t100\t90\n".encode(), "warm-up.txt")


def _child(args: argparse.Namespace, files: list[Path], names: list[str]) -> None:
    """One measurement in a fresh process, so that no run finds the cell memo filled by another."""
    _warm_up(args.default_gc)
    result: dict = {}
    if args.child == "read":
        result["wall"], result["cpu"] = _read_decode(files)
    elif args.child == "parse":
        result["wall"], result["cpu"], frames = _parse(files, names)
        if args.dump:
            _dump(frames, names, args.dump)
        if args.compare:
            result["problems"] = _compare(frames, names, args.compare)
    elif args.child == "stages":
        timers = _Timers()
        timers.install()
        result["wall"], result["cpu"], _ = _parse(files, names)
        result["stages"] = dict(timers.seconds)
    elif args.child == "profile":
        profiler = cProfile.Profile()
        profiler.enable()
        _parse(files, names)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime")
        stats.print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)
    print(json.dumps(result))


def _in_child(mode: str, argv: list[str]) -> dict:
    cmd = [sys.executable, __file__, *argv, "--child", mode]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reports", help="a folder to parse instead of the synthetic corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N", help="print the N top functions")
    parser.add_argument("--dump", type=Path, help="write the parsed frames here (parquet)")
    parser.add_argument("--compare", type=Path, help="check the frames equal a --dump")
    parser.add_argument("--scan", action="store_true", help="also time the whole scan process")
    parser.add_argument("--no-stages", action="store_true", help="skip the timed run by stage")
    parser.add_argument("--every", type=int, default=1, help="only every N-th file (quick A/B)")
    parser.add_argument(
        "--default-gc", action="store_true", help="CPython's collector thresholds, not the worker's"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    from loaders.pipeline import _display_name, expand_paths

    reports = _corpus(args)
    files = expand_paths([reports])[:: args.every]
    names = [_display_name(p, [reports]) for p in files]
    if args.child:
        _child(args, files, names)
        return
    size_mb = sum(p.stat().st_size for p in files) / 1024 / 1024
    base = [a for a in sys.argv[1:] if a != "--scan"]
    base = [a for a in base if a != "--no-stages"]
    plain = list(base)
    for flag in ("--dump", "--compare"):  # only the first parse writes or compares
        if flag in plain:
            del plain[plain.index(flag) : plain.index(flag) + 2]
    reads = [_in_child("read", plain) for _ in range(args.repeat)]
    parses = [_in_child("parse", base if i == 0 else plain) for i in range(args.repeat)]
    read_s, read_cpu = min(r["wall"] for r in reads), min(r["cpu"] for r in reads)
    parse_s, parse_cpu = min(r["wall"] for r in parses), min(r["cpu"] for r in parses)

    print(f"{len(files):,} files, {size_mb:.1f} MB ({reports}); load {os.getloadavg()[0]:.2f}")
    print(f"best of {args.repeat} fresh processes   wall       cpu")
    print(f"read + decode           {read_s:7.2f} s {read_cpu:7.2f} s")
    print(
        f"parse (1 worker, cold)  {parse_s:7.2f} s {parse_cpu:7.2f} s"
        f"   ratio wall {parse_s / read_s:.1f} ×, cpu {parse_cpu / read_cpu:.1f} ×"
    )
    if not args.no_stages:
        staged = _in_child("stages", plain)
        staged_s = staged["wall"]
        print(f"  stages of one timed run ({staged_s:.2f} s wall):")
        claimed = 0.0
        for stage, seconds in sorted(staged["stages"].items(), key=lambda kv: -kv[1]):
            claimed += seconds
            print(f"    {stage:18} {seconds:7.2f} s  {seconds / staged_s:5.1%}")
        other = staged_s - claimed
        print(f"    {'other':18} {other:7.2f} s  {other / staged_s:5.1%}")
    if args.dump:
        print(f"frames written to {args.dump}")
    if args.compare:
        problems = parses[0]["problems"]
        if problems:
            raise SystemExit("DIFFERENT: " + "; ".join(problems))
        print("frames identical to the reference")
    if args.profile:
        _in_child("profile", plain)
    if args.scan:
        whole, own = _scan(reports)
        print(
            f"scan --workers 1 --no-cache: {whole:.2f} s whole process"
            f" (ratio to read+decode wall {whole / read_s:.1f} ×), scan's own figure {own} s;"
            f" load {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
