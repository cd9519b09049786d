"""The checks over a corpus dataset, partition by partition, in bounded memory.

Every check but the corpus-wide ones (``scope == "corpus"``: T01 compares texts across all
departments) looks within one department and year, and a department's reports of a year
are in one partition (region, year) of :mod:`loaders.dataset`. So each partition is checked
on its own, by the executor (here, or on a Ray cluster), with the corpus-wide checks run
once beforehand on only the tables they read and their flags handed to the partition of
the document they cite. :func:`checks.engine.combine` then sums and ranks as for a corpus
checked whole: the flags, findings, summary and ranking are the same.
"""

from __future__ import annotations

import logging

import polars as pl

from checks.base import CheckResult
from checks.engine import CheckRun, check_part, check_settings, combine
from checks.registry import CHECKS
from loaders import model
from loaders.frames import Frames, to_corpus

log = logging.getLogger(__name__)


def _wide_corpus(dataset, tables: tuple[str, ...]) -> model.Corpus:
    frames = {name: dataset.table(name).collect() for name in tables}
    documents = dataset.documents.select(model.DOCUMENTS.keys())
    return model.Corpus(
        documents=documents,
        **{name: f.select(model.FRAMES[name].keys()) for name, f in frames.items()},
    )


def _corpus_wide(dataset, settings: dict) -> tuple[dict, dict]:
    """Flags of the corpus-wide checks by partition, and what each counted."""
    modules = [m for m in CHECKS if m.CHECK.scope == "corpus"]
    if not modules:
        return {}, {}
    reads = tuple(dict.fromkeys(t for m in modules for t in getattr(m, "READS", model.ROW_FRAMES)))
    wide = _wide_corpus(dataset, reads)
    part_of = dict(dataset.documents.select("doc_id", pl.struct("region", "year")).iter_rows())
    given: dict[tuple, dict[str, CheckResult]] = {}
    counted: dict[str, tuple[int, dict[str, int], int]] = {}
    for module in modules:
        info = module.CHECK
        try:
            result = module.run(wide, check_settings(settings, info))
        except Exception as exc:
            log.exception("check %s failed", info.code)
            result = CheckResult(not_applicable={f"检查出错（{type(exc).__name__}），已跳过": 1})
        counted[info.code] = (result.applied, dict(result.not_applicable), result.documents or 0)
        for flag in result.flags:
            where = part_of.get(flag.get("doc_id")) or {"region": None, "year": None}
            part = (where["region"], where["year"])
            given.setdefault(part, {}).setdefault(info.code, CheckResult()).flags.append(flag)
    del wide
    return given, counted


def _check_frames(job: tuple[Frames, dict, dict]):
    """One partition's checks (runs in an executor: here or on a cluster)."""
    frames, settings, given = job
    return check_part(to_corpus(frames), settings, given)


def run_partitioned(dataset, settings: dict, executor=None) -> CheckRun:
    """:func:`checks.engine.run_checks` over a :class:`loaders.dataset.CorpusDataset`."""
    from loaders.executors import LocalExecutor

    executor = executor or LocalExecutor()
    given, counted = _corpus_wide(dataset, settings)
    parts = dataset.partitions()
    wide = list(counted)  # every partition takes these checks' flags, none runs them again

    def given_to(part) -> dict[str, CheckResult]:
        return {code: given.get(part, {}).get(code, CheckResult()) for code in wide}

    jobs = ((dataset.frames([p]), settings, given_to(p)) for p in parts)
    runs = list(executor.map(_check_frames, jobs))
    documents = dataset.documents.select(model.DOCUMENTS.keys())
    return combine(runs, documents, counted)
