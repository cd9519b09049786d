"""A4 page, Chinese fonts and the styles the briefing uses: what makes it print well.

Chinese offices read Word documents with 仿宋 / 宋体 / 黑体 installed; a Linux desktop or
server usually has only Noto CJK. Every run names its East-Asian font in ``w:eastAsia``
(the attribute Word and LibreOffice read for Han characters; ``font.name`` alone sets only
the Latin slots), the styles drop the template's theme fonts (a theme attribute would win
over the named font), and the font table lists the Noto font as each one's ``w:altName``,
the substitute ECMA-376 names for a font that is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

LATIN = "Times New Roman"
# GB/T 9704-2012 (党政机关公文格式) margins: the page Chinese offices print and file
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156


@dataclass(frozen=True)
class CjkFont:
    name: str  # what Chinese Word installations have
    fallback: str  # the installed CJK font of Debian's fonts-noto-cjk
    panose: str
    family: str


FANGSONG = CjkFont("仿宋", "Noto Serif CJK SC", "02010609060101010101", "modern")
SONGTI = CjkFont("宋体", "Noto Serif CJK SC", "02010600030101010101", "auto")
HEITI = CjkFont("黑体", "Noto Sans CJK SC", "02010609060101010101", "modern")

BODY_FONT, TABLE_FONT, HEADING_FONT = FANGSONG, SONGTI, HEITI
BODY_PT, TABLE_PT, QUOTE_PT, FOOTER_PT = 12, 10.5, 9, 9
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr, font: CjkFont) -> None:
    """Name ``font`` for Han characters and Times New Roman for Latin, theme fonts removed."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:eastAsia"), font.name)
    fonts.set(qn("w:hint"), "eastAsia")


def run_fonts(run, font: CjkFont) -> None:
    set_fonts(run._r.get_or_add_rPr(), font)


def set_up(document: Document) -> None:
    """A4 portrait with official margins, Chinese styles, page numbers in the footer."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    _defaults(document)
    _styles(document)
    _font_table(document)
    _page_numbers(section.footer.paragraphs[0])


def _defaults(document: Document) -> None:
    """Document defaults: Chinese fonts and zh-CN as the East-Asian language of every run."""
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(document: Document, name: str, font: CjkFont, size: float, bold: bool = False):
    style = document.styles[name]
    set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    return style


def _styles(document: Document) -> None:
    normal = _style(document, "Normal", BODY_FONT, BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    title = _style(document, "Title", SONGTI, 22, bold=True)
    border = title.element.pPr.find(qn("w:pBdr"))
    if border is not None:
        title.element.pPr.remove(border)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    for name, size in (("Heading 1", 16), ("Heading 2", 12)):
        heading = _style(document, name, HEADING_FONT, size, bold=False)
        heading.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 10)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True


def _font_table(document: Document) -> None:
    """Declare the Chinese fonts with their Noto substitutes (``w:altName``)."""
    part = next(
        (rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE),
        None,
    )
    if part is None:
        return
    fonts = parse_xml(part.blob)
    for font in (FANGSONG, SONGTI, HEITI):
        fonts.append(
            parse_xml(
                f'<w:font xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
                f' w:name="{font.name}"><w:altName w:val="{font.fallback}"/>'
                f'<w:panose1 w:val="{font.panose}"/><w:charset w:val="86"/>'
                f'<w:family w:val="{font.family}"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    # python-docx keeps the font table as a plain part (bytes, no XML object): replace its bytes
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) whose value the reader computes when laying out pages."""
    run = paragraph.add_run()
    run_fonts(run, SONGTI)
    run.font.size = Pt(FOOTER_PT)
    for kind, text in (
        ("begin", None),
        (None, instruction),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _page_numbers(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页，共 ", "NUMPAGES"), (" 页", None)):
        run = paragraph.add_run(text)
        run_fonts(run, SONGTI)
        run.font.size = Pt(FOOTER_PT)
        if field:
            _field(paragraph, field)
