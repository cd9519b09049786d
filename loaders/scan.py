"""A scan of folders into the partitioned corpus dataset, in bounded memory.

1. Every file's content key (SHA-256, streamed) is looked up in the parse cache's index.
2. Files not cached are read by the executor in batches; each batch comes back as frames and
   goes straight into the cache as one segment (the batch then leaves memory).
3. The cache is compacted once at the end (streamed, never all in memory).
4. The corpus dataset (:mod:`loaders.dataset`) is written from the cache, one table at a time.

The same files give the same dataset whichever executor read them and whether they were
cached: rows come back from the cache in the order they were read, and the dataset sorts
them into file order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import polars as pl

from loaders import dataset as ds
from loaders import frames as fr
from loaders.cache import ParseCache
from loaders.duplicates import drop_repeats
from loaders.issues import issue
from loaders.limits import Limits
from loaders.pipeline import _content_key, _display_name, expand_paths, name_encoding


def scan_to_dataset(
    paths: list[Path],
    cache: ParseCache,
    limits: Limits | None = None,
    executor=None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ds.CorpusDataset:
    """The dataset of every file under ``paths``, reading only the files not cached."""
    from loaders.executors import LocalExecutor

    limits = limits or Limits()
    executor = executor or LocalExecutor()
    files = expand_paths(paths)
    names = [_display_name(p, paths) for p in files]
    keys = [_content_key(p, limits) for p in files]
    wanted = {k: n for k, n in zip(keys, names, strict=True) if k}
    found = set(cache.index(wanted)[fr.KEY].to_list())
    todo, queued = [], set(found)
    for i, k in enumerate(keys):  # a copy of the same bytes is read once, named twice
        if not k or k not in queued:
            todo.append(i)
            queued.add(k)
    kept: list[fr.Frames] = []  # files the cache does not keep (unreadable, or it cannot write)
    items = [(files[i], names[i], keys[i]) for i in todo]
    for batch in executor.parse(items, limits, progress):
        batch = _with_name_notes(batch, files, names)
        before = set(cache.problems)
        cache.store_frames(batch, compact=False)
        stored = _cached_keys(batch) if set(cache.problems) == before else set()
        left = batch["documents"].filter(~pl.col(fr.KEY).is_in(list(stored)))
        if left.height:
            kept.append(
                {
                    t: f.filter(pl.col(fr.KEY).is_in(left[fr.KEY].implode()))
                    for t, f in batch.items()
                }
            )
    cache.compact_if_needed()
    return _write(paths, files, names, keys, cache, kept)


def _cached_keys(batch: fr.Frames) -> set[str]:
    """Keys of a batch the cache keeps (not failures to read the disk, not unkeyed files)."""
    transient = batch["parse_issues"].filter(pl.col("code") == "unreadable")[fr.KEY]
    docs = batch["documents"].filter(
        pl.col(fr.KEY) != "",
        (pl.col("status") != "failed") | ~pl.col(fr.KEY).is_in(transient.implode()),
    )
    return set(docs[fr.KEY].to_list())


def _write(paths, files, names, keys, cache: ParseCache, kept: list[fr.Frames]) -> ds.CorpusDataset:
    pairs = pl.DataFrame(
        {fr.KEY: keys, "current_file": names},
        schema={fr.KEY: pl.String, "current_file": pl.String},
    ).filter(pl.col(fr.KEY) != "")
    wanted = dict(zip(keys, names, strict=True))
    wanted.pop("", None)
    index = cache.index(wanted).drop("current_file")
    extra = fr.concat(kept)
    extra_keys = extra["documents"][fr.KEY]
    pairs = pairs.filter(~pl.col(fr.KEY).is_in(extra_keys.filter(extra_keys != "").implode()))
    chosen = pairs.join(index, on=fr.KEY, maintain_order="left")  # one row per file
    documents = pl.concat(
        [
            chosen.with_columns(pl.col("current_file").alias("source_file")).select(
                fr.schema("documents").keys()
            ),
            extra["documents"].select(fr.schema("documents").keys()),
        ]
    )
    selection = chosen.select(fr.KEY, "segment", "current_file")
    tables = {}
    for table in ds.ROW_TABLES:
        rows = cache.scan(table, selection)
        if "source_file" in fr.TABLES[table]:
            rows = rows.with_columns(pl.col("current_file").alias("source_file"))
        rows = rows.select(fr.schema(table).keys())
        tables[table] = pl.concat([rows, extra[table].lazy().select(fr.schema(table).keys())])
    documents, tables = drop_repeats(documents, tables)  # one report saved twice: checked once
    root = cache.root / "corpus" / ds.digest_of(documents)
    existing = ds.CorpusDataset.open(root)
    if existing is not None:
        return existing
    return ds.write(root, documents, tables)


def _with_name_notes(batch: fr.Frames, files: list[Path], names: list[str]) -> fr.Frames:
    """An info issue on each file whose name had to be decoded for display (as load_paths)."""
    raw_of = {name: os.fsencode(path.name) for path, name in zip(files, names, strict=True)}
    rows = []
    for name, doc_id, key in batch["documents"].select("source_file", "doc_id", fr.KEY).iter_rows():
        raw = raw_of.get(name)
        encoding = None if raw is None else name_encoding(raw)
        if encoding is None:
            continue
        row = issue("file-name-encoding", encoding=encoding)
        rows.append({**row, "doc_id": doc_id, "source_file": name, fr.KEY: key})
    if not rows:
        return batch
    notes = pl.DataFrame(
        [{k: r.get(k) for k in fr.schema("parse_issues")} for r in rows],
        schema=fr.schema("parse_issues"),
        orient="row",
    )
    return {**batch, "parse_issues": pl.concat([batch["parse_issues"], notes])}
