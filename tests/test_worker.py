"""The worker boundary: a file that hangs or eats memory costs that file only, with its reason."""

from __future__ import annotations

import os
import time
from pathlib import Path

from loaders.limits import MB, Limits
from loaders.worker import Job, read_isolated

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "003_d00643376496db49.txt"


def test_a_file_that_never_finishes_is_stopped_and_the_next_one_read(tmp_path):
    fifo = tmp_path / "hangs.txt"
    os.mkfifo(fifo)  # reading it blocks forever: no reader check can stop that, only the kill
    jobs = [Job("hangs.txt", os.fsencode(fifo)), Job("good.txt", os.fsencode(SAMPLE))]
    seen = []
    started = time.monotonic()
    hung, good = read_isolated(jobs, Limits(max_seconds=1), 1, lambda d, n, name: seen.append(name))
    assert time.monotonic() - started < 30
    assert hung.document["status"] == "failed" and hung.issues[0]["code"] == "too-slow"
    assert good.document["status"] == "ok" and good.budget_lines
    assert seen == ["hangs.txt", "good.txt"]


def test_a_file_over_the_memory_cap_fails_alone():
    rows = "".join(f"项目{k}\t{k}.00\t{k}.00\t{k}.00\t100.00%\n" for k in range(400_000))
    big = (
        "部门整体支出绩效自评表\n项目名称\t年初预算数\t全年预算数\t全年执行数\t执行率\n" + rows
    ).encode()
    jobs = [Job("big.txt", data=big), Job("good.txt", data=SAMPLE.read_bytes())]
    limits = Limits(max_memory=600 * MB, max_bytes=100 * MB, max_seconds=120)
    heavy, good = read_isolated(jobs, limits, 1)
    assert heavy.document["status"] == "failed"
    assert heavy.issues[0]["code"] in ("out-of-memory", "worker-crashed")
    assert "内存" in heavy.document["message"]
    assert good.document["status"] == "ok"


def _framed_batch(jobs, limits, seen=None):
    from loaders.worker import read_framed

    progress = (lambda d, n, name: seen.append(name)) if seen is not None else None
    (frames,) = read_framed([jobs], limits, 1, progress)
    return frames["documents"], frames["parse_issues"]


def test_a_file_that_never_finishes_in_a_batch_fails_alone(tmp_path):
    fifo = tmp_path / "hangs.txt"
    os.mkfifo(fifo)
    jobs = [
        Job(name, os.fsencode(path), framed=True, key=name)
        for name, path in (("a.txt", SAMPLE), ("hangs.txt", fifo), ("b.txt", SAMPLE))
    ]
    seen = []
    documents, issues = _framed_batch(jobs, Limits(max_seconds=1), seen)
    assert documents["cache_key"].to_list() == ["a.txt", "hangs.txt", "b.txt"]
    assert documents["status"].to_list() == ["ok", "failed", "ok"]
    hung = issues.filter(issues["cache_key"] == "hangs.txt")
    assert hung["code"].to_list() == ["too-slow"]
    assert sorted(seen) == ["a.txt", "b.txt", "hangs.txt"]


def test_a_crash_in_a_batch_costs_only_the_guilty_file():
    rows = "".join(f"项目{k}\t{k}.00\t{k}.00\t{k}.00\t100.00%\n" for k in range(400_000))
    big = (
        "部门整体支出绩效自评表\n项目名称\t年初预算数\t全年预算数\t全年执行数\t执行率\n" + rows
    ).encode()
    good = SAMPLE.read_bytes()
    jobs = [
        Job(name, data=data, framed=True, key=name)
        for name, data in (("a.txt", good), ("big.txt", big), ("b.txt", good))
    ]
    limits = Limits(max_memory=600 * MB, max_bytes=100 * MB, max_seconds=120)
    seen = []
    documents, issues = _framed_batch(jobs, limits, seen)
    assert documents["cache_key"].to_list() == ["a.txt", "big.txt", "b.txt"]
    assert documents["status"].to_list() == ["ok", "failed", "ok"]
    heavy = issues.filter(issues["cache_key"] == "big.txt")
    assert heavy["code"].to_list()[0] in ("out-of-memory", "worker-crashed")
    assert sorted(seen) == ["a.txt", "b.txt", "big.txt"]
