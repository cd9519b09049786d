"""The corpus of one scan as a parquet dataset partitioned by region and year.

A province is 10,000 departments and ~60,000 files: more rows than fit comfortably in one
process, but each region's reports of one year do. ``scan`` writes the files it read (from the
parse cache) into ``<cache>/corpus/<digest>/``::

    documents.parquet                                   every file, sorted by name
    <table>/region=<region>/year=<year>/data.parquet    the rows of that region's documents
                                                        of that year (budget_lines, …, texts)
    COMPLETE                                            written last

Region and year are those of each document (``__HIVE_DEFAULT_PARTITION__`` when unknown); the
names are percent-encoded as hive partitions are. Every department's reports of a year fall
in one partition, so the checks that compare rows within a department run partition by
partition (:mod:`checks.partitioned`), and the dashboard reads only the partition a page
shows. ``<digest>`` names the files and their contents, so the same input gives the same
dataset, written once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote

import polars as pl

from loaders import model
from loaders.frames import KEY, TABLES, TEXTS, Frames, to_corpus

ROW_TABLES = [*model.ROW_FRAMES, "texts"]
NULL = "__HIVE_DEFAULT_PARTITION__"
_KEEP = 4  # datasets of this many recent corpora are kept
GROUP_DOCUMENTS = 8000  # documents whose rows are gathered at a time (``write``, ``whole_parts``)
_STALE_SECONDS = 6 * 3600  # a temporary folder this old belongs to a killed run
Partition = tuple[str | None, int | None]


def _part_dir(value) -> str:
    return NULL if value is None else quote(str(value), safe="")


def partition_path(root: Path, table: str, part: Partition) -> Path:
    region, year = part
    return root / table / f"region={_part_dir(region)}" / f"year={_part_dir(year)}" / "data.parquet"


def digest_of(documents: pl.DataFrame) -> str:
    """The files (names and content keys) a dataset holds, as a folder name."""
    digest = hashlib.sha256()
    for row in documents.select("source_file", KEY, "status").sort("source_file").iter_rows():
        digest.update(repr(row).encode())
    return digest.hexdigest()[:24]


@dataclass
class CorpusDataset:
    """A written dataset: its documents in memory, every other table read by partition."""

    root: Path
    documents: pl.DataFrame  # model.DOCUMENTS + cache_key

    @classmethod
    def open(cls, root: Path) -> CorpusDataset | None:
        if not (root / "COMPLETE").exists():
            return None
        try:
            return cls(root, pl.read_parquet(root / "documents.parquet"))
        except (OSError, pl.exceptions.PolarsError):
            return None

    def partitions(self) -> list[Partition]:
        """Every (region, year) with documents, in a fixed order (unknowns last)."""
        parts = self.documents.select("region", "year").unique()
        parts = parts.sort(["region", "year"], nulls_last=True)
        return list(parts.iter_rows())

    def partition_of(self, department: str | None, year: int | None) -> Partition | None:
        """The partition holding a department's documents of a year."""
        docs = self.documents.filter(
            pl.col("department").eq_missing(department), pl.col("year").eq_missing(year)
        )
        return None if docs.is_empty() else docs.select("region", "year").row(0)

    def table(self, table: str, parts: list[Partition] | None = None) -> pl.LazyFrame:
        """Rows of ``table`` in the given partitions (all when None), lazily, in file order."""
        parts = self.partitions() if parts is None else parts
        paths = [partition_path(self.root, table, p) for p in parts]
        paths = [str(p) for p in paths if p.exists()]
        schema = {**TABLES[table], KEY: pl.String}
        if not paths:
            return pl.LazyFrame(schema=schema)
        return pl.scan_parquet(paths, hive_partitioning=False).select(schema.keys())

    def frames(self, parts: list[Partition] | None = None) -> Frames:
        """Every table of the given partitions, in memory."""
        frames = {t: self.table(t, parts).collect() for t in ROW_TABLES}
        if parts is None or len(parts) > 1:  # partitions one after another: back in file order
            for table in model.ROW_FRAMES:
                frames[table] = frames[table].sort(
                    ["source_file", "source_line"], nulls_last=True, maintain_order=True
                )
        frames["documents"] = self.documents_of(parts)
        return frames

    def documents_of(self, parts: list[Partition] | None = None) -> pl.DataFrame:
        """The documents of the given partitions (all when None), in their order."""
        if parts is None:
            return self.documents
        wanted = pl.DataFrame(parts, schema={"region": pl.String, "year": pl.Int32}, orient="row")
        return self.documents.join(
            wanted, on=["region", "year"], how="semi", nulls_equal=True, maintain_order="left"
        )

    def whole(self, name: str) -> pl.DataFrame:
        """One frame of the model, every partition, in file order (for writing it out)."""
        if name == "documents":
            return self.documents.select(model.DOCUMENTS.keys())
        frame = self.table(name).collect().select(model.FRAMES[name].keys())
        return frame.sort(["source_file", "source_line"], nulls_last=True, maintain_order=True)

    def whole_parts(self, name: str, files: int | None = None) -> Iterator[pl.DataFrame]:
        """:meth:`whole` in pieces of up to ``files`` consecutive files: one after another
        they are the same rows in the same order, and a caller writing them out holds one
        piece at a time (a whole table at 10,000 departments is hundreds of megabytes)."""
        files = files or GROUP_DOCUMENTS
        names = self.documents["source_file"].drop_nulls().unique().sort()
        if name == "documents" or names.len() <= files:
            yield self.whole(name)
            return
        bounds = names.gather_every(files)[1:].to_list()
        file = pl.col("source_file")
        pieces = [file < bounds[0]]
        pieces += [(file >= lo) & (file < hi) for lo, hi in pairwise(bounds)]
        pieces += [file >= bounds[-1], file.is_null()]
        for piece in pieces:
            frame = self.table(name).filter(piece).collect().select(model.FRAMES[name].keys())
            yield frame.sort(["source_file", "source_line"], nulls_last=True, maintain_order=True)

    def count(self, table: str) -> int:
        return self.table(table).select(pl.len()).collect().item()

    def corpus(self, parts: list[Partition] | None = None) -> model.Corpus:
        """The corpus of the given partitions (all when None), rows in file order."""
        return to_corpus(self.frames(parts))

    def partition_corpora(self) -> Iterator[tuple[Partition, model.Corpus]]:
        for part in self.partitions():
            yield part, self.corpus([part])

    def lines_of(self, doc_id: str) -> tuple[list[str], list[str]]:
        """A document's displayed lines and their places (evidence for one flag)."""
        docs = self.documents.filter(pl.col("doc_id") == doc_id)
        if docs.is_empty():
            return [], []
        part = docs.select("region", "year").row(0)
        texts = self.table("texts", [part]).filter(pl.col("doc_id") == doc_id).collect()
        if texts.is_empty():
            return [], []
        return texts["lines"][0].to_list(), texts["places"][0].to_list()


def write(root: Path, documents: pl.DataFrame, tables: dict[str, pl.LazyFrame]) -> CorpusDataset:
    """Write a dataset: ``documents`` (with cache_key) and each row table, a group of partitions
    at a time.

    Each table's rows of a group of whole partitions (up to ``GROUP_DOCUMENTS`` documents) are
    gathered (streaming), sorted into file order and written partition by partition; so memory
    holds a part of one table, never the corpus (at 10,000 departments a whole table held at
    once, sorted and split, took gigabytes). Written under a temporary name and renamed into
    place when complete.
    """
    root.parent.mkdir(parents=True, exist_ok=True)
    temp = root.parent / f".tmp-{root.name}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    documents = documents.sort("source_file", maintain_order=True)
    where = documents.select(KEY, pl.col("region").alias("_region"), pl.col("year").alias("_year"))
    where = where.unique(KEY, keep="first", maintain_order=True)
    where, groups = _grouped(where, GROUP_DOCUMENTS)
    for table in ROW_TABLES:
        schema = {**TABLES[table], KEY: pl.String}
        rows = tables[table].select(schema.keys())
        rows = rows.join(where.lazy(), on=KEY, how="left", maintain_order="left")
        # rows of no document have no partition and go with the last group (to region=null)
        rows = rows.with_columns(pl.col("_group").fill_null(groups - 1))
        for group in range(groups):
            frame = rows.filter(pl.col("_group") == group).drop("_group")
            _write_rows(temp, table, frame.collect(engine="streaming"), documents)
    documents.write_parquet(temp / "documents.parquet")
    (temp / "COMPLETE").write_text("")
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
    os.rename(temp, root)
    _prune(root.parent, keep=root)
    return CorpusDataset(root, documents)


def _grouped(where: pl.DataFrame, limit: int) -> tuple[pl.DataFrame, int]:
    """``where`` with the group of its partition (consecutive partitions, up to ``limit``
    documents a group; a larger partition is a group of its own), and the number of groups."""
    sizes = where.group_by("_region", "_year").len().sort("_region", "_year", nulls_last=True)
    group, held, numbers = 0, 0, []
    for n in sizes["len"].to_list():
        if held and held + n > limit:
            group, held = group + 1, 0
        numbers.append(group)
        held += n
    sizes = sizes.select("_region", "_year", pl.Series("_group", numbers, dtype=pl.Int32))
    where = where.join(
        sizes, on=["_region", "_year"], how="left", nulls_equal=True, maintain_order="left"
    )
    return where, max(numbers, default=0) + 1


def _write_rows(temp: Path, table: str, frame: pl.DataFrame, documents: pl.DataFrame) -> None:
    """Rows of whole partitions, sorted into file order and written partition by partition."""
    if table == "texts":
        keyed = documents.select(KEY, "source_file").unique(KEY, keep="first")
        frame = frame.join(keyed, on=KEY, how="left", maintain_order="left")
        frame = frame.sort("source_file", maintain_order=True).drop("source_file")
    else:
        order = ["source_file", "source_line"] if "source_line" in frame.columns else [KEY]
        frame = frame.sort(order, nulls_last=True, maintain_order=True)
    for (region, year), part in frame.partition_by(
        ["_region", "_year"], as_dict=True, maintain_order=True
    ).items():
        path = partition_path(temp, table, (region, year))
        path.parent.mkdir(parents=True, exist_ok=True)
        part.drop("_region", "_year").write_parquet(path)


def from_frames(root: Path, frames: Frames) -> CorpusDataset:
    """A dataset of frames already in memory (small corpora, tests)."""
    return write(
        root,
        frames["documents"],
        {t: frames[t].lazy() for t in ROW_TABLES},
    )


def _prune(folder: Path, keep: Path) -> None:
    """Only the most recent datasets stay; temporary folders of killed runs go."""
    import time

    for path in folder.iterdir():
        if path.name.startswith(".tmp-") and time.time() - path.stat().st_mtime > _STALE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
    done = [p for p in folder.iterdir() if (p / "COMPLETE").exists() and p != keep]
    done.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in done[_KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["TEXTS", "CorpusDataset", "Partition", "digest_of", "from_frames", "write"]
