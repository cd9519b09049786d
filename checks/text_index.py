"""The sentences of a report's prose, each with its line and the section it sits in.

Explanations of a deviation are found by sentence, by section and by parent item; this
index gives every prose sentence its first source line, the heading it falls under and the
chain of enclosing headings. Headings are recognised as the ``prose_figures`` stage does
(the same numbering levels, a numbered line stating a total is no heading), so a section
here is a section there. Tables are left out. A document is indexed the first time a check
asks for it, once per corpus (:mod:`checks.memo`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from checks.memo import memo
from loaders.blocks import Paragraph, text_to_blocks
from loaders.prose_figures import is_heading, marker_level

_SENTENCE = re.compile(r"[^。；！？!?;]*[。；！？!?;]?")
_BLANKS = re.compile(r"[\s\u3000]+")
_NUMBERED = re.compile(r"[\s\u3000]*[（(第一二三四五六七八九十\d①-⑳]")


@dataclass(frozen=True)
class Sentence:
    line: int  # source line where the sentence starts
    text: str  # without blanks (as prose_figures reads it)
    paragraph: int  # running number of its paragraph in the document
    headings: tuple[tuple[int, str], ...]  # enclosing headings (line, text), outermost first

    @property
    def section(self) -> str:
        return self.headings[-1][1] if self.headings else ""

    @property
    def section_line(self) -> int:
        return self.headings[-1][0] if self.headings else 0


def document_sentences(lines: list[str]) -> list[Sentence]:
    out: list[Sentence] = []
    stack: list[tuple[int, int, str]] = []  # (level, line, text)
    for number, block in enumerate(text_to_blocks("\n".join(lines))):
        if not isinstance(block, Paragraph):
            continue
        compact = _BLANKS.sub("", block.text)
        level = marker_level(compact)
        if level is not None and is_heading(compact):
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, block.line, compact))
            continue
        headings = tuple((line, text) for _, line, text in stack)
        for m in _SENTENCE.finditer(block.text):
            text = _BLANKS.sub("", m.group(0))
            if text:
                out.append(Sentence(block.line_at(m.start()), text, number, headings))
    return out


def headings_by_line(lines: list[str]) -> list[tuple[tuple[int, str], ...]]:
    """For every line (index 0 = line 1), the numbered headings it falls under. A cheap scan of
    short lines, for callers that need sections but not sentences."""
    out = []
    stack: list[tuple[int, int, str]] = []
    current: tuple[tuple[int, str], ...] = ()
    for number, raw in enumerate(lines, start=1):
        if "\t" not in raw and len(raw) < 60 and _NUMBERED.match(raw):
            compact = _BLANKS.sub("", raw)
            level = marker_level(compact) if compact else None
            if level is not None and is_heading(compact):
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, number, compact))
                current = tuple((line, text) for _, line, text in stack)
        out.append(current)
    return out


class Sentences(Mapping):
    """doc_id → its prose sentences, indexed on first use."""

    def __init__(self, texts: dict[str, list[str]]):
        self._texts = texts
        self._built: dict[str, list[Sentence]] = {}

    def __getitem__(self, doc_id: str) -> list[Sentence]:
        if doc_id not in self._built:
            self._built[doc_id] = document_sentences(self._texts[doc_id])
        return self._built[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def sentences(corpus) -> Sentences:
    """doc_id → its prose sentences in reading order (built lazily, once per corpus)."""
    return memo(corpus, "sentences", lambda: Sentences(corpus.texts))


def sentences_at(corpus, doc_id: str, line: int | None) -> list[Sentence]:
    """The sentences starting on ``line``, else the one running over it (a wrapped paragraph)."""
    if line is None:
        return []
    before: list[Sentence] = []
    same: list[Sentence] = []
    for s in sentences(corpus).get(doc_id, []):
        if s.line == line:
            same.append(s)
        elif s.line < line:
            before = [s]
        else:
            break
    return same or before
