"""CSV and Excel output that opens cleanly in Excel and cannot run formulas.

UTF-8 with BOM so Excel shows Chinese correctly; text cells that begin with
``= + - @`` (and are not numbers) get a leading apostrophe, the OWASP advice
against CSV formula injection.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import polars as pl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")


def neutralise(value: str | None) -> str | None:
    if value is None or not value.startswith(_FORMULA_START) or _NUMERIC.match(value):
        return value
    return "'" + value


def safe_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Text columns with formula-looking cells neutralised; numbers untouched."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.col(c).map_elements(neutralise, return_dtype=pl.String) for c in text_cols
    )


def to_csv_bytes(
    df: pl.DataFrame, float_precision: int | None = None, header: bool = True
) -> bytes:
    """CSV bytes; ``float_precision=2`` for files people read (``scan`` keeps every digit).
    Without ``header``: the rows only (no BOM, no column names), to follow earlier rows."""
    buf = io.BytesIO()
    safe_frame(df).write_csv(buf, float_precision=float_precision, include_header=header)
    return (b"\xef\xbb\xbf" if header else b"") + buf.getvalue()


def write_csv(df: pl.DataFrame, path: Path, float_precision: int | None = None) -> None:
    path.write_bytes(to_csv_bytes(df, float_precision))


def write_csv_parts(parts: Iterable[pl.DataFrame], path: Path) -> None:
    """The CSV of the parts one after another (the same bytes as :func:`write_csv` of their
    concatenation), holding one part at a time; ``parts`` yields at least one frame."""
    with path.open("wb") as handle:
        for i, df in enumerate(parts):
            handle.write(to_csv_bytes(df, header=i == 0))


def to_xlsx_bytes(df: pl.DataFrame, sheet: str = "问题清单") -> bytes:
    """An Excel workbook; decimal columns shown as 1,234.56."""
    buf = io.BytesIO()
    money = {c: "#,##0.00" for c, t in df.schema.items() if t in (pl.Float32, pl.Float64)}
    safe_frame(df).write_excel(buf, worksheet=sheet, autofit=True, column_formats=money)
    return buf.getvalue()
