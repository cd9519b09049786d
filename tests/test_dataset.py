"""The partitioned corpus dataset holds exactly what parsing gives, and the checks run on it
partition by partition give what they give on the whole corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from checks import partitioned
from checks.engine import run_checks
from checks.partitioned import run_partitioned
from checks.registry import CHECKS
from checks.settings import load_rules
from loaders import cache as cache_module
from loaders import model
from loaders.cache import ParseCache
from loaders.dataset import NULL, CorpusDataset
from loaders.executors import LocalExecutor
from loaders.pipeline import LOADER_VERSION, load_paths
from loaders.scan import scan_to_dataset

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FORMATS = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in [*SAMPLES.glob("*.txt"), FORMATS / "003.docx", FORMATS / "002.xlsx"]:
        shutil.copy(path, folder / path.name)
    shutil.copy(SAMPLES / "002_ab28928a96ffb29a.txt", folder / "copy of 002.txt")  # same bytes
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _same_corpus(a: model.Corpus, b: model.Corpus) -> None:
    for name in model.FRAMES:
        assert_frame_equal(a.frames[name], b.frames[name])
    assert a.texts == b.texts and a.places == b.places


def test_dataset_holds_what_parsing_gives(folder, tmp_path):
    expected = load_paths([folder], cache=ParseCache(tmp_path / "plain", LOADER_VERSION))
    cache = ParseCache(tmp_path / "cache", LOADER_VERSION)
    cold = scan_to_dataset([folder], cache, executor=LocalExecutor(2))
    _same_corpus(expected, cold.corpus())
    warm = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    assert warm.root == cold.root
    _same_corpus(expected, warm.corpus())


def test_partitions_are_region_and_year_of_each_document(folder, tmp_path):
    dataset = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    docs = dataset.documents
    assert len(dataset.partitions()) == docs.select("region", "year").unique().height >= 4
    for region, year in dataset.partitions():
        part = dataset.corpus([(region, year)])
        assert part.documents.height
        assert set(part.documents["region"].to_list()) == {region}
        assert set(part.documents["year"].to_list()) == {year}
        ids = set(part.documents["doc_id"].to_list())
        assert set(part.budget_lines["doc_id"].to_list()) <= ids
    failed = dataset.root / "parse_issues" / f"region={NULL}" / f"year={NULL}" / "data.parquet"
    assert failed.exists()  # the empty file: no region, no year
    reopened = CorpusDataset.open(dataset.root)
    assert reopened is not None and reopened.documents.equals(docs)


def test_batches_and_compaction_give_the_same_dataset(folder, tmp_path, monkeypatch):
    one = scan_to_dataset([folder], ParseCache(tmp_path / "one", LOADER_VERSION))
    monkeypatch.setattr(cache_module, "_MAX_SEGMENTS", 2)
    small = LocalExecutor(2)
    monkeypatch.setattr(
        small,
        "parse",
        lambda items, limits, progress=None: LocalExecutor.parse(
            small, items, limits, progress, batch=2
        ),
    )
    cache = ParseCache(tmp_path / "many", LOADER_VERSION)
    many = scan_to_dataset([folder], cache, executor=small)
    assert len(cache._segments()) == 1  # five batches, compacted once at the end
    _same_corpus(one.corpus(), many.corpus())


@pytest.mark.parametrize("batch", [1, 3, partitioned.BATCH_DOCUMENTS])
def test_checks_by_partition_equal_checks_of_the_whole(folder, tmp_path, monkeypatch, batch):
    """Partitions checked one at a time (batch 1), a few together, or all in one batch."""
    monkeypatch.setattr(partitioned, "BATCH_DOCUMENTS", batch)
    dataset = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    settings = load_rules(None, CHECKS)
    whole = run_checks(dataset.corpus(), settings=settings)
    parts = run_partitioned(dataset, settings)
    n = len(partitioned.batches(dataset, batch))
    assert n == len(dataset.partitions()) if batch == 1 else 1 <= n < len(dataset.partitions())
    assert whole.flags.height > 100
    assert any(m.CHECK.scope == "corpus" for m in CHECKS)
    assert whole.flags.filter(pl.col("check_id") == "T01").height  # corpus-wide flags included
    for name in ("flags", "findings", "summary", "departments"):
        assert_frame_equal(getattr(whole, name), getattr(parts, name))


@pytest.mark.parametrize("finish_in_workers", [True, False])
def test_batches_checked_in_worker_processes_give_the_same_run(
    folder, tmp_path, monkeypatch, finish_in_workers
):
    """``scan`` hands the batches to as many worker processes as its executor has workers,
    while T01 runs in the main process; a batch done before T01 is finished there, from what
    it handed back without its corpus (``finish_in_workers`` False: every batch)."""
    monkeypatch.setattr(partitioned, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(partitioned, "_FINISH_IN_WORKERS", finish_in_workers)
    dataset = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    settings = load_rules(None, CHECKS)
    assert len(partitioned.batches(dataset, 2)) > 2
    here = run_partitioned(dataset, settings)
    pooled = run_partitioned(dataset, settings, LocalExecutor(2))
    for name in ("flags", "findings", "summary", "departments"):
        assert_frame_equal(getattr(here, name), getattr(pooled, name))


def test_a_detached_batch_missing_a_document_is_checked_again_whole(folder, tmp_path, caplog):
    """Should grouping ask a detached batch for a document it left out, the batch is checked
    again rather than the run failing or a finding grouped without its money tree."""
    from checks.detached import Detached
    from checks.engine import check_part, department_money, run_own_checks
    from checks.materiality import department_budgets
    from checks.money_tree import money_tree

    dataset = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    settings = load_rules(None, CHECKS)
    given, counted = partitioned._corpus_wide(dataset, settings)
    batch = dataset.partitions()
    corpus = dataset.corpus(batch)
    results = run_own_checks(corpus, settings, set(counted))
    assert any(f["category"] == "execution" for r in results.values() for f in r.flags)
    empty = money_tree(corpus).detached(set())  # no document kept: grouping money flags fails
    part = Detached(
        results, department_money(corpus.budget_lines), corpus.places, empty,
        department_budgets(corpus),
    )  # fmt: skip
    codes = list(counted)
    run = partitioned._finish_detached(part, dataset, batch, settings, given, codes)
    assert "checked again" in caplog.text
    again = check_part(dataset.corpus(batch), settings, partitioned._given_to(batch, given, codes))
    assert_frame_equal(run.flags, again.flags)
    assert_frame_equal(run.findings, again.findings)


def test_scan_output_is_the_same_cold_warm_and_without_cache(folder, tmp_path):
    from cli.main import main

    outs = {}
    for run, extra in (
        ("cold", ["--cache", str(tmp_path / "c")]),
        ("warm", ["--cache", str(tmp_path / "c")]),
        ("plain", ["--no-cache"]),
    ):
        outs[run] = tmp_path / run
        assert main(["scan", str(folder), "--out", str(outs[run]), *extra]) == 0
    names = sorted(p.name for p in outs["cold"].glob("*.csv"))
    assert len(names) == len(model.FRAMES) + 4
    for name in names:
        assert (outs["cold"] / name).read_bytes() == (outs["warm"] / name).read_bytes(), name
    for name in ("flags.csv", "findings.csv", "check_summary.csv", "departments.csv"):
        assert (outs["cold"] / name).read_bytes() == (outs["plain"] / name).read_bytes(), name


def test_small_groups_write_the_same_dataset_and_csv(folder, tmp_path, monkeypatch):
    """Rows gathered a few documents at a time (dataset, CSV pieces) are the same rows in
    the same order as when a whole table is gathered at once."""
    from dashboard.export import write_csv, write_csv_parts
    from loaders import dataset as ds

    whole = scan_to_dataset([folder], ParseCache(tmp_path / "whole", LOADER_VERSION))
    monkeypatch.setattr(ds, "GROUP_DOCUMENTS", 2)
    grouped = scan_to_dataset([folder], ParseCache(tmp_path / "grouped", LOADER_VERSION))
    for path in sorted(whole.root.rglob("*.parquet")):
        other = grouped.root / path.relative_to(whole.root)
        assert_frame_equal(pl.read_parquet(path), pl.read_parquet(other))
    for name in model.FRAMES:
        parts = list(grouped.whole_parts(name))
        assert len(parts) > 1 or name == "documents"
        write_csv(whole.whole(name), tmp_path / "whole.csv")
        write_csv_parts(parts, tmp_path / "parts.csv")
        assert (tmp_path / "parts.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_a_check_run_collects_less_often_and_gives_the_process_its_thresholds_back(
    folder, tmp_path, monkeypatch
):
    """The checks allocate some 200,000 row dicts a batch: the cyclic collector runs less often
    while they do (loaders.collector), and a long-lived process (the dashboard) keeps its own
    thresholds afterwards, also when a check run fails."""
    import gc

    from loaders.collector import PARSER_THRESHOLDS

    dataset = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    settings = load_rules(None, CHECKS)
    seen = []
    check_part = partitioned.check_part
    monkeypatch.setattr(
        partitioned, "check_part", lambda *a: seen.append(gc.get_threshold()) or check_part(*a)
    )
    before = gc.get_threshold()
    assert before != PARSER_THRESHOLDS
    run_partitioned(dataset, settings)
    assert seen and set(seen) == {PARSER_THRESHOLDS}
    assert gc.get_threshold() == before
    monkeypatch.setattr(partitioned, "batches", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_partitioned(dataset, settings)
    assert gc.get_threshold() == before
