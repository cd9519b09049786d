"""The parse cache returns exactly what parsing returns, and never serves stale results."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from loaders import pipeline
from loaders.cache import ParseCache
from loaders.pipeline import LOADER_VERSION, load_paths

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FORMATS = Path(__file__).parent / "fixtures" / "formats"
TABLES = ("documents", "budget_lines", "indicators", "narratives", "parse_issues")


@pytest.fixture
def folder(tmp_path):
    for path in [*SAMPLES.glob("*.txt"), FORMATS / "003.docx", FORMATS / "002.xlsx"]:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _same(a, b):
    for table in TABLES:
        assert_frame_equal(getattr(a, table), getattr(b, table))
    assert a.texts == b.texts and a.places == b.places


def test_warm_load_equals_parsing(folder, tmp_path_factory, monkeypatch):
    cache = ParseCache(tmp_path_factory.mktemp("cache"), LOADER_VERSION)
    plain = load_paths([folder]).sorted_by_file()
    cold = load_paths([folder], cache=cache)
    _same(plain, cold)
    calls = []
    monkeypatch.setattr(pipeline, "_load_one", lambda job: calls.append(job))
    warm = load_paths([folder], cache=cache)
    assert calls == []  # nothing parsed the second time
    _same(plain, warm)


def test_only_changed_and_renamed_files(folder, tmp_path_factory, monkeypatch):
    cache = ParseCache(tmp_path_factory.mktemp("cache"), LOADER_VERSION)
    load_paths([folder], cache=cache)
    changed = folder / "000_9f256ef334f2e80e.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    (folder / "001_e4b7451ca6ac423e.txt").rename(folder / "renamed.txt")
    parsed = []
    real = pipeline._load_one
    monkeypatch.setattr(pipeline, "_load_one", lambda job: parsed.append(job[1]) or real(job))
    corpus = load_paths([folder], cache=cache)
    assert parsed == ["000_9f256ef334f2e80e.txt"]  # a rename is the same content
    assert "renamed.txt" in corpus.budget_lines["source_file"].to_list()
    assert "001_e4b7451ca6ac423e.txt" not in corpus.documents["source_file"].to_list()


def test_new_loader_version_ignores_old_entries(folder, tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("cache")
    load_paths([folder], cache=ParseCache(root, "old"))
    parsed = []
    real = pipeline._load_one
    monkeypatch.setattr(pipeline, "_load_one", lambda job: parsed.append(job[1]) or real(job))
    load_paths([folder], cache=ParseCache(root, "new"))
    assert len(parsed) == 7
    assert [p.name for p in root.iterdir()] == [ParseCache(root, "new").folder.name]


def test_a_broken_cache_is_cold(folder, tmp_path_factory):
    root = tmp_path_factory.mktemp("cache")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4 truncated")
    cache = ParseCache(root, LOADER_VERSION)
    first = load_paths([folder], cache=cache)
    for segment in cache.folder.rglob("*.parquet"):
        segment.write_bytes(b"not parquet")
    again = load_paths([folder], cache=cache)
    assert again.documents.height == first.documents.height == 8
    assert again.budget_lines.height == first.budget_lines.height


def test_compaction_keeps_every_entry_once(folder, tmp_path_factory):
    cache = ParseCache(tmp_path_factory.mktemp("cache"), LOADER_VERSION)
    expected = load_paths([folder]).sorted_by_file()
    for path in sorted(folder.iterdir()):  # one segment per file, then more than the maximum
        load_paths([path], cache=cache)
    for k in range(12):
        extra = folder / f"extra{k}.txt"
        extra.write_text(
            f"2023年度某局报告{k}\n年初预算 {k + 1}.00 万元，实际支出 1.00 万元。\n",
            encoding="utf-8",
        )
        load_paths([extra], cache=cache)
        extra.unlink()
    assert len(cache._segments()) <= 16
    _same(expected, load_paths([folder], cache=cache))


def test_check_results_are_reused_only_for_the_same_input(folder, tmp_path_factory, monkeypatch):
    from checks import result_cache

    root = tmp_path_factory.mktemp("cache")
    corpus = load_paths([folder])
    first = result_cache.cached_run_checks(corpus, None, root)
    calls = []
    real = result_cache.run_checks
    monkeypatch.setattr(
        result_cache, "run_checks", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    again = result_cache.cached_run_checks(corpus, None, root)
    assert calls == []
    assert_frame_equal(first.flags, again.flags)
    rules = tmp_path_factory.mktemp("rules") / "rules.toml"
    rules.write_text("[E01]\nhigh_below = 50.0\n", encoding="utf-8")
    result_cache.cached_run_checks(corpus, rules, root)
    (folder / "000_9f256ef334f2e80e.txt").unlink()
    result_cache.cached_run_checks(load_paths([folder]), None, root)
    assert calls == [1, 1]
