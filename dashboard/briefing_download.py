"""下载简报 on the 部门 page: the same Word document as ``budget-audit brief``, built on click."""

from __future__ import annotations

import streamlit as st

from briefing import build_docx
from briefing.review_source import reviewed_inputs
from dashboard.data import AppData
from loaders.workspace import workspace_dir

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_name(department: str, year: int) -> str:
    return f"{department}{year}年度审核简报.docx"


def briefing_bytes(data: AppData, department: str, year: int) -> bytes:
    """The document ``budget-audit brief`` writes for the same files, with the stored decisions."""
    inputs = reviewed_inputs(data.corpus, data.run, None, workspace_dir())  # serve --db: env
    return build_docx(inputs, department, year)


def briefing_button(data: AppData, department: str, year: int | None) -> None:
    """A download button whose bytes are built only when it is clicked (no rerun of the page)."""
    if year is None:
        return
    st.download_button(
        "下载简报",
        data=lambda: briefing_bytes(data, department, year),
        file_name=file_name(department, year),
        mime=DOCX_MIME,
        on_click="ignore",
        icon=":material/description:",
        help="Word 文档：部门与年度、读入的文件、总体情况、每条疑点的数字、原文、检查依据和审核状态、解析问题",
        key="briefing",
    )
