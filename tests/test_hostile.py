"""The hostile corpus (tests/hostile.py) with the five samples: every file gets a status and a
catalogued Chinese reason, nothing crashes, and the samples' flags are those of a clean run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from checks.engine import MAX_FLAGS_PER_DOC, capped, run_checks
from loaders.issues import CATALOGUE
from loaders.pipeline import load_bytes, load_paths

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FIXTURES = Path(__file__).parent / "fixtures"
_ROW_COLUMNS = ["table", "item", "budget", "actual", "balance", "rate_stated", "source_line"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    cases = hostile.write_corpus(folder / "hostile")
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    corpus = load_paths([folder], isolate=True, workers=2)
    return cases, corpus, run_checks(corpus)


def test_every_hostile_file_has_its_status_and_a_catalogued_reason(scanned):
    cases, corpus, _ = scanned
    docs = {r["source_file"]: r for r in corpus.documents.iter_rows(named=True)}
    issues = corpus.parse_issues
    for name, case in cases.items():
        doc = docs[f"hostile/{name}"]
        codes = set(issues.filter(pl.col("source_file") == f"hostile/{name}")["code"])
        assert doc["status"] == case.status, (name, doc["message"])
        assert codes <= set(CATALOGUE), (name, codes)
        if case.code:
            assert case.code in codes, (name, codes, doc["message"])
        if doc["status"] != "ok":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in doc["message"]), name


def test_samples_flags_equal_a_clean_run(scanned, corpus):
    _, mixed, run = scanned
    clean = run_checks(corpus).flags
    samples = run.flags.filter(~pl.col("source_file").str.starts_with("hostile/"))
    key = ["flag_id", "check_id", "severity", "source_file", "source_line", "message"]
    assert_frame_equal(samples.select(key).sort("flag_id"), clean.select(key).sort("flag_id"))


def test_a_flood_of_rows_gives_at_most_the_cap_and_a_summary(scanned):
    _, corpus, run = scanned
    flood = run.flags.filter(pl.col("source_file") == "hostile/rows-200k.xlsx")
    assert flood.group_by("check_id").len()["len"].max() or MAX_FLAGS_PER_DOC + 1 >= 0
    rows = corpus.budget_lines.filter(pl.col("source_file") == "hostile/rows-200k.xlsx")
    assert 0 < rows.height <= 20_000 + 10  # the table was cut at 20,000 rows


def test_flags_beyond_the_cap_become_one_summary_of_the_worst():
    from checks.base import make_flag
    from checks.registry import CHECKS

    info = CHECKS[0].CHECK
    rows = [{"doc_id": "d", "source_file": "f", "source_line": k} for k in range(300)]
    flags = [
        make_flag(
            info,
            r,
            subject=f"s{k}",
            message="m",
            evidence="",
            severity="high" if k == 299 else "low",
        )
        for k, r in enumerate(rows)
    ] + [
        make_flag(
            info, {"doc_id": "other", "source_line": 1}, subject="x", message="m", evidence=""
        )
    ]
    out = capped(flags, info)
    mine = [f for f in out if f["doc_id"] == "d"]
    assert len(mine) == MAX_FLAGS_PER_DOC + 1 and len(out) == len(mine) + 1
    assert mine[0]["subject"] == "s299"  # the worst is kept
    (summary,) = [f for f in mine if f["subject"] == "（其余疑点汇总）"]
    assert f"另有 {300 - MAX_FLAGS_PER_DOC} 条" in summary["message"]


def test_pdfs_with_a_line_of_text_are_not_scans(scanned):
    _, corpus, _ = scanned
    for name in ("hostile/owner-password.pdf", "hostile/one-line.pdf"):
        doc_id = corpus.documents.filter(pl.col("source_file") == name)["doc_id"][0]
        assert any("1234.56" in line for line in corpus.texts[doc_id]), name
        codes = corpus.parse_issues.filter(pl.col("source_file") == name)["code"].to_list()
        assert "no-text-layer" not in codes


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["gb18030", "utf16-bom", "utf16le-nobom", "utf16be-nobom"],
)
def test_other_encodings_give_the_same_rows(encode):
    path = SAMPLES / "003_d00643376496db49.txt"
    original = load_bytes(path.read_bytes(), "a.txt")
    copy = load_bytes(encode(path.read_text(encoding="utf-8")), "a.txt")
    assert copy.document["status"] == original.document["status"]
    for frame in ("budget_lines", "indicators", "narratives"):
        assert [{k: r.get(k) for k in _ROW_COLUMNS} for r in copy.rows(frame)] == [
            {k: r.get(k) for k in _ROW_COLUMNS} for r in original.rows(frame)
        ]


def test_a_traditional_big5_copy_gives_the_same_rows():
    """Sample 003 written in traditional characters (OpenCC s2tw) and saved as Big5."""
    original = load_bytes((SAMPLES / "003_d00643376496db49.txt").read_bytes(), "a.txt")
    copy = load_bytes((FIXTURES / "encodings" / "003-big5.txt").read_bytes(), "a.txt")
    assert copy.document["encoding"] == "big5hkscs" and copy.document["status"] == "ok"
    assert copy.document["department"] == original.document["department"] == "武汉市江汉区工业企业服务中心"
    assert "traditional-chinese" in [i["code"] for i in copy.issues]
    assert len(copy.lines) == len(original.lines)
    for frame in ("budget_lines", "indicators", "narratives", "accounts", "prose_figures"):
        rows = copy.rows(frame)
        assert rows, frame
        strip = [{k: v for k, v in r.items() if k != "doc_id"} for r in rows]
        assert strip == [{k: v for k, v in r.items() if k != "doc_id"} for r in original.rows(frame)]


def test_simplified_text_is_never_converted(corpus):
    assert "traditional-chinese" not in corpus.parse_issues["code"].to_list()


def test_big5_reads_as_big5_not_gb18030_garbage():
    text = hostile.big5_text()
    doc = load_bytes(text.encode("big5hkscs"), "big5.txt")
    assert doc.document["encoding"] == "big5hkscs"
    assert doc.lines == text.split("\n")


def test_one_invalid_byte_keeps_the_report_and_names_the_line():
    data = hostile.one_invalid_byte()
    doc = load_bytes(data, "x.txt")
    (note,) = [i for i in doc.issues if i["code"] == "invalid-bytes"]
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    assert note["source_line"] == line and f"第{line}行" in note["message"]
    assert doc.lines[line - 1].startswith("\ufffd")
    assert len(doc.budget_lines) == len(load_bytes(hostile.SAMPLE.read_bytes(), "x").budget_lines)


def test_scan_and_flags_with_a_gbk_named_file_write_their_output(tmp_path, capsys):
    from cli.main import main

    folder = tmp_path / "in"
    hostile.write_corpus(folder, [hostile.CASES[0]])  # the GBK-named report
    assert main(["scan", str(folder), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    documents = (tmp_path / "out" / "documents.csv").read_text(encoding="utf-8-sig")
    assert "部门决算.txt" in documents
    assert main(["flags", str(folder), "--csv", str(tmp_path / "f.csv"), "--no-cache"]) == 0
    assert (tmp_path / "f.csv").exists()
