"""Planting one named error in a real disclosure at the reader's output stage.

A PDF is read once into its displayed lines and blocks (paragraphs and cell grids); a plant is
a copy with one cell or one piece of a sentence replaced, then recognised by the same pipeline
stage that reads every file (`rendered_to_doc`). Nothing is written to disk and the edit is
deterministic, so a check's test can say "this error, at this line, and nothing else".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from loaders.blocks import Grid, Paragraph
from loaders.limits import Limits
from loaders.model import Corpus, LoadedDoc
from loaders.pipeline import doc_id_of, rendered_to_doc, text_to_doc
from loaders.readers import read

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_003 = ROOT / "data" / "samples" / "003_d00643376496db49.txt"


def shared_real() -> Path | None:
    """`shared/real` beside the repository (a worktree, main, or CI's fresh clone)."""
    for base in (ROOT.parent, ROOT.parent.parent, Path("/work")):
        path = base / "shared" / "real"
        if path.is_dir():
            return path
    return None


@dataclass
class Source:
    """A real document read once: its name, bytes' id and rendered lines and blocks."""

    name: str
    doc_id: str
    rendered: object  # loaders.readers.compose.Rendered


def read_source(path: Path, name: str) -> Source:
    data = path.read_bytes()
    rendered = read(data, name, Limits())
    assert rendered is not None, f"{name} is not a PDF"
    return Source(name, doc_id_of(data), rendered)


def recognise(source: Source, *edits: tuple) -> tuple[LoadedDoc, list[int]]:
    """The document with each edit applied, recognised, and the lines the edits are on. An edit
    is (old, new): ``old`` occurs once in the document; or (old, new, line): the first (leftmost)
    occurrence on that displayed line."""
    rendered = copy.deepcopy(source.rendered)
    lines = [_replace(rendered, *edit) for edit in edits]
    name = source.name.replace(".pdf", "-planted.pdf")
    return rendered_to_doc(rendered, name, source.doc_id + "p"), lines


def _replace(rendered, old: str, new: str, line: int | None = None) -> int:
    places = []
    for block in rendered.blocks:
        if isinstance(block, Paragraph) and old in block.text:
            places += [block] * block.text.count(old)
        elif isinstance(block, Grid):
            places += [c for r in block.rows for c in r.cells if old in c.text]
    if line is not None:
        places = [p for p in places if _line_of(p, old) == line][:1]
    assert len(places) == 1, f"{old!r} is in {len(places)} places"
    target = places[0]
    if isinstance(target, Paragraph):
        at = target.text.index(old)
        target.text = target.text.replace(old, new)
        delta = len(new) - len(old)
        target.spans = [(s + delta if s > at else s, src) for s, src in target.spans]
        line = target.line_at(at)
    else:
        target.text = target.text.replace(old, new)
        line = target.line
    index = line - 1
    if 0 <= index < len(rendered.lines) and old in rendered.lines[index]:
        rendered.lines[index] = rendered.lines[index].replace(old, new, 1)
    return line


def _line_of(place, old: str) -> int:
    return place.line_at(place.text.index(old)) if isinstance(place, Paragraph) else place.line


def text_doc(text: str, name: str = "003_planted.txt") -> LoadedDoc:
    return text_to_doc(text, name, doc_id_of(text.encode()), "utf-8")


def sample_003() -> str:
    return SAMPLE_003.read_text(encoding="utf-8")


def planted_text(old: str, new: str, text: str | None = None) -> tuple[str, int]:
    """Sample 003 (or ``text``) with ``old`` (which occurs once) replaced; the line it is on."""
    text = sample_003() if text is None else text
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    start = text.index(old) + len(old) - len(old.lstrip("\n"))
    line = text[:start].count("\n") + 1
    return text.replace(old, new), line


def corpus_of(*docs: LoadedDoc) -> Corpus:
    return Corpus.from_docs(list(docs))
