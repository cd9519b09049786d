"""The briefing printed: LibreOffice converts it to PDF (skipped where ``soffice`` is missing).

Debian: ``apt-get install -y --no-install-recommends libreoffice-writer-nogui``. LibreOffice
asks fontconfig for 仿宋 / 宋体 / 黑体; ``briefing/fonts.conf`` maps them to Noto CJK SC, and
the test checks the PDF uses those fonts. Page 1 is rendered to
``artifacts/screenshots/briefing.png`` (copied by hand to docs/screenshots for the README).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pdfplumber
import pypdfium2
import pytest
from conftest import ROOT

from briefing import BriefingInputs, build_docx
from checks.engine import run_checks

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
DEPARTMENT = "长沙市工业和信息化局"


def _to_pdf(docx, folder):
    """``soffice --convert-to pdf`` with its own profile and the briefing's font aliases."""
    fonts = folder / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f'<include ignore_missing="no">{ROOT / "briefing" / "fonts.conf"}</include>'
        "</fontconfig>"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": str(folder)}
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    return docx.with_suffix(".pdf")


def test_libreoffice_prints_the_briefing(corpus, tmp_path):
    run = run_checks(corpus)
    docx = tmp_path / "briefing.docx"
    docx.write_bytes(build_docx(BriefingInputs(corpus, run.flags), DEPARTMENT, 2022))
    pdf = _to_pdf(docx, tmp_path)
    with pdfplumber.open(pdf) as document:
        pages = document.pages
        assert len(pages) > 3
        first = pages[0].extract_text()
        width, height = pages[0].width, pages[0].height
        fonts = {
            c["fontname"].split("+")[-1]
            for p in pages[:3]
            for c in p.chars
            if ord(c["text"]) > 0x3000
        }
        whole = "".join(p.extract_text() for p in pages).replace(" ", "")
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4
    for text in (
        DEPARTMENT,
        "2022年度预算绩效审核简报",
        "一、基本情况",
        "85,578.49 万元",
        "84.57%",
    ):
        assert text.replace(" ", "") in first.replace(" ", ""), text
    assert f"第 1 页，共 {len(pages)} 页".replace(" ", "") in first.replace(" ", "")
    assert whole.index("三、问题明细") < whole.index("附录：解析问题")
    # 仿宋 / 宋体 came out as Noto Serif CJK, 黑体 headings as Noto Sans CJK (briefing/fonts.conf)
    assert any(f.startswith("NotoSerifCJK") for f in fonts), fonts
    assert any(f.startswith("NotoSansCJK") for f in fonts), fonts

    shots = ROOT / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page = pypdfium2.PdfDocument(str(pdf))[0]
    page.render(scale=110 / 72).to_pil().save(shots / "briefing.png")
