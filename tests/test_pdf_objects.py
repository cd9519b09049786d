"""Page objects built by pdf_objects are pdfplumber's own: same keys, order, values and types."""

from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pytest

from loaders.readers.pdf_content import interpret
from loaders.readers.pdf_objects import fill_objects

FIXTURES = Path(__file__).parent / "fixtures"


def _exact(objects: dict) -> list:
    return [
        (kind, [[(k, type(v), v) for k, v in obj.items()] for obj in items])
        for kind, items in objects.items()
    ]


@pytest.mark.parametrize(
    "name",
    [
        "formats/002.pdf",
        "formats/003-word.pdf",
        "formats/002-unruled.pdf",
        "real/js-court-2018-budget.pdf",
        "real/js-npc-2018-budget.pdf",
        "real/sh-final-accounts-template-2024.pdf",
    ],
)
def test_page_objects_are_pdfplumbers(name):
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(FIXTURES / name) as document:
        for page in document.pages:
            theirs = _exact(page.objects)
            page.flush_cache()
            interpret(page)
            fill_objects(page)
            assert _exact(page.objects) == theirs, f"page {page.page_number}"
