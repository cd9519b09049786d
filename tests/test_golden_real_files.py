"""The hand-written golden files of real documents are well-formed and agree with themselves.

This checks the golden files only (columns, vocabulary, numbers, provenance, sums); it never runs
the product's loaders. Comparing the product with these files is the recognisers' own test.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "golden" / "real"

ACCOUNT_COLUMNS = [
    "table_kind",
    "table_code",
    "side",
    "fund",
    "classification",
    "code",
    "level",
    "item",
    "measure",
    "column",
    "row_kind",
    "amount",
    "unit_printed",
    "decimals",
    "page",
    "line",
]
TABLE_COLUMNS = ["table_kind", "table_code", "table_title", "page", "n_amounts", "note"]
SANGONG_COLUMNS = ["category", "measure", "amount", "decimals", "page", "line"]
IDENTITY_COLUMNS = ["file", "kind_family", "department", "region", "year", "notes"]

KINDS = {
    "fa_summary", "fa_income", "fa_expenditure", "fa_fiscal_summary", "fa_general",
    "fa_general_basic", "fa_gov_fund", "fa_state_capital", "fa_sangong",
    "bu_summary", "bu_income", "bu_expenditure", "bu_fiscal_summary", "bu_fiscal",
    "bu_fiscal_basic", "bu_general", "bu_general_basic", "bu_sangong", "bu_gov_fund",
    "bu_state_capital", "bu_running_costs", "bu_procurement",
}  # fmt: skip
SIDES = {"income", "expenditure", "balance"}
FUNDS = {"", "一般公共预算", "政府性基金", "国有资本经营", "财政专户", "其他"}
CLASSES = {"", "functional", "economic"}
LEVELS = {"", "类", "款", "项"}
ROW_KINDS = {"item", "total", "sub"}
MEASURES = {
    "合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入",
    "财政专户管理资金", "其他资金", "上年结转", "基本支出", "项目支出", "上缴上级支出", "经营支出",
    "对附属单位补助支出", "人员经费", "公用经费", "单位预留机动经费", "结转下年", "年初结转和结余",
    "本年收入", "本年支出", "年末结转和结余", "年初预算数", "调整预算数", "全年预算数", "决算数",
    "预算数", "上年预算数", "上年执行数", "增减额", "增减率",
}  # fmt: skip
SANGONG_CATEGORIES = {
    "合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费",
    "公务接待费", "会议费", "培训费", "机关运行经费",
}  # fmt: skip
KIND_FAMILIES = {
    "部门整体支出绩效自评报告", "部门整体支出绩效自评表", "项目支出绩效自评表", "绩效评价基础数据表",
    "部门决算", "单位决算", "部门预算", "单位预算", "模板",
}  # fmt: skip


def read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


DOCS = read(REAL / "documents.csv")[1]
SLUGS = [d["slug"] for d in DOCS]


def doc(slug: str) -> dict:
    return next(d for d in DOCS if d["slug"] == slug)


def test_at_least_five_documents_with_accounts():
    assert len(DOCS) >= 5
    assert any(d["fixture"].endswith(".txt") for d in DOCS)
    assert sum(d["fixture"].endswith(".pdf") for d in DOCS) >= 4


@pytest.mark.parametrize("slug", SLUGS)
def test_fixture_exists_and_is_listed(slug):
    d = doc(slug)
    assert (ROOT / d["fixture"]).is_file(), d["fixture"]
    if d["fixture"].startswith("tests/fixtures/real/"):
        readme = (ROOT / "tests/fixtures/real/README.md").read_text(encoding="utf-8")
        assert Path(d["fixture"]).name in readme
        assert d["file"] in readme


def test_every_copied_pdf_is_described():
    readme = (ROOT / "tests/fixtures/real/README.md").read_text(encoding="utf-8")
    for pdf in (ROOT / "tests/fixtures/real").glob("*.pdf"):
        assert f"`{pdf.name}`" in readme


@pytest.mark.parametrize("slug", SLUGS)
def test_accounts_rows_use_the_vocabulary(slug):
    d = doc(slug)
    gdir = ROOT / d["golden_dir"]
    cols, rows = read(gdir / "accounts.csv")
    assert cols == ACCOUNT_COLUMNS
    assert rows
    is_pdf = d["fixture"].endswith(".pdf")
    if is_pdf:
        pypdfium2 = pytest.importorskip("pypdfium2")
        n_pages = len(pypdfium2.PdfDocument(str(ROOT / d["fixture"])))
    else:
        n_lines = len((ROOT / d["fixture"]).read_text(encoding="utf-8").split("\n"))
    for r in rows:
        where = f"{slug} {r['table_code']} {r['item']} {r['column']}"
        assert r["table_kind"] in KINDS, where
        assert re.fullmatch(r"\d\d", r["table_code"]), where
        assert r["side"] in SIDES, where
        assert r["fund"] in FUNDS, where
        assert r["classification"] in CLASSES, where
        assert r["level"] in LEVELS, where
        assert r["row_kind"] in ROW_KINDS, where
        assert r["measure"] in MEASURES, where
        assert r["unit_printed"] in ("万元", "元"), where
        assert " " not in r["item"] and " " not in r["column"], where
        assert re.fullmatch(r"\d*", r["code"]), where
        if r["code"] and r["classification"] == "functional":
            assert r["level"] == {3: "类", 5: "款", 7: "项"}[len(r["code"])], where
        if r["code"] and r["classification"] == "economic":
            assert r["level"] == {3: "类", 5: "款"}[len(r["code"])], where
        try:
            amount = Decimal(r["amount"])
        except InvalidOperation:
            pytest.fail(f"amount not numeric: {where} {r['amount']!r}")
        decimals = int(r["decimals"])
        assert decimals >= 0, where
        if r["unit_printed"] == "万元" and amount != 0:
            printed = r["amount"].split(".")[1] if "." in r["amount"] else ""
            assert len(printed) == decimals, where
        if is_pdf:
            assert r["line"] == "" and 1 <= int(r["page"]) <= n_pages, where
        else:
            assert r["page"] == "" and 1 <= int(r["line"]) <= n_lines, where


@pytest.mark.parametrize("slug", SLUGS)
def test_tables_list_every_standard_table(slug):
    gdir = ROOT / doc(slug)["golden_dir"]
    cols, tables = read(gdir / "tables.csv")
    assert cols == TABLE_COLUMNS
    codes = [t["table_code"] for t in tables]
    assert len(codes) == len(set(codes))
    expected = 9 if tables[0]["table_kind"].startswith("fa_") else 12
    assert sorted(codes) == [f"{i:02d}" for i in range(1, expected + 1)]
    _, rows = read(gdir / "accounts.csv")
    for t in tables:
        assert t["table_kind"] in KINDS
        mine = [r for r in rows if r["table_code"] == t["table_code"]]
        assert len(mine) == int(t["n_amounts"]), t["table_code"]
        assert all(r["table_kind"] == t["table_kind"] for r in mine)
        if int(t["n_amounts"]) == 0:
            assert t["note"], f"empty table {t['table_code']} needs a note"


@pytest.mark.parametrize("slug", SLUGS)
def test_sangong_figures_match_accounts(slug):
    gdir = ROOT / doc(slug)["golden_dir"]
    cols, sg = read(gdir / "sangong.csv")
    assert cols == SANGONG_COLUMNS
    _, rows = read(gdir / "accounts.csv")
    sangong_cells = {
        (Decimal(r["amount"]), r["page"], r["line"])
        for r in rows
        if r["table_kind"].endswith("sangong")
    }
    for s in sg:
        assert s["category"] in SANGONG_CATEGORIES
        assert s["measure"] in MEASURES
        assert (Decimal(s["amount"]), s["page"], s["line"]) in sangong_cells
    assert len({(s["category"], s["measure"]) for s in sg}) == len(sg)


def test_identity_covers_every_real_file_and_sample():
    cols, rows = read(REAL / "identity.csv")
    assert cols == IDENTITY_COLUMNS
    files = [r["file"] for r in rows]
    assert len(files) == len(set(files))
    for sample in (ROOT / "data" / "samples").glob("*.txt"):
        assert f"data/samples/{sample.name}" in files
    shared = Path("/work/shared/real")
    if shared.is_dir():
        for pdf in shared.rglob("*.pdf"):
            assert str(pdf.relative_to(shared)) in files
    for d in DOCS:
        assert d["file"] in files
    for r in rows:
        kinds = r["kind_family"].split("+")
        assert kinds and all(k in KIND_FAMILIES for k in kinds), r["file"]
        assert re.fullmatch(r"20\d\d", r["year"]), r["file"]
        assert r["notes"], r["file"]
        if kinds == ["模板"]:
            assert r["department"] == ""
        else:
            assert r["department"] and r["region"], r["file"]
            assert (
                r["department"].startswith(r["region"][:2]) or r["region"][:2] in r["department"]
            ), r["file"]


def test_golden_sums_and_page_text_agree():
    spec = importlib.util.spec_from_file_location("verify_golden", REAL / "verify_golden.py")
    verify = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(verify)
    assert verify.main([]) == 0
