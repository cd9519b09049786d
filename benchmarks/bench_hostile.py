"""Hostile corpus plus the five samples in one ``budget-audit scan``: exit code, time, peak memory.

Peak memory is the largest sum of resident memory over the scan's whole process tree (the
CLI and its reader workers), sampled every 50 ms. The samples' flags are compared with a
clean scan of the samples alone. Run: ``.venv/bin/python benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import hostile  # noqa: E402
from process_tree import run_measured  # noqa: E402

CLI = [sys.executable, "-m", "cli.main"]


def scan(paths: list[Path], out: Path, extra: list[str]) -> tuple[int, float, int, str]:
    cmd = [*CLI, "scan", *map(str, paths), "--out", str(out), *extra]
    code, seconds, peak, _, err = run_measured(cmd, ROOT, interval=0.05)
    return code, seconds, peak, err


def _flags(path: Path, files: set[str]) -> list[tuple]:
    with path.open(encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source_file"] in files]
    return sorted((r["flag_id"], r["severity"], r["source_line"], r["message"]) for r in rows)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        corpus = work / "corpus"
        cases = hostile.write_corpus(corpus / "hostile")
        samples = sorted((ROOT / "data" / "samples").glob("*.txt"))
        for sample in samples:
            shutil.copy(sample, corpus / sample.name)
        env_cache = ["--cache", str(work / "cache")]
        code, seconds, peak, err = scan([corpus], work / "out", env_cache)
        clean_code, _, _, _ = scan([ROOT / "data" / "samples"], work / "clean", ["--no-cache"])
        names = {s.name for s in samples}
        same = _flags(work / "out" / "flags.csv", names) == _flags(
            work / "clean" / "flags.csv", names
        )
        with (work / "out" / "documents.csv").open(encoding="utf-8-sig") as handle:
            docs = {r["source_file"]: r for r in csv.DictReader(handle)}
        missing = [n for n in cases if f"hostile/{n}" not in docs]
        unexplained = [
            n
            for n in cases
            if docs.get(f"hostile/{n}", {}).get("status") != "ok"
            and not docs[f"hostile/{n}"]["message"]
        ]
        warm_code, warm_seconds, warm_peak, _ = scan([corpus], work / "out2", env_cache)
        print(f"files: {len(cases)} hostile + {len(samples)} samples; cores: {os.cpu_count()}")
        print(f"cold scan: exit {code}, {seconds:.1f} s, peak memory {peak / 2**20:.0f} MB")
        print(
            f"warm scan: exit {warm_code}, {warm_seconds:.1f} s, peak memory {warm_peak / 2**20:.0f} MB"
        )
        print(f"samples' flags identical to a clean run: {same} (clean exit {clean_code})")
        print(
            f"hostile files without a row: {missing or 'none'}; without a reason: {unexplained or 'none'}"
        )
        print(f"traceback in stderr: {'Traceback' in err}")
        ok = code == 0 and same and not missing and not unexplained and peak < 1.5 * 2**30
        return 0 if ok and seconds < 180 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
