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
from tests.format_compare import BUDGET_KEYS, INDICATOR_KEYS, difference, rows_of

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FORMATS = Path(__file__).parent / "fixtures" / "formats"
TEXT = {"002": "002_ab28928a96ffb29a.txt", "003": "003_d00643376496db49.txt"}


@pytest.fixture(scope="module")
def text_docs():
    return {key: load_file(SAMPLES / name) for key, name in TEXT.items()}


def _matched(expected, got) -> int:
    return sum((expected & got).values())


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


def test_ruled_pdf_gives_the_same_budget_lines(text_docs):
    """Chromium's PDF of 003: text, ruled tables split over 15 pages, radical code points."""
    base, doc = text_docs["003"], load_file(FORMATS / "003.pdf")
    assert doc.document["format"] == "pdf"
    assert doc.document["department"] == base.document["department"]
    assert difference(
        rows_of(base.budget_lines, BUDGET_KEYS), rows_of(doc.budget_lines, BUDGET_KEYS)
    ) == {"missing": [], "extra": []}
    assert all(r["source_place"].startswith("第") for r in doc.budget_lines)
    expected, got = (
        rows_of(base.indicators, INDICATOR_KEYS),
        rows_of(doc.indicators, INDICATOR_KEYS),
    )
    assert _matched(expected, got) >= 33  # of 35: one merged 一级指标 cell is cut by a page break


def test_pdf_with_dense_tables_reads_most_rows(text_docs):
    """002's nine-column self-evaluation tables break rows and merged cells over pages."""
    base, doc = text_docs["002"], load_file(FORMATS / "002.pdf")
    budget = _matched(
        rows_of(base.budget_lines, BUDGET_KEYS), rows_of(doc.budget_lines, BUDGET_KEYS)
    )
    indicators = _matched(
        rows_of(base.indicators, INDICATOR_KEYS), rows_of(doc.indicators, INDICATOR_KEYS)
    )
    assert budget >= 35  # of 39
    assert indicators >= 55  # of 97


def test_unruled_pdf_tables_are_read_from_column_gaps(text_docs):
    base, doc = text_docs["003"], load_file(FORMATS / "003-unruled.pdf")
    budget = _matched(
        rows_of(base.budget_lines, BUDGET_KEYS), rows_of(doc.budget_lines, BUDGET_KEYS)
    )
    assert budget >= 130  # of 139


def test_fixtures_really_contain_merged_cells():
    """The equality above proves merge expansion only if the files have merges."""
    xml = zipfile.ZipFile(FORMATS / "002.docx").read("word/document.xml").decode()
    assert "w:vMerge" in xml and "w:gridSpan" in xml
    page = (FORMATS / "002.html").read_bytes().decode("gb18030")
    assert "rowspan=" in page and "colspan=" in page
    assert "charset=gb2312" in page
