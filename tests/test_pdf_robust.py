"""PDFs from real producers: no page lost to an exception, the text layer seen as pdfplumber sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from loaders.limits import Limits
from loaders.pipeline import load_bytes, load_file
from loaders.readers import pdf as pdf_reader

REAL = Path(__file__).parent / "fixtures" / "real"
FORMATS = Path(__file__).parent / "fixtures" / "formats"
TEXT_ONLY = [
    "js-party-office-2017-text.pdf",
    "js-party-office-2018-text.pdf",
    "js-cppcc-2017-text.pdf",
]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk_count(texts) -> int:
    return sum(len(_CJK.findall(t or "")) for t in texts)


@pytest.mark.parametrize("name", TEXT_ONLY)
def test_text_only_budget_pdfs_are_read_not_called_scans(name):
    """These three have no drawn tables at all: every line is running text."""
    doc = load_file(REAL / name)
    codes = {i["code"] for i in doc.issues}
    assert "no-text-layer" not in codes and "page-unreadable" not in codes
    with pdfplumber.open(REAL / name) as pdf:
        theirs = _cjk_count(page.extract_text() for page in pdf.pages)
    ours = _cjk_count(doc.lines)
    assert ours >= 0.98 * theirs and ours <= theirs  # nothing lost; page numbers are dropped


@pytest.mark.parametrize("path", sorted(REAL.glob("*.pdf")), ids=lambda p: p.name)
def test_no_page_of_a_real_pdf_fails(path):
    doc = load_file(path)
    codes = {i["code"] for i in doc.issues}
    assert not codes & {"page-unreadable", "page-text-only", "no-text-layer"}, codes
    assert doc.document["status"] != "failed"


def test_a_page_the_layout_reader_fails_on_is_read_as_text(monkeypatch):
    real = pdf_reader._PageReader.page

    def flaky(self, page, number):
        if number == 2:
            self.composer.loose_line("half a page that must not stay", "第2页")
            raise ValueError("min() arg is an empty sequence")
        return real(self, page, number)

    data = (FORMATS / "003.pdf").read_bytes()
    good = load_bytes(data, "a.pdf")
    monkeypatch.setattr(pdf_reader._PageReader, "page", flaky)
    doc = load_bytes(data, "a.pdf")
    (note,) = [i for i in doc.issues if i["code"] == "page-text-only"]
    assert "第2页" in note["message"] and "ValueError" in note["message"]
    assert "half a page that must not stay" not in doc.lines
    on_page_2 = [
        line for line, place in zip(good.lines, good.places, strict=True) if place == "第2页"
    ]
    shown = "".join(doc.lines)
    assert all(piece in shown for line in on_page_2 for piece in line.split("\t") if piece)


def test_a_run_continuing_a_table_of_empty_rows_does_not_fail():
    """The Shanghai 决算 reader failure: ``min()`` of no column starts."""
    run = pdf_reader._Run(reference=[[], []])
    line = {"top": 10.0, "bottom": 20.0, "chars": [], "text": "合计"}
    assert run.offer(line, [(30.0, 60.0, "合计")]) is False


def test_glued_figures_are_reported():
    composer = pdf_reader.Composer()
    pdf_reader._glued_figures(["2024年 20242995.392023 合计 12.50"], composer)
    (note,) = composer.notes
    assert note["code"] == "glued-figures" and "20242995.392023" in note["message"]


def test_a_page_limit_still_stops_the_file():
    doc = load_bytes((FORMATS / "003.pdf").read_bytes(), "a.pdf", Limits(max_pages=2))
    assert doc.document["status"] == "failed" and doc.issues[0]["code"] == "too-many-pages"
