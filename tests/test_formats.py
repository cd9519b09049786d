"""Word, portal HTML, Excel and PDF versions of sample reports yield the text version's rows.

The versions in ``tests/fixtures/formats`` are made from the samples by
``make_fixtures.py`` (Word merges, HTML rowspan/colspan inside portal noise,
one Excel sheet per table, PDF printed by Chromium with a CJK font).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from loaders.pipeline import load_file
from tests.format_compare import ACCOUNT_KEYS, BUDGET_KEYS, INDICATOR_KEYS, difference, rows_of

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FORMATS = Path(__file__).parent / "fixtures" / "formats"
TEXT = {"002": "002_ab28928a96ffb29a.txt", "003": "003_d00643376496db49.txt"}


@pytest.fixture(scope="module")
def text_docs():
    return {key: load_file(SAMPLES / name) for key, name in TEXT.items()}


@pytest.mark.parametrize("key", sorted(TEXT))
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_word_and_html_give_the_same_rows(text_docs, key, fmt):
    base, doc = text_docs[key], load_file(FORMATS / f"{key}.{fmt}")
    assert doc.document["format"] == fmt
    assert doc.document["department"] == base.document["department"]
    assert doc.document["year"] == base.document["year"]
    assert difference(
        rows_of(base.budget_lines, BUDGET_KEYS), rows_of(doc.budget_lines, BUDGET_KEYS)
    ) == {"missing": [], "extra": []}
    assert difference(
        rows_of(base.indicators, INDICATOR_KEYS), rows_of(doc.indicators, INDICATOR_KEYS)
    ) == {"missing": [], "extra": []}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_excel_gives_the_same_table_rows(text_docs, key):
    """Excel holds the tables only: every table row and indicator, none of the prose."""
    base, doc = text_docs[key], load_file(FORMATS / f"{key}.xlsx")
    assert doc.document["format"] == "xlsx"
    assert difference(
        rows_of(base.budget_lines, BUDGET_KEYS, "table"),
        rows_of(doc.budget_lines, BUDGET_KEYS, "table"),
    ) == {"missing": [], "extra": []}
    assert difference(
        rows_of(base.indicators, INDICATOR_KEYS), rows_of(doc.indicators, INDICATOR_KEYS)
    ) == {"missing": [], "extra": []}
    assert all(
        r["source_place"].startswith("表") and "!A" in r["source_place"] for r in doc.indicators
    )


def _same(base, doc, rows: str, keys) -> dict:
    return difference(rows_of(getattr(base, rows), keys), rows_of(getattr(doc, rows), keys))


NOTHING = {"missing": [], "extra": []}


@pytest.mark.parametrize("key", sorted(TEXT))
@pytest.mark.parametrize("variant", ["", "-word"])
def test_ruled_pdf_gives_the_same_rows(text_docs, key, variant):
    """Chromium's print of the HTML and LibreOffice's export of the Word version.

    Both break tables over pages: Chromium cuts tall merged cells and leaves
    the cut edge unruled; LibreOffice breaks a row in two and rules both
    halves. Radical code points (⽀ for 支) come back as characters.
    """
    base, doc = text_docs[key], load_file(FORMATS / f"{key}{variant}.pdf")
    assert doc.document["format"] == "pdf"
    assert doc.document["department"] == base.document["department"]
    assert _same(base, doc, "indicators", INDICATOR_KEYS) == NOTHING
    assert all(r["source_place"].startswith("第") for r in doc.budget_lines)
    budget = _same(base, doc, "budget_lines", BUDGET_KEYS)
    if (key, variant) == ("003", "-word"):
        # LibreOffice ends one prose line at "(项)。" and the sentence with the
        # figures starts the next, so the prose reader names the item from that
        # sentence alone; the table rows are all the same.
        assert [r[2] for r in budget["missing"]] == ["其他行政事业单位养老支出"]
        assert [r[2] for r in budget["extra"]] == ["一般公共预算财政拨款支出决算具体"]
        assert [r[0] for r in budget["missing"] + budget["extra"]] == ["prose", "prose"]
    else:
        assert budget == NOTHING


def test_unruled_pdf_tables_are_read_from_column_gaps(text_docs):
    base, doc = text_docs["003"], load_file(FORMATS / "003-unruled.pdf")
    assert _same(base, doc, "budget_lines", BUDGET_KEYS) == NOTHING
    assert _same(base, doc, "indicators", INDICATOR_KEYS) == NOTHING


def test_unruled_nine_column_tables_lose_only_their_empty_rows(text_docs):
    """002 without rules: wrapped cells, placeholder rows, tables run over pages.

    Two indicator rows of 002 are entirely empty in the report; with no rules
    nothing on the page shows them.
    """
    base, doc = text_docs["002"], load_file(FORMATS / "002-unruled.pdf")
    assert _same(base, doc, "budget_lines", BUDGET_KEYS) == NOTHING
    indicators = _same(base, doc, "indicators", INDICATOR_KEYS)
    assert indicators["extra"] == []
    assert indicators["missing"] == [
        ("维稳专项经费", "产出指标", "数量指标", "", "", "", None, None),
        ("维稳专项经费", "产出指标", "时效指标", "", "", "", None, None),
    ]


def test_fixtures_really_contain_merged_cells():
    """The equality above proves merge expansion only if the files have merges."""
    xml = zipfile.ZipFile(FORMATS / "002.docx").read("word/document.xml").decode()
    assert "w:vMerge" in xml and "w:gridSpan" in xml
    page = (FORMATS / "002.html").read_bytes().decode("gb18030")
    assert "rowspan=" in page and "colspan=" in page
    assert "charset=gb2312" in page


@pytest.mark.parametrize(
    "name", ["003.docx", "003.html", "003.xlsx", "003.pdf", "003-word.pdf", "003-unruled.pdf"]
)
def test_every_format_gives_the_same_accounts_rows(text_docs, name):
    """The nine 决算 tables of 003 read the same from every format: all 192 printed amounts.

    The workbook has no cover and no titles on three sheets (公开01–03 print only their
    number): they are known by their headers in a document whose other tables say 决算.
    """
    base, doc = text_docs["003"], load_file(FORMATS / name)
    assert len(base.accounts) == 192
    assert _same(base, doc, "accounts", ACCOUNT_KEYS) == NOTHING
    assert doc.document["cells_placed"] == doc.document["cells_numeric"]
    if name.endswith(".pdf"):
        assert all(r["page"] and r["source_place"] == f"第{r['page']}页" for r in doc.accounts)


@pytest.mark.parametrize(
    "path",
    [
        SAMPLES / "003_d00643376496db49.txt",
        FORMATS / "003.docx",
        FORMATS / "003.html",
        FORMATS / "003.xlsx",
        FORMATS / "003.pdf",
        FORMATS / "003-unruled.pdf",
        Path(__file__).parent / "fixtures" / "markdown_report.md",
    ],
    ids=lambda p: p.name,
)
def test_debug_stages_shows_every_stage_of_every_format(path):
    from loaders.pipeline import debug_stages

    stages = debug_stages(path)
    assert set(stages) == {"format", "text", "places", "blocks", "grids", "tables", "doc"}
    doc = stages["doc"]
    assert len(stages["text"].split("\n")) == len(stages["places"]) == doc.document["n_lines"]
    assert len(stages["grids"]) == len(stages["tables"]) >= 2
    assert all(t["kind"] for t in stages["tables"])
    if path.name.startswith("003"):
        kinds = [t["kind"] for t in stages["tables"]]
        assert kinds[:9] == [
            "fa_summary",
            "fa_income",
            "fa_expenditure",
            "fa_fiscal_summary",
            "fa_general",
            "fa_general_basic",
            "fa_gov_fund",
            "fa_state_capital",
            "fa_sangong",
        ]
        assert len(doc.accounts) == 192
        assert stages["format"] == {"txt": "text"}.get(path.suffix[1:], path.suffix[1:])
