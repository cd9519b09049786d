"""The checks over a corpus dataset, partition by partition, in bounded memory.

Every check but the corpus-wide ones (``scope == "corpus"``: T01 compares texts across all
departments) looks within one department and year, and a department's reports of a year
are in one partition (region, year) of :mod:`loaders.dataset`. So partitions are checked
apart, a batch of them at a time (:func:`batches`), by the executor (here, or on a Ray cluster), with the corpus-wide checks run
once beforehand on only the tables they read and their flags handed to the partition of
the document they cite. :func:`checks.engine.combine` then sums and ranks as for a corpus
checked whole: the flags, findings, summary and ranking are the same.
"""

from __future__ import annotations

import importlib
import logging
import pickle
import shutil
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor, wait
from pathlib import Path

import polars as pl

from checks.base import CheckResult
from checks.detached import Detached
from checks.engine import (
    CheckRun,
    PartRun,
    check_part,
    check_settings,
    combine,
    department_money,
    finish_part,
    run_own_checks,
)
from checks.registry import CHECKS
from loaders import model
from loaders.collector import collecting_less_often
from loaders.frames import Frames, to_corpus

log = logging.getLogger(__name__)


def _reads(module) -> dict[str, tuple[str, ...] | None]:
    """The tables a check reads (``READS``, default all), each with the columns it declares in
    ``READ_COLUMNS`` (None: all of them)."""
    columns = getattr(module, "READ_COLUMNS", {})
    return {table: columns.get(table) for table in getattr(module, "READS", model.ROW_FRAMES)}


def _wide_corpus(dataset, reads, parts: list | None = None) -> model.Corpus:
    """The tables a corpus-wide check reads (``reads``: table names, or a mapping of table
    name to the columns needed), over all partitions or the given ones."""
    if not isinstance(reads, dict):
        reads = dict.fromkeys(reads)
    frames = {}
    for name, columns in reads.items():
        schema = model.FRAMES[name].keys()
        frames[name] = dataset.table(name, parts).select(
            [c for c in schema if columns is None or c in columns]
        )
    documents = dataset.documents_of(parts).select(model.DOCUMENTS.keys())
    return model.Corpus(documents=documents, **{n: f.collect() for n, f in frames.items()})


def _sizes(dataset) -> dict:
    """Documents per (region, year) partition."""
    return dict(
        ((r, y), n) for r, y, n in dataset.documents.group_by("region", "year").len().iter_rows()
    )


def region_batches(dataset, limit: int) -> list[list]:
    """The partitions of whole regions (all their years), consecutive regions together up to
    ``limit`` documents: what a check comparing a department's years (D11) needs at once."""
    sizes = _sizes(dataset)
    regions: dict = {}
    for part in dataset.partitions():
        regions.setdefault(part[0], []).append(part)
    out: list[list] = []
    held = limit
    for parts in regions.values():
        n = sum(sizes.get(p, 0) for p in parts)
        if held + n > limit:
            out.append([])
            held = 0
        out[-1].extend(parts)
        held += n
    return out


def _run_wide(module, dataset, settings: dict) -> CheckResult:
    """One corpus-wide check: on the whole corpus at once, or (``SPAN = "region"``) on
    batches of whole regions, its counts summed."""
    if not _spans_regions(module):
        return module.run(
            _wide_corpus(dataset, _reads(module)), check_settings(settings, module.CHECK)
        )
    return _summed(map(_run_region, _region_jobs(module, dataset, settings)))


def _spans_regions(module) -> bool:
    return getattr(module, "SPAN", "corpus") == "region"


def _region_jobs(module, dataset, settings: dict) -> list[tuple]:
    """One job of :func:`_run_region` per batch of whole regions."""
    return [
        (module.__name__, dataset, parts, settings)
        for parts in region_batches(dataset, REGION_BATCH_DOCUMENTS)
    ]


def _run_region(job: tuple) -> CheckResult:
    """A region-spanning check on one batch of whole regions (here, or in a worker process)."""
    name, dataset, parts, settings = job
    module = importlib.import_module(name)
    return module.run(
        _wide_corpus(dataset, _reads(module), parts), check_settings(settings, module.CHECK)
    )


def _summed(results) -> CheckResult:
    """The results of a check's region batches as one: flags in batch order, counts summed."""
    total = CheckResult()
    total.documents = 0
    for result in results:
        total.flags.extend(result.flags)
        total.applied += result.applied
        total.documents += result.documents or 0
        for reason, n in result.not_applicable.items():
            total.not_applicable[reason] = total.not_applicable.get(reason, 0) + n
    return total


def _corpus_wide(dataset, settings: dict) -> tuple[dict, dict]:
    """Flags of the corpus-wide checks by partition, and what each counted."""
    part_of = _part_of(dataset)
    given: dict[tuple, dict[str, CheckResult]] = {}
    counted: dict[str, tuple[int, dict[str, int], int]] = {}
    modules = [m for m in CHECKS if m.CHECK.scope == "corpus"]
    _record_wide(modules, dataset, settings, given, counted, part_of)
    return given, counted


def _record_wide(modules, dataset, settings: dict, given: dict, counted: dict, part_of: dict):
    """:func:`_record` each of ``modules``, run here on the tables it reads."""
    for module in modules:
        _record(module, lambda m=module: _run_wide(m, dataset, settings), given, counted, part_of)


def _part_of(dataset) -> dict:
    return dict(dataset.documents.select("doc_id", pl.struct("region", "year")).iter_rows())


def _record(module, run, given: dict, counted: dict, part_of: dict) -> None:
    """Run one corpus-wide check (``run()``), its flags handed to the partition of the
    document each cites, what it counted kept once."""
    info = module.CHECK
    try:
        result = run()
    except Exception as exc:
        log.exception("check %s failed", info.code)
        result = CheckResult(not_applicable={f"检查出错（{type(exc).__name__}），已跳过": 1})
    counted[info.code] = (result.applied, dict(result.not_applicable), result.documents or 0)
    for flag in result.flags:
        where = part_of.get(flag.get("doc_id")) or {"region": None, "year": None}
        part = (where["region"], where["year"])
        given.setdefault(part, {}).setdefault(info.code, CheckResult()).flags.append(flag)


BATCH_DOCUMENTS = 400
REGION_BATCH_DOCUMENTS = 4000  # whole regions a region-spanning check reads at once


def batches(dataset, limit: int = BATCH_DOCUMENTS) -> list[list]:
    """Partitions packed together, up to ``limit`` documents a batch (a partition larger than
    that is a batch of its own). A check's fixed cost per call (building its frames, a few
    hundred small polars steps for the disclosure checks) is then paid once per batch, not
    once per region and year (411 partitions at 1,000 departments); memory stays bounded.

    Largest partitions first, each into the first batch it fits (first-fit decreasing): taking
    partitions in order left batches a third empty where partitions are large (10,000
    departments: 185 batches of 326 documents on average; packed, 156 of 386). Each batch
    keeps its partitions in dataset order; batches are ordered by their first partition."""
    sizes = _sizes(dataset)
    order = {part: i for i, part in enumerate(dataset.partitions())}
    packed: list[list] = []
    held: list[int] = []
    for part in sorted(order, key=lambda p: (-sizes.get(p, 0), order[p])):
        n = sizes.get(part, 0)
        slot = next((i for i, h in enumerate(held) if h + n <= limit), None)
        if slot is None:
            packed.append([])
            held.append(0)
            slot = len(packed) - 1
        packed[slot].append(part)
        held[slot] += n
    for batch in packed:
        batch.sort(key=order.__getitem__)
    return sorted(packed, key=lambda batch: order[batch[0]])


def _check_frames(job: tuple[Frames, dict, dict]):
    """One partition's checks (runs in an executor: here or on a cluster)."""
    frames, settings, given = job
    with collecting_less_often():
        return check_part(to_corpus(frames), settings, given)


_FINISH_IN_WORKERS = True  # False: every batch hands back a Detached (tests of that path)


def _check_batch(job: tuple) -> PartRun | Detached:
    """One batch's checks in a worker process, which reads the batch from the dataset itself.

    The region-spanning checks' flags come with the job; the whole-corpus ones' (T01) are
    written to ``ready`` by the main process when they are done (``<index>.pickle`` for each
    batch, then ``done``). Done by the time the batch's own checks are: the batch is finished
    here; else it goes back detached (:mod:`checks.detached`) and is finished there.
    """
    dataset, batch, settings, first, later, ready, index, may_finish = job
    with collecting_less_often():
        corpus = dataset.corpus(batch)
        results = run_own_checks(corpus, settings, {*first, *later})
        money = department_money(corpus.budget_lines)
        if may_finish and (Path(ready) / "done").exists():
            rest = pickle.loads((Path(ready) / f"{index}.pickle").read_bytes())
            return finish_part(results, corpus, settings, {**first, **rest}, money)
        return Detached.of(corpus, results, first, money)


def _run_pooled(
    dataset, settings: dict, parts: list[list], pool: ProcessPoolExecutor
) -> tuple[list[PartRun], dict]:
    """The batches in the pool's processes while the whole-corpus checks (T01) run here.

    The region-spanning checks (D11) go first, in the pool: their flags can be part of a
    batch's money findings, so a batch takes them along. Then T01 runs here, in a thread, with
    batches beside it one at a time (:func:`_beside`), rather than before them with a core
    idle (two seconds at 1,000 departments; twenty-five at 10,000); the rest follow. Each batch
    ends in its worker when T01 is done by then, else here (:func:`_check_batch`); either way
    the same part run.
    """
    modules = [m for m in CHECKS if m.CHECK.scope == "corpus"]
    regional = [m for m in modules if _spans_regions(m)]
    submitted = {
        m.CHECK.code: [pool.submit(_run_region, job) for job in _region_jobs(m, dataset, settings)]
        for m in regional
    }
    part_of = _part_of(dataset)
    given: dict[tuple, dict[str, CheckResult]] = {}
    counted: dict[str, tuple[int, dict[str, int], int]] = {}
    for m in regional:
        futures = submitted[m.CHECK.code]
        _record(m, lambda f=futures: _summed(x.result() for x in f), given, counted, part_of)
    first = list(counted)
    later = [m.CHECK.code for m in modules if m not in regional]
    ready = Path(tempfile.mkdtemp(prefix="budget-audit-wide-"))
    try:
        jobs = [
            (dataset, batch, settings, _given_to(batch, given, first), later, str(ready), i)
            + (_FINISH_IN_WORKERS,)
            for i, batch in enumerate(parts)
        ]
        whole = [m for m in modules if m not in regional]
        wide = threading.Thread(
            target=_record_wide,
            args=(whole, dataset, settings, given, counted, part_of),
            name="corpus-wide checks",
        )
        wide.start()
        futures = _beside(wide, pool, jobs)
        wide.join()
        for i, batch in enumerate(parts):
            rest = pickle.dumps(_given_to(batch, given, later), pickle.HIGHEST_PROTOCOL)
            (ready / f"{i}.pickle").write_bytes(rest)
        (ready / "done").touch()
        futures += [pool.submit(_check_batch, job) for job in jobs[len(futures) :]]
        runs = []
        for future, batch in zip(futures, parts, strict=True):
            run = future.result()
            if isinstance(run, Detached):
                run = _finish_detached(run, dataset, batch, settings, given, [*first, *later])
            runs.append(run)
    finally:
        shutil.rmtree(ready, ignore_errors=True)
    return runs, {m.CHECK.code: counted[m.CHECK.code] for m in modules}


def _finish_detached(
    part: Detached, dataset, batch: list, settings: dict, given: dict, codes: list[str]
) -> PartRun:
    """A detached batch's findings grouped with the corpus-wide flags. Should grouping ever ask
    for a document the detached state left out (:mod:`checks.detached`), the batch is checked
    again here, whole, rather than the run failing or a finding being grouped wrongly."""
    every = _given_to(batch, given, codes)
    try:
        return finish_part(part.results, part.corpus(), settings, every, part.money)
    except LookupError:
        log.warning("a detached batch needed its corpus again; checked again", exc_info=True)
        return check_part(dataset.corpus(batch), settings, every)


def _beside(wide: threading.Thread, pool: ProcessPoolExecutor, jobs: list) -> list[Future]:
    """Batch jobs one at a time while ``wide`` runs: T01 keeps more than a core busy by itself
    (its numpy and rapidfuzz steps run in threads) and holds ~2 GB at 10,000 departments, so
    one batch beside it fills the machine, and a second would take memory past 3 GB."""
    futures: list[Future] = []
    while wide.is_alive() and len(futures) < len(jobs):
        futures.append(pool.submit(_check_batch, jobs[len(futures)]))
        while wide.is_alive() and not futures[-1].done():
            wait([futures[-1]], timeout=0.05)
    return futures


def _given_to(batch: list, given: dict, codes: list[str]) -> dict[str, CheckResult]:
    """The flags of the corpus-wide checks ``codes`` that fall in a batch's partitions."""
    out = {code: CheckResult() for code in codes}
    for part in batch:
        for code in codes:
            out[code].flags.extend(given.get(part, {}).get(code, CheckResult()).flags)
    return out


def run_partitioned(dataset, settings: dict, executor=None) -> CheckRun:
    """:func:`checks.engine.run_checks` over a :class:`loaders.dataset.CorpusDataset`.

    With no ``executor``, every batch is checked in this process. With a
    :class:`loaders.executors.LocalExecutor` of several workers (``scan``), the batches are
    checked in as many worker processes, one batch each at a time, so that memory stays
    bounded; on Ray, by the cluster. The results are the same and in the same order.
    """
    with collecting_less_often():  # this process's share: T01, detached batches, findings
        return _run_partitioned(dataset, settings, executor)


def _run_partitioned(dataset, settings: dict, executor) -> CheckRun:
    from loaders.executors import LocalExecutor

    parts = batches(dataset, BATCH_DOCUMENTS)
    executor = executor or LocalExecutor(1)
    pool = executor.processes(len(parts)) if isinstance(executor, LocalExecutor) else None
    if pool is not None:
        try:
            runs, counted = _run_pooled(dataset, settings, parts, pool)
        finally:
            pool.shutdown()
    else:
        given, counted = _corpus_wide(dataset, settings)
        wide = list(counted)  # every partition takes these checks' flags, none runs them again
        frames = ((dataset.frames(b), settings, _given_to(b, given, wide)) for b in parts)
        runs = list(executor.map(_check_frames, frames))
    documents = dataset.documents.select(model.DOCUMENTS.keys())
    return combine(runs, documents, counted)
