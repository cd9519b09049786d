"""The synthetic corpus: deterministic, readable, and every planted red flag is found where the truth says."""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import polars as pl
import pytest

from checks.base import CATEGORIES
from tools.synth import add_parser, generate, main
from tools.synth import wording as W
from tools.synth.evaluate import evaluate_details, read_truth

SIZE = (20, 2)  # departments, years: every category planted, evaluated in a few seconds
SEED = 5


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(*SIZE, SEED, out)
    return out


@pytest.fixture(scope="module")
def evaluation(corpus_dir):
    return evaluate_details(corpus_dir)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_identical_bytes(tmp_path):
    generate(6, 2, 9, tmp_path / "a")
    generate(6, 2, 9, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(a) > 12 and "truth.csv" in a and "manifest.json" in a
    assert a == b


def test_another_seed_gives_another_corpus(tmp_path):
    generate(6, 2, 9, tmp_path / "a")
    generate(6, 2, 10, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    shared = set(a) & set(b)
    assert sum(a[name] == b[name] for name in shared) == 0


def test_regenerating_replaces_stale_reports(tmp_path):
    generate(8, 2, 1, tmp_path)
    generate(3, 1, 1, tmp_path)
    assert len(list((tmp_path / "reports").glob("*.txt"))) <= 3 * 3
    assert {p.name.split("_")[0] for p in (tmp_path / "reports").glob("*.txt")} <= {
        "d0001",
        "d0002",
        "d0003",
    }


def test_every_document_loads(evaluation):
    docs = evaluation.documents
    assert docs.height >= SIZE[0] * SIZE[1]
    assert docs.filter(pl.col("status") != "ok").is_empty(), docs.filter(pl.col("status") != "ok")
    assert docs["department"].null_count() == 0
    assert docs["year"].null_count() == 0
    kinds = set("+".join(docs["kind"].to_list()).split("+"))
    assert {"整体自评报告", "整体自评表", "项目自评表", "部门决算"} <= kinds


def test_layouts_vary(corpus_dir):
    texts = [p.read_text(encoding="utf-8") for p in (corpus_dir / "reports").glob("*.txt")]
    word_dumps = sum(
        1 for t in texts if "\n\t部门整体支出绩效自评表\n" in t or "\n\t项目支出绩效自评表\n" in t
    )
    tab_tables = sum(1 for t in texts if "\t预算批复\t年中追加\t小计" in t)
    assert word_dumps and tab_tables
    assert sum(1 for t in texts if "公开01表" in t) >= 2
    assert len({t.splitlines()[2][:4] for t in texts if len(t.splitlines()) > 3}) > 1


def test_truth_has_every_category(corpus_dir):
    truth = read_truth(corpus_dir)
    planted = truth.filter(pl.col("kind") == "planted")
    assert set(planted["category"].unique()) == set(CATEGORIES)
    assert planted["source_line"].null_count() == 0
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == SEED and manifest["unresolved_expectations"] == 0
    assert manifest["truth_rows"]["planted"] == planted.height


def test_truth_lines_exist(corpus_dir):
    with (corpus_dir / "truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lines = (corpus_dir / "reports" / row["source_file"]).read_text(encoding="utf-8")
            line = lines.splitlines()[int(row["source_line"]) - 1]
            # prose or a table row; a Word-dump row may start with an empty cell ("\t")
            assert line.strip() or line == "\t", row


def test_recall_per_category(evaluation):
    table = evaluation.table.filter(pl.col("category") != "all")
    assert table.height == len(CATEGORIES)
    low = table.filter(pl.col("recall") < 0.95)
    assert low.is_empty(), (low, evaluation.missed)


def test_clean_documents_are_not_flagged(evaluation, corpus_dir):
    """Department-years without a plant raise nothing but the flags the truth expects there
    (a copied paragraph is reported at its first place, which may be the source's document)."""
    truth = read_truth(corpus_dir)
    planted = {f"{d}|{y}" for d, y in zip(truth["department"], truth["year"], strict=True)}
    docs = evaluation.documents.select(
        "source_file", pl.concat_str("department", "year", separator="|").alias("dept_year")
    )
    stray = evaluation.unexpected.join(docs, on="source_file").filter(
        ~pl.col("dept_year").is_in(list(planted))
    )
    assert stray.is_empty(), stray
    assert evaluation.table.filter(pl.col("category") == "all")["precision"][0] >= 0.95


def test_template_text_is_not_boilerplate(evaluation):
    t01 = evaluation.summary.filter(pl.col("check_id") == "T01").row(0, named=True)
    assert "模板文字" in t01["not_applicable"]  # the shared sentences were seen, and exempted
    messages = " ".join(evaluation.flags.filter(pl.col("check_id") == "T01")["message"].to_list())
    for template in (W.TEMPLATE_MEASURE, W.TEMPLATE_APPLY, W.TEMPLATE_METHOD, W.TEMPLATE_INTRO):
        assert template[:20] not in messages


def test_evaluation_notices_a_check_that_stops_firing(corpus_dir, evaluation):
    silent = evaluation.flags.filter(pl.col("check_id") != "E01")
    table = evaluate_details(corpus_dir, flags=silent).table
    assert table.filter(pl.col("category") == "execution")["recall"][0] < 0.95


def test_free_text_has_no_reason_words():
    pools = [W.PROBLEM_ISSUES, W.PROBLEM_EFFECTS, W.PROBLEM_DETAILS, W.MEASURE_ACTIONS]
    pools += [W.MEASURE_MEANS, W.GOAL_FORMS, W.DONE_FORMS, W.RESULT_SENTENCES, W.AIMS]
    for text in (t for pool in pools for t in pool):
        assert not W.REASON_WORDS.search(text), text


def test_command_line(tmp_path, capsys):
    assert main(["--departments", "2", "--years", "1", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert "生成 2 个部门" in capsys.readouterr().out
    assert (tmp_path / "truth.csv").exists() and list((tmp_path / "reports").glob("*.txt"))
    assert main(["--departments", "0", "--out", str(tmp_path)]) == 2


def test_add_parser_registers_synth(tmp_path):
    parser = argparse.ArgumentParser(prog="budget-audit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        ["synth", "--departments", "1", "--years", "1", "--out", str(tmp_path)]
    )
    assert args.func(args) == 0


def test_generation_is_fast(tmp_path):
    started = time.perf_counter()
    generate(100, 3, 2, tmp_path)
    assert time.perf_counter() - started < 15  # 1,000 × 3 takes about ten times as long
