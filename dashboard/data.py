"""Loading and checking for the app, cached by the files (name, size, time), uploads and rules.

The paths to read come from ``BUDGET_AUDIT_PATHS`` (set by ``budget-audit
serve``; ``os.pathsep``-separated), the rules file from ``BUDGET_AUDIT_RULES``.
Files uploaded in the app (``<workspace>/uploads``, see
:mod:`dashboard.workspace`) are read too, named ``uploads/<name>``; an upload
with the same bytes as an already loaded file is listed as failed instead of
being counted twice. Reading limits come from ``BUDGET_AUDIT_LIMITS_*``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from checks.engine import CheckRun, run_checks
from checks.partitioned import run_partitioned
from checks.result_cache import cached_run_checks
from checks.settings import RulesError
from dashboard.folder_state import folders_signature
from dashboard.folder_state import forget as forget_folders
from dashboard.lazy_corpus import LazyCorpus
from dashboard.workspace import active_limits, list_uploads, source_name, uploads_dir
from loaders.cache import ParseCache, default_cache_dir
from loaders.duplicates import CONTENT, drop_repeats
from loaders.executors import LocalExecutor
from loaders.limits import Limits
from loaders.model import DOCUMENTS, LoadedDoc
from loaders.pipeline import (
    LOADER_VERSION,
    Corpus,
    failed_doc,
    load_named,
)
from loaders.scan import scan_to_dataset

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
DOC_IDS = {"doc_id": pl.String, "source_file": pl.String}


@dataclass
class AppData:
    corpus: LazyCorpus | Corpus
    run: CheckRun
    error: str = ""


def configured_paths() -> list[Path]:
    raw = os.environ.get("BUDGET_AUDIT_PATHS", "")
    paths = [Path(p) for p in raw.split(os.pathsep) if p] or [SAMPLES]
    return [p for p in paths if p.exists() and not _is_uploads(p)]


def _is_uploads(path: Path) -> bool:
    """True for the uploads folder or a file in it: those are read as uploads, not twice."""
    try:
        folder = uploads_dir().resolve()
        resolved = path.resolve()
    except (OSError, ValueError):
        return False
    return resolved == folder or resolved.is_relative_to(folder)


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


def _fingerprint(paths: list[Path], uploads: list[Path], rules: str, limits: Limits) -> str:
    """The key of a load: the folders' files by name, size and time, the uploads by content."""
    digest = hashlib.sha256(rules.encode())
    digest.update(repr(limits).encode())
    digest.update(folders_signature(paths).encode())
    for path in uploads:
        digest.update(os.fsencode(path))
        digest.update(_content_hash(path))
    if rules and Path(rules).exists():
        digest.update(Path(rules).read_bytes())
    return digest.hexdigest()


def load_uploads(
    uploads: list[Path], limits: Limits, seen: dict[str, str], cache: ParseCache | None = None
) -> Corpus:
    """The uploaded files as a corpus; one whose bytes are already loaded becomes a failed row.

    ``seen`` maps doc_id to the name of the file already holding those bytes;
    the checks group rows by doc_id, so the same report twice would double them.
    Uploads are read in a worker process and through the parse cache, so a
    file (failed or not) is read once, when it is uploaded.
    """
    names = [source_name(p) for p in uploads]
    corpus = load_named(uploads, names, limits, cache, isolate=True)
    seen = dict(seen)
    duplicates: list[LoadedDoc] = []
    docs = corpus.documents.sort("source_file")
    for name, doc_id in docs.select("source_file", "doc_id").iter_rows():
        if doc_id and doc_id in seen:
            duplicates.append(failed_doc(name, "", "duplicate", other=seen[doc_id]))
        elif doc_id:
            seen[doc_id] = name
    if not duplicates:
        return corpus
    gone = [d.document["source_file"] for d in duplicates]
    kept = corpus.replace(
        **{n: f.filter(~pl.col("source_file").is_in(gone)) for n, f in corpus.frames.items()}
    )
    return kept.merged_with(Corpus.from_docs(duplicates))


def without_known_reports(uploads: Corpus, dataset) -> Corpus:
    """The uploads, each one that repeats a report of the folder (the PDF of a report read as
    text) kept in the list but left out of the checks: the folder's copy is checked already."""
    tables = {n: f for n, f in uploads.frames.items() if n != "documents"}
    known = (
        dataset.documents.select(DOCUMENTS.keys()),
        {n: dataset.table(n) for n in CONTENT},
    )
    documents, kept = drop_repeats(uploads.documents, tables, known)
    if documents is uploads.documents:
        return uploads
    return uploads.replace(documents=documents, **kept)


class Loading:
    """One cold load, run in a thread so that every waiting session can show its progress.

    The reader reports files from a helper thread and the checks report from this thread;
    neither may touch a page, so they only update ``fraction`` and ``text``, and each waiting
    session's script thread polls them into its own progress bar.
    """

    def __init__(self, key: str, args: tuple) -> None:
        self.key, self.args = key, args
        self.fraction, self.text = 0.0, "正在准备读取报告…"
        self.result: AppData | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"load-{key[:8]}", daemon=True)

    def set(self, fraction: float, text: str) -> None:
        self.fraction, self.text = min(max(fraction, 0.0), 1.0), text

    def on_file(self, done: int, total: int, name: str) -> None:
        self.set(0.6 * done / max(total, 1), f"正在读取报告：第 {done:,} / {total:,} 个文件")

    def on_check(self, i: int, total: int, info) -> None:
        self.set(
            0.6 + 0.4 * i / max(total, 1),
            f"正在运行检查：{info.code} {info.title}（{i + 1} / {total}）",
        )

    def _run(self) -> None:
        try:
            with _ONE_LOAD:  # two corpora parsed at once would double the memory
                self.result = _load(*self.args, progress=self)
            with _LOCK:
                _LOADED[self.key] = self.result
                while len(_LOADED) > _KEEP:
                    _LOADED.popitem(last=False)
        except BaseException as exc:  # shown to every waiting session by its page boundary
            self.error = exc
        finally:
            with _LOCK:
                _LOADING.pop(self.key, None)
            self.done.set()


def _load(
    paths: tuple[bytes, ...],
    uploads: tuple[bytes, ...],
    rules: str,
    limits: Limits,
    progress: Loading,
) -> AppData:
    cache_dir = default_cache_dir()
    cache = ParseCache(cache_dir, LOADER_VERSION)
    progress.set(0.0, "正在读取报告（未改动的文件从解析缓存读取）…")
    # the files as ``scan`` keeps them: a dataset by region and year, read as pages need it
    dataset = (
        scan_to_dataset(
            [Path(os.fsdecode(p)) for p in paths],
            cache,
            limits,
            LocalExecutor(),
            progress=progress.on_file,
        )
        if paths
        else None
    )
    for problem in cache.problems:  # a damaged cache segment: reported here, rebuilt by the cache
        logging.getLogger("budget_audit.dashboard").warning("parse cache: %s", problem)
    extra = None
    if uploads:
        known = dataset.documents if dataset is not None else pl.DataFrame(schema=DOC_IDS)
        seen = dict(known.select("doc_id", "source_file").iter_rows())
        seen.pop("", None)
        seen.pop(None, None)
        extra = load_uploads([Path(os.fsdecode(p)) for p in uploads], limits, seen, cache)
        if dataset is not None:
            extra = without_known_reports(extra, dataset)
    corpus = LazyCorpus(dataset, extra)

    def compute(settings: dict) -> CheckRun:
        if extra is None and dataset is not None:
            return run_partitioned(dataset, settings)
        return run_checks(corpus.materialized(), settings=settings, progress=progress.on_check)

    # the results ``scan`` cached for these files and rules: the checks run only when they changed
    progress.set(0.6, f"已读取 {corpus.documents.height:,} 个文件，正在运行检查…")
    rules_path = Path(rules) if rules else None
    try:
        run = cached_run_checks(corpus, rules_path, cache_dir, compute)
        return AppData(corpus, run)
    except RulesError as exc:
        run = cached_run_checks(corpus, None, cache_dir, compute)
        return AppData(corpus, run, error=f"规则文件有误，已使用默认阈值：{exc}")


_KEEP = 2  # loaded corpora kept in memory: the current one and the one before an upload
_LOADED: OrderedDict[str, AppData] = OrderedDict()
_LOADING: dict[str, Loading] = {}
_LOCK = threading.Lock()
_ONE_LOAD = threading.Lock()


def app_data() -> AppData:
    """The loaded corpus and its flags; recomputed only when a file, an upload or the rules change.

    A cold load shows a progress bar (files read, then each check) instead of a bare spinner;
    a session that arrives while the same files are loading follows that load's progress.
    """
    loaded, job = _loaded_or_loading()
    if loaded is not None:
        return loaded
    holder = st.empty()
    bar = holder.progress(job.fraction, text=job.text)
    while not job.done.wait(0.3):
        bar.progress(job.fraction, text=job.text)
    holder.empty()
    return _result(job)


def preload() -> AppData:
    """Load (or join the load of) the configured files outside any page: the server's warm-up."""
    loaded, job = _loaded_or_loading()
    if loaded is not None:
        return loaded
    job.done.wait()
    return _result(job)


def _loaded_or_loading() -> tuple[AppData | None, Loading | None]:
    """The loaded data for the current files, or the load of them (started here if need be)."""
    paths = configured_paths()
    uploads = list_uploads()
    rules = os.environ.get("BUDGET_AUDIT_RULES", "")
    limits, _ = active_limits()
    key = _fingerprint(paths, uploads, rules, limits)
    with _LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return _LOADED[key], None
        job = _LOADING.get(key)
        if job is None:
            args = (  # bytes: a GBK-named file is no valid str
                tuple(os.fsencode(p) for p in paths),
                tuple(os.fsencode(p) for p in uploads),
                rules,
                limits,
            )
            job = _LOADING[key] = Loading(key, args)
            job.thread.start()
    return None, job


def _result(job: Loading) -> AppData:
    if job.error is not None:
        raise RuntimeError("loading the reports failed") from job.error
    return job.result


def clear_loaded() -> None:
    """Forget every loaded corpus (tests; the next page load reads again)."""
    with _LOCK:
        _LOADED.clear()
    forget_folders()


def departments(data: AppData) -> pl.DataFrame:
    """Department–year pairs present in the loaded documents, worst ranked first."""
    return data.run.departments.select("department", "year").drop_nulls("department")
