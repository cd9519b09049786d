"""Page state in the URL: read and validate on load, write when a control changes.

Anything from the URL is untrusted: values are checked against what exists,
and an unknown value falls back to the default with a visible note.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from dashboard import plain


def read_choice(key: str, allowed: list[str], default: str | None = None) -> str | None:
    value = st.query_params.get(key)
    if value is None:
        return default
    if value in allowed:
        return value
    st.warning(
        f"链接中的参数 {plain.md(key)} 的值“{plain.md(value[:40])}”无效，已改用默认值。",
        icon=":material/warning:",
    )
    del st.query_params[key]
    return default


def read_many(key: str, allowed: list[str]) -> list[str]:
    values = st.query_params.get_all(key)
    good = [v for v in values if v in allowed]
    if len(good) != len(values):
        bad = "、".join(f"“{plain.md(v[:40])}”" for v in values if v not in allowed)
        st.warning(
            f"链接中的参数 {plain.md(key)} 含无效值 {bad}，已忽略。", icon=":material/warning:"
        )
        write(key, good)
    return good


def read_text(key: str, max_len: int = 100) -> str:
    return (st.query_params.get(key) or "")[:max_len]


def write(key: str, value) -> None:
    """Set or clear one URL parameter (lists become repeated keys)."""
    if value in (None, "", [], ()):
        if key in st.query_params:
            del st.query_params[key]
    elif isinstance(value, (list, tuple)):
        st.query_params[key] = [str(v) for v in value]
    else:
        st.query_params[key] = str(value)


def current_link(page_path: str) -> str:
    """The link that reopens this view: origin + page + current parameters."""
    base = ""
    try:
        url = st.context.url or ""
        if "://" in url:
            scheme, rest = url.split("://", 1)
            base = f"{scheme}://{rest.split('/', 1)[0]}"
    except Exception:  # no browser context (tests)
        base = ""
    params = []
    for key in st.query_params:
        for value in st.query_params.get_all(key):
            params.append((key, value))
    query = f"?{urlencode(params)}" if params else ""
    return f"{base}/{page_path}{query}"


def link_box(page_path: str) -> None:
    with st.popover("复制链接"):
        st.caption("复制下面的链接，在会议中打开即可看到同样的视图：")
        st.code(current_link(page_path), language=None)
