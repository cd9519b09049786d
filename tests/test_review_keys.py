"""Decisions follow the finding, not the file: other formats, shifted lines, changed figures."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import FIXTURES, SAMPLES

from checks.engine import run_checks
from checks.finding_key import finding_key, normalise, topic_key
from loaders.pipeline import Corpus, load_file
from review.annotate import UNREVIEWED, keyed, with_decisions
from review.schema import STATUSES
from review.store import Finding, ReviewStore

TEXT = SAMPLES / "002_ab28928a96ffb29a.txt"


def findings_of(path: Path, name: str | None = None) -> pl.DataFrame:
    doc = load_file(path, name) if name else load_file(path)
    return keyed(run_checks(Corpus.from_docs([doc])).findings)


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    """Every finding of 002 (text) decided, statuses and notes in turn."""
    store = ReviewStore(f"sqlite:///{tmp_path_factory.mktemp('review') / 'review.sqlite'}")
    flags = findings_of(TEXT)
    for i, row in enumerate(flags.unique("finding_id", maintain_order=True).iter_rows(named=True)):
        store.set_decision(Finding.from_row(row), STATUSES[i % 4], f"第{i}条结论", "张三")
    yield store, flags
    store.close()


def _statuses(flags: pl.DataFrame, store: ReviewStore) -> dict[str, tuple]:
    shown = with_decisions(flags, store.decisions())
    return {
        r["finding_id"]: (r["check_id"], r["subject"], r["review_status"], r["review_note"])
        for r in shown.iter_rows(named=True)
    }


@pytest.mark.parametrize("version", ["002.docx", "002.pdf"])
def test_decisions_survive_another_format(decided, version):
    store, text_flags = decided
    other = findings_of(FIXTURES / "formats" / version)
    assert sorted(other["finding_id"]) == sorted(text_flags["finding_id"])
    shown = with_decisions(other, store.decisions())
    assert UNREVIEWED not in shown["review_status"].to_list()
    assert not shown["review_outdated"].any()
    assert _statuses(other, store) == _statuses(text_flags, store)


def test_decisions_survive_shifted_lines_and_another_name(decided, tmp_path):
    store, text_flags = decided
    shifted = tmp_path / "002 重新导出.txt"
    shifted.write_text(
        "说明：本文件为重新导出的版本。\n\n\n" + TEXT.read_text(encoding="utf-8"), encoding="utf-8"
    )
    other = findings_of(shifted)
    assert (other["source_line"] - 3).sort().to_list() == text_flags["source_line"].sort().to_list()
    assert sorted(other["finding_id"]) == sorted(text_flags["finding_id"])
    assert _statuses(other, store) == _statuses(text_flags, store)


def test_a_changed_figure_shows_the_earlier_decision_as_outdated(decided, tmp_path):
    store, text_flags = decided
    lines = TEXT.read_text(encoding="utf-8").split("\n")
    assert lines[55].strip() == "控制率" and lines[59] == "\t42\u3000"
    lines[59] = "\t43\u3000"  # 43 people in post, not 42
    changed = tmp_path / "002_changed.txt"
    changed.write_text("\n".join(lines), encoding="utf-8")
    shown = with_decisions(findings_of(changed), store.decisions())

    staff = shown.filter(pl.col("check_id") == "A02", pl.col("subject") == "财政供养人员情况").row(
        0, named=True
    )
    before = text_flags.filter(pl.col("check_id") == "A02", pl.col("subject") == "财政供养人员情况")
    earlier = store.decision(before["finding_id"].item())
    assert staff["finding_id"] != earlier.finding_id and staff["topic_id"] == earlier.topic_id
    assert "43人" in staff["message"]
    assert (staff["review_status"], staff["review_outdated"]) == (UNREVIEWED, True)
    assert (staff["earlier_status"], staff["review_note"]) == (earlier.status, earlier.note)
    assert staff["decided_figures"] == "100 · 42 · 48 · 87.50"

    untouched = shown.filter(pl.col("finding_id").is_in(text_flags["finding_id"].implode()))
    assert not untouched["review_outdated"].any()
    assert UNREVIEWED not in untouched["review_status"].to_list()
    # a new finding caused by the change (if any) is simply undecided, not "outdated"
    new = shown.filter(
        ~pl.col("finding_id").is_in(text_flags["finding_id"].implode()),
        ~pl.col("topic_id").is_in(text_flags["topic_id"].implode()),
    )
    assert not new["review_outdated"].any()


def test_key_ignores_files_lines_and_spacing_but_not_figures():
    args = ("部门", 2022, "T01", "主题")
    a = "整段文字雷同：002_ab.txt“改进措施”第41–45行与002_ab.txt“存在问题”第1689–1693行（共 10 段）"
    b = "整段文字雷同：uploads/002 新版.pdf“改进措施”第 44–48 行与uploads/002 新版.pdf“存在问题”第1692–1696行（共10段）"
    assert normalise(a) == normalise(b)
    assert finding_key(*args, a) == finding_key(*args, b)
    c = a.replace("共 10 段", "共 11 段")
    assert finding_key(*args, a) != finding_key(*args, c)
    assert topic_key(*args, a) == topic_key(*args, c)
    assert topic_key(*args, a) != topic_key("部门", 2023, "T01", "主题", a)
    assert normalise("预算４．００万元") == "预算4.00万元"  # full-width digits fold
