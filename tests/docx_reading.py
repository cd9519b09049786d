"""Read a generated .docx back with python-docx, the way a reader meets it: in body order."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


@dataclass
class Finding:
    heading: str
    facts: dict[str, str]
    quote: list[str]


def open_docx(source: bytes | Path):
    data = source.read_bytes() if isinstance(source, Path) else source
    return Document(io.BytesIO(data))


def blocks(document) -> list[Paragraph | Table]:
    """Paragraphs and tables of the body in document order."""
    return list(document.iter_inner_content())


def text_lines(document) -> list[str]:
    """Every paragraph and every table cell's text, in order: what two documents compare on."""
    out = []
    for block in blocks(document):
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend(cell.text for row in block.rows for cell in row.cells)
    return out


def headings(document, level: int) -> list[str]:
    return [
        b.text
        for b in blocks(document)
        if isinstance(b, Paragraph) and b.style.name == f"Heading {level}"
    ]


def section(document, title: str) -> list[Paragraph | Table]:
    """The blocks after the level-1 heading ``title`` up to the next level-1 heading."""
    out, inside = [], False
    for block in blocks(document):
        if isinstance(block, Paragraph) and block.style.name == "Heading 1":
            inside = block.text == title
            continue
        if inside:
            out.append(block)
    return out


def pairs(table: Table) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


def findings(document) -> list[Finding]:
    """Each finding of 三、问题明细: its heading, its label/value table, its quoted lines."""
    out: list[Finding] = []
    for block in section(document, "三、问题明细"):
        if isinstance(block, Paragraph) and block.style.name == "Heading 2":
            out.append(Finding(block.text, {}, []))
        elif isinstance(block, Table) and out:
            if not out[-1].facts:
                out[-1].facts = pairs(block)
            else:
                out[-1].quote = [p.text for p in block.rows[0].cells[0].paragraphs]
    return out


def tables(blocks_: list) -> list[Table]:
    return [b for b in blocks_ if isinstance(b, Table)]
