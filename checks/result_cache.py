"""Check results kept per corpus and rules, so a warm rescan of unchanged files skips the checks.

Corpus-wide checks (boilerplate, coverage) depend on every document, so the key
covers all of them: each document's content hash and name, the settings of every
check, and every check's version. Any change to a file, a threshold or a check
gives a new key; stale entries are simply never asked for again (and pruned).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import polars as pl

from checks.engine import CheckRun, run_checks
from checks.findings import VERSION as FINDINGS_VERSION
from checks.registry import CHECKS
from checks.settings import load_rules
from loaders.pipeline import LOADER_VERSION

_KEEP = 8  # results of this many recent corpora are kept


def corpus_key(corpus, settings: dict) -> str:
    digest = hashlib.sha256()
    docs = corpus.documents.select("doc_id", "source_file", "status").sort("source_file")
    for row in docs.iter_rows():
        digest.update(repr(row).encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(repr([(m.CHECK.code, m.CHECK.version) for m in CHECKS]).encode())
    digest.update(f"loader {LOADER_VERSION}".encode())  # a new loader reads other rows
    digest.update(f"findings-{FINDINGS_VERSION}".encode())
    return digest.hexdigest()[:32]


def cached_run_checks(
    corpus,
    rules: Path | None,
    folder: Path | None,
    compute: Callable[[dict], CheckRun] | None = None,
    progress=None,
) -> CheckRun:
    """``run_checks``, answered from ``folder`` when this corpus and these rules were checked.

    ``corpus`` needs only its ``documents``; ``compute(settings)`` runs the checks when they
    must run (default: :func:`run_checks` on ``corpus``; a scan passes the partitioned run).
    ``progress`` is passed to :func:`run_checks` (the dashboard's progress bar).
    """
    settings = load_rules(rules, CHECKS)
    compute = compute or (lambda s: run_checks(corpus, settings=s, progress=progress))
    if folder is None:
        return compute(settings)
    key = corpus_key(corpus, settings)
    base = Path(folder) / "checks"
    names = ("flags", "summary", "departments", "findings")
    paths = {name: base / f"{key}.{name}.parquet" for name in names}
    if all(p.exists() for p in paths.values()):
        try:
            return CheckRun(*(pl.read_parquet(paths[n]) for n in names))
        except (OSError, pl.exceptions.PolarsError):
            pass  # unreadable: check again
    run = compute(settings)
    try:
        base.mkdir(parents=True, exist_ok=True)
        for name, frame in (
            ("summary", run.summary),
            ("departments", run.departments),
            ("flags", run.flags),
            ("findings", run.findings),
        ):
            temp = base / f".{key}.{name}.{os.getpid()}.tmp"
            frame.write_parquet(temp)
            os.replace(temp, paths[name])
        _prune(base)
    except OSError:
        pass  # a read-only cache folder costs speed, never the result
    return run


def _prune(base: Path) -> None:
    flags = sorted(base.glob("*.flags.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in flags[_KEEP:]:
        key = old.name.split(".")[0]
        for path in base.glob(f"{key}.*.parquet"):
            path.unlink(missing_ok=True)
