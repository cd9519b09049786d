"""Damaged, locked, oversized and slow files fail alone, with a message naming the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders.limits import Limits
from loaders.pipeline import load_bytes, load_paths

FORMATS = Path(__file__).parent / "fixtures" / "formats"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def locked_pdf() -> bytes:
    """A minimal PDF behind the standard security handler, with an unknown user password."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R " % (len(objects) + 1)
    out += b"/ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">] >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _half(name: str) -> bytes:
    data = (FORMATS / name).read_bytes()
    return data[: len(data) // 2]


CASES = {
    "locked.pdf": (locked_pdf, "encrypted", "加密"),
    "truncated.pdf": (lambda: _half("003.pdf"), "damaged-file", "损坏"),
    "truncated.docx": (lambda: _half("003.docx"), "damaged-file", "损坏"),
    "truncated.xlsx": (lambda: _half("003.xlsx"), "damaged-file", "损坏"),
    "locked.docx": (lambda: OLE, "encrypted", "加密"),
    "locked.xlsx": (lambda: OLE, "encrypted", "加密"),
    "old.doc": (lambda: OLE, "unsupported-format", ".doc"),
    "garbage.html": (lambda: b"<html><body>\x00\xff\xfe" * 50, "binary-file", "二进制"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_fails_with_its_reason(name):
    make, code, words = CASES[name]
    doc = load_bytes(make(), name)
    assert doc.document["status"] == "failed"
    assert doc.issues[0]["code"] == code
    assert words in doc.document["message"]


def test_zip_bomb_is_refused_before_inflating():
    data = (FORMATS / "003.docx").read_bytes()
    doc = load_bytes(data, "bomb.docx", Limits(max_unzipped_bytes=10_000))
    assert doc.issues[0]["code"] == "zip-too-large"
    assert "压缩炸弹" in doc.document["message"]


@pytest.mark.parametrize(
    ("limits", "code", "words"),
    [
        (Limits(max_pages=3), "too-many-pages", "15 页"),
        (Limits(max_bytes=1000), "too-large", "超过大小上限"),
        (Limits(max_seconds=0), "too-slow", "时间上限"),
    ],
)
def test_limits_stop_a_file(limits, code, words):
    doc = load_bytes((FORMATS / "003.pdf").read_bytes(), "report.pdf", limits)
    assert doc.issues[0]["code"] == code
    assert words in doc.document["message"]


def test_limits_read_from_environment(monkeypatch):
    monkeypatch.setenv("BUDGET_AUDIT_LIMITS_MAX_PAGES", "7")
    monkeypatch.setenv("BUDGET_AUDIT_LIMITS_MAX_SECONDS", "2.5")
    limits = Limits.from_env()
    assert (limits.max_pages, limits.max_seconds) == (7, 2.5)


def test_a_mixed_folder_loads_every_good_file(tmp_path):
    for name in ("002.docx", "003.pdf", "002.html", "002.xlsx"):
        shutil.copy(FORMATS / name, tmp_path / name)
    for name, (make, _, _) in CASES.items():
        (tmp_path / name).write_bytes(make())
    corpus = load_paths([tmp_path])
    docs = {r["source_file"]: r for r in corpus.documents.iter_rows(named=True)}
    assert {n for n, r in docs.items() if r["status"] == "failed"} == set(CASES)
    good = {n: r for n, r in docs.items() if r["status"] != "failed"}
    assert {r["format"] for r in good.values()} == {"docx", "pdf", "html", "xlsx"}
    assert corpus.budget_lines.filter(corpus.budget_lines["source_file"] == "003.pdf").height == 26
    assert corpus.accounts.filter(corpus.accounts["source_file"] == "003.pdf").height == 192
