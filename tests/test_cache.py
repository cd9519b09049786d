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


# ---- a cache that cannot lie: damage, kills and concurrent runs -------------------------------

import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

STRESS = Path(__file__).parent / "cache_stress.py"


@pytest.fixture
def small_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted(SAMPLES.glob("*.txt"))[:3]:
        shutil.copy(path, folder / path.name)
    return folder


def _clean_equals_cached(folder, root):
    for extra in folder.glob("extra-*.txt"):
        extra.unlink()
    cache = ParseCache(root, LOADER_VERSION)
    _same(load_paths([folder]).sorted_by_file(), load_paths([folder], cache=cache))
    return cache


def test_a_truncated_segment_is_reported_and_rebuilt(small_folder, tmp_path, monkeypatch):
    root = tmp_path / "cache"
    load_paths([small_folder], cache=ParseCache(root, LOADER_VERSION))
    (segment,) = ParseCache(root, LOADER_VERSION)._segments()
    victim = segment / "budget_lines.parquet"
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    cache = ParseCache(root, LOADER_VERSION)
    again = load_paths([small_folder], cache=cache)
    assert len(cache.problems) == 1 and segment.name in cache.problems[0]
    _same(load_paths([small_folder]).sorted_by_file(), again)
    assert segment.name not in [s.name for s in cache._segments()]  # removed, and rebuilt:
    parsed = []
    monkeypatch.setattr(pipeline, "_load_one", lambda job: parsed.append(job))
    load_paths([small_folder], cache=ParseCache(root, LOADER_VERSION))
    assert parsed == []


def test_kill_9_at_random_moments_never_corrupts_the_cache(small_folder, tmp_path):
    """Each kill lands in a store, a lookup or a compaction; every scan after it is exact."""
    root = tmp_path / "cache"
    rng = random.Random(18)
    for _ in range(20):
        proc = subprocess.Popen(
            [sys.executable, str(STRESS), str(small_folder), str(root), "0"],
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(1.2, 2.5))  # imports take about 1 s, then a round every ~0.5 s
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        cache = _clean_equals_cached(small_folder, root)
        assert cache.problems == []  # nothing half-written was ever visible


def test_concurrent_scans_that_compact_agree(small_folder, tmp_path):
    root = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, str(STRESS), str(small_folder), str(root), "3"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    _clean_equals_cached(small_folder, root)
    leftovers = [p.name for p in ParseCache(root, LOADER_VERSION).folder.iterdir()]
    assert not [n for n in leftovers if n.startswith(".tmp-")]
