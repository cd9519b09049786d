"""The corpus as the pages see it, read from the scanned dataset only as far as a page needs.

At 10,000 departments the whole corpus (its text lines above all, as Python strings) is
gigabytes; a page needs a fraction: 总览 the documents and the budget lines' totals, 部门 one
partition, a flag's source view one document's lines. :class:`LazyCorpus` answers the
:class:`loaders.model.Corpus` interface over a :class:`loaders.dataset.CorpusDataset`
(plus the uploads, small, in memory): a frame is read when first asked for and kept (one
copy for every session), a document's lines when its evidence is shown (a bounded number
kept), a department's partition when its page opens.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

import polars as pl

from loaders import model
from loaders.dataset import CorpusDataset

_LINES_KEPT = 512  # documents whose lines stay in memory
T = TypeVar("T")


class _Lines(Mapping):
    """doc_id → displayed lines (or their places), read from the dataset on first use."""

    def __init__(self, owner: LazyCorpus, index: int):
        self.owner, self.index = owner, index

    def __getitem__(self, doc_id: str) -> list[str]:
        found = self.owner._lines(doc_id)
        if found is None:
            raise KeyError(doc_id)
        return found[self.index]

    def get(self, doc_id, default=None):
        try:
            value = self[doc_id]
        except KeyError:
            return default
        return value if (self.index == 0 or any(value)) else default

    def __iter__(self) -> Iterator[str]:
        return iter(self.owner.documents["doc_id"].to_list())

    def __len__(self) -> int:
        return self.owner.documents.height


class LazyCorpus:
    """A corpus whose frames and lines are read from a dataset when first used."""

    def __init__(self, dataset: CorpusDataset | None, extra: model.Corpus | None = None):
        self.dataset = dataset
        self.extra = extra or model.Corpus()
        parts = [self.extra.documents]
        if dataset is not None:
            parts.insert(0, dataset.documents.select(model.DOCUMENTS.keys()))
        self.documents = pl.concat(parts, how="vertical_relaxed")
        self._frames: dict[str, pl.DataFrame] = {"documents": self.documents}
        self._derived: dict[str, object] = {}
        self._kept: OrderedDict[str, tuple[list[str], list[str]] | None] = OrderedDict()
        self._lock = threading.Lock()
        self.texts = _Lines(self, 0)
        self.places = _Lines(self, 1)

    def __getattr__(self, name: str) -> pl.DataFrame:
        if name in model.FRAMES:
            return self.frame(name)
        raise AttributeError(name)

    def frame(self, name: str) -> pl.DataFrame:
        with self._lock:
            if name not in self._frames:
                loaded = [self.extra.frames[name]]
                if self.dataset is not None:
                    loaded.insert(0, self.dataset.whole(name))
                self._frames[name] = pl.concat(loaded, how="vertical_relaxed")
            return self._frames[name]

    def derived(self, name: str, compute: Callable[[LazyCorpus], T]) -> T:
        """``compute(self)``, worked out once: a figure every run of a page needs (总览's
        headline rows read all budget lines, 0.1 s at 1,000 departments, on every filter change)."""
        with self._lock:
            if name in self._derived:
                return self._derived[name]
        value = compute(self)
        with self._lock:
            return self._derived.setdefault(name, value)

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        return {name: self.frame(name) for name in model.FRAMES}

    def _lines(self, doc_id: str) -> tuple[list[str], list[str]] | None:
        with self._lock:
            if doc_id in self._kept:
                self._kept.move_to_end(doc_id)
                return self._kept[doc_id]
        found = None
        if doc_id in self.extra.texts:
            lines = self.extra.texts[doc_id]
            found = (lines, self.extra.places.get(doc_id) or [""] * len(lines))
        elif self.dataset is not None:
            lines, places = self.dataset.lines_of(doc_id)
            found = (lines, places) if lines else None
        with self._lock:
            self._kept[doc_id] = found
            while len(self._kept) > _LINES_KEPT:
                self._kept.popitem(last=False)
        return found

    def part(self, department: str | None, year: int | None) -> model.Corpus:
        """The corpus of one department and year: its partition only (and its uploads)."""
        frames = {}
        where = pl.col("department").eq_missing(department) & pl.col("year").eq_missing(year)
        found = self.dataset.partition_of(department, year) if self.dataset is not None else None
        own = self.dataset.corpus([found]) if found is not None else model.Corpus()
        for name in model.FRAMES:
            frames[name] = pl.concat(
                [own.frames[name], self.extra.frames[name]], how="vertical_relaxed"
            )
        frames["documents"] = frames["documents"].filter(where)
        ids = frames["documents"]["doc_id"].implode()
        for name in model.ROW_FRAMES:
            frames[name] = frames[name].filter(pl.col("doc_id").is_in(ids))
        docs = set(frames["documents"]["doc_id"].to_list())
        texts = {d: v for d, v in {**own.texts, **self.extra.texts}.items() if d in docs}
        places = {d: v for d, v in {**own.places, **self.extra.places}.items() if d in docs}
        return model.Corpus(texts, places, **frames)

    def materialized(self) -> model.Corpus:
        """Everything in memory (the checks of a corpus with uploads)."""
        if self.dataset is None:
            return self.extra
        return self.dataset.corpus().merged_with(self.extra)
