"""One report saved twice (another encoding, a Word or PDF re-export, a copy) is checked once."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from checks.engine import run_checks
from loaders.duplicates import duplicates
from loaders.pipeline import load_paths

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "003_d00643376496db49.txt"
FORMATS = ROOT / "tests" / "fixtures" / "formats"


def _facts(run) -> set[tuple]:
    return set(run.flags.select("check_id", "subject", "message").iter_rows())


def test_a_report_in_two_encodings_is_checked_once(tmp_path):
    single = run_checks(load_paths([SAMPLE]))
    text = SAMPLE.read_text(encoding="utf-8")
    shutil.copy(SAMPLE, tmp_path / "a.txt")
    (tmp_path / "b_gbk.txt").write_bytes(text.encode("gb18030"))
    corpus = load_paths([tmp_path])
    docs = {r[0]: r[1:] for r in corpus.documents.select("source_file", "status", "message").rows()}
    assert docs["a.txt"] == ("ok", "") or docs["a.txt"] == ("ok", None)
    assert docs["b_gbk.txt"][0] == "ok" and "与 a.txt 是同一份报告" in docs["b_gbk.txt"][1]
    issue = corpus.parse_issues.filter(pl.col("code") == "same-report").row(0, named=True)
    assert issue["source_file"] == "b_gbk.txt" and "a.txt" in issue["message"]
    assert corpus.budget_lines["source_file"].unique().to_list() == ["a.txt"]
    run = run_checks(corpus)
    # the same flags as the report alone: no doubled findings, no copy raised as boilerplate
    assert _facts(run) == _facts(single) and run.findings.height == single.findings.height


def test_word_and_pdf_exports_of_the_text_report_are_not_checked_again():
    corpus = load_paths([SAMPLE, FORMATS / "003.docx", FORMATS / "003.pdf"])
    repeats = corpus.parse_issues.filter(pl.col("code") == "same-report")
    assert sorted(repeats["source_file"]) == ["003.docx", "003.pdf"]
    assert set(corpus.indicators["source_file"]) == {SAMPLE.name}


def _docs(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema=["source_file", "department", "year", "kind", "status", "format"],
        orient="row",
    )


def _lines(*rows) -> dict[str, pl.LazyFrame]:
    frame = pl.DataFrame(
        rows, schema=["source_file", "project", "item", "budget", "actual"], orient="row"
    )
    return {"budget_lines": frame.lazy()}


def test_same_figures_in_another_department_year_or_kind_are_two_reports():
    docs = _docs(
        ("a.txt", "甲局", 2023, "部门决算", "ok", "text"),
        ("b.txt", "乙局", 2023, "部门决算", "ok", "text"),
        ("c.txt", "甲局", 2022, "部门决算", "ok", "text"),
        ("d.txt", "甲局", 2023, "部门预算", "ok", "text"),
    )
    lines = _lines(
        *[(f, None, "基本支出", 10.0, 9.0) for f in ("a.txt", "b.txt", "c.txt", "d.txt")]
    )
    assert duplicates(docs, lines).is_empty()


def test_one_figure_different_is_another_report_and_nothing_read_is_never_a_copy():
    docs = _docs(
        ("a.txt", "甲局", 2023, "部门决算", "ok", "text"),
        ("b.pdf", "甲局", 2023, "部门决算", "ok", "pdf"),
        ("c.pdf", "甲局", 2023, "部门决算", "ok", "pdf"),
        ("x.txt", "甲局", 2023, "部门决算", "ok", "text"),  # nothing read: not a copy
        ("y.txt", "甲局", 2023, "部门决算", "ok", "text"),
    )
    lines = _lines(
        ("a.txt", None, "基本支出", 10.0, 9.0),
        ("b.pdf", None, "基本支出", 10.0, 9.0),
        ("c.pdf", None, "基本支出", 10.0, 8.0),
    )
    assert duplicates(docs, lines).rows() == [("b.pdf", "a.txt")]


def test_an_upload_repeating_a_report_of_the_folder_is_not_checked_again(tmp_path):
    from dashboard.data import load_uploads, without_known_reports
    from dashboard.lazy_corpus import LazyCorpus
    from loaders.cache import ParseCache
    from loaders.pipeline import LOADER_VERSION
    from loaders.scan import scan_to_dataset

    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    dataset = scan_to_dataset([folder], ParseCache(tmp_path / "cache", LOADER_VERSION))
    shutil.copy(FORMATS / "003.docx", tmp_path / "003.docx")
    uploads = without_known_reports(load_uploads([tmp_path / "003.docx"], None, {}), dataset)
    upload = uploads.documents.row(0, named=True)
    assert upload["status"] == "ok" and SAMPLE.name in upload["message"]
    assert uploads.budget_lines.is_empty() and uploads.indicators.is_empty()
    assert set(uploads.parse_issues["code"]) >= {"same-report"}
    alone = run_checks(dataset.corpus())
    both = run_checks(LazyCorpus(dataset, uploads))
    assert both.findings.height == alone.findings.height
