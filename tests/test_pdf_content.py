"""The fast content reader gives pdfminer's own objects, or steps aside for pdfminer."""

from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdftypes import PDFStream, list_value, stream_value
from pdfminer.psparser import PSEOF, PSKeyword, PSLiteral

from loaders.readers.pdf_content import ContentInterpreter, content_objects, interpret

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted(FIXTURES.rglob("*.pdf"))


def _typed(obj):
    """Objects compared with their types; keywords and names by identity (they are interned)."""
    if isinstance(obj, list):
        return ("list", [_typed(o) for o in obj])
    if isinstance(obj, dict):
        return ("dict", [(k, _typed(v)) for k, v in obj.items()])
    if isinstance(obj, PSKeyword | PSLiteral):
        return (type(obj).__name__, id(obj))
    return (type(obj).__name__, obj)


def _pdfminer(streams) -> list:
    try:
        parser = PDFContentParser(streams)
    except PSEOF:
        return []
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


def _streams(*datas: bytes) -> list[PDFStream]:
    return [PDFStream({}, data) for data in datas]


@pytest.mark.parametrize(
    "content",
    [
        b"BT /F1 12 Tf 1 0 0 -1 72.5 -.5 Tm <0012> Tj ET",
        b"[(Hello) -250 (W\\(or\\)ld) 3.] TJ (a(b)c) Tj (\\101\\12\\0012) Tj",
        b"(tab\\tnew\\nline\\\ncontinued \\q) Tj (\\1777) '",
        b"/Span<</ActualText <FEFF5DE5> /MCID 3>> BDC EMC /P <</A [1 2 /B] /C <</D true>>>> BDC",
        b"<4 1 4>Tj <41424>Tj < > Tj 5. 0.25 +3 -0 .5 -.5 1.2.3 Td",
        b"% a comment\n1 0 0 RG\x00 0 g q Q w\x00 T* ' \"",
        b"/F\xe4 1 Tf /\xe4\xb8\xad 2 Tf null 12Tj3",
        b"",
    ],
)
def test_the_grammar_it_reads_gives_pdfminers_objects(content):
    ours = content_objects(_streams(content))
    assert ours is not None
    assert _typed(ours) == _typed(_pdfminer(_streams(content)))


def test_tokens_end_where_a_stream_ends():
    parts = (b"BT /F1 12", b" Tf 1 0 0 1 0 0 Tm (a) Tj", b"ET [1 2", b" 3] TJ /N", b"ame 1 Tf")
    assert _typed(content_objects(_streams(*parts))) == _typed(_pdfminer(_streams(*parts)))


@pytest.mark.parametrize(
    "parts",
    [
        (b"BI /W 1 /H 1 /BPC 8 ID \x00\xff EI",),  # inline image data
        (b"/A#20B 1 Tf",),  # an escaped name
        (b"<4142>> Tj",),  # a hex string closed by a dict end
        (b"<< /A >> BDC",),  # an odd dictionary
        (b"] Tj",),  # a stray array end
        (b"(broken\\\r\n) Tj",),  # pdfminer's \r\n skip depends on its buffer boundaries
        (b"(\\777) Tj",),  # an octal escape past 255: pdfminer fails an assertion
        (b"(cut ", b"here) Tj"),  # a string a stream break cuts
        (b"<41", b"42> Tj"),  # a hex string a stream break cuts
        (b"{ 1 } Tj",),
        (b"- 1 Tj",),  # a sign alone
        (b"[1 2",),  # an array never closed
    ],
)
def test_anything_else_is_left_to_pdfminer(parts):
    assert content_objects(_streams(*parts)) is None


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_every_fixture_page_gives_pdfminers_objects(pdf):
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            streams = [
                s
                for s in map(stream_value, list_value(page.page_obj.contents))
                if s.objid is not None
            ]
            ours = content_objects(streams)
            assert ours is not None, f"{pdf.name} page {page.page_number} fell back"
            assert _typed(ours) == _typed(_pdfminer(streams)), f"page {page.page_number}"


@pytest.mark.parametrize(
    "name", ["formats/002.pdf", "formats/003-word.pdf", "real/js-npc-2018-budget.pdf"]
)
def test_interpreted_pages_hand_out_pdfplumbers_objects(name):
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(FIXTURES / name) as document:
        for page in document.pages:
            theirs = page.objects
            page.flush_cache()
            interpret(page)
            assert page.objects == theirs


class _Recorder(PDFDevice):
    """Every path and image the interpreter draws, as plain data."""

    def __init__(self, rsrcmgr):
        super().__init__(rsrcmgr)
        self.drawn = []

    def paint_path(self, graphicstate, stroke, fill, evenodd, path):
        self.drawn.append(("path", stroke, fill, evenodd, path, self.ctm))

    def render_image(self, name, stream):  # an inline image's name is its id(): left out
        self.drawn.append(("image", stream.get_data(), self.ctm))


def _drawn(interpreter_class, content: bytes) -> list:
    rsrcmgr = PDFResourceManager()
    device = _Recorder(rsrcmgr)
    interpreter = interpreter_class(rsrcmgr, device)
    interpreter.init_resources({})
    interpreter.init_state((1, 0, 0, 1, 0, 0))
    stream = PDFStream({}, content)
    stream.set_objid(7, 0)
    interpreter.execute([stream])
    return device.drawn


@pytest.mark.parametrize(
    "content",
    [
        b"q 2 0 0 2 5 5 cm 0 0 10 10 re f Q 1 2 m 3 4 l S 9 9 9 re",  # read here
        b"q 2 0 0 2 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q 0 0 1 1 re f",  # by pdfminer
    ],
)
def test_the_interpreter_draws_what_pdfminers_draws(content):
    assert _drawn(ContentInterpreter, content) == _drawn(PDFPageInterpreter, content)
