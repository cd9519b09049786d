"""Streamlit's own English hidden or replaced by Chinese, with CSS only (no script in the page).

Streamlit has no Chinese option for some of its chrome: the file uploader's "Upload" button and
"200MB per file" line, the "Running…" / "Stop" status, the table toolbar ("Download as CSV",
"Search"). The toolbar and status are hidden (``client.toolbarMode = "minimal"``), a Chinese
running note is drawn from the app's own ``data-test-script-state`` attribute, and the uploader
texts are replaced. Widgets that take a placeholder get a Chinese one where they are created.
"""

from __future__ import annotations

import streamlit as st

SELECT_PLACEHOLDER = "全部"  # an empty multiselect filter means "all"
CHOOSE_PLACEHOLDER = "请选择"

_CSS = """
<style>
/* the keyboard "Skip to main content" link has no Chinese text */
[data-testid="stSkipToContent"] { display: none !important; }
/* table toolbar: English tooltips (Download as CSV, Search, Fullscreen); our downloads are Chinese */
[data-testid="stElementToolbar"] { display: none !important; }
/* file uploader: "Upload" and "200MB per file • TXT, …" replaced */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] { display: none; }
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after { content: "选择文件"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "或把文件拖到这里（可多选）"; font-size: 0.875rem; color: rgba(49, 51, 63, 0.6);
}
/* Streamlit's "Running… Stop" status is hidden with the toolbar: say it in Chinese */
[data-testid="stApp"][data-test-script-state="running"]::after {
  content: "正在计算…"; position: fixed; top: 0.6rem; right: 1rem; z-index: 999990;
  padding: 0.15rem 0.6rem; border-radius: 0.5rem; font-size: 0.85rem;
  background: #fff3cd; color: #664d03; border: 1px solid #ffe69c;
}
/* metric tiles: the whole figure, never "92,41…" */
[data-testid="stMetricValue"] > div { overflow: visible; text-overflow: clip; white-space: normal; }
[data-testid="stMetricValue"] { font-size: 1.75rem; }
</style>
"""


def apply() -> None:
    """Add the style once per run (a style-only ``st.html`` takes no space on the page)."""
    st.html(_CSS)
