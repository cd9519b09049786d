"""Every table on a page: Chinese headers, the one number format, codes named, nothing blank-English.

A page declares its columns once (name → :class:`Col`), and :func:`show` picks those columns,
names their codes in Chinese (:mod:`dashboard.labels`), formats amounts as ``1,234.56`` and shows
a missing value as an empty cell (Streamlit would print ``None``). Cells are drawn as literal
text by ``st.dataframe``, so strings from documents need no escaping here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.labels import labelled, labelled_list

MISSING = ""


@dataclass(frozen=True)
class Col:
    label: str
    kind: str = "text"  # text, amount, rate, count, year, score, link
    vocabulary: str | None = None  # codes named in Chinese (labels.VOCABULARIES)
    listed: bool = False  # a cell of several codes joined by 、
    pinned: bool = False
    width: str | int | None = None
    help: str | None = None
    link_text: str = "查看 →"


def _config(col: Col):
    cc = st.column_config
    common = dict(pinned=col.pinned or None, width=col.width, help=col.help)
    if col.kind == "amount":
        return cc.NumberColumn(col.label, format="localized", step=0.01, **common)
    if col.kind == "rate":
        return cc.NumberColumn(col.label, format="%.2f%%", **common)
    if col.kind == "count":
        return cc.NumberColumn(col.label, format="localized", step=1, **common)
    if col.kind == "year":
        return cc.NumberColumn(col.label, format="%d", **common)
    if col.kind == "score":
        return cc.NumberColumn(col.label, format="%.1f", **common)
    if col.kind == "link":
        return cc.LinkColumn(col.label, display_text=col.link_text, **common)
    return cc.TextColumn(col.label, **common)


def prepared(df: pl.DataFrame, columns: dict[str, Col]) -> pl.DataFrame:
    """The shown columns only, codes replaced by their Chinese names, amounts rounded to 2 decimals."""
    exprs = []
    for name, col in columns.items():
        if col.vocabulary and col.listed:
            exprs.append(labelled_list(name, col.vocabulary).alias(name))
        elif col.vocabulary:
            exprs.append(labelled(name, col.vocabulary).alias(name))
        elif col.kind in ("amount", "rate"):
            exprs.append(pl.col(name).cast(pl.Float64).round(2))
        else:
            exprs.append(pl.col(name))
    return df.select(exprs)


# Python formats matching the column types, for tables drawn through a pandas Styler
_STYLER_FORMATS = {
    "amount": "{:,.2f}",
    "rate": "{:.2f}%",
    "count": "{:,.0f}",
    "year": "{:.0f}",
    "score": "{:.1f}",
}


def _styled(frame: pl.DataFrame, columns: dict[str, Col], styles: dict):
    """A pandas Styler: cell colours from ``styles`` and the same formats as the column types.

    Streamlit shows a Styler's display strings, not the column formats, so without this the
    colours would bring back six decimals and no separators.
    """
    styler = frame.to_pandas().style.format(na_rep=MISSING)
    for name, col in columns.items():
        if col.kind in _STYLER_FORMATS:
            styler = styler.format(_STYLER_FORMATS[col.kind], subset=[name], na_rep=MISSING)
    for name, style in styles.items():
        styler = styler.map(style, subset=[name])
    return styler


def show(df: pl.DataFrame, columns: dict[str, Col], styles: dict | None = None, **kwargs):
    """``st.dataframe`` of ``columns`` (in that order) with Chinese headers and formats.

    ``styles`` maps a column to a function from a cell value to a CSS style (cell colours).
    """
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    frame = prepared(df, columns)
    return st.dataframe(
        _styled(frame, columns, styles) if styles else frame,
        column_config={name: _config(col) for name, col in columns.items()},
        placeholder=MISSING,
        **kwargs,
    )
