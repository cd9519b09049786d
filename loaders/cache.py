"""Parse cache: what a file yielded, stored by the hash of its bytes, so no file is parsed twice.

Auditors reopen the same folders many times a day; only new or changed files
need the readers. Entries live in parquet segments under
``<cache>/v<LOADER_VERSION>/``: each segment holds the tables of a batch of
files, keyed by ``cache_key`` (SHA-256 of the file's bytes). A new loader
version reads from a new folder, so old results are never served; old folders
are removed. Segments are written to temporary names and renamed, the
documents table last, so a reader never sees half a segment. Failed files are
not cached: their reason may be a limit that changes.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import polars as pl

from loaders import model

ROOT = Path(__file__).resolve().parents[1]
TABLES = {
    **{name: model.FRAMES[name] for name in model.ROW_FRAMES},
    "texts": {"lines": pl.List(pl.String), "places": pl.List(pl.String)},
    "documents": model.DOCUMENTS,  # written last: marks the segment complete
}
_MAX_SEGMENTS = 16


def default_cache_dir() -> Path:
    """``BUDGET_AUDIT_CACHE``, else ``cache/`` in the workspace the dashboard also uses."""
    if os.environ.get("BUDGET_AUDIT_CACHE"):
        return Path(os.environ["BUDGET_AUDIT_CACHE"])
    workspace = os.environ.get("BUDGET_AUDIT_WORKSPACE") or str(ROOT / "workspace")
    return Path(workspace) / "cache"


class ParseCache:
    def __init__(self, folder: Path, version: str):
        self.root = Path(folder)
        self.folder = self.root / f"v{version}"

    def _segments(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(
            p.name.removesuffix(".documents.parquet")
            for p in self.folder.glob("*.documents.parquet")
        )

    def _read(self, table: str, segments: list[str]) -> pl.DataFrame:
        """One table of all segments, each row tagged with the segment it came from."""
        frames = [
            pl.read_parquet(path).with_columns(pl.lit(s).alias("segment"))
            for s in segments
            if (path := self.folder / f"{s}.{table}.parquet").exists()
        ]
        if not frames:
            schema = {"cache_key": pl.String, **TABLES[table], "segment": pl.String}
            return pl.DataFrame(schema=schema)
        return pl.concat(frames, how="diagonal_relaxed")

    def lookup(self, wanted: dict[str, str]) -> tuple[model.Corpus | None, set[str]]:
        """Frames for the ``{cache_key: source_file}`` found in the cache, and the keys found."""
        segments = self._segments()
        if not segments or not wanted:
            return None, set()
        names = pl.DataFrame(
            {"cache_key": list(wanted), "current_file": list(wanted.values())},
            schema={"cache_key": pl.String, "current_file": pl.String},
        )
        try:
            documents = self._read("documents", segments).unique("cache_key", keep="last")
            documents = documents.join(names, on="cache_key")
            chosen = documents.select("cache_key", "segment", "current_file")
            found = set(documents["cache_key"].to_list())
            if not found:
                return None, set()

            def renamed(table: str) -> pl.DataFrame:
                frame = self._read(table, segments).join(chosen, on=["cache_key", "segment"])
                frame = frame.with_columns(pl.col("current_file").alias("source_file"))
                return frame.select(TABLES[table].keys())

            texts = self._read("texts", segments).join(
                documents.select("cache_key", "segment", "doc_id"), on=["cache_key", "segment"]
            )
            cached = model.Corpus(
                dict(zip(texts["doc_id"].to_list(), texts["lines"].to_list(), strict=True)),
                {
                    d: p
                    for d, p in zip(
                        texts["doc_id"].to_list(), texts["places"].to_list(), strict=True
                    )
                    if any(p)
                },
                documents=documents.with_columns(
                    pl.col("current_file").alias("source_file")
                ).select(model.DOCUMENTS.keys()),
                **{name: renamed(name) for name in model.ROW_FRAMES},
            )
        except (OSError, pl.exceptions.PolarsError):
            return None, set()  # an unreadable cache is a cold cache, never a failed scan
        return cached, found

    def store(self, docs: list, keys: list[str]) -> None:
        """Add the parsed (not failed) files as one new segment; compact when segments pile up."""
        rows = [(k, d) for k, d in zip(keys, docs, strict=True) if d.document["status"] != "failed"]
        if not rows:
            return
        self._prune_old_versions()
        self.folder.mkdir(parents=True, exist_ok=True)
        frames = {
            **{name: _keyed(rows, name, model.FRAMES[name]) for name in model.ROW_FRAMES},
            "texts": pl.DataFrame(
                {
                    "cache_key": [k for k, _ in rows],
                    "lines": [d.lines for _, d in rows],
                    "places": [d.places or [""] * len(d.lines) for _, d in rows],
                },
                schema={"cache_key": pl.String, **TABLES["texts"]},
            ),
            "documents": model.frame([d.document for _, d in rows], model.DOCUMENTS).with_columns(
                pl.Series("cache_key", [k for k, _ in rows], pl.String)
            ),
        }
        self._write_segment(frames)
        if len(self._segments()) > _MAX_SEGMENTS:
            self._compact()

    def _write_segment(self, frames: dict[str, pl.DataFrame]) -> None:
        name = f"seg-{uuid.uuid4().hex[:12]}"
        for table in TABLES:  # documents last
            final = self.folder / f"{name}.{table}.parquet"
            temp = self.folder / f".{name}.{table}.tmp"
            frames[table].write_parquet(temp)
            os.replace(temp, final)

    def _compact(self) -> None:
        segments = self._segments()
        chosen = (
            self._read("documents", segments)
            .unique("cache_key", keep="last")
            .select("cache_key", "segment")
        )
        frames = {
            t: self._read(t, segments).join(chosen, on=["cache_key", "segment"]).drop("segment")
            for t in TABLES
        }
        self._write_segment(frames)
        for segment in segments:
            for table in TABLES:
                (self.folder / f"{segment}.{table}.parquet").unlink(missing_ok=True)

    def _prune_old_versions(self) -> None:
        if not self.root.is_dir():
            return
        for old in self.root.glob("v*"):
            if old.is_dir() and old != self.folder:
                shutil.rmtree(old, ignore_errors=True)


def _keyed(rows, name: str, schema: dict) -> pl.DataFrame:
    records = [{**r, "cache_key": k} for k, d in rows for r in d.rows(name)]
    return model.frame(records, {**schema, "cache_key": pl.String})
