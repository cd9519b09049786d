"""Loading and checking for the app, cached by file contents and rules.

The paths to read come from ``BUDGET_AUDIT_PATHS`` (set by ``budget-audit
serve``; ``os.pathsep``-separated), the rules file from ``BUDGET_AUDIT_RULES``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from checks.engine import CheckRun, run_checks
from checks.settings import RulesError
from loaders.pipeline import Corpus, expand_paths, load_paths

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@dataclass
class AppData:
    corpus: Corpus
    run: CheckRun
    error: str = ""


def configured_paths() -> list[Path]:
    raw = os.environ.get("BUDGET_AUDIT_PATHS", "")
    paths = [Path(p) for p in raw.split(os.pathsep) if p] or [SAMPLES]
    return [p for p in paths if p.exists()]


_HASHES: dict[tuple[str, int, int], bytes] = {}


def _content_hash(path: Path) -> bytes:
    """SHA-256 of a file, re-read only when its size or modification time changes."""
    try:
        stat = path.stat()
    except OSError:
        return b"unreadable"
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _HASHES:
        try:
            _HASHES[key] = hashlib.sha256(path.read_bytes()).digest()
        except OSError:
            return b"unreadable"
    return _HASHES[key]


def _fingerprint(paths: list[Path], rules: str) -> str:
    digest = hashlib.sha256(rules.encode())
    for path in expand_paths(paths):
        digest.update(str(path).encode())
        digest.update(_content_hash(path))
    if rules and Path(rules).exists():
        digest.update(Path(rules).read_bytes())
    return digest.hexdigest()


@st.cache_resource(show_spinner="正在读取报告并运行检查…", max_entries=4)
def _load(fingerprint: str, paths: tuple[str, ...], rules: str) -> AppData:
    corpus = load_paths([Path(p) for p in paths])
    try:
        run = run_checks(corpus, Path(rules) if rules else None)
        return AppData(corpus, run)
    except RulesError as exc:
        return AppData(corpus, run_checks(corpus), error=f"规则文件有误，已使用默认阈值：{exc}")


def app_data() -> AppData:
    """The loaded corpus and its flags; recomputed only when a file or the rules change."""
    paths = configured_paths()
    rules = os.environ.get("BUDGET_AUDIT_RULES", "")
    return _load(_fingerprint(paths, rules), tuple(str(p) for p in paths), rules)


def departments(data: AppData) -> pl.DataFrame:
    """Department–year pairs present in the loaded documents, worst ranked first."""
    return data.run.departments.select("department", "year").drop_nulls("department")
