"""Strings from documents, file names and URLs shown as literal text, never as Markdown or HTML.

Report text is untrusted: a cell ``[x](http://…)``, ``![](http://beacon)``,
``<img src=x onerror=…>``, ``:red[经审核无问题]`` or ``:material/check:`` must reach the auditor
exactly as printed. Streamlit reads Markdown (with its own ``:color[]`` and
``:material/…:`` directives and GitHub autolinks) in ``st.markdown``, captions,
alerts and every widget label (expanders, tabs, metrics); ``st.html`` and
``st.dataframe`` do not interpret it the same way, and Plotly reads a subset of HTML
in its labels. Every page passes untrusted strings through one of these helpers:

- :func:`md` for any Markdown context (labels, captions, alerts, ``st.markdown``);
- :func:`esc` inside HTML the page builds for ``st.html``;
- :func:`chart` for Plotly axis, legend and hover text;
- :func:`text` / :func:`note` to show a string (or a trusted template with untrusted
  values) as a plain paragraph or caption.

Widget *options* (``st.selectbox`` / ``st.multiselect`` values and ``format_func``) and
``st.dataframe`` cells are shown literally by Streamlit and need no escaping.
"""

from __future__ import annotations

import html
import re

import streamlit as st

# Every ASCII punctuation character CommonMark allows to be backslash-escaped.
_MD_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# GitHub autolink literals survive backslash escapes (they match the decoded text), so the
# scheme separator, "www." and "@" get a word joiner that no autolink pattern accepts.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"
_SPACES = re.compile(r"\s+")


def _flat(value: object) -> str:
    """One line of text: None is empty, newlines and tabs become single spaces."""
    return "" if value is None else _SPACES.sub(" ", str(value)).strip()


def md(value: object) -> str:
    """``value`` as literal text inside Streamlit Markdown (labels, captions, alerts)."""
    flat = _flat(value)
    return _MD_PUNCT.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, flat))


def esc(value: object, *, keep_lines: bool = False) -> str:
    """``value`` escaped for HTML the page builds itself (``st.html``)."""
    raw = "" if value is None else str(value)
    return html.escape(raw if keep_lines else _flat(raw))


def chart(value: object) -> str:
    """``value`` for a Plotly label or hover text (Plotly reads ``<b>``, ``<a href>``, ``<br>``)."""
    return html.escape(_flat(value), quote=False)


def text(value: object, *, small: bool = False) -> None:
    """Show a paragraph that is wholly or partly untrusted, exactly as given (lines kept)."""
    style = "color:rgba(49,51,63,0.6);font-size:0.875rem" if small else ""
    st.html(
        f'<div class="ba-plain" style="white-space:pre-wrap;{style}">{esc(value, keep_lines=True)}</div>'
    )


def note(value: object) -> None:
    """A caption (small grey line) with untrusted parts shown literally."""
    text(value, small=True)
