"""A page that fails shows one short Chinese sentence; the details go to the server log only.

Streamlit's own error box names exception types, server paths and code
(``client.showErrorDetails`` is ``none`` in ``.streamlit/config.toml`` and in ``serve``); this
boundary catches what a page raises, logs it with its traceback, and tells the auditor what to
do. ``st.stop()`` and ``st.rerun()`` are not errors (they are ``BaseException``, not caught).
"""

from __future__ import annotations

import logging

import streamlit as st

LOG = logging.getLogger("budget_audit.dashboard")
if not LOG.handlers:  # Streamlit configures only its own loggers; ours go to the server's stderr
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.setLevel(logging.INFO)
MESSAGE = "这个页面出错了，已记录在服务器日志中。请刷新页面或返回总览；如果仍然出错，请联系管理员。"


def run_page(page) -> None:
    """Run one ``st.navigation`` page inside the boundary."""
    try:
        page.run()
    except Exception:
        LOG.exception("page %s failed", getattr(page, "url_path", "?") or "总览")
        st.error(MESSAGE, icon=":material/error:")
