"""Identity of every real document and sample: kind family, department, region, year.

The expectations are ``tests/golden/real/identity.csv``, written by reading the documents
(their notes say where each field is printed). Files copied into ``tests/fixtures/real`` are
always checked; the others are read from ``/work/shared/real`` where that folder exists.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from checks.engine import run_checks
from loaders.identity import find_region, identify, is_placeholder
from loaders.model import Corpus
from loaders.pipeline import load_file

ROOT = Path(__file__).resolve().parents[1]
REAL = Path("/work/shared/real")
GOLDEN = ROOT / "tests" / "golden" / "real"
TEMPLATE = ROOT / "tests" / "fixtures" / "real" / "sh-final-accounts-template-2024.pdf"
EXPECTED = list(csv.DictReader((GOLDEN / "identity.csv").open(encoding="utf-8")))
FIXTURES = {
    row["file"]: ROOT / row["fixture"]
    for row in csv.DictReader((GOLDEN / "documents.csv").open(encoding="utf-8"))
}
FIXTURES["templates/上海市部门决算模板（附件2）.pdf"] = TEMPLATE


def _path(name: str) -> Path | None:
    if name.startswith("data/"):
        return ROOT / name
    if name in FIXTURES:
        return FIXTURES[name]
    return REAL / name if (REAL / name).exists() else None


@pytest.mark.parametrize("row", EXPECTED, ids=[r["file"].split("/")[-1][:40] for r in EXPECTED])
def test_identity_of_every_real_document_and_sample(row):
    path = _path(row["file"])
    if path is None:
        pytest.skip(f"{row['file']} is not copied into the tests and /work/shared/real is absent")
    doc = load_file(path, row["file"]).document
    got = (doc["kind_family"], doc["department"] or "", doc["region"] or "", str(doc["year"]))
    assert got == (row["kind_family"], row["department"], row["region"], row["year"])
    assert doc["year_source"]
    assert (doc["department_source"] is None) == (row["department"] == "")


def test_the_copied_documents_cover_every_kind_of_identity_source():
    """At least the fixtures in the repository: covers, 部门 lines, file names, a template."""
    copied = [r for r in EXPECTED if r["file"] in FIXTURES or r["file"].startswith("data/")]
    assert len(copied) >= 13
    sources = {load_file(_path(r["file"]), r["file"]).document["department_source"] for r in copied}
    assert any(s and s.startswith("封面") for s in sources)
    assert any(s and s.startswith("“部门”") for s in sources)
    assert None in sources  # the template


def test_the_blank_template_is_a_template_with_no_department_and_no_flags():
    doc = load_file(TEMPLATE)
    row = doc.document
    assert (row["kind_family"], row["department"], row["region"], row["year"]) == (
        "模板",
        None,
        "上海市",
        2024,
    )
    assert row["region_source"] == "模板占位名称"
    codes = {i["code"] for i in doc.issues}
    assert {"placeholder-department", "blank-template"} <= codes
    assert "no-department" not in codes and row["status"] == "ok"
    flags = run_checks(Corpus.from_docs([doc])).flags
    assert flags.height == 0


def test_cover_broken_over_three_lines_and_placeholders():
    lines = ["中共上海市普陀区委", "社会工作部 2024 年度", "部门决算", "目 录"]
    who = identify(lines, "x.pdf")
    assert (who.department, who.region, who.year, who.kind_family) == (
        "中共上海市普陀区委社会工作部",
        "上海市普陀区",
        2024,
        "部门决算",
    )
    assert who.department_source == "封面第1行"
    lines = ["上海市XX局2024年度部门决算表", "部门：××单位 单位：万元", "某某局"]
    who = identify(lines, "x.pdf", has_figures=False)
    assert who.department is None and who.kind_family == "模板" and who.region == "上海市"
    assert is_placeholder("上海市XX局") and is_placeholder("××单位") and is_placeholder("某某局")


def test_running_table_title_label_and_file_name():
    title = ["2018年度江苏省高级人民法院收支预算总表", "单位：万元"]
    assert identify(title, "x.pdf").department == "江苏省高级人民法院"
    assert identify(title, "x.pdf").department_source == "表题第1行"
    label = ["收支预算总表部门：中国共产党江苏省委员会办公厅 单位：万元"]
    assert identify(label, "x.pdf").department == "中国共产党江苏省委员会办公厅"
    named = identify(["收支预算总表"], "江苏省政协办公厅__2017年度部门预算公开表.pdf")
    assert (named.department, named.department_source, named.year) == (
        "江苏省政协办公厅",
        "文件名",
        2017,
    )


@pytest.mark.parametrize(
    "name,region",
    [
        ("中国共产党江苏省委员会办公厅", "江苏省"),
        ("中共江苏省委办公厅", "江苏省"),
        ("江苏省人大常委会办公厅", "江苏省"),
        ("武汉市江汉区工业企业服务中心", "武汉市江汉区"),
        ("衡阳市人民政府国有资产监督管理委员会", "衡阳市"),
    ],
)
def test_region_is_the_start_of_the_name(name, region):
    assert find_region(name) == region
