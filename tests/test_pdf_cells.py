"""Ruled tables' cell texts are pdfplumber's ``Table.extract``, cell for cell."""

from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pytest

from loaders.readers.pdf import _closing_edges
from loaders.readers.pdf_cells import cell_texts

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted(FIXTURES.rglob("*.pdf"))


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_cell_texts_are_table_extract(pdf):
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            if not (page.rects or page.lines):
                continue
            settings = {"explicit_horizontal_lines": _closing_edges(page)}
            for table in page.find_tables(settings):
                assert cell_texts(table) == table.extract(), f"page {page.page_number}"
