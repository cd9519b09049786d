"""A long PDF read page-parallel gives the rows of the one-process reading, even when a helper dies."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from loaders.limits import Limits
from loaders.readers import pdf_pages
from loaders.readers.pdf import read_pdf

LONG = Path(__file__).parent / "fixtures" / "formats" / "003-word.pdf"  # 28 pages


def _read(data: bytes):
    return dataclasses.asdict(read_pdf(data, Limits(), Limits().deadline()))


@pytest.fixture(scope="module")
def alone() -> dict:
    return _read(LONG.read_bytes())


def test_page_workers_only_for_long_pdfs(monkeypatch):
    monkeypatch.delenv("BUDGET_AUDIT_PDF_WORKERS", raising=False)
    assert pdf_pages.page_workers(200) == 1
    monkeypatch.setenv("BUDGET_AUDIT_PDF_WORKERS", "2")
    assert pdf_pages.page_workers(pdf_pages.MIN_PAGES - 1) == 1
    assert pdf_pages.page_workers(53) == 2
    monkeypatch.setenv("BUDGET_AUDIT_PDF_WORKERS", "many")
    assert pdf_pages.page_workers(200) == 1


def test_ranges_cover_every_page_once_in_order():
    for pages, workers in [(24, 2), (53, 2), (53, 3), (300, 4)]:
        ranges = pdf_pages._ranges(pages, workers)
        assert [k for r in ranges for k in r] == list(range(pages))
        assert len(ranges) == workers and all(ranges)


def test_page_parallel_reading_gives_the_same_rows(monkeypatch, alone):
    monkeypatch.setenv("BUDGET_AUDIT_PDF_WORKERS", "2")
    started = []
    real = pdf_pages._Helper.__init__

    def counted(self, *args):
        started.append(args[1])
        real(self, *args)

    monkeypatch.setattr(pdf_pages._Helper, "__init__", counted)
    assert _read(LONG.read_bytes()) == alone
    assert started == [range(14, 28)]


def test_a_helper_that_dies_costs_nothing(monkeypatch, alone):
    monkeypatch.setenv("BUDGET_AUDIT_PDF_WORKERS", "2")
    monkeypatch.setattr(pdf_pages.sys, "executable", "/bin/false")
    assert _read(LONG.read_bytes()) == alone
