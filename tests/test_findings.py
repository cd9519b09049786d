"""One finding per fact: grouping, amounts counted once, ids that survive a re-export."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import polars as pl
import pytest
from check_fixtures import corpus as fixture_corpus
from check_fixtures import line

from checks import findings as F
from checks.engine import run_checks
from checks.registry import SECTIONS
from checks.settings import DEFAULT_RULES
from loaders.pipeline import load_paths

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FORMATS = Path(__file__).parent / "fixtures" / "formats"
F0, F1, F2, F3, F4 = sorted(p.name for p in SAMPLES.glob("*.txt"))


@pytest.fixture(scope="module")
def run(corpus):
    return run_checks(corpus)


def _finding_of(run, file: str, check: str, line: int) -> str:
    row = run.flags.filter(
        (pl.col("source_file") == file)
        & (pl.col("check_id") == check)
        & (pl.col("source_line") == line)
    )
    assert row.height >= 1, (file, check, line)
    return row["finding_id"][0]


@pytest.mark.parametrize(
    "members",
    [
        # 13,203.38 万元: low execution, idle balance, returned to the treasury
        [(F4, "E01", 21), (F4, "B01", 21), (F4, "B03", 21)],
        # the same balance at other levels of aggregation: 部门项目支出 (also table 5's 合计),
        # 公共项目支出, 部门整体支出 (all inside 单位整体支出规模)
        [(F4, "E01", 21), (F4, "E01", 28), (F4, "B01", 29), (F4, "E01", 56)],
        # 各类激励奖励资金: 0% executed, all of its addition unspent, returned (line 279 says so)
        [(F4, "E01", 117), (F4, "B01", 117), (F4, "B02", 117), (F4, "B03", 279)],
        # 基本支出: spending above the 附件2 budget, and the budget stated twice differently
        [(F1, "E02", 81), (F1, "C01", 81)],
        # 390.56 万元 of projects: four listed, four self-evaluated, 257.72 unaccounted
        [(F2, "V03", 128), (F2, "A04", 128)],
        # “完成及时性 ≤计划期” in five tables of one report, and copied there
        [(F3, "I01", 667), (F3, "I01", 674), (F3, "I01", 699), (F3, "T01", 667)],
        # a two-row block copied from 年度目标2 to 目标3 and a project, and its vague values there
        # (合规 / 依规: the project's copy differs by one character)
        [(F3, "T01", 668), (F3, "T01", 669), (F3, "I01", 676), (F3, "I01", 720)],
        # one indicator row: vague, and answered with a bare 100%
        [(F2, "I01", 239), (F2, "I03", 239)],
    ],
)
def test_flags_of_one_fact_are_one_finding(run, members):
    assert len({_finding_of(run, *m) for m in members}) == 1


def test_distinct_facts_stay_apart(run):
    assert _finding_of(run, F4, "V01", 21) != _finding_of(run, F4, "E01", 21)
    assert _finding_of(run, F4, "E01", 114) != _finding_of(run, F4, "E01", 117)
    assert _finding_of(run, F4, "E01", 161) != _finding_of(run, F4, "E01", 157)
    # a project's own shortfall (a leaf) stays its own finding inside the department's balance
    assert _finding_of(run, F4, "E01", 161) != _finding_of(run, F4, "E01", 21)


def test_every_flag_belongs_to_one_listed_finding(run):
    assert run.flags["finding_id"].null_count() == 0
    assert set(run.flags["finding_id"]) == set(run.findings["finding_id"])
    assert run.findings["finding_id"].n_unique() == run.findings.height
    assert run.findings["flags"].sum() == run.flags.height
    for row in run.findings.iter_rows(named=True):
        members = run.flags.filter(pl.col("finding_id") == row["finding_id"])
        assert set(row["flag_ids"].split("; ")) == set(members["flag_id"])
        primary = members.filter(pl.col("flag_id") == row["flag_ids"].split("; ")[0])
        assert primary["check_id"].item() == row["check_id"]
        assert primary["severity"].item() == row["severity"]


def test_no_amount_is_counted_twice(run):
    """涉及金额 sums each finding's amount once: nested shortfalls count on the outermost."""
    counted = run.findings.group_by("department", "year").agg(
        pl.col("amount_counted").fill_null(0).sum().alias("counted")
    )
    ranking = run.departments.join(counted, on=["department", "year"], how="left")
    for row in ranking.iter_rows(named=True):
        assert row["amount_flagged"] == pytest.approx(row["counted"] or 0)
        assert row["amount_flagged"] <= row["max_budget"], row["department"]
    cs = ranking.filter(pl.col("department") == "长沙市工业和信息化局").row(0, named=True)
    assert cs["amount_flagged"] == pytest.approx(13203.38)  # was 2.5 × the budget, summed per flag
    inner = run.findings.filter(
        (pl.col("source_file") == F4) & pl.col("subject").is_in(["人社专项资金", "工发专项"])
    )
    outer = _finding_of(run, F4, "E01", 21)
    assert inner.height == 2 and set(inner["within"]) == {outer}
    assert inner["amount_counted"].to_list() == [0.0, 0.0]


def test_explanations_are_attached(run):
    def one(file, line, check="E01"):
        rows = run.findings.filter(
            (pl.col("source_file") == file) & (pl.col("source_line") == line)
        )
        return rows.filter(pl.col("checks").str.contains(check)).row(0, named=True)

    rs = one(F4, 161)  # 人社专项资金 23.68%: named in the problems section
    assert rs["explained"] and rs["explanation_line"] == 281 and "人社专项资金" in rs["explanation"]
    # 部门项目支出 (inside the department's balance): its low parts 防疫, 激励 explained on line 279
    parts = run.flags.filter(
        (pl.col("source_file") == F4)
        & (pl.col("check_id") == "E01")
        & (pl.col("source_line") == 28)
    ).row(0, named=True)
    assert parts["explained"] and parts["explanation_line"] == 279
    cut = one(F3, 451)  # 压减 in the row's own sentence: low, and worded as a cut
    assert cut["explained"] and cut["severity"] == "low" and "压减" in cut["message"]
    # 偏差原因 left empty, but its 资金量 21 was cut to 12.58 inside 一般行政管理事务, whose
    # sentence gives the cut (line 451): low, worded as the total's cut
    above = one(F3, 736)
    assert above["explained"] and above["explanation_line"] == 451 and above["severity"] == "low"
    assert "一般行政管理事务" in above["message"] and "压减" in above["message"]
    # 1.20 万元 short in an 85,578.49 万元 department: trivia, not a finding
    assert run.findings.filter(
        (pl.col("source_file") == F4) & (pl.col("source_line") == 116)
    ).is_empty()


def test_finding_ids_survive_reexport_and_shifted_lines(tmp_path):
    """Review decisions hang on finding ids: .txt, .docx, .pdf and a shifted copy agree."""
    text = SAMPLES / F2
    (tmp_path / "shifted").mkdir()
    (tmp_path / "shifted" / F2).write_text(
        "\n" + text.read_text(encoding="utf-8"), encoding="utf-8"
    )
    versions = {"txt": text, "shifted": tmp_path / "shifted" / F2}
    for fmt in ("docx", "pdf"):
        versions[fmt] = tmp_path / fmt / f"002.{fmt}"
        versions[fmt].parent.mkdir()
        shutil.copy(FORMATS / f"002.{fmt}", versions[fmt])
    ids = {}
    for name, path in versions.items():
        found = run_checks(load_paths([path])).findings
        ids[name] = sorted(found["finding_id"])
        lines = dict(zip(found["finding_id"], found["source_line"], strict=True))
        if name == "shifted":
            assert all(lines[i] > 1 for i in lines)  # every line moved, no id did
    assert len(ids["txt"]) > 20
    assert ids["shifted"] == ids["txt"] and ids["docx"] == ids["txt"] and ids["pdf"] == ids["txt"]


def test_report_and_project_file_are_one_finding():
    """The same shortfall in a report and in its project self-evaluation file."""
    report = line("市级防疫物资采购专项", 1000.0, 520.05, source_line=114)
    project = {
        **line("年度资金总额", 1000.0, 520.05, source_line=30, project="市级防疫物资采购专项"),
        "doc_id": "d2",
        "source_file": "projects.txt",
        "table_kind": "project_self_eval",
    }
    docs = [
        {
            "doc_id": d,
            "source_file": f,
            "department": "测试局",
            "year": 2023,
            "kind": "自评",
            "region": "",
            "status": "ok",
            "message": "",
            "encoding": "utf-8",
            "n_lines": 200,
        }
        for d, f in (("d1", "fixture.txt"), ("d2", "projects.txt"))
    ]
    result = run_checks(fixture_corpus([report, project], docs=docs))
    e01 = result.flags.filter(pl.col("check_id") == "E01")
    assert e01.height == 2 and e01["finding_id"].n_unique() == 1
    assert result.findings.filter(pl.col("check_id") == "E01").height == 1
    # the project file's missing indicators (V01, same row) are another fact
    v01 = result.flags.filter(pl.col("check_id") == "V01")
    assert not set(v01["finding_id"]) & set(e01["finding_id"])


def test_shared_settings_tables_are_documented():
    rules = tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    for section in SECTIONS:
        assert section.NAME in rules, f"[{section.NAME}] missing from rules.toml"
        assert set(rules[section.NAME]) == set(section.DEFAULTS), section.NAME
        assert len(section.DOC) > 60 and section.TITLE
    assert F.NAME in {s.NAME for s in SECTIONS}
