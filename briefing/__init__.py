"""The department briefing: one Word document with the findings, their evidence and decisions.

After a review meeting the auditor hands over a 审核简报 per department. This package builds
it from four small inputs (:mod:`briefing.inputs`): the corpus frames, the findings frame,
the checks' metadata and a decisions lookup. :mod:`briefing.content` turns them into plain
text and rows (every number formatted, nothing laid out); :mod:`briefing.render` lays that
out as a .docx (python-docx) on A4 with Chinese fonts (:mod:`briefing.page`).

It sits beside ``checks`` and ``loaders`` rather than in ``dashboard`` because the CLI builds
the same document without Streamlit; ``dashboard`` and ``cli`` both call :func:`build_docx`.
"""

from briefing.content import Briefing, assemble
from briefing.inputs import BriefingInputs, decisions_from, no_decisions
from briefing.render import to_docx


def build_docx(
    inputs: BriefingInputs, department: str, year: int, only: str | None = None
) -> bytes:
    """The briefing of one department and year as .docx bytes (``only``: confirmed / open)."""
    return to_docx(assemble(inputs, department, year, only))


__all__ = [
    "Briefing",
    "BriefingInputs",
    "assemble",
    "build_docx",
    "decisions_from",
    "no_decisions",
    "to_docx",
]
