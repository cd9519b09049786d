"""Parse cache: what a file yielded, stored by the hash of its bytes, so no file is parsed twice.

Auditors reopen the same folders many times a day; only new or changed files
need the readers. Entries live in segments under ``<cache>/v<LOADER_VERSION>.<layout>/``:
a segment is a folder ``seg-<time>-<id>/`` holding one parquet file per table
for a batch of files, keyed by ``cache_key`` (SHA-256 of the file's bytes and
the reading limits). A new loader version reads from a new folder, so old
results are never served; old folders are removed.

A cache that cannot lie:

- A segment is written into a hidden temporary folder, every file fsynced,
  then renamed into place in one step; a reader sees all of it or none.
- Compaction writes the merged segment the same way and only then retires the
  old ones (renamed aside, then deleted): a crash at any moment leaves either
  the old segments or the new one, never a half.
- A segment that cannot be read (truncated, damaged) is skipped and reported;
  its files are parsed again and stored anew, and the damaged segment removed.
- Writers and readers hold a shared lock; compaction and the cleanup of
  orphans (temporary or retired folders left by a killed run) take it
  exclusively, and are skipped when another run is busy.

Failed files are cached too (the key includes the limits, so a raised limit
reads them again), except failures to read the disk, which may pass.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from loaders import model
from loaders.frames import TABLES, Frames, doc_frames

LAYOUT = "3"  # bump when the folder layout changes
_MAX_SEGMENTS = 16
_NOT_CACHED = {"unreadable"}  # failures of the disk, not of the file


def default_cache_dir() -> Path:
    """``BUDGET_AUDIT_CACHE``, else ``cache/`` in the workspace (never the code checkout)."""
    if os.environ.get("BUDGET_AUDIT_CACHE"):
        return Path(os.environ["BUDGET_AUDIT_CACHE"])
    from loaders.workspace import workspace_dir

    return workspace_dir() / "cache"


def limits_digest(limits) -> str:
    return hashlib.sha256(repr(limits).encode()).hexdigest()[:8]


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ParseCache:
    def __init__(self, folder: Path, version: str):
        self.root = Path(folder)
        self.folder = self.root / f"v{version}.{LAYOUT}"
        self.problems: list[str] = []  # damaged segments found, in Chinese, for the caller

    # ---- locking ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self, exclusive: bool, wait: bool = True) -> Iterator[bool]:
        """The folder's lock; yields False when ``wait`` is off and another run holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a+b") as handle:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            try:
                fcntl.flock(handle, mode | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ---- reading ---------------------------------------------------------------------------
    def _segments(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.name.startswith("seg-") and p.is_dir())

    def _read_segment(self, segment: Path) -> dict[str, pl.DataFrame] | None:
        """Every table of one segment, or None (reported) when any of them is unreadable."""
        try:
            frames = {}
            for table in TABLES:
                frame = pl.read_parquet(segment / f"{table}.parquet")
                frames[table] = frame.with_columns(pl.lit(segment.name).alias("segment"))
            return frames
        except (OSError, pl.exceptions.PolarsError) as exc:
            if segment.exists():  # not merely retired by a compaction meanwhile
                self.problems.append(
                    f"解析缓存片段 {segment.name} 无法读取（{type(exc).__name__}），"
                    "已忽略，相关文件将重新解析"
                )
                self._bad.append(segment)
            return None

    def _read_all(self) -> dict[str, pl.DataFrame]:
        self._bad: list[Path] = []
        per_table: dict[str, list[pl.DataFrame]] = {t: [] for t in TABLES}
        for segment in self._segments():
            frames = self._read_segment(segment)
            if frames is None:
                continue
            for table, frame in frames.items():
                per_table[table].append(frame)
        out = {}
        for table, frames in per_table.items():
            schema = {"cache_key": pl.String, **TABLES[table], "segment": pl.String}
            out[table] = (
                pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(schema=schema)
            )
        return out

    def lookup(self, wanted: dict[str, str]) -> tuple[model.Corpus | None, set[str]]:
        """Frames for the ``{cache_key: source_file}`` found in the cache, and the keys found."""
        if not wanted or not self.folder.is_dir():
            return None, set()
        try:
            with self._lock(exclusive=False):
                tables = self._read_all()
            cached, found = self._select(tables, wanted)
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.problems.append(f"解析缓存无法读取（{type(exc).__name__}），本次全部重新解析")
            return None, set()
        self._drop_bad()
        return cached, found

    def _select(self, tables, wanted: dict[str, str]) -> tuple[model.Corpus | None, set[str]]:
        names = pl.DataFrame(
            {"cache_key": list(wanted), "current_file": list(wanted.values())},
            schema={"cache_key": pl.String, "current_file": pl.String},
        )
        documents = tables["documents"].unique("cache_key", keep="last", maintain_order=True)
        documents = documents.join(names, on="cache_key", maintain_order="left")
        if documents.is_empty():
            return None, set()
        chosen = documents.select("cache_key", "segment", "current_file")
        found = set(documents["cache_key"].to_list())

        def renamed(table: str) -> pl.DataFrame:
            frame = tables[table].join(chosen, on=["cache_key", "segment"], maintain_order="left")
            frame = frame.with_columns(pl.col("current_file").alias("source_file"))
            return frame.select(TABLES[table].keys())

        texts = tables["texts"].join(
            chosen.select("cache_key", "segment"), on=["cache_key", "segment"], maintain_order="left"
        )
        doc_ids, lines, places = (texts[c].to_list() for c in ("doc_id", "lines", "places"))
        cached = model.Corpus(
            dict(zip(doc_ids, lines, strict=True)),
            {d: p for d, p in zip(doc_ids, places, strict=True) if any(p)},
            documents=documents.with_columns(pl.col("current_file").alias("source_file")).select(
                model.DOCUMENTS.keys()
            ),
            **{name: renamed(name) for name in model.ROW_FRAMES},
        )
        return cached, found


    # ---- reading lazily: a corpus larger than memory ---------------------------------------
    def index(self, wanted: dict[str, str]) -> pl.DataFrame:
        """The cached documents among ``{cache_key: source_file}``, one row per key.

        Only the segments' documents tables are read; a segment any of whose files is
        unreadable (truncated, damaged) is reported and left out, so its files are parsed
        again. Columns: the document's, ``cache_key``, ``segment``, ``current_file``.
        """
        schema = {**TABLES["documents"], "cache_key": pl.String, "segment": pl.String}
        empty = pl.DataFrame(schema={**schema, "current_file": pl.String})
        if not wanted or not self.folder.is_dir():
            return empty
        self._bad = []
        frames = []
        with self._lock(exclusive=False):
            for segment in self._segments():
                try:
                    for table in TABLES:
                        if table != "documents":
                            pl.read_parquet_schema(segment / f"{table}.parquet")
                    frame = pl.read_parquet(segment / "documents.parquet")
                    frames.append(frame.with_columns(pl.lit(segment.name).alias("segment")))
                except (OSError, pl.exceptions.PolarsError) as exc:
                    if segment.exists():
                        self.problems.append(
                            f"解析缓存片段 {segment.name} 无法读取（{type(exc).__name__}），"
                            "已忽略，相关文件将重新解析"
                        )
                        self._bad.append(segment)
        self._drop_bad()
        if not frames:
            return empty
        names = pl.DataFrame(
            {"cache_key": list(wanted), "current_file": list(wanted.values())},
            schema={"cache_key": pl.String, "current_file": pl.String},
        )
        documents = pl.concat(frames, how="diagonal_relaxed").select(schema.keys())
        documents = documents.unique("cache_key", keep="last", maintain_order=True)
        return documents.join(names, on="cache_key", maintain_order="left")

    def scan(self, table: str, chosen: pl.DataFrame) -> pl.LazyFrame:
        """Rows of ``table`` for the ``chosen`` (cache_key, segment) pairs, lazily.

        Every column of ``chosen`` besides the keys is joined on (``current_file``,
        ``region``, ``year`` …), so the caller can rename and partition the rows.
        """
        segments = chosen["segment"].unique().sort().to_list()
        if not segments:
            return pl.LazyFrame(schema={**TABLES[table], **chosen.schema})
        rows = _scan_segments(self.folder, segments, table)
        return rows.join(chosen.lazy(), on=["cache_key", "segment"], maintain_order="left")

    # ---- writing ---------------------------------------------------------------------------
    def store(self, docs: list, keys: list[str]) -> list:
        """Add the files as one new segment; compact when segments pile up.

        Returns ``docs``, with a file whose rows cannot be stored turned into a
        failed file (the same rows could not be written to CSV either). A cache
        that cannot be written costs speed, never the scan.
        """
        from loaders.pipeline import validated

        docs = [validated(d) for d in docs]
        rows = [
            (k, d)
            for k, d in zip(keys, docs, strict=True)
            if k and (d.document["status"] != "failed" or not _transient(d))
        ]
        if not rows:
            return docs
        self.store_frames(doc_frames(rows))
        return docs

    def store_frames(self, frames: Frames, compact: bool = True) -> None:
        """Add a batch of files, already framed and keyed, as one new segment.

        Failures to read the disk are left out (they may pass). With ``compact`` off the
        caller compacts once after its last batch (:meth:`compact_if_needed`).
        """
        documents = frames["documents"]
        transient = (
            frames["parse_issues"].filter(pl.col("code").is_in(list(_NOT_CACHED)))["cache_key"]
            if not frames["parse_issues"].is_empty()
            else pl.Series([], dtype=pl.String)
        )
        keep = documents.filter(
            (pl.col("cache_key") != "")
            & ((pl.col("status") != "failed") | ~pl.col("cache_key").is_in(transient.implode()))
        )["cache_key"]
        if keep.is_empty():
            return
        if keep.len() < documents.height:
            frames = {t: f.filter(pl.col("cache_key").is_in(keep.implode())) for t, f in frames.items()}
        try:
            self._prune_old_versions()
            with self._lock(exclusive=False):
                self._write_segment(frames)
            if compact:
                self.compact_if_needed()
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.problems.append(f"解析缓存无法写入（{type(exc).__name__}: {exc}），不影响本次结果")

    def compact_if_needed(self) -> None:
        try:
            if len(self._segments()) > _MAX_SEGMENTS:
                self._compact()
        except (OSError, pl.exceptions.PolarsError) as exc:
            self.problems.append(f"解析缓存无法整理（{type(exc).__name__}: {exc}），不影响本次结果")

    def _write_segment(self, frames: dict[str, pl.DataFrame | pl.LazyFrame]) -> Path:
        """Write a complete segment under a temporary name, make it durable, then publish it."""
        name = f"seg-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        temp = self.folder / f".tmp-{name}"
        temp.mkdir(parents=True)
        for table in TABLES:
            path = temp / f"{table}.parquet"
            frame = frames[table]
            if isinstance(frame, pl.LazyFrame):
                frame.sink_parquet(path, engine="streaming")  # compaction: never all in memory
            else:
                frame.write_parquet(path)
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(temp)
        final = self.folder / name
        os.rename(temp, final)
        _fsync_dir(self.folder)
        return final

    def _compact(self) -> None:
        """Merge every segment into one; only one run at a time, and only when no one reads."""
        with self._lock(exclusive=True, wait=False) as locked:
            if not locked:
                return
            self._clean_orphans()
            segments = self._segments()
            self._bad = []
            readable = []
            for segment in segments:  # a damaged segment is dropped, its files parsed again
                try:
                    for table in TABLES:
                        pl.read_parquet_schema(segment / f"{table}.parquet")
                    readable.append(segment.name)
                except (OSError, pl.exceptions.PolarsError):
                    self._bad.append(segment)
            documents = _scan_segments(self.folder, readable, "documents")
            chosen = (
                documents.select("cache_key", "segment")
                .collect()
                .unique("cache_key", keep="last", maintain_order=True)
            )
            frames = {
                t: _scan_segments(self.folder, readable, t)
                .join(chosen.lazy(), on=["cache_key", "segment"], maintain_order="left")
                .drop("segment")
                for t in TABLES
            }
            self._write_segment(frames)  # durable before anything old goes
            for segment in segments:
                self._retire(segment)

    def _retire(self, segment: Path) -> None:
        """Remove a segment: one rename makes it invisible, then its files go."""
        retired = self.folder / f".del-{segment.name}"
        with contextlib.suppress(FileNotFoundError):
            os.rename(segment, retired)
            _fsync_dir(self.folder)
            shutil.rmtree(retired, ignore_errors=True)

    def _drop_bad(self) -> None:
        bad = getattr(self, "_bad", [])
        if not bad:
            return
        with self._lock(exclusive=True, wait=False) as locked:
            if locked:
                for segment in bad:
                    self._retire(segment)
        self._bad = []

    def _clean_orphans(self) -> None:
        """Temporary and retired folders of killed runs, and files of the old flat layout."""
        for path in self.folder.iterdir():
            if path.name.startswith((".tmp-", ".del-")):
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_file() and path.suffix in (".parquet", ".tmp"):
                path.unlink(missing_ok=True)

    def _prune_old_versions(self) -> None:
        if not self.root.is_dir():
            return
        for old in self.root.glob("v*"):
            if old.is_dir() and old != self.folder:
                shutil.rmtree(old, ignore_errors=True)


def _transient(doc) -> bool:
    return any(i.get("code") in _NOT_CACHED for i in doc.issues)


def _scan_segments(folder: Path, segments: list[str], table: str) -> pl.LazyFrame:
    """One table of the named segments, lazily, with the segment each row comes from."""
    if not segments:
        schema = {**TABLES[table], "cache_key": pl.String, "segment": pl.String}
        return pl.LazyFrame(schema=schema)
    paths = [str(folder / name / f"{table}.parquet") for name in segments]
    return (
        pl.scan_parquet(paths, include_file_paths="_path")
        .with_columns(pl.col("_path").str.split("/").list.get(-2).alias("segment"))
        .drop("_path")
    )
