"""Excel attachments (.xlsx / .xls) through calamine (fastexcel): one block per sheet.

The sheet name and the title rows above the table (single-cell rows such as
``项目支出绩效自评表`` or ``单位：万元``) become paragraphs, so the table gets
the same title and unit context as in a text report. Calamine reports a merged
area's value in its top-left cell only, which is the shape every reader here
produces. Values come as the shortest text of the stored number: ``100.00``
typed as a number reads ``100``, so its rounding allowance is the coarser one.
"""

from __future__ import annotations

from loaders.limits import Deadline, Limits
from loaders.readers.compose import Composer, Rendered
from loaders.readers.errors import ReadError
from loaders.readers.office import open_package


def _rows(sheet) -> list[list[str]]:
    frame = sheet.to_polars()
    columns = [frame.get_column(c).to_list() for c in frame.columns]
    return [[(v or "").strip() for v in row] for row in zip(*columns, strict=True)]


def _filled(row: list[str]) -> int:
    return sum(1 for v in row if v)


def read_sheets(data: bytes, kind: str, limits: Limits, deadline: Deadline) -> Rendered:
    if kind == "xlsx":
        open_package(data, limits, "Excel")
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise ReadError("damaged-file", f"Excel 文件已损坏或已加密，无法读取：{exc}") from exc
    composer = Composer()
    for index, name in enumerate(names):
        deadline.check()
        try:
            sheet = reader.load_sheet(index, header_row=None, dtypes="string")
        except Exception as exc:
            composer.note("sheet-unreadable", sheet=name, detail=str(exc))
            continue
        rows = _rows(sheet)
        if not any(_filled(r) for r in rows):
            continue
        composer.paragraph(name, f"{name}")
        first = next((k for k, r in enumerate(rows) if _filled(r) >= 2), len(rows))
        last = max((k for k, r in enumerate(rows) if _filled(r) >= 2), default=-1)
        for k in range(first):
            if _filled(rows[k]):
                composer.paragraph(" ".join(v for v in rows[k] if v), f"{name}!A{k + 1}")
        if last >= first:
            body = range(first, last + 1)
            composer.table([rows[k] for k in body], [f"{name}!A{k + 1}" for k in body])
        for k in range(last + 1, len(rows)):
            if _filled(rows[k]):
                composer.paragraph(" ".join(v for v in rows[k] if v), f"{name}!A{k + 1}")
    return composer.render(kind, kind)
